// Named-variable layers shared by the architectures: each layer is a `<scope>/kernel` and
// `<scope>/bias` pair (the checkpoint keys), kernels drawn in creation order from one Rng with
// the library's initialiser. Biases are zero, as both disentanglement_lib (TF) and disent make
// them, or PyTorch's default U(-1/sqrt(fan_in), 1/sqrt(fan_in)) for models that keep it (the
// Commutative Lie Group VAE), drawn right after their kernel.
import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../util/random.js';
import { initKernel, torchDefaultBias, zeros, type KernelInit } from './init.js';

export type BiasInit = 'zeros' | 'torch_default';

export class LayerStack {
  readonly params = new Map<string, tf.Variable>();

  constructor(private readonly rng: Rng, private readonly init: KernelInit, private readonly biasInit: BiasInit = 'zeros') {}

  /** `biasFanIn`: what PyTorch's default bias bound divides by, the kernel's fan-in as torch counts it. */
  private add(scope: string, kernelShape: number[], fanIn: number, fanOut: number, units: number, biasFanIn: number): void {
    this.params.set(`${scope}/kernel`, initKernel(this.init, this.rng, kernelShape, fanIn, fanOut, `${scope}/kernel`));
    const name = `${scope}/bias`;
    this.params.set(name, this.biasInit === 'zeros' ? zeros([units], name) : torchDefaultBias(this.rng, units, biasFanIn, name));
  }

  addDense(scope: string, inputs: number, units: number): void {
    this.add(scope, [inputs, units], inputs, units, units, inputs);
  }

  addConv(scope: string, kernel: number, inChannels: number, outChannels: number): void {
    const area = kernel * kernel;
    this.add(scope, [kernel, kernel, inChannels, outChannels], area * inChannels, area * outChannels, outChannels, area * inChannels);
  }

  /**
   * Transposed conv; tfjs keeps its filter as [k, k, out, in]. The Glorot fans are the same sum
   * either way; torch's bias bound counts the fan-in from its [in, out, k, k] weight's second
   * dimension, so it is out * k * k.
   */
  addDeconv(scope: string, kernel: number, inChannels: number, outChannels: number): void {
    const area = kernel * kernel;
    this.add(scope, [kernel, kernel, outChannels, inChannels], area * inChannels, area * outChannels, outChannels, area * outChannels);
  }

  private kernel<T extends tf.Tensor>(scope: string): T {
    return this.params.get(`${scope}/kernel`) as tf.Tensor as T;
  }

  private bias(scope: string): tf.Tensor1D {
    return this.params.get(`${scope}/bias`) as tf.Tensor as tf.Tensor1D;
  }

  /** With the activation fused into the matMul: one pass over the output instead of three. */
  dense(x: tf.Tensor2D, scope: string, activation: 'linear' | 'relu' = 'linear'): tf.Tensor2D {
    return tf.fused.matMul({ a: x, b: this.kernel<tf.Tensor2D>(scope), bias: this.bias(scope), activation }) as tf.Tensor2D;
  }

  /** 'same' is TensorFlow's padding; a number pads every side by that many zeros (torch's `padding=n`). */
  conv(x: tf.Tensor4D, scope: string, stride: number, padding: 'same' | number, activation: 'linear' | 'relu' = 'linear'): tf.Tensor4D {
    // Explicit zero padding then a 'valid' conv, rather than tfjs's numeric pad, which not every backend accepts.
    const input = padding === 'same' ? x : tf.pad(x, [[0, 0], [padding, padding], [padding, padding], [0, 0]]);
    return tf.fused.conv2d({
      x: input, filter: this.kernel<tf.Tensor4D>(scope), strides: stride, pad: padding === 'same' ? 'same' : 'valid',
      bias: this.bias(scope), activation,
    });
  }

  /**
   * Transposed conv that multiplies the spatial size by `stride`: TensorFlow's padding 'same', which
   * for k4 s2 equals torch's ConvTranspose2d(padding=1) (one pixel cropped from each side).
   */
  deconv(x: tf.Tensor4D, scope: string, stride: number): tf.Tensor4D {
    const filter = this.kernel<tf.Tensor4D>(scope);
    const [batch, height, width] = x.shape;
    const outShape: [number, number, number, number] = [batch, height * stride, width * stride, filter.shape[2]];
    return tf.add(tf.conv2dTranspose(x, filter, outShape, stride, 'same'), this.bias(scope));
  }

  /** Stride-2 transposed convolutions in turn, ReLU between them and none after the last: both libraries' decoders. */
  deconvChain(x: tf.Tensor4D, scopes: readonly string[]): tf.Tensor4D {
    let h = x;
    scopes.forEach((scope, i) => {
      const y = this.deconv(h, scope, 2);
      h = i < scopes.length - 1 ? tf.relu(y) : y;
    });
    return h;
  }

  dispose(): void {
    for (const v of this.params.values()) v.dispose();
  }
}

/** Splits the encoder head's 2z outputs into (first z = mu, last z = log variance), disent's `chunk(2)`. */
export function splitPosterior(out: tf.Tensor2D, zDim: number): { mu: tf.Tensor2D; logvar: tf.Tensor2D } {
  const batch = out.shape[0];
  return { mu: tf.slice(out, [0, 0], [batch, zDim]), logvar: tf.slice(out, [0, zDim], [batch, zDim]) };
}

export function requireImageSize(architecture: string, imageShape: readonly [number, number, number], size: number): void {
  const [height, width] = imageShape;
  if (height !== size || width !== size) {
    throw new RangeError(`${architecture} needs ${size}x${size} images, the dataset gives ${height}x${width}`);
  }
}
