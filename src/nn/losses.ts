// Reconstruction likelihoods and the Gaussian KL. Losses are summed over an example's dimensions
// and averaged over the batch (disentanglement_lib; disent's `mean_sum`), or, with reduction
// 'mean', averaged over every element (disent's default `loss_reduction: mean`).
//
// Base losses, by what the decoder output d means:
//   bernoulli (disent: bce)  d = logits; BCE with logits (dl losses.py bernoulli_loss, activation "logits")
//   l2                       d = logits; (sigmoid(d) - x)^2 (dl losses.py l2_loss)
//   mse                      d = the image; (d - x)^2 (disent ReconLossHandlerMse, no output activation)
//   gaussian (disent: normal) d = the mean of N(d, 1); NLL 1/2 (d - x)^2 + 1/2 log 2π
//                            (disent ReconLossHandlerNormal; disentanglement_lib has none)
// Blurred ("augmented") losses of the MSc thesis (disent/frameworks/helper/reconstructions.py,
// AugmentedReconLossHandler), named `<base>_<kernel>[_l<w_rec>_k<w_aug>]_norm_<mode>` or
// `<base>_<kernel>` (weights 1, mode none):
//   L = w_rec·base(d, x) + w_aug·base(K ⊛ act(d), K ⊛ x), element-wise, then reduced as above,
// with K ⊛ a per-channel zero-padded 'same' convolution. The blurred term compares images (the
// base's activation applied first), as disent does; the plain term keeps the stable logits form.
import * as tf from '@tensorflow/tfjs-core';
import type { Posterior } from './model.js';

const BASE_ALIASES = {
  bernoulli: 'bernoulli',
  bce: 'bernoulli',
  l2: 'l2',
  mse: 'mse',
  gaussian: 'gaussian',
  normal: 'gaussian',
} as const;

export type BaseReconLoss = keyof typeof BASE_ALIASES;
type CanonicalBase = (typeof BASE_ALIASES)[BaseReconLoss];
/** A base loss name, or a blurred loss built on one (validated by parseReconLoss). */
export type ReconLoss = BaseReconLoss | `${BaseReconLoss}_${string}`;
export const BASE_RECON_LOSSES = Object.keys(BASE_ALIASES) as BaseReconLoss[];

export const RECON_REDUCTIONS = ['sum', 'mean'] as const;
export type ReconReduction = (typeof RECON_REDUCTIONS)[number];

export const BLUR_KERNEL_SHAPES = ['box', 'gau'] as const;
export const KERNEL_NORMALIZATIONS = ['sum', 'abssum', 'none'] as const;

export interface BlurKernelSpec {
  /** box: every entry 1/(2R+1)^2; gau: separable Gaussian, σ = R/4, truncated at 4σ (size 2R+1). */
  shape: (typeof BLUR_KERNEL_SHAPES)[number];
  radius: number;
  /** Divide K by its sum, by the sum of |K| (the same for these positive kernels), or leave it. */
  normalize: (typeof KERNEL_NORMALIZATIONS)[number];
}

export interface ParsedReconLoss {
  name: string;
  base: CanonicalBase;
  blur?: { kernel: BlurKernelSpec; reconWeight: number; augWeight: number };
}

export const RECON_LOSS_DESCRIPTION =
  'bernoulli (= bce): BCE with logits; l2: squared error of sigmoid(output) (disentanglement_lib); ' +
  'mse: squared error of the raw output (disent); gaussian (= normal): N(output, 1) NLL; ' +
  'blurred: <base>_<box|gau>_r<R>[_l<w_rec>_k<w_aug>]_norm_<sum|abssum|none> or <base>_<box|gau>_r<R>, ' +
  'e.g. mse_box_r31_l1.0_k3969.0_norm_sum';

const WEIGHT = /^\d+\.\d+$/;

function parseWeight(token: string | undefined, prefix: 'l' | 'k', name: string, what: string): number {
  if (token === undefined || !token.startsWith(prefix) || !WEIGHT.test(token.slice(1))) {
    throw new RangeError(`recon loss '${name}': expected ${what} as ${prefix}<digits>.<digits> (e.g. ${prefix}1.0), got '${token ?? ''}'`);
  }
  return Number(token.slice(1));
}

/** Validates a reconstruction loss name; throws a RangeError naming the part that is wrong. */
export function parseReconLoss(name: string): ParsedReconLoss {
  const [baseName, kernelShape, radiusToken, ...rest] = name.split('_');
  if (!Object.hasOwn(BASE_ALIASES, baseName)) {
    throw new RangeError(`recon loss '${name}': unknown base loss '${baseName}'; one of ${BASE_RECON_LOSSES.join(', ')}`);
  }
  const base = BASE_ALIASES[baseName as BaseReconLoss];
  if (kernelShape === undefined) return { name, base };

  if (!(BLUR_KERNEL_SHAPES as readonly string[]).includes(kernelShape)) {
    throw new RangeError(`recon loss '${name}': unknown blur kernel '${kernelShape}'; one of ${BLUR_KERNEL_SHAPES.join(', ')}`);
  }
  const radiusMatch = /^r(\d+)$/.exec(radiusToken ?? '');
  const radius = radiusMatch ? Number(radiusMatch[1]) : NaN;
  // σ = R/4 makes gau_r0 a division by zero, as in the original.
  if (!radiusMatch || (kernelShape === 'gau' && radius === 0)) {
    throw new RangeError(`recon loss '${name}': kernel radius must be r<integer>${kernelShape === 'gau' ? ' >= 1' : ''}, got '${radiusToken ?? ''}'`);
  }

  let reconWeight = 1;
  let augWeight = 1;
  let normalize: BlurKernelSpec['normalize'] = 'none';
  if (rest.length > 0) {
    const normAt = rest.length - 2;
    if ((normAt !== 0 && normAt !== 2) || (normAt === 0 && rest[0] !== 'norm')) {
      throw new RangeError(`recon loss '${name}': after the kernel expected '_norm_<mode>' or '_l<w>_k<w>_norm_<mode>', got '_${rest.join('_')}'`);
    }
    if (normAt === 2) {
      reconWeight = parseWeight(rest[0], 'l', name, 'the reconstruction weight');
      augWeight = parseWeight(rest[1], 'k', name, 'the blurred-loss weight');
    }
    if (rest[normAt] !== 'norm') throw new RangeError(`recon loss '${name}': expected 'norm', got '${rest[normAt]}'`);
    const mode = rest[normAt + 1];
    if (!(KERNEL_NORMALIZATIONS as readonly string[]).includes(mode)) {
      throw new RangeError(`recon loss '${name}': unknown kernel normalisation '${mode}'; one of ${KERNEL_NORMALIZATIONS.join(', ')}`);
    }
    normalize = mode as BlurKernelSpec['normalize'];
  }
  return { name, base, blur: { kernel: { shape: kernelShape as BlurKernelSpec['shape'], radius, normalize }, reconWeight, augWeight } };
}

/** One axis of the separable kernel (the 2-D kernel is its outer product with itself). */
export function blurKernelAxis({ shape, radius, normalize }: BlurKernelSpec): Float64Array {
  const size = 2 * radius + 1;
  const sigma = radius / 4;
  const axis = Float64Array.from({ length: size }, (_, i) => shape === 'box'
    ? 1 / size
    : Math.exp(-((i - radius) ** 2) / (2 * sigma ** 2)) / (Math.sqrt(2 * Math.PI) * sigma));
  if (normalize === 'none') return axis;
  // Every entry is positive, so sum and abssum agree, and the 2-D sum is the square of the axis sum.
  const total = axis.reduce((a, b) => a + b, 0);
  return axis.map((v) => v / total);
}

/** The (2R+1)x(2R+1) kernel K, rows of entries. */
export function blurKernel2d(spec: BlurKernelSpec): number[][] {
  const axis = blurKernelAxis(spec);
  return Array.from(axis, (a) => Array.from(axis, (b) => a * b));
}

/**
 * K ⊛ images per channel with zero padding, same size out: a vertical then a horizontal pass over
 * every channel as its own single-channel image (plain conv2d: the wasm backend has no gradient
 * kernel for depthwise convolutions).
 */
export function blurImages(spec: BlurKernelSpec, images: tf.Tensor4D): tf.Tensor4D {
  return tf.tidy(() => {
    const [batch, height, width, channels] = images.shape;
    const size = 2 * spec.radius + 1;
    const axis = Float32Array.from(blurKernelAxis(spec));
    const planes = tf.reshape(tf.transpose(images, [0, 3, 1, 2]), [batch * channels, height, width, 1]) as tf.Tensor4D;
    const vertical = tf.conv2d(planes, tf.tensor4d(axis, [size, 1, 1, 1]), 1, 'same');
    const blurred = tf.conv2d(vertical, tf.tensor4d(axis, [1, size, 1, 1]), 1, 'same');
    return tf.transpose(tf.reshape(blurred, [batch, channels, height, width]), [0, 2, 3, 1]) as tf.Tensor4D;
  });
}

const HALF_LOG_TWO_PI = 0.5 * Math.log(2 * Math.PI);
// Probabilities are kept off 0 and 1 before the log, as disentanglement_lib's bernoulli_loss does for
// its tanh output (torch clamps the log at -100 instead; the two differ only on saturated pixels,
// and clamping the log itself would give NaN gradients there).
const PROBABILITY_EPSILON = 1e-6;

/** Per-element loss of the raw decoder output. */
function elementLossOfOutput(base: CanonicalBase, decoded: tf.Tensor4D, x: tf.Tensor4D): tf.Tensor4D {
  switch (base) {
    case 'bernoulli': // stable BCE with logits: max(l,0) - l*x + log(1 + exp(-|l|))
      return tf.add(tf.sub(tf.relu(decoded), tf.mul(decoded, x)), tf.log1p(tf.exp(tf.neg(tf.abs(decoded)))));
    case 'l2':
      return tf.squaredDifference(tf.sigmoid(decoded), x);
    case 'mse':
      return tf.squaredDifference(decoded, x);
    case 'gaussian':
      return tf.add(tf.mul(0.5, tf.squaredDifference(decoded, x)), HALF_LOG_TWO_PI);
  }
}

/** Per-element loss between an image (the base's activation already applied) and the target. */
function elementLossOfImage(base: CanonicalBase, image: tf.Tensor4D, x: tf.Tensor4D): tf.Tensor4D {
  if (base === 'bernoulli') {
    const p = tf.clipByValue(image, PROBABILITY_EPSILON, 1 - PROBABILITY_EPSILON);
    return tf.neg(tf.add(tf.mul(x, tf.log(p)), tf.mul(tf.sub(1, x), tf.log1p(tf.neg(p))))) as tf.Tensor4D;
  }
  return elementLossOfOutput(base, image, x);
}

function activate(base: CanonicalBase, decoded: tf.Tensor4D): tf.Tensor4D {
  return base === 'bernoulli' || base === 'l2' ? tf.sigmoid(decoded) : decoded;
}

// The loss is looked up by its config name on every training step.
const parsedNames = new Map<string, ParsedReconLoss>();

function parsedOnce(kind: ReconLoss): ParsedReconLoss {
  let parsed = parsedNames.get(kind);
  if (!parsed) parsedNames.set(kind, (parsed = parseReconLoss(kind)));
  return parsed;
}

export function reconstructionLoss(kind: ReconLoss, decoded: tf.Tensor4D, x: tf.Tensor4D, reduction: ReconReduction = 'sum'): tf.Scalar {
  return tf.tidy(() => {
    const { base, blur } = parsedOnce(kind);
    let perElement = elementLossOfOutput(base, decoded, x);
    if (blur) {
      const blurred = elementLossOfImage(base, blurImages(blur.kernel, activate(base, decoded)), blurImages(blur.kernel, x));
      perElement = tf.add(tf.mul(blur.reconWeight, perElement), tf.mul(blur.augWeight, blurred));
    }
    return reduction === 'sum' ? tf.div(tf.sum(perElement), x.shape[0]) : tf.mean(perElement);
  });
}

/** What the decoder output means as an image in [0, 1]. */
export function decodedToImage(kind: ReconLoss, decoded: tf.Tensor4D): tf.Tensor4D {
  const { base } = parsedOnce(kind);
  return base === 'bernoulli' || base === 'l2' ? tf.sigmoid(decoded) : tf.clipByValue(decoded, 0, 1);
}

/** KL(q(z|x) || N(0, I)) of every latent of every example, shape [batch, zDim]. */
function klElements({ mu, logvar }: Posterior): tf.Tensor2D {
  return tf.mul(0.5, tf.sub(tf.sub(tf.add(tf.square(mu), tf.exp(logvar)), logvar), 1));
}

/** KL(q(z|x) || N(0, I)) per example, shape [batch]. */
export function klPerExample(q: Posterior): tf.Tensor1D {
  return tf.sum(klElements(q), 1);
}

/** Mean KL of each latent dimension over the batch, shape [zDim]: ~0 for a collapsed latent. */
export function klPerDimension(q: Posterior): tf.Tensor1D {
  return tf.mean(klElements(q), 0);
}

export function klLoss(q: Posterior): tf.Scalar {
  return tf.mean(klPerExample(q));
}

/** KL(p || q) of two diagonal Gaussians, per example and latent, [batch, zDim]. */
export function gaussianKlPerDimension(p: Posterior, q: Posterior): tf.Tensor2D {
  return tf.tidy(() => {
    const ratio = tf.div(tf.add(tf.exp(p.logvar), tf.square(tf.sub(p.mu, q.mu))), tf.exp(q.logvar));
    return tf.mul(0.5, tf.sub(tf.add(tf.sub(q.logvar, p.logvar), ratio), 1));
  }) as tf.Tensor2D;
}
