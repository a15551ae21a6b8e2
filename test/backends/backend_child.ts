// A separate process for the backend-selection tests: what happens at process level (pthread
// workers, exiting, failed loads) can only be observed from outside. Prints one JSON line.
//   threaded-check                    wasm with 2 threads checked against cpu, then shut down
//   wasm-2-threads shutdown|no-shutdown  a small conv on wasm with 2 threads
//   auto-without-wasm                 'auto' when the wasm binary cannot be found
//   auto-1-thread                     'auto' with one thread, then shut down
import type { Worker } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs-core';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { initBackend, shutdownBackend } from '../../src/backends/select.js';
import { Rng } from '../../src/util/random.js';
import { convData, modelGeometries, relativeError } from './compare.js';

const WORKER_EXIT_TIMEOUT_MS = 10_000;

/** The model's conv gradients and a transposed matMul, from fixed data. */
function modelOps(): tf.Tensor[] {
  const rng = Rng.fromSeed(7);
  return modelGeometries(1).flatMap((g) => {
    const data = convData(rng, g);
    const x = tf.tensor4d(data.x, [g.batch, g.inHeight, g.inWidth, g.inChannels]);
    const filter = tf.tensor4d(data.filter, [g.filterHeight, g.filterWidth, g.inChannels, g.outChannels]);
    const dy = tf.tensor4d(data.dy, data.dyShape);
    return [
      tf.conv2d(x, filter, g.strides, g.pad),
      tf.conv2dTranspose(dy, filter, x.shape, g.strides, g.pad),
      tf.engine().runKernel(tf.Conv2DBackpropFilter, { x, dy },
        { strides: g.strides, pad: g.pad, dataFormat: 'NHWC', filterShape: filter.shape } as never) as tf.Tensor,
      tf.matMul(tf.reshape(x, [g.inHeight, -1]), tf.reshape(x, [g.inHeight, -1]), true, false),
    ];
  });
}

function read(tensors: tf.Tensor[]): Float32Array[] {
  const values = tensors.map((t) => t.dataSync() as Float32Array);
  tf.dispose(tensors);
  return values;
}

async function threadedCheck(): Promise<object> {
  await initBackend('cpu');
  const reference = read(modelOps());
  const backend = await initBackend('wasm', { threads: 2 });
  const actual = read(modelOps());
  const worstRelativeError = Math.max(...reference.map((r, i) => relativeError(r, actual[i])));
  // Emscripten's pthread pool: the workers that keep a process alive.
  const pool = (tf.backend() as unknown as { wasm: { PThread?: { runningWorkers: Worker[]; unusedWorkers: Worker[] } } })
    .wasm.PThread;
  const workers = pool == null ? [] : [...pool.runningWorkers, ...pool.unusedWorkers];
  let workersExited = 0;
  const allExited = Promise.all(workers.map((w) => new Promise<void>((resolve) => w.once('exit', () => {
    workersExited++;
    resolve();
  }))));
  shutdownBackend();
  await Promise.race([allExited, new Promise((resolve) => setTimeout(resolve, WORKER_EXIT_TIMEOUT_MS).unref())]);
  return { backend, worstRelativeError, workers: workers.length, workersExited };
}

async function main(mode: string | undefined): Promise<object> {
  switch (mode) {
    case 'threaded-check':
      return threadedCheck();
    case 'auto-without-wasm':
      setWasmPaths('/nonexistent-tfjs-wasm-dir/');
      return { backend: await initBackend('auto', { threads: 1 }), tensorBackend: tf.getBackend() };
    case 'auto-1-thread': {
      const backend = await initBackend('auto', { threads: 1 });
      shutdownBackend();
      return { backend };
    }
    case 'wasm-2-threads': {
      const backend = await initBackend('wasm', { threads: 2 });
      const sum = tf.sum(tf.conv2d(tf.ones([1, 8, 8, 4]) as tf.Tensor4D, tf.ones([3, 3, 4, 2]) as tf.Tensor4D, 1, 'valid')).dataSync()[0];
      if (process.argv[3] === 'shutdown') shutdownBackend();
      return { backend, sum };
    }
    default:
      throw new Error(`unknown mode ${mode}`);
  }
}

console.log(JSON.stringify(await main(process.argv[2])));
