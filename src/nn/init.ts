// Parameter initialisation drawn from our own Rng (not tfjs's seeded ops), so the same seed gives
// the same initial weights on every backend.
import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../util/random.js';

export type KernelInit = 'glorot_uniform' | 'glorot_normal';

function variableFrom(draw: () => number, shape: number[], name: string): tf.Variable {
  const values = new Float32Array(shape.reduce((a, b) => a * b, 1));
  for (let i = 0; i < values.length; i++) values[i] = draw();
  return tf.variable(tf.tensor(values, shape, 'float32'), true, name);
}

/** Glorot/Xavier uniform, TensorFlow's default kernel initialiser (disentanglement_lib's models). */
export function glorotUniform(rng: Rng, shape: number[], fanIn: number, fanOut: number, name: string): tf.Variable {
  const limit = Math.sqrt(6 / (fanIn + fanOut));
  return variableFrom(() => (2 * rng.float() - 1) * limit, shape, name);
}

/**
 * Glorot/Xavier normal with gain 1, untruncated like torch's `xavier_normal_` (disent's default
 * `weight_init: xavier_normal`): N(0, 2 / (fan_in + fan_out)).
 */
export function glorotNormal(rng: Rng, shape: number[], fanIn: number, fanOut: number, name: string): tf.Variable {
  const std = Math.sqrt(2 / (fanIn + fanOut));
  return variableFrom(() => rng.normal() * std, shape, name);
}

export function initKernel(init: KernelInit, rng: Rng, shape: number[], fanIn: number, fanOut: number, name: string): tf.Variable {
  return (init === 'glorot_uniform' ? glorotUniform : glorotNormal)(rng, shape, fanIn, fanOut, name);
}

/**
 * PyTorch's default weight of Linear and Conv layers, kaiming_uniform(a = sqrt(5)): the bound
 * gain * sqrt(3 / fan_in) with gain sqrt(2 / (1 + 5)) is 1/sqrt(fan_in), the bias's bound.
 */
export function torchDefaultKernel(rng: Rng, shape: number[], fanIn: number, name: string): tf.Variable {
  const bound = 1 / Math.sqrt(fanIn);
  return variableFrom(() => (2 * rng.float() - 1) * bound, shape, name);
}

/** PyTorch's default bias of Linear and Conv layers: U(-1/sqrt(fan_in), 1/sqrt(fan_in)). */
export function torchDefaultBias(rng: Rng, units: number, fanIn: number, name: string): tf.Variable {
  const bound = 1 / Math.sqrt(fanIn);
  return variableFrom(() => (2 * rng.float() - 1) * bound, [units], name);
}

/** Entries drawn from N(0, std^2): the Lie group VAE's algebra basis. */
export function normal(rng: Rng, shape: number[], std: number, name: string): tf.Variable {
  return variableFrom(() => rng.normal() * std, shape, name);
}

export function zeros(shape: number[], name: string): tf.Variable {
  return tf.variable(tf.zeros(shape, 'float32'), true, name);
}
