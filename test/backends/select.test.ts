import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { getNativeThreads, NATIVE_SWITCH, registerNativeBackend } from '../../src/backends/native.js';
import { initBackend, shutdownBackend, withInferenceThreads } from '../../src/backends/select.js';
import { UserError } from '../../src/util/errors.js';
import { TOLERANCE } from './compare.js';

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CHILD = fileURLToPath(new URL('./backend_child.ts', import.meta.url));
/** Far above the few seconds a child needs: reaching it means the child did not exit by itself. */
const CHILD_TIMEOUT_MS = 60_000;
const THREADS = Math.min(2, os.availableParallelism());
const NO_THREADS = THREADS < 2 ? 'this machine has one CPU, so the threaded build is never used' : false;

interface ChildResult { code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string; report: unknown }

function runChild(args: string[], env: NodeJS.ProcessEnv = {}): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, ...args], { cwd: REPO_ROOT, env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => { stdout += chunk; });
    child.stderr.on('data', (chunk) => { stderr += chunk; });
    const timer = setTimeout(() => child.kill('SIGKILL'), CHILD_TIMEOUT_MS);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const lastLine = stdout.trim().split('\n').at(-1) ?? '';
      resolve({ code, signal, stdout, stderr, report: lastLine.startsWith('{') ? JSON.parse(lastLine) : null });
    });
  });
}

function assertExitedCleanly(result: ChildResult): void {
  assert.equal(result.signal, null, `the child did not exit within ${CHILD_TIMEOUT_MS / 1000} s`);
  assert.equal(result.code, 0, result.stderr);
}

test('an unknown backend name is a UserError listing the known names', async () => {
  await assert.rejects(initBackend('gpu'), (error: unknown) =>
    error instanceof UserError && error.message === "unknown backend 'gpu' (known: auto, cpu, native, tensorflow, wasm)");
});

test("'tensorflow' without @tensorflow/tfjs-node installed is a UserError saying how to install it", async (t) => {
  try {
    createRequire(import.meta.url).resolve('@tensorflow/tfjs-node');
    t.skip('@tensorflow/tfjs-node is installed here');
    return;
  } catch {
    // Not installed: the case under test.
  }
  await assert.rejects(initBackend('tensorflow'), (error: unknown) =>
    error instanceof UserError && error.message.includes('npm install @tensorflow/tfjs-node') && !error.message.includes('\n'));
});

test('a thread count that is not a positive integer is a UserError', async () => {
  for (const threads of [0, -1, 1.5, Number.NaN]) {
    await assert.rejects(initBackend('wasm', { threads }), UserError, String(threads));
  }
});

test('cpu and single-threaded wasm initialise, report themselves, and wasm can be shut down and restarted', async () => {
  assert.deepEqual(await initBackend('cpu'), { name: 'cpu', threads: 1, inferenceThreads: 1 });
  assert.equal(tf.getBackend(), 'cpu');
  process.env[NATIVE_SWITCH] = 'off';
  try {
    assert.deepEqual(await initBackend('auto', { threads: 1 }), { name: 'wasm', threads: 1, inferenceThreads: 1 });
  } finally {
    delete process.env[NATIVE_SWITCH];
  }
  assert.equal(tf.getBackend(), 'wasm');
  shutdownBackend();
  assert.equal('wasm' in tf.engine().registry, false);
  shutdownBackend();
  assert.deepEqual(await initBackend('wasm', { threads: 1 }), { name: 'wasm', threads: 1, inferenceThreads: 1 });
  assert.deepEqual(Array.from(tf.add(tf.tensor1d([1, 2]), 1).dataSync()), [2, 3]);
  shutdownBackend();
});

test('threaded wasm computes like cpu, and shutdownBackend ends its workers so the process exits', { skip: NO_THREADS }, async (t) => {
  const result = await runChild(['threaded-check']);
  assertExitedCleanly(result);
  const report = result.report as { backend: object; worstRelativeError: number; workers: number; workersExited: number };
  assert.deepEqual(report.backend, { name: 'wasm', threads: THREADS, inferenceThreads: THREADS });
  assert.ok(report.worstRelativeError <= TOLERANCE, `relative error ${report.worstRelativeError}`);
  t.diagnostic(`worst relative error ${report.worstRelativeError.toExponential(2)}; ${report.workers} pthread workers ended`);
  assert.ok(report.workers > 0);
  assert.equal(report.workersExited, report.workers);
});

test('a process that forgets shutdownBackend still exits (the pool workers are unreferenced)', { skip: NO_THREADS }, async () => {
  const result = await runChild(['wasm-2-threads', 'no-shutdown']);
  assertExitedCleanly(result);
  assert.deepEqual(result.report, { backend: { name: 'wasm', threads: THREADS, inferenceThreads: THREADS }, sum: 2592 });
});

test("'auto' falls back to cpu with a warning when wasm cannot initialise", async () => {
  const result = await runChild(['auto-without-wasm'], { [NATIVE_SWITCH]: 'off' });
  assertExitedCleanly(result);
  assert.deepEqual(result.report, { backend: { name: 'cpu', threads: 1, inferenceThreads: 1 }, tensorBackend: 'cpu' });
  assert.match(result.stderr, /warning: the wasm backend is unavailable .*falling back to the much slower cpu backend/);
});

test("'auto' is native where the addon is built, else wasm with one line saying why", async () => {
  const built = registerNativeBackend() === null;
  const auto = await initBackend('auto', { threads: 1 });
  assert.deepEqual(auto, { name: built ? 'native' : 'wasm', threads: 1, inferenceThreads: 1 });
  shutdownBackend();
  const disabled = await runChild(['auto-1-thread'], { [NATIVE_SWITCH]: 'off' });
  assertExitedCleanly(disabled);
  assert.deepEqual((disabled.report as { backend: object }).backend, { name: 'wasm', threads: 1, inferenceThreads: 1 });
  assert.equal(disabled.stderr.trim(), `warning: native backend unavailable (disabled by ${NATIVE_SWITCH}=off); using wasm`);
  if (!built) {
    await assert.rejects(initBackend('native'), (e: unknown) => e instanceof UserError && /backend 'native' is unavailable \(not built/.test(e.message));
  }
});

test('wasm falls back to the single-threaded build with a warning when the threaded one cannot load', { skip: NO_THREADS }, async () => {
  // The threaded build needs its worker script written to the temporary directory; make that fail.
  const result = await runChild(['wasm-2-threads', 'shutdown'], { TMPDIR: '/dev/null', TSX_DISABLE_CACHE: '1' });
  assertExitedCleanly(result);
  assert.deepEqual(result.report, { backend: { name: 'wasm', threads: 1, inferenceThreads: 1 }, sum: 2592 });
  assert.match(result.stderr, /warning: the multithreaded wasm build failed to load \(.*\); using the single-threaded build/);
});

test('native trains on one thread by default and infers on every CPU, restoring the training count after', { skip: registerNativeBackend() !== null }, async () => {
  const cpus = os.availableParallelism();
  assert.deepEqual(await initBackend('native'), { name: 'native', threads: 1, inferenceThreads: cpus });
  assert.equal(withInferenceThreads(() => getNativeThreads()), cpus);
  assert.equal(getNativeThreads(), 1);
  assert.throws(() => withInferenceThreads(() => { throw new RangeError('inside'); }), RangeError);
  assert.equal(getNativeThreads(), 1);
  assert.deepEqual(await initBackend('native', { threads: 1 }), { name: 'native', threads: 1, inferenceThreads: 1 });
  assert.equal(withInferenceThreads(() => getNativeThreads()), 1);
  await initBackend('cpu');
});
