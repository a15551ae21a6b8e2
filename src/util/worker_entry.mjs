// Worker-thread entry (plain JS, like bin/disentangle.js): registers tsx's loader in this thread,
// since a worker does not inherit the loader the CLI registered through the API, then runs one
// exported function of a TypeScript module on the data it was given and posts the result back.
import { parentPort, workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
const { moduleUrl, exportName, args } = workerData;
try {
  const mod = await import(moduleUrl);
  parentPort.postMessage({ ok: true, value: await mod[exportName](...args) });
} catch (error) {
  parentPort.postMessage({ ok: false, message: error instanceof Error ? error.message : String(error) });
}
