// The V3 loss (Wu et al., ICLR 2025; `model/v3_loss.py`, spec v3.md §3), term by term. Within a
// batch of B samples of n fragments, content should vary a lot between the fragments of a sample
// but little between sample averages, and style the other way round; four hinges on ratios of mean
// pairwise distances turn those inequalities into penalties:
//   L_content  = ReLU(r − V_frag(c) / (V_samp(c) + ε)) / r
//   L_style    = ReLU(r − V_samp(s) / (V_frag(s) + ε)) / r
//   L_sample   = ReLU(r − V_samp(s) / (V_samp(c) + ε)) / r
//   L_fragment = ReLU(r − V_frag(c) / (V_frag(s) + ε)) / r
// total = w_recon·MSE + w_content·L_content + w_style·L_style + w_sample·L_sample
//       + w_fragment·L_fragment + w_commit·L_commit.
// The adapted variant (the SVHN and LibriSpeech configs, §3.4) super-samples content across samples
// and widens style along the fragment axis; its two defects in the original are resolved as the
// spec proposes (see `v3Loss`).
import * as tf from '@tensorflow/tfjs-core';
import { z } from 'zod';
import { rowNorm } from '../nn/triplet.js';

/** The ε of every hinge's denominator (the original's `self.eps`). */
export const V3_EPS = 1e-5;

export const V3_LOSS_SETTINGS = z.strictObject({
  relativity: z.number().positive().default(15)
    .describe('r: each hinge is 0 once its ratio reaches r (15 for PhoneNums, InsNotes, Sprites; 5 for SVHN, LibriSpeech)'),
  weights: z.strictObject({
    recon: z.number().nonnegative().default(1).describe('weight of the reconstruction MSE'),
    content: z.number().nonnegative().default(1).describe('weight of L_content'),
    style: z.number().nonnegative().default(1).describe('weight of L_style'),
    sample: z.number().nonnegative().default(1).describe('weight of L_sample'),
    fragment: z.number().nonnegative().default(1).describe('weight of L_fragment'),
    commit: z.number().nonnegative().default(0.1).describe('weight of the VQ commitment loss'),
  }).prefault({}),
  supersample_content: z.boolean().default(false)
    .describe('regroup the B·n content vectors into near-square pseudo-samples for V_samp(c) (adapted variant)'),
  widen_style: z.union([z.boolean(), z.number().int().min(1)]).default(false)
    .describe('smooth z_s along the fragments: a window width w (radius floor((w − 1)/2)) or true for radius 1 (adapted variant)'),
  adapted_commit_loss: z.boolean().default(false)
    .describe('add the commitment loss in the adapted variant too (the original silently drops it there)'),
});
export type V3LossSettings = z.infer<typeof V3_LOSS_SETTINGS>;

export interface V3LossInputs {
  /** The input fragments, any shape. */
  x: tf.Tensor;
  /** The decoder's reconstruction, the shape of x. */
  recon: tf.Tensor;
  /** z_c before quantisation, [B, n, d]. */
  zContent: tf.Tensor3D;
  /** The straight-through quantised z_c (forward value the atoms, gradient into z_c), [B, n, d]. */
  zQuantized: tf.Tensor3D;
  /** z_s, [B, n, d]. */
  zStyle: tf.Tensor3D;
  /** The quantiser's commitment loss (0 in eval mode). */
  commit: tf.Scalar;
}

type V3TermName =
  | 'total' | 'recon' | 'content' | 'style' | 'sample' | 'fragment' | 'commit'
  | 'v_frag_c' | 'v_samp_c' | 'v_frag_s' | 'v_samp_s';

/**
 * Every term, by name, for logging: the weighted total, the six loss terms (unweighted; `commit` is
 * reported even where it is left out of the total), the four statistics the hinges used, and
 * `v_samp_ss_s` (the super-sampled style statistic of L_sample) when super-sampling is on.
 */
export type V3LossTerms = Record<V3TermName, tf.Scalar> & { v_samp_ss_s?: tf.Scalar };

/**
 * mpd of every group of a [B, m, d] tensor: the mean Euclidean distance over the m(m − 1) ordered
 * pairs of distinct rows, [B]. All m x m differences are formed by broadcasting (a gather of the
 * pairs would cost its scatter-add gradient); the diagonal's zero rows and coinciding rows
 * (fragments on one atom) go through rowNorm's guarded root, so they add 0 with a finite gradient
 * where the original relies on PyTorch's zero sub-gradient of the norm at 0.
 */
export function meanPairwiseDistance(v: tf.Tensor3D): tf.Tensor1D {
  const [groups, m, d] = v.shape;
  if (m < 2) throw new RangeError(`mean pairwise distance needs at least 2 vectors per group, got shape [${v.shape.join(', ')}]`);
  return tf.tidy(() => {
    const differences = tf.sub(tf.expandDims(v, 2), tf.expandDims(v, 1));
    const distances = rowNorm(tf.reshape(differences, [groups * m * m, d]), 2);
    return tf.div(tf.sum(tf.reshape(distances, [groups, m * m]), 1), m * (m - 1));
  });
}

/** mpd of the group means: one value for the whole [B, m, d] tensor. */
function acrossGroups(v: tf.Tensor3D): tf.Scalar {
  return tf.tidy(() => tf.squeeze(meanPairwiseDistance(tf.expandDims(tf.mean(v, 1), 0) as tf.Tensor3D)) as tf.Scalar);
}

/** Mean over the groups of the within-group mpd. */
function withinGroups(v: tf.Tensor3D): tf.Scalar {
  return tf.tidy(() => tf.mean(meanPairwiseDistance(v)) as tf.Scalar);
}

/**
 * The shape [P / i, i] that content super-sampling regroups P = B·n vectors into: i is the largest
 * divisor of P with i ≤ √P (64 → [8, 8], 12 → [4, 3], a prime P → [P, 1]).
 */
export function supersampleShape(total: number): [number, number] {
  if (!(Number.isInteger(total) && total >= 1)) throw new RangeError(`super-sampling needs a positive integer count, got ${total}`);
  let width = Math.floor(Math.sqrt(total));
  while (width * width > total) width--;
  while ((width + 1) * (width + 1) <= total) width++;
  while (total % width !== 0) width--;
  return [total / width, width];
}

/** [B, n, d] regrouped row-major into the [P / i, i, d] pseudo-samples of `supersampleShape`. */
export function supersample(z: tf.Tensor3D): tf.Tensor3D {
  const [batch, n, d] = z.shape;
  return tf.reshape(z, [...supersampleShape(batch * n), d]);
}

/**
 * The widening radius of a `widen_style` setting, or null when widening is off. `true` is radius 1
 * as the spec reads the original; in Python the original's int branch catches `True` first
 * (bool is an int), which gives radius 0. No shipped config uses `true` (LibriSpeech: 3).
 */
export function wideningRadius(widen: boolean | number): number | null {
  if (widen === false) return null;
  if (widen === true) return 1;
  return Math.floor((widen - 1) / 2);
}

/**
 * The original's style widening, literally: replicate-pad z_s by ρ on both ends of the fragment
 * axis (n + 2ρ rows), then (P + Σ_{t=−ρ..ρ} roll(P, t)) / (2ρ + 1) with rolls circular over the
 * padded axis. The padded tensor is added once more than the window and the padding is kept: both
 * are what `_compute_loss_adapted` does.
 */
export function widenStyle(zStyle: tf.Tensor3D, radius: number): tf.Tensor3D {
  const [batch, n, d] = zStyle.shape;
  return tf.tidy(() => {
    const head = tf.tile(tf.slice(zStyle, [0, 0, 0], [batch, 1, d]), [1, radius, 1]);
    const tail = tf.tile(tf.slice(zStyle, [0, n - 1, 0], [batch, 1, d]), [1, radius, 1]);
    const padded = radius > 0 ? tf.concat([head, zStyle, tail], 1) : zStyle;
    const length = n + 2 * radius;
    let sum: tf.Tensor = padded;
    for (let shift = -radius; shift <= radius; shift++) sum = tf.add(sum, rollFragments(padded, shift, length));
    return tf.div(sum, 2 * radius + 1) as tf.Tensor3D;
  });
}

/**
 * torch.roll(x, shift, dim=1): row j of the result is row (j − shift) mod L of x. Two slices and a
 * concat rather than a gather, whose gradient needs a kernel (UnsortedSegmentSum) wasm lacks.
 */
function rollFragments(x: tf.Tensor3D, shift: number, length: number): tf.Tensor3D {
  const k = ((shift % length) + length) % length;
  if (k === 0) return x;
  const [batch, , d] = x.shape;
  return tf.concat([tf.slice(x, [0, length - k, 0], [batch, k, d]), tf.slice(x, [0, 0, 0], [batch, length - k, d])], 1);
}

/** ReLU(r − numerator / (denominator + ε)) / r: in [0, 1], 0 once the ratio reaches r. */
export function v3Hinge(numerator: tf.Scalar, denominator: tf.Scalar, relativity: number): tf.Scalar {
  return tf.tidy(() => tf.div(tf.relu(tf.sub(relativity, tf.div(numerator, tf.add(denominator, V3_EPS)))), relativity) as tf.Scalar);
}

function checkInputs({ x, recon, zContent, zQuantized, zStyle }: V3LossInputs): void {
  const same = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((v, i) => v === b[i]);
  if (!same(x.shape, recon.shape)) throw new RangeError(`V3 loss: recon has shape [${recon.shape}] but x has [${x.shape}]`);
  for (const [name, t] of [['zQuantized', zQuantized], ['zStyle', zStyle]] as const) {
    if (!same(t.shape, zContent.shape)) throw new RangeError(`V3 loss: ${name} has shape [${t.shape}] but zContent has [${zContent.shape}]`);
  }
  const [batch, n] = zContent.shape;
  if (batch < 2 || n < 2) {
    throw new RangeError(`V3 loss needs at least 2 samples of at least 2 fragments (the statistics are mean pairwise distances), got [${zContent.shape}]`);
  }
}

/**
 * The V3 loss and every term of it. The plain path (no super-sampling, no widening) is
 * `_compute_loss_pure`. The adapted path follows spec §3.4:
 *  - super-sampling replaces V_samp(c) by its value on the regrouped vectors (z_c and z_q alike),
 *    and L_sample uses V_samp_ss(s), the style statistic on the same regrouping;
 *  - widening replaces V_frag(s) and V_samp(s) by their values on the widened z_s (as the spec
 *    says; the original, widening without super-sampling, overwrites the widened V_samp(s) with
 *    the plain one, a combination no shipped config uses);
 *  - without widening, L_style uses the plain V_samp(s) (the original leaves it undefined and fails);
 *  - the commitment loss is left out of the total unless `adapted_commit_loss` (the original's weight
 *    lookup misses it there).
 */
export function v3Loss(inputs: V3LossInputs, settings: V3LossSettings): V3LossTerms {
  checkInputs(inputs);
  const { x, recon: reconstruction, zContent, zQuantized, zStyle, commit } = inputs;
  const r = settings.relativity;
  const radius = wideningRadius(settings.widen_style);
  const adapted = settings.supersample_content || radius !== null;
  return tf.tidy(() => {
    const recon = tf.mean(tf.squaredDifference(reconstruction, x)) as tf.Scalar;
    const average = (a: tf.Scalar, b: tf.Scalar) => tf.mul(0.5, tf.add(a, b)) as tf.Scalar;

    const v_frag_c = average(withinGroups(zContent), withinGroups(zQuantized));
    const v_samp_c = settings.supersample_content
      ? average(acrossGroups(supersample(zContent)), acrossGroups(supersample(zQuantized)))
      : average(acrossGroups(zContent), acrossGroups(zQuantized));
    const styleForStatistics = radius === null ? zStyle : widenStyle(zStyle, radius);
    const v_frag_s = withinGroups(styleForStatistics);
    const v_samp_s = acrossGroups(styleForStatistics);
    const v_samp_ss_s = settings.supersample_content ? acrossGroups(supersample(zStyle)) : undefined;

    const content = v3Hinge(v_frag_c, v_samp_c, r);
    const style = v3Hinge(v_samp_s, v_frag_s, r);
    const sample = v3Hinge(v_samp_ss_s ?? v_samp_s, v_samp_c, r);
    const fragment = v3Hinge(v_frag_c, v_frag_s, r);

    const w = settings.weights;
    const weighted = [
      tf.mul(w.recon, recon), tf.mul(w.content, content), tf.mul(w.style, style),
      tf.mul(w.sample, sample), tf.mul(w.fragment, fragment),
    ];
    if (!adapted || settings.adapted_commit_loss) weighted.push(tf.mul(w.commit, commit));
    const total = tf.addN(weighted) as tf.Scalar;
    const terms: V3LossTerms = { total, recon, content, style, sample, fragment, commit: tf.clone(commit), v_frag_c, v_samp_c, v_frag_s, v_samp_s };
    if (v_samp_ss_s) terms.v_samp_ss_s = v_samp_ss_s;
    return terms;
  });
}
