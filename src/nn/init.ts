// Parameter initialisation drawn from our own Rng (not tfjs's seeded ops), so the same seed gives
// the same initial weights on every backend.
import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../util/random.js';

/** Glorot/Xavier uniform, TensorFlow's default kernel initialiser (disentanglement_lib's models). */
export function glorotUniform(rng: Rng, shape: number[], fanIn: number, fanOut: number, name: string): tf.Variable {
  const limit = Math.sqrt(6 / (fanIn + fanOut));
  const values = new Float32Array(shape.reduce((a, b) => a * b, 1));
  for (let i = 0; i < values.length; i++) values[i] = (2 * rng.float() - 1) * limit;
  return tf.variable(tf.tensor(values, shape, 'float32'), true, name);
}

export function zeros(shape: number[], name: string): tf.Variable {
  return tf.variable(tf.zeros(shape, 'float32'), true, name);
}
