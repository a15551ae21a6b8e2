// Layers a backend may run as one fused kernel instead of a chain of tfjs ops: exact GELU,
// training-mode BatchNorm over the last axis (with the gradient through its batch statistics, or
// with them held constant as DecVAE's normalisation has it) and LayerNorm over the last axis, each
// with its gradient. The 'native' backend
// registers them (native/src/fused.cc); on every other backend, or without a gradient tape that
// needs them, the composite ops below are the definition, and the fused kernels are tested against
// them (test/backends/fused_kernels.test.ts).
import * as tf from '@tensorflow/tfjs-core';

export const FUSED_KERNELS = {
  gelu: 'DisentangleGelu',
  geluGrad: 'DisentangleGeluGrad',
  batchNorm: 'DisentangleBatchNorm',
  batchNormGrad: 'DisentangleBatchNormGrad',
  layerNorm: 'DisentangleLayerNorm',
  layerNormGrad: 'DisentangleLayerNormGrad',
} as const;

function hasKernel(name: string): boolean {
  return tf.getKernel(name, tf.getBackend()) !== undefined;
}

/** Exact GELU, x * Phi(x) with Phi by erf (torch's default, not the tanh approximation), as tfjs ops. */
export function compositeGelu<T extends tf.Tensor>(x: T): T {
  return tf.mul(tf.mul(x, 0.5), tf.add(1, tf.erf(tf.mul(x, Math.SQRT1_2))));
}

const fusedGelu = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const [x, save] = args as [tf.Tensor, tf.GradSaveFunc];
  save([x]);
  return {
    value: tf.engine().runKernel(FUSED_KERNELS.gelu, { x }) as tf.Tensor,
    gradFunc: (dy: tf.Tensor, [saved]: tf.Tensor[]) => tf.engine().runKernel(FUSED_KERNELS.geluGrad, { dy, x: saved }) as tf.Tensor,
  };
});

/** Exact GELU: one kernel forward and one backward where the backend has them. */
export function gelu<T extends tf.Tensor>(x: T): T {
  return (x.dtype === 'float32' && hasKernel(FUSED_KERNELS.gelu) ? fusedGelu(x) : compositeGelu(x)) as T;
}

export interface BatchNormResult<T extends tf.Tensor> {
  y: T;
  /** The batch's per-channel mean and biased variance, kept: the caller disposes them. */
  mean: tf.Tensor1D;
  variance: tf.Tensor1D;
}

/** x·scale + (beta − mean·scale), scale = gamma / sqrt(variance + eps): two passes over the map instead of three. */
export function normaliseChannels<T extends tf.Tensor>(x: T, gamma: tf.Tensor, beta: tf.Tensor, mean: tf.Tensor, variance: tf.Tensor, eps: number): T {
  return tf.tidy(() => {
    const scale = tf.mul(gamma, tf.rsqrt(tf.add(variance, eps)));
    return tf.add(tf.mul(x, scale), tf.sub(beta, tf.mul(mean, scale))) as T;
  });
}

/** x with its value in the forward pass and no gradient (tfjs has no stop_gradient op). */
export const stopGradient = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const x = args[0] as tf.Tensor;
  return { value: tf.clone(x), gradFunc: (dy: tf.Tensor | tf.Tensor[]) => tf.zerosLike(dy as tf.Tensor) };
}) as (x: tf.Tensor) => tf.Tensor;

export interface BatchNormOptions {
  /** Treat the batch mean and variance as constants in the gradient (no gradient flows through them). */
  detachStatistics?: boolean;
}

function compositeBatchNorm<T extends tf.Tensor>(x: T, gamma: tf.Tensor1D, beta: tf.Tensor1D, eps: number, detach: boolean): BatchNormResult<T> {
  const axes = x.shape.slice(0, -1).map((_, i) => i);
  const { mean, variance } = tf.moments(x, axes);
  const [m, v] = detach ? [stopGradient(mean), stopGradient(variance)] : [mean, variance];
  return { y: normaliseChannels(x, gamma, beta, m, v, eps), mean: tf.keep(mean as tf.Tensor1D), variance: tf.keep(variance as tf.Tensor1D) };
}

function fusedBatchNorm<T extends tf.Tensor>(x: T, gamma: tf.Tensor1D, beta: tf.Tensor1D, eps: number, detach: boolean): BatchNormResult<T> {
  let statistics: tf.Tensor1D[] = [];
  const run = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [xi, g, b, save] = args as [tf.Tensor, tf.Tensor, tf.Tensor, tf.GradSaveFunc];
    const [y, mean, variance] = tf.engine().runKernel(FUSED_KERNELS.batchNorm, { x: xi, gamma: g, beta: b }, { epsilon: eps }) as tf.Tensor[];
    statistics = [tf.keep(mean as tf.Tensor1D), tf.keep(variance as tf.Tensor1D)];
    save([xi, g, mean, variance]);
    return {
      value: y,
      gradFunc: (dy: tf.Tensor, [sx, sg, sm, sv]: tf.Tensor[]) => tf.engine().runKernel(
        FUSED_KERNELS.batchNormGrad, { dy, x: sx, gamma: sg, mean: sm, variance: sv }, { epsilon: eps, detachStatistics: detach },
      ) as tf.Tensor[],
    };
  });
  const y = run(x, gamma, beta) as T;
  return { y, mean: statistics[0], variance: statistics[1] };
}

/**
 * Training-mode batch normalisation over the last (channel) axis by the batch's own mean and
 * biased variance, with the gradient through both unless `detachStatistics`; one kernel each way
 * where the backend has it.
 */
export function batchNormTraining<T extends tf.Tensor>(x: T, gamma: tf.Tensor1D, beta: tf.Tensor1D, eps: number, options: BatchNormOptions = {}): BatchNormResult<T> {
  const fused = x.dtype === 'float32' && hasKernel(FUSED_KERNELS.batchNorm);
  const detach = options.detachStatistics ?? false;
  return fused ? fusedBatchNorm(x, gamma, beta, eps, detach) : compositeBatchNorm(x, gamma, beta, eps, detach);
}

/** torch.nn.LayerNorm over the last axis as tfjs ops: each row by its own mean and biased variance. */
export function compositeLayerNorm<T extends tf.Tensor>(x: T, gamma: tf.Tensor1D, beta: tf.Tensor1D, eps: number): T {
  const { mean, variance } = tf.moments(x, -1, true);
  return tf.add(tf.mul(tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, eps))), gamma), beta) as T;
}

const fusedLayerNorm = (eps: number) => tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const [x, gamma, beta, save] = args as [tf.Tensor, tf.Tensor, tf.Tensor, tf.GradSaveFunc];
  const [y, mean, invStd] = tf.engine().runKernel(FUSED_KERNELS.layerNorm, { x, gamma, beta }, { epsilon: eps }) as tf.Tensor[];
  save([x, gamma, mean, invStd]);
  return {
    value: y,
    gradFunc: (dy: tf.Tensor, [sx, sg, sm, si]: tf.Tensor[]) =>
      tf.engine().runKernel(FUSED_KERNELS.layerNormGrad, { dy, x: sx, gamma: sg, mean: sm, invStd: si }) as tf.Tensor[],
  };
});

/** LayerNorm over the last axis (torch.nn.LayerNorm's definition); one kernel each way where the backend has it. */
export function layerNorm<T extends tf.Tensor>(x: T, gamma: tf.Tensor1D, beta: tf.Tensor1D, eps: number): T {
  const fused = x.dtype === 'float32' && hasKernel(FUSED_KERNELS.layerNorm);
  return (fused ? fusedLayerNorm(eps)(x, gamma, beta) : compositeLayerNorm(x, gamma, beta, eps)) as T;
}
