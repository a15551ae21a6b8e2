// Training and encoding throughput (images/s) of the standard 64x64 beta-VAE on the current
// backend: the network, loss, batch (64) and optimizer (Adam 1e-4) of
// ../shared/bench/torch_betavae.py, on random binary images made before timing, so the figure is
// comparable with PyTorch's on the same machine. Encoding is the encoder's forward pass at batch 256.
import * as tf from '@tensorflow/tfjs-core';
import { BetaVae } from '../frameworks/beta_vae.js';
import { createConv64 } from '../nn/conv64.js';
import { representationEncoder } from '../train/evaluate.js';
import { Rng } from '../util/random.js';
import { timedWindows } from './timing.js';

export const BENCH_BATCH = 64;
export const BENCH_ENCODE_BATCH = 256;

export interface ThroughputOptions {
  /** Timed windows per measurement; the median is reported (default 5). */
  windows?: number;
  /** Seconds per window (default 3). */
  windowSeconds?: number;
  /** Untimed calls before the windows (default 3). */
  warmup?: number;
}

export interface TrainThroughput {
  train_images_per_s: number;
  encode_images_per_s: number;
  train_windows: number[];
  encode_windows: number[];
  /** Tensors left behind per training step after the first; anything above 0 is a leak. */
  tensors_leaked_per_step: number;
}

function randomBinaryImages(rng: Rng, n: number): Float32Array {
  const x = new Float32Array(n * 64 * 64);
  for (let i = 0; i < x.length; i++) x[i] = rng.float() < 0.5 ? 1 : 0;
  return x;
}

export async function measureTrainThroughput(options: ThroughputOptions = {}): Promise<TrainThroughput> {
  const windows = { warmup: options.warmup ?? 3, windows: options.windows ?? 5, windowSeconds: options.windowSeconds ?? 3 };
  const rng = Rng.fromSeed(0);
  const framework = new BetaVae(createConv64(10, [64, 64, 1], rng), {
    recon_loss: 'bernoulli', optimizer: { lr: 1e-4, beta1: 0.9, beta2: 0.999, epsilon: 1e-8 },
  }, 4);
  const pool = Array.from({ length: 4 }, () => tf.tensor4d(randomBinaryImages(rng, BENCH_BATCH), [BENCH_BATCH, 64, 64, 1]));
  const encodePool = Array.from({ length: 2 }, () => randomBinaryImages(rng, BENCH_ENCODE_BATCH));
  const encode = representationEncoder(framework.model);
  let step = 0;
  const trainStep = async () => {
    step++;
    framework.trainStep(pool[step % pool.length], rng, step);
  };
  try {
    // The first step creates Adam's moment tensors; anything that grows after it is a leak.
    await trainStep();
    const tensorsBefore = tf.memory().numTensors;
    const stepsBefore = step;
    const train = await timedWindows(trainStep, BENCH_BATCH, windows);
    const leakedPerStep = (tf.memory().numTensors - tensorsBefore) / (step - stepsBefore);
    const encoding = await timedWindows(async () => {
      await encode(encodePool[step++ % encodePool.length], BENCH_ENCODE_BATCH);
    }, BENCH_ENCODE_BATCH, windows);
    return {
      train_images_per_s: train.median, encode_images_per_s: encoding.median,
      train_windows: train.windows, encode_windows: encoding.windows, tensors_leaked_per_step: leakedPerStep,
    };
  } finally {
    tf.dispose(pool);
    framework.dispose();
  }
}
