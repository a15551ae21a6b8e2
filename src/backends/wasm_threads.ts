// Loads tfjs-backend-wasm's multithreaded build (threaded SIMD) in Node, which the package itself
// cannot do (4.22; measured: the XNNPACK ops run 1.1-1.5x faster on 2 threads, training ~1.3x):
//  1. The flag WASM_HAS_MULTITHREAD_SUPPORT is hard-wired to false in Node (tfjs issue #3830).
//  2. Forcing it makes init() hand emscripten a `blob:` URL for the pthread worker script and a
//     Blob as the main script; Node's worker_threads.Worker accepts only file paths (and file:/
//     data: URLs), and the emscripten worker loads the main script with fs.readFileSync, so
//     setBackend fails with ERR_WORKER_PATH. No public option (setWasmPaths moves only the .wasm).
// What works, with the package's shipped files: run its emscripten factory
// (wasm-out/tfjs-backend-wasm-threaded-simd.js) ourselves, with the worker script written to a
// real file and the factory's own path as the main script, and wrap the module in the exported
// BackendWasm class. All kernels registered for 'wasm' (the package's and ours) apply unchanged.
//  3. The C++ side caps the XNNPACK pool at emscripten_num_logical_cores() / 2 (it assumes two
//     hyper-threads per core), evaluated once in a static initialiser; in Node that is
//     require('os').cpus().length, so a 2-vCPU machine gets ONE thread whatever setThreadsCount
//     says. The only lever from outside is what os.cpus() reports while the module instantiates,
//     so it is widened for exactly that call.
//  4. Emscripten keeps a worker referenced while a pthread runs on it, and XNNPACK's pool threads
//     run for the module's lifetime, so the process would never exit by itself. Disposing the
//     backend (BackendWasm.dispose) terminates the workers; as a safety net for programs that
//     forget to, the pool's workers are also unreferenced: XNNPACK's main thread takes part in and
//     waits for every parallel op, so no work is ever pending on them when the event loop empties.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createRequire } from 'node:module';
import { BackendWasm, setThreadsCount } from '@tensorflow/tfjs-backend-wasm';

const require = createRequire(import.meta.url);

type WasmModule = ConstructorParameters<typeof BackendWasm>[0];

interface PThreads {
  runningWorkers: Array<{ unref(): void }>;
  terminateAllThreads(): void;
}

interface EmscriptenFactoryConfig {
  locateFile: (file: string, prefix: string) => string;
  mainScriptUrlOrBlob: string;
  /** Set on the config object by the factory as soon as it has started the worker pool. */
  PThread?: PThreads;
}

type EmscriptenFactory = (config: EmscriptenFactoryConfig) => Promise<WasmModule & {
  cwrap: (name: string, returnType: string | null, argTypes: string[]) => unknown;
}>;

/** Emscripten waits for every pool worker to load the module; a broken setup would hang forever. */
const LOAD_TIMEOUT_MS = 60_000;

interface PackageFiles { factory: string; wasm: string; workerSource: string }

function packageFiles(): PackageFiles {
  const packageDir = path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json'));
  const outDir = path.join(packageDir, 'wasm-out');
  const { wasmWorkerContents } = require(path.join(outDir, 'tfjs-backend-wasm-threaded-simd.worker.js')) as
    { wasmWorkerContents: string };
  return {
    factory: path.join(outDir, 'tfjs-backend-wasm-threaded-simd.js'),
    wasm: path.join(outDir, 'tfjs-backend-wasm-threaded-simd.wasm'),
    // The package stores the worker source in a template literal, which turned the "\n" escapes
    // inside its string literals into real newlines; re-escape them as the package does before
    // making its Blob.
    workerSource: wasmWorkerContents.replace(/\n/g, '\\n'),
  };
}

let workerScriptPath: string | null = null;

/**
 * The worker script as a file in a private temporary directory (created 0700, so no other user can
 * swap the code the workers run), removed when the process exits. Emscripten starts a worker from
 * it whenever a thread needs one beyond its pre-started pool of 8, so it stays for the life of the
 * process (although the build's cap of 8 XNNPACK threads means that in practice only the pool,
 * started while loading, ever reads it).
 */
function workerScriptFile(source: string): string {
  if (workerScriptPath != null) return workerScriptPath;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tfjs-wasm-threads-'));
  const file = path.join(dir, 'tfjs-backend-wasm-threaded-simd.worker.cjs');
  fs.writeFileSync(file, source);
  process.once('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
  workerScriptPath = file;
  return file;
}

/** Runs `load` while os.cpus() reports at least `count` entries (see 3. above). */
async function withLogicalCores<T>(count: number, load: () => Promise<T>): Promise<T> {
  // The factory's require('os') returns this same object, so patching it is visible there.
  const nodeOs = require('node:os') as typeof os;
  const realCpus = nodeOs.cpus;
  if (realCpus().length >= count) return load();
  nodeOs.cpus = () => {
    const cpus = realCpus();
    return Array.from({ length: count }, (_, i) => cpus[i % cpus.length]);
  };
  try {
    return await load();
  } finally {
    nodeOs.cpus = realCpus;
  }
}

function rejectAfter(ms: number, message: string): { promise: Promise<never>; cancel: () => void } {
  let timer: NodeJS.Timeout | undefined;
  const promise = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  return { promise, cancel: () => clearTimeout(timer) };
}

/**
 * A BackendWasm running the threaded-SIMD build with an XNNPACK pool of `threads` threads. Rejects
 * (after ending any workers it started) if the build cannot be loaded; the caller falls back to
 * the single-threaded build. Register it with tf.registerBackend('wasm', () => backend).
 */
export async function createThreadedWasmBackend(threads: number): Promise<BackendWasm> {
  const files = packageFiles();
  const config: EmscriptenFactoryConfig = {
    locateFile: (file, prefix) => {
      if (file.endsWith('.worker.js')) return workerScriptFile(files.workerSource);
      if (file.endsWith('.wasm')) return files.wasm;
      return prefix + file;
    },
    mainScriptUrlOrBlob: files.factory,
  };
  const timeout = rejectAfter(LOAD_TIMEOUT_MS, `threaded wasm did not load within ${LOAD_TIMEOUT_MS / 1000} s`);
  try {
    const factory = require(files.factory) as EmscriptenFactory;
    const module = await withLogicalCores(2 * threads, () => {
      const loading = factory(config);
      // Once timed out, a late failure must not surface as an unhandled rejection.
      loading.catch(() => undefined);
      return Promise.race([loading, timeout.promise]);
    });
    // The bridge tfjs-backend-wasm's own init() attaches to the module.
    module.tfjs = {
      init: module.cwrap('init', null, []),
      initWithThreadsCount: module.cwrap('init_with_threads_count', null, ['number']),
      getThreadsCount: module.cwrap('get_threads_count', 'number', []),
      registerTensor: module.cwrap('register_tensor', null, ['number', 'number', 'number']),
      disposeData: module.cwrap('dispose_data', null, ['number']),
      dispose: module.cwrap('dispose', null, []),
    } as WasmModule['tfjs'];
    // BackendWasm's constructor sizes the pool from the package's thread-count setting.
    setThreadsCount(threads);
    const backend = new BackendWasm(module);
    config.PThread?.runningWorkers.forEach((worker) => worker.unref());
    return backend;
  } catch (error) {
    config.PThread?.terminateAllThreads();
    throw error;
  } finally {
    timeout.cancel();
  }
}
