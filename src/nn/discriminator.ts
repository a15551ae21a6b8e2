// FactorVAE's discriminator (Kim & Mnih 2018, appendix A), as disentanglement_lib's
// `fc_discriminator` (methods/shared/architectures.py): six dense layers of 1000 units with leaky
// ReLU (TensorFlow's default slope 0.2), then 2 logits: index 0 "a code of q(z)", index 1 "a code
// with each dimension permuted across the batch". Glorot-uniform kernels and zero biases, the
// defaults of tf.layers.dense. Variables are named like the library's, under `discriminator/`.
import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../util/random.js';
import { glorotUniform, zeros } from './init.js';

const LEAKY_RELU_SLOPE = 0.2;

export interface DiscriminatorShape {
  hiddenUnits: number;
  hiddenLayers: number;
}

export const FACTOR_VAE_DISCRIMINATOR: DiscriminatorShape = { hiddenUnits: 1000, hiddenLayers: 6 };

export class Discriminator {
  /** Trainable variables by stable name (checkpoint keys). */
  readonly params = new Map<string, tf.Variable>();
  private readonly layers: string[] = [];

  constructor(inputDim: number, rng: Rng, shape: DiscriminatorShape = FACTOR_VAE_DISCRIMINATOR) {
    let fanIn = inputDim;
    for (let i = 1; i <= shape.hiddenLayers; i++) {
      this.dense(`discriminator/d${i}`, fanIn, shape.hiddenUnits, rng);
      fanIn = shape.hiddenUnits;
    }
    this.dense('discriminator/logits', fanIn, 2, rng);
  }

  /** Logits [batch, 2] for codes [batch, zDim]. */
  logits(z: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => this.layers.reduce((h, name, i) => {
      const out = tf.add(tf.matMul(h, this.params.get(`${name}/kernel`) as tf.Tensor2D), this.params.get(`${name}/bias`) as tf.Tensor1D) as tf.Tensor2D;
      return i < this.layers.length - 1 ? tf.leakyRelu(out, LEAKY_RELU_SLOPE) : out;
    }, z));
  }

  dispose(): void {
    for (const variable of this.params.values()) variable.dispose();
  }

  private dense(name: string, fanIn: number, fanOut: number, rng: Rng): void {
    this.params.set(`${name}/kernel`, glorotUniform(rng, [fanIn, fanOut], fanIn, fanOut, `${name}/kernel`));
    this.params.set(`${name}/bias`, zeros([fanOut], `${name}/bias`));
    this.layers.push(name);
  }
}
