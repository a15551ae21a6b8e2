// Chooses and initialises the TensorFlow.js backend the framework computes on.
//
//   'wasm'        tfjs-backend-wasm with our kernels (wasm_kernels.ts), on the multithreaded build
//                 when more than one thread is wanted (wasm_threads.ts), else the SIMD build.
//   'cpu'         tfjs-backend-cpu: plain JS, ~350x slower than wasm for training; a reference.
//   'native'      tfjs-backend-cpu with its hot kernels in our oneDNN addon (native.ts); only when
//                 the addon was built (it needs libdnnl-dev: npm run build:native).
//   'tensorflow'  @tensorflow/tfjs-node (native libtensorflow), only if the user installed it: it
//                 downloads a binary at install time, so it is not one of our dependencies.
//   'auto'        'native' when its addon loads, else 'wasm' (saying why on stderr), falling back
//                 to 'cpu' (with a warning) if wasm cannot initialise.
import * as os from 'node:os';
import { createRequire } from 'node:module';
import * as tf from '@tensorflow/tfjs-core';
// tfjs-core's Node entry (dist/tf-core.node.js) registers NO gradient functions ("gradient
// function not found for Add"), and its register_all_gradients.js is extensionless ESM that Node
// cannot import. The Node bundle of tfjs-layers registers all of core's gradients as a side effect.
import '@tensorflow/tfjs-layers';
import '@tensorflow/tfjs-backend-cpu';
import { getThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import { lookupByName, UserError } from '../util/errors.js';
import { NATIVE, registerNativeBackend, setNativeThreads } from './native.js';
import { fixCpuResizeGradient } from './resize_kernels.js';
import { installWasmKernels } from './wasm_kernels.js';
import { createThreadedWasmBackend } from './wasm_threads.js';

export type BackendName = 'native' | 'wasm' | 'cpu' | 'tensorflow';
export type BackendRequest = BackendName | 'auto';

export interface ActiveBackend {
  name: string;
  /** Threads the backend computes with (the CLI prints "backend: wasm (2 threads)"). */
  threads: number;
  /** Threads for inference inside withInferenceThreads (encoding for evaluation and pictures). */
  inferenceThreads: number;
}

export interface BackendOptions {
  /**
   * wasm: threads for XNNPACK (convolutions, matMuls; other kernels run on one); native: OpenMP
   * threads for oneDNN and the elementwise kernels. Default: wasm, the CPUs available to this
   * process; native, one for training and every CPU for inference (see NATIVE_DEFAULT_THREADS).
   * Capped at the CPUs available; wasm's threaded build itself caps at 8.
   */
  threads?: number;
}

const WASM = 'wasm';
/** The priority tfjs-backend-wasm registers 'wasm' with. */
const WASM_PRIORITY = 2;
// A variable, so that TypeScript neither needs nor looks for the package's types.
const TFJS_NODE: string = '@tensorflow/tfjs-node';

const require = createRequire(import.meta.url);

/** The package's own 'wasm' registration (the single-threaded SIMD build), kept to restore it. */
const packageWasmFactory = tf.findBackendFactory(WASM);
/** Threads of the threaded build registered as 'wasm' by us; null while the package's is. */
let threadedWasmThreads: number | null = null;

function warn(message: string): void {
  process.stderr.write(`warning: ${message}\n`);
}

function describeError(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0];
}

function checkedThreads(requested: number | undefined): number | undefined {
  if (requested !== undefined && !(Number.isInteger(requested) && requested >= 1)) {
    throw new UserError(`threads must be a positive integer, got ${requested}`);
  }
  return requested;
}

/** The threads to use: those requested (else `byDefault`), capped at the CPUs available. */
function wantedThreads(requested: number | undefined, byDefault: number): number {
  return Math.min(requested ?? byDefault, os.availableParallelism());
}

/** Makes `factory` the 'wasm' registration, disposing the live wasm backend if there is one. */
function registerWasm(factory: () => tf.KernelBackend | Promise<tf.KernelBackend>, threads: number | null): void {
  if (tf.findBackendFactory(WASM) != null) tf.removeBackend(WASM);
  tf.registerBackend(WASM, factory, WASM_PRIORITY);
  threadedWasmThreads = threads;
}

async function initWasm(requested: number | undefined): Promise<ActiveBackend> {
  const threads = wantedThreads(requested, os.availableParallelism());
  installWasmKernels();
  if (threads > 1 && threadedWasmThreads !== threads) {
    try {
      const backend = await createThreadedWasmBackend(threads);
      registerWasm(() => backend, threads);
    } catch (error) {
      warn(`the multithreaded wasm build failed to load (${describeError(error)}); using the single-threaded build`);
      if (threadedWasmThreads !== null) registerWasm(packageWasmFactory, null);
    }
  } else if (threads === 1 && threadedWasmThreads !== null) {
    registerWasm(packageWasmFactory, null);
  }
  // tfjs itself warns with the reason when a backend's initialisation fails.
  if (!(await tf.setBackend(WASM))) throw new Error('the wasm backend failed to initialise');
  const inUse = getThreadsCount();
  return { name: WASM, threads: inUse, inferenceThreads: inUse };
}

// Before any backend runs: the cpu backend's own kernel has the wrong gradient (resize_kernels.ts).
fixCpuResizeGradient();

async function initCpu(): Promise<ActiveBackend> {
  if (!(await tf.setBackend('cpu'))) throw new Error('the cpu backend failed to initialise');
  return { name: 'cpu', threads: 1, inferenceThreads: 1 };
}

/**
 * Measured on the 2-vCPU machine the project is benchmarked on: training at one thread 409-540
 * images/s, at two 350-543 (the step's many small elementwise kernels pay OpenMP's hand-offs), so
 * training keeps the second core for the data worker; encoding at batch 256 gains 18% from the
 * second thread (4843 -> 5724), so inference uses every CPU. --threads sets both.
 */
const NATIVE_DEFAULT_THREADS = 1;

/** Native's OpenMP threads for training and for inference; null while native is not in use. */
let nativeThreads: { training: number; inference: number } | null = null;

async function initNative(requested: number | undefined): Promise<ActiveBackend> {
  const unavailable = registerNativeBackend();
  if (unavailable !== null) throw new UserError(`backend 'native' is unavailable (${unavailable})`);
  const threads = setNativeThreads(wantedThreads(requested, NATIVE_DEFAULT_THREADS));
  const inferenceThreads = wantedThreads(requested, os.availableParallelism());
  if (!(await tf.setBackend(NATIVE))) throw new Error('the native backend failed to initialise');
  nativeThreads = { training: threads, inference: inferenceThreads };
  return { name: NATIVE, threads, inferenceThreads };
}

/**
 * Runs synchronous inference work (a forward pass, no training step) with the backend's inference
 * threads: on native more than training uses, since no data worker runs beside it.
 */
export function withInferenceThreads<T>(work: () => T): T {
  const threads = tf.getBackend() === NATIVE ? nativeThreads : null;
  if (!threads || threads.inference === threads.training) return work();
  setNativeThreads(threads.inference);
  try {
    return work();
  } finally {
    setNativeThreads(threads.training);
  }
}

async function initAuto(threads: number | undefined): Promise<ActiveBackend> {
  const nativeUnavailable = registerNativeBackend();
  if (nativeUnavailable === null) return initNative(threads);
  warn(`native backend unavailable (${nativeUnavailable}); using wasm`);
  try {
    return await initWasm(threads);
  } catch (error) {
    warn(`the wasm backend is unavailable (${describeError(error)}); falling back to the much slower cpu backend`);
    return initCpu();
  }
}

async function initTensorflow(): Promise<ActiveBackend> {
  try {
    require.resolve(TFJS_NODE);
  } catch {
    throw new UserError(`backend 'tensorflow' needs ${TFJS_NODE}, which is not installed: run npm install ${TFJS_NODE}`);
  }
  await import(TFJS_NODE);
  if (!(await tf.setBackend('tensorflow'))) throw new Error('the tensorflow backend failed to initialise');
  // libtensorflow sizes its thread pools to the machine's CPUs.
  const threads = os.availableParallelism();
  return { name: 'tensorflow', threads, inferenceThreads: threads };
}

const initialisers: Record<BackendRequest, (threads: number | undefined) => Promise<ActiveBackend>> = {
  auto: initAuto,
  native: initNative,
  wasm: initWasm,
  cpu: initCpu,
  tensorflow: initTensorflow,
};

/**
 * Initialises the requested backend and makes it tfjs's current one; returns what is in use.
 * Prints nothing except fallback warnings (stderr). Unknown names and a missing tfjs-node are
 * UserErrors. Calling it again switches backends (tensors move on their next use), except that
 * changing the wasm thread count replaces the wasm backend: tensors left on it become unusable.
 * When done, call shutdownBackend().
 */
export async function initBackend(
  requested: BackendRequest | (string & {}) = 'auto', options: BackendOptions = {},
): Promise<ActiveBackend> {
  const init = lookupByName('backend', requested, initialisers);
  return init(checkedThreads(options.threads));
}

/**
 * Disposes the wasm backend, if one was initialised: frees its heap and ends the multithreaded
 * build's pthread workers. Every program that calls initBackend (the CLI included) must call this
 * when it is done, errors included (in a `finally`): the workers would otherwise keep the process
 * alive. (They are also unreferenced, as a safety net, so that a program that forgets still exits;
 * only this releases them in a process that goes on.) Tensors left on the backend become
 * unusable; a later initBackend starts a fresh one.
 */
export function shutdownBackend(): void {
  // Not tf.findBackend: it would initialise a registered but not yet initialised backend.
  if (!(WASM in tf.engine().registry) && threadedWasmThreads === null) return;
  registerWasm(packageWasmFactory, null);
}
