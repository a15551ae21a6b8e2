// Training and encoding throughput (images/s) of the standard 64x64 beta-VAE on one backend: the
// network, loss, batch (64) and optimizer (Adam 1e-4) of ../shared/bench/torch_betavae.py, on
// random binary images made before timing. Prints one JSON line.
// Usage: tsx bench/train_throughput.ts [--backend wasm|cpu|tensorflow] [--windows 5] [--window-seconds 3]
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend, shutdownBackend, type BackendName } from '../src/backends/select.js';
import { BetaVae } from '../src/frameworks/beta_vae.js';
import { createConv64 } from '../src/nn/conv64.js';
import { representationEncoder } from '../src/train/evaluate.js';
import { Rng } from '../src/util/random.js';
import { timedWindows } from './timing.js';

const { values: args } = parseArgs({
  options: {
    backend: { type: 'string', default: 'wasm' },
    windows: { type: 'string', default: '5' },
    'window-seconds': { type: 'string', default: '3' },
  },
});

const BATCH = 64;
const ENCODE_BATCH = 256;

function randomBinaryImages(rng: Rng, n: number): Float32Array {
  const x = new Float32Array(n * 64 * 64);
  for (let i = 0; i < x.length; i++) x[i] = rng.float() < 0.5 ? 1 : 0;
  return x;
}

const backend = await initBackend(args.backend as BackendName);
const rng = Rng.fromSeed(0);
const framework = new BetaVae(createConv64(10, [64, 64, 1], rng), {
  recon_loss: 'bernoulli', optimizer: { lr: 1e-4, beta1: 0.9, beta2: 0.999, epsilon: 1e-8 },
}, 4);
const pool = Array.from({ length: 4 }, () => tf.tensor4d(randomBinaryImages(rng, BATCH), [BATCH, 64, 64, 1]));
const encodePool = Array.from({ length: 2 }, () => randomBinaryImages(rng, ENCODE_BATCH));
const encode = representationEncoder(framework.model);
let step = 0;
const opts = { warmup: 3, windows: Number(args.windows), windowSeconds: Number(args['window-seconds']) };

const trainStep = async () => {
  step++;
  framework.trainStep(pool[step % pool.length], rng, step);
};
// The first step creates Adam's moment tensors; anything that grows after it is a leak.
await trainStep();
const tensorsBefore = tf.memory().numTensors;
const stepsBefore = step;
const train = await timedWindows(trainStep, BATCH, opts);
const leakedPerStep = (tf.memory().numTensors - tensorsBefore) / (step - stepsBefore);
const encodeRate = await timedWindows(async () => {
  await encode(encodePool[step++ % encodePool.length], ENCODE_BATCH);
}, ENCODE_BATCH, opts);

console.log(JSON.stringify({
  backend: backend.name, threads: backend.threads,
  train_images_per_s: train.median, encode_images_per_s: encodeRate.median,
  train_windows: train.windows, encode_windows: encodeRate.windows, tensors_leaked_per_step: leakedPerStep,
}));
shutdownBackend();
