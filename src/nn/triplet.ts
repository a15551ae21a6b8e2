// disent's triplet losses (disent/nn/loss/triplet.py) on representations [batch, zDim]. Each is a
// function of the p-norm distances d+ = ‖a − p‖_p and d− = ‖a − n‖_p, averaged over the batch and
// multiplied by `triplet_scale`:
//   triplet                max(0, d+ − d− + m_max)
//   triplet_soft           log(1 + exp(d+ − d−))                        (soft margin; margins unused)
//   triplet_sigmoid        sigmoid((d+ − d−) / m_max)
//   min_clamped_triplet    max(0, max(d+, m_min) − d− + m_max)
//   split_clamped_triplet  max(d+, m_min) − min(d−, m_max) + (m_max − m_min)
// The "dist" form takes the difference vectors (a − p, a − n) themselves, so that Ada-TVAE can
// rescale some dimensions of a − n before the norm.
import * as tf from '@tensorflow/tfjs-core';

export const TRIPLET_LOSSES = ['triplet', 'triplet_soft', 'triplet_sigmoid', 'min_clamped_triplet', 'split_clamped_triplet'] as const;
export type TripletLossName = (typeof TRIPLET_LOSSES)[number];

export interface TripletSettings {
  triplet_loss: TripletLossName;
  triplet_margin_min: number;
  triplet_margin_max: number;
  triplet_scale: number;
  /** The p of the p-norm distance, p ≥ 1. */
  triplet_p: number;
}

/**
 * ‖x‖_p of every row. |x| is written x·sign(x) so that its gradient at 0 is 0 (as torch's), and
 * the root is guarded so that a zero row (an anchor and positive encoded alike) has a zero
 * gradient, not NaN.
 */
export function rowNorm(x: tf.Tensor2D, p: number): tf.Tensor1D {
  return tf.tidy(() => {
    const magnitude = () => tf.mul(x, tf.sign(x));
    if (p === 1) return tf.sum(magnitude(), 1);
    const powered = tf.sum(p === 2 ? tf.square(x) : tf.pow(magnitude(), p), 1);
    // 1 where the row is non-zero (step, not a comparison: tfjs cannot differentiate through those).
    const positive = tf.step(powered);
    const safe = tf.add(powered, tf.sub(1, positive));
    return tf.mul(positive, p === 2 ? tf.sqrt(safe) : tf.pow(safe, 1 / p));
  }) as tf.Tensor1D;
}

/** The configured triplet loss, scaled, of the differences a − p and a − n. */
export function distTripletLoss(posDelta: tf.Tensor2D, negDelta: tf.Tensor2D, s: TripletSettings): tf.Scalar {
  return tf.tidy(() => {
    const dPos = rowNorm(posDelta, s.triplet_p);
    const dNeg = rowNorm(negDelta, s.triplet_p);
    const [mMin, mMax] = [s.triplet_margin_min, s.triplet_margin_max];
    let perSample: tf.Tensor;
    switch (s.triplet_loss) {
      case 'triplet':
        perSample = tf.relu(tf.add(tf.sub(dPos, dNeg), mMax));
        break;
      case 'triplet_soft':
        perSample = tf.softplus(tf.sub(dPos, dNeg));
        break;
      case 'triplet_sigmoid':
        perSample = tf.sigmoid(tf.div(tf.sub(dPos, dNeg), mMax));
        break;
      case 'min_clamped_triplet':
        perSample = tf.relu(tf.add(tf.sub(tf.maximum(dPos, mMin), dNeg), mMax));
        break;
      case 'split_clamped_triplet':
        perSample = tf.add(tf.sub(tf.maximum(dPos, mMin), tf.minimum(dNeg, mMax)), mMax - mMin);
        break;
    }
    return tf.mul(tf.mean(perSample), s.triplet_scale) as tf.Scalar;
  });
}

/** The configured triplet loss, scaled, of anchors, positives and negatives. */
export function tripletLoss(anchor: tf.Tensor2D, positive: tf.Tensor2D, negative: tf.Tensor2D, s: TripletSettings): tf.Scalar {
  return tf.tidy(() => distTripletLoss(tf.sub(anchor, positive), tf.sub(anchor, negative), s));
}

// Triplet mining (disent/nn/loss/triplet_mining.py): which of a batch's candidate triplets to keep,
// given each one's anchor-positive and anchor-negative distances.
export const MINING_MODES = ['none', 'hard_neg', 'semi_hard_neg', 'hard_pos', 'easy_pos'] as const;
export type MiningMode = (typeof MINING_MODES)[number];

const indices = (n: number) => Array.from({ length: n }, (_, i) => i);

/** Indices 0..n-1 ordered by `key`, ties in index order. */
function orderBy(n: number, key: (i: number) => number): number[] {
  return indices(n).sort((i, j) => key(i) - key(j) || i - j);
}

/**
 * The kept triplets: all ('none'); the `topK` with the closest negatives ('hard_neg'), farthest
 * positives ('hard_pos') or closest positives ('easy_pos'); or those with d+ < d− < margin
 * ('semi_hard_neg'). When nothing is selected every triplet is kept, as disent does.
 */
export function mineTriplets(mode: MiningMode, dPos: ArrayLike<number>, dNeg: ArrayLike<number>, topK: number, margin: number): number[] {
  const n = dPos.length;
  let kept: number[];
  switch (mode) {
    case 'none': kept = []; break;
    case 'hard_neg': kept = orderBy(n, (i) => dNeg[i]).slice(0, topK); break;
    case 'hard_pos': kept = orderBy(n, (i) => -dPos[i]).slice(0, topK); break;
    case 'easy_pos': kept = orderBy(n, (i) => dPos[i]).slice(0, topK); break;
    case 'semi_hard_neg': kept = indices(n).filter((i) => dPos[i] < dNeg[i] && dNeg[i] < margin); break;
  }
  return kept.length > 0 ? kept : indices(n);
}
