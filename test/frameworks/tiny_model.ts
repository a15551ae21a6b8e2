// A small MLP encoder/decoder and a short training loop, so every framework's test can train a
// few hundred steps on a procedural dataset in seconds.
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import type { GroundTruthData } from '../../src/datasets/ground_truth.js';
import type { Framework } from '../../src/frameworks/base.js';
import { glorotUniform, zeros } from '../../src/nn/init.js';
import type { EncoderDecoder, Posterior } from '../../src/nn/model.js';
import { renderViews, viewSampler, type SamplingConfig } from '../../src/train/batches.js';
import { Rng } from '../../src/util/random.js';

const HIDDEN = 64;

export function tinyModel(zDim: number, imageShape: readonly [number, number, number], rng: Rng): EncoderDecoder {
  const [height, width, channels] = imageShape;
  const pixels = height * width * channels;
  const params = new Map<string, tf.Variable>();
  const dense = (name: string, fanIn: number, fanOut: number) => {
    params.set(`${name}/kernel`, glorotUniform(rng, [fanIn, fanOut], fanIn, fanOut, `${name}/kernel`));
    params.set(`${name}/bias`, zeros([fanOut], `${name}/bias`));
  };
  dense('encoder/fc1', pixels, HIDDEN);
  dense('encoder/fc2', HIDDEN, 2 * zDim);
  dense('decoder/fc1', zDim, HIDDEN);
  dense('decoder/fc2', HIDDEN, pixels);
  const apply = (x: tf.Tensor2D, name: string) =>
    tf.add(tf.matMul(x, params.get(`${name}/kernel`) as tf.Tensor2D), params.get(`${name}/bias`) as tf.Tensor) as tf.Tensor2D;
  return {
    architecture: 'tiny_mlp',
    zDim,
    imageShape: [height, width, channels],
    params,
    encode(x: tf.Tensor4D): Posterior {
      const batch = x.shape[0];
      const out = apply(tf.relu(apply(tf.reshape(x, [batch, pixels]), 'encoder/fc1')), 'encoder/fc2');
      return { mu: tf.slice(out, [0, 0], [batch, zDim]), logvar: tf.slice(out, [0, zDim], [batch, zDim]) };
    },
    decode(z: tf.Tensor2D): tf.Tensor4D {
      return tf.reshape(apply(tf.relu(apply(z, 'decoder/fc1')), 'decoder/fc2'), [z.shape[0], height, width, channels]);
    },
    dispose() {
      for (const v of params.values()) v.dispose();
    },
  };
}

/**
 * Trains `framework` for `steps` steps on `dataset` with the sampler natural to its views (or
 * `sampling`) and returns every step's terms.
 */
export function trainSteps(framework: Framework, dataset: GroundTruthData, steps: number, batchSize: number, seed = 0,
  sampling: SamplingConfig = { mode: 'auto', k: -1, triplet_metric: 'manhattan_scaled' }): Record<string, number>[] {
  const data = Rng.fromSeed(seed).fork('data');
  const noise = Rng.fromSeed(seed).fork('noise');
  const draw = viewSampler(sampling, framework.views);
  const history: Record<string, number>[] = [];
  for (let step = 1; step <= steps; step++) {
    const batch = renderViews(dataset, draw, framework.views, batchSize, data);
    try {
      history.push(framework.trainStep(batch, noise, step));
    } finally {
      tf.dispose(batch.views);
    }
  }
  return history;
}

/** Mean of a term over a window of steps: a noisy loss compared window against window. */
export function meanOf(history: Record<string, number>[], term: string, from: number, to: number): number {
  const window = history.slice(from, to);
  return window.reduce((sum, terms) => sum + terms[term], 0) / window.length;
}

/**
 * Trains `steps` steps at batch 16 and asserts what every framework must do: every term it names
 * stays finite, the mean loss of the last 20 steps is under half that of the first 20, and three
 * more steps leave no tensor behind. Returns the history for framework-specific checks.
 */
export function assertTrains(framework: Framework, dataset: GroundTruthData, steps: number, finiteTerms: string[] = ['loss']): Record<string, number>[] {
  const history = trainSteps(framework, dataset, steps, 16);
  for (const term of finiteTerms) assert.ok(history.every((t) => Number.isFinite(t[term])), `${term} is not finite`);
  const first = meanOf(history, 'loss', 0, 20);
  const last = meanOf(history, 'loss', steps - 20, steps);
  assert.ok(last < 0.5 * first, `loss ${first} -> ${last}`);
  const before = tf.memory().numTensors;
  trainSteps(framework, dataset, 3, 16, 1);
  assert.equal(tf.memory().numTensors, before, 'tensors leaked');
  return history;
}
