// Runs one exported function of one of our modules in a worker thread, so CPU-heavy work (DCI's
// boosted trees, rendering the next training batch) uses the second core while the main thread
// computes something else. Arguments and results cross by structured clone: typed arrays and
// plain objects only.
import { Worker } from 'node:worker_threads';

const ENTRY = new URL('./worker_entry.mjs', import.meta.url);

export function runInWorker<T>(moduleUrl: URL, exportName: string, args: unknown[]): Promise<T> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(ENTRY, { workerData: { moduleUrl: moduleUrl.href, exportName, args } });
    worker.once('message', (reply: { ok: true; value: T } | { ok: false; message: string }) => {
      if (reply.ok) resolve(reply.value);
      else reject(new Error(reply.message));
      void worker.terminate();
    });
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (code !== 0) reject(new Error(`worker for ${exportName} exited with code ${code}`));
    });
  });
}

/**
 * Starts a worker that runs `exportName` as a service: the function talks to this thread through
 * `parentPort` for as long as it runs. The worker posts `{ok: false, message}` if it throws, and
 * does not keep the process alive; terminate it when done.
 */
export function startWorkerService(moduleUrl: URL, exportName: string, args: unknown[]): Worker {
  const worker = new Worker(ENTRY, { workerData: { moduleUrl: moduleUrl.href, exportName, args } });
  worker.unref();
  return worker;
}
