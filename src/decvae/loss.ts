// DecVAE's training objective (Ziogas et al. 2026; spec decvae.md §7, the original's
// `DecVAEForPreTraining.compute_decomposition_loss`, `compute_prior_reg_loss` and `forward`, and
// the gradient handling of `scripts/pre-training/base_models_ssl_pretraining.py`). DecVAE has no
// decoder: the latent space is shaped only by
//  - the decomposition loss (§7.1), per branch, on the 192-d projected features: softmax over the
//    features, then per utterance the Jensen-Shannon divergence summed over its rows (selected
//    frames for Z, one row for S) and clamped to [0, 1]. The original X should be close to every
//    component OC_k (positives, BCE toward 0) and the components far from each other (negatives,
//    BCE toward 1):
//      JS(A, B) = clamp(½[Σ (A+ε)(log(A+ε) − log M) + Σ (B+ε)(log(B+ε) − log M)], 0, 1), M = (A+B)/2
//      CEpos_k = (1/U) Σ_u −log(1 − JS(P_u, Q_k,u)),  CEneg = (1/U) Σ_{k<l} Σ_u −log JS(Q_k,u, Q_l,u)
//      L_dec = w_neg·CEneg + w_01·CEpos_1 + w_02·CEpos_2 + w_03+·Σ_{k≥3} CEpos_k;
//  - the prior (§7.2): KL(N(μ, e^lv) ‖ N(0, I)) summed over rows and latent dimensions on the heads
//    of every component and of the projected components (never on X's head, whose KL the original
//    comments out), scaled by weighting·β/(NoC + 1), weighting 10 for Z and 400 for S.
// The dual model's loss is the sum of both branches (§7.3). After backprop the original divides
// every gradient by W = 2·(w_neg·N_neg,z + w_pos·N_pos,z), the weighted number of Z divergence
// terms, then clips the global gradient norm at 2 (torch's clip_grad_norm_).
import * as tf from '@tensorflow/tfjs-core';
import { z } from 'zod';
import { UserError } from '../util/errors.js';
import type { Rng } from '../util/random.js';

/** The ε added to each distribution inside the JS divergence (the original's `eps`). */
export const JS_EPS = 1e-8;
/** nn.BCELoss clamps each log at −100, so a divergence at its bound costs 100, not infinity. */
const BCE_LOG_FLOOR = -100;
/** The floor of (1 − x)·x in nn.BCELoss's backward (ATen's EPSILON). */
const BCE_BACKWARD_EPS = 1e-12;
/** torch.nn.utils.clip_grad_norm_'s guard in max_norm / (total_norm + 1e-6). */
const CLIP_EPS = 1e-6;

const weight = (original: string) => z.number().nonnegative().default(0.3333)
  .describe(`${original} (the config's 0.3333, i.e. 1/3 as written there)`);

export const DECVAE_LOSS_SETTINGS = z.strictObject({
  divergence: z.literal('js').default('js')
    .describe("divergence_type: Jensen-Shannon (the original's 'kl' alternative crashes at HEAD and is not offered)"),
  reduction: z.literal('sum').default('sum')
    .describe('decomp_loss_reduction: JS summed over the rows of an utterance, BCE averaged over utterances'),
  max_frames_per_batch: z.union([z.number().int().positive(), z.literal('all')]).default(100)
    .describe("frames per utterance drawn for the Z losses (100 in pre-training, 'all' in evaluation)"),
  pairing: z.enum(['original', 'intended']).default('original')
    .describe("Z component rows: 'original' regroups the frame-major rows as the original does (§7.1.4), 'intended' pairs component l of every frame"),
  weights: z.strictObject({
    div_neg: weight('div_neg_weight: weight of CEneg and of N_neg in the gradient normaliser'),
    div_pos: weight('div_pos_weight: weight of N_pos in the gradient normaliser (the JS loss weights positives per component)'),
    positive_1: weight('weight_0_1: weight of CEpos for OC_1'),
    positive_2: weight('weight_0_2: weight of CEpos for OC_2'),
    positive_3_and_above: weight('weight_0_3_and_above: weight of each CEpos for OC_3 onwards'),
  }).prefault({}),
  prior_weighting_z: z.number().nonnegative().default(10).describe('prior_reg_weighting_z: scale of the Z branch KL term'),
  prior_weighting_s: z.number().nonnegative().default(400).describe('prior_reg_weighting_s: scale of the S branch KL term'),
  beta_z: z.number().nonnegative().default(1).describe('beta_kl_prior_z (the paper sweeps 0, 0.1, 1, 5, 10, 20, 40; 0 is DecAE)'),
  beta_s: z.number().nonnegative().default(1).describe('beta_kl_prior_s (equal to beta_z in the paper)'),
  max_grad_norm: z.number().positive().default(2).describe('clip_grad_value: global gradient norm clip after the 1/W scaling'),
});
export type DecVaeLossSettings = z.infer<typeof DECVAE_LOSS_SETTINGS>;

/**
 * Frame selection of §7.1.1: for each utterance, min(maxFrames, #eligible) of its eligible frame
 * indices drawn without replacement (a partial Fisher-Yates shuffle, the original's
 * randperm(items)[:N]) and sorted ascending. Where every eligible frame is kept ('all', or N at
 * least #eligible) nothing is drawn.
 */
export function selectFrames(eligible: readonly (readonly number[])[], maxFrames: number | 'all', rng: Rng): number[][] {
  if (maxFrames !== 'all' && !(Number.isInteger(maxFrames) && maxFrames > 0)) {
    throw new UserError(`max_frames_per_batch must be a positive integer or 'all', got ${maxFrames}`);
  }
  return eligible.map((frames, utterance) => {
    if (!frames.every((f) => Number.isInteger(f) && f >= 0) || new Set(frames).size !== frames.length) {
      throw new RangeError(`eligible frames of utterance ${utterance} must be distinct non-negative integers`);
    }
    const pool = [...frames];
    const count = maxFrames === 'all' ? pool.length : Math.min(maxFrames, pool.length);
    if (count < pool.length) {
      for (let i = 0; i < count; i++) {
        const j = i + rng.int(pool.length - i);
        [pool[i], pool[j]] = [pool[j], pool[i]];
      }
    }
    return pool.slice(0, count).sort((a, b) => a - b);
  });
}

/**
 * The component rows each group l of the loss compares, [NoC, U, n, d], from the model's
 * [NoC, U, n, d] component features. 'intended': group l is component l. 'original' (§7.1.4): the
 * original stacks a frame's [X, OC_1..OC_NoC] rows frame-major and cuts the n·NoC component rows
 * (f_1c_1, f_1c_2, …, f_2c_1, …) into NoC consecutive blocks of n, so row r of group l is item
 * l·n + r of that list: component ((l·n + r) mod NoC) + 1 of frame ⌊(l·n + r)/NoC⌋. With one row
 * per utterance (S) both are the identity.
 */
export function pairComponentRows(components: tf.Tensor4D, pairing: DecVaeLossSettings['pairing']): tf.Tensor4D {
  if (pairing === 'intended') return components;
  const [noc, utterances, n, d] = components.shape;
  return tf.tidy(() => {
    const frameMajor = tf.reshape(tf.transpose(components, [1, 2, 0, 3]), [utterances, noc, n, d]);
    return tf.transpose(frameMajor, [1, 0, 2, 3]) as tf.Tensor4D;
  });
}

/**
 * JS(A, B) of §7.1.3 for probability rows [..., U, n, d] (broadcasting): per utterance, summed over
 * its n rows and the d features, then clamped to [0, 1], so [..., U]. M carries no ε (the
 * original's log of ½(A + B)); beyond 1 the clamp passes no gradient.
 */
export function jensenShannon(a: tf.Tensor, b: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const logMixture = tf.log(tf.mul(0.5, tf.add(a, b)));
    const towardMixture = (p: tf.Tensor) => {
      const shifted = tf.add(p, JS_EPS);
      return tf.sum(tf.mul(shifted, tf.sub(tf.log(shifted), logMixture)), [-2, -1]);
    };
    return tf.clipByValue(tf.mul(0.5, tf.add(towardMixture(a), towardMixture(b))), 0, 1);
  });
}

/**
 * nn.BCELoss(reduction='none') toward a constant target, forward and backward as PyTorch has them:
 * −max(log x, −100) (target 1) or −max(log(1 − x), −100) (target 0), and the gradient
 * (x − t)/max((1 − x)x, 1e-12). Autodiff of the clamped log would give 0·∞ = NaN where a divergence
 * sits exactly on its bound (identical components give JS = 0); PyTorch's stays finite.
 */
function bceToward(target: 0 | 1): (x: tf.Tensor) => tf.Tensor {
  return tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [x, save] = args as [tf.Tensor, tf.GradSaveFunc];
    save([x]);
    const likelihood = target === 1 ? x : tf.sub(1, x);
    return {
      value: tf.neg(tf.maximum(tf.log(likelihood), BCE_LOG_FLOOR)),
      gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
        const [input] = saved;
        const denominator = tf.maximum(tf.mul(tf.sub(1, input), input), BCE_BACKWARD_EPS);
        return [tf.div(tf.mul(dy as tf.Tensor, tf.sub(input, target)), denominator)];
      },
    };
  }) as (x: tf.Tensor) => tf.Tensor;
}
const bceTowardZero = bceToward(0);
const bceTowardOne = bceToward(1);

/** The NoC·(NoC − 1)/2 negative pairs (k, l), k < l, 0-based, in the original's loop order. */
function negativePairs(noc: number): [number, number][] {
  const pairs: [number, number][] = [];
  for (let k = 0; k < noc; k++) for (let l = k + 1; l < noc; l++) pairs.push([k, l]);
  return pairs;
}

/**
 * Every logged value of one branch's decomposition loss, as plain numbers, with the original's
 * names: div_pos = Σ JSpos/(U·NoC), div_neg = Σ JSneg/(U·#pairs); div_0_k (positive k) and
 * div_l_k (negative pair k < l, the original's key order) averaged over utterances; ce_0_k = CEpos_k,
 * ce_pos = Σ_k CEpos_k, ce_neg; decomposition = L_dec; N_div_pos = U·n·NoC and N_div_neg =
 * U·n·#pairs, the divergence counts of the gradient normaliser.
 */
export type DecompositionLogs = Record<string, number>;

export interface DecompositionLoss {
  /** L_dec, differentiable. */
  total: tf.Scalar;
  logs: DecompositionLogs;
}

/**
 * The decomposition loss of one branch from `original` [U, n, d] (n selected frames per utterance
 * for Z; n = 1 for S) and `components` [NoC, U, n, d], component-major (§7.1.2–7.1.5).
 */
export function decompositionLoss(original: tf.Tensor3D, components: tf.Tensor4D, settings: DecVaeLossSettings): DecompositionLoss {
  const [noc, utterances, n, d] = components.shape;
  if (original.shape[0] !== utterances || original.shape[1] !== n || original.shape[2] !== d) {
    throw new RangeError(`decomposition loss: original has shape [${original.shape}] but components have [${components.shape}] (expected [NoC, ${original.shape}])`);
  }
  if (noc < 2) throw new UserError(`DecVAE's decomposition loss needs at least 2 components (NoC), got ${noc}`);
  if (utterances < 1 || n < 1) throw new RangeError(`decomposition loss needs at least one utterance and one row, got [${components.shape}]`);
  const pairs = negativePairs(noc);
  const w = settings.weights;
  const positiveWeights = Array.from({ length: noc }, (_, k) => (k === 0 ? w.positive_1 : k === 1 ? w.positive_2 : w.positive_3_and_above));
  const { total, values } = tf.tidy(() => {
    const p = tf.softmax(original);
    const q = tf.softmax(pairComponentRows(components, settings.pairing));
    const jsPositive = jensenShannon(tf.expandDims(p, 0), q);
    const sliceGroup = (k: number) => tf.slice(q, [k, 0, 0, 0], [1, utterances, n, d]);
    const jsNegative = jensenShannon(
      tf.concat(pairs.map(([k]) => sliceGroup(k)), 0),
      tf.concat(pairs.map(([, l]) => sliceGroup(l)), 0),
    );
    const cePositive = tf.div(tf.sum(bceTowardZero(jsPositive), 1), utterances);
    const ceNegative = tf.div(tf.sum(bceTowardOne(jsNegative)), utterances);
    const loss = tf.add(tf.mul(w.div_neg, ceNegative), tf.sum(tf.mul(cePositive, tf.tensor1d(positiveWeights)))) as tf.Scalar;
    const logged = tf.concat([tf.mean(jsPositive, 1), tf.mean(jsNegative, 1), cePositive, tf.stack([ceNegative, loss])]);
    return { total: loss, values: Array.from(logged.dataSync()) };
  });
  const pairMeansPositive = values.slice(0, noc);
  const pairMeansNegative = values.slice(noc, noc + pairs.length);
  const cePositive = values.slice(noc + pairs.length, 2 * noc + pairs.length);
  const [ceNegative, decomposition] = values.slice(2 * noc + pairs.length);
  const sum = (xs: number[]) => xs.reduce((s, x) => s + x, 0);
  const logs: DecompositionLogs = {
    decomposition,
    div_pos: sum(pairMeansPositive) / noc,
    div_neg: sum(pairMeansNegative) / pairs.length,
    ce_pos: sum(cePositive),
    ce_neg: ceNegative,
    N_div_pos: utterances * n * noc,
    N_div_neg: utterances * n * pairs.length,
  };
  pairMeansPositive.forEach((v, k) => { logs[`div_0_${k + 1}`] = v; });
  pairs.forEach(([k, l], i) => { logs[`div_${l + 1}_${k + 1}`] = pairMeansNegative[i]; });
  cePositive.forEach((v, k) => { logs[`ce_0_${k + 1}`] = v; });
  return { total, logs };
}

/** KL(N(μ, e^lv) ‖ N(0, I)) = Σ_rows −½ Σ_dims (1 + lv − μ² − e^lv), summed over everything. */
export function gaussianKl(mu: tf.Tensor, logvar: tf.Tensor): tf.Scalar {
  if (mu.shape.length !== logvar.shape.length || mu.shape.some((s, i) => s !== logvar.shape[i])) {
    throw new RangeError(`KL prior: mu has shape [${mu.shape}] but logvar has [${logvar.shape}]`);
  }
  return tf.tidy(() => tf.mul(-0.5, tf.sum(tf.sub(tf.sub(tf.add(1, logvar), tf.square(mu)), tf.exp(logvar)))) as tf.Scalar);
}

export interface GaussianParameters {
  mu: tf.Tensor;
  logvar: tf.Tensor;
}

/**
 * The heads the prior acts on: each component's and the projected components', on the rows of the
 * loss (the selected frames for Z, the utterances for S). X's head is not among them.
 */
export interface PriorHeads {
  components: readonly GaussianParameters[];
  projected: GaussianParameters;
}

export interface PriorLoss {
  /** weighting·β·(KL(proj) + Σ_k KL(OC_k))/(NoC + 1), differentiable. */
  total: tf.Scalar;
  /** kl_proj, kl_oc_1 … kl_oc_NoC (unweighted) and prior (the weighted total). */
  logs: Record<string, number>;
}

/** The prior loss of §7.2 for branch 'z' (weighting 10) or 's' (weighting 400 by default). */
export function priorLoss(heads: PriorHeads, branch: 'z' | 's', settings: DecVaeLossSettings): PriorLoss {
  const noc = heads.components.length;
  if (noc < 1) throw new RangeError('prior loss needs at least one component head');
  const scale = branch === 'z' ? settings.prior_weighting_z * settings.beta_z : settings.prior_weighting_s * settings.beta_s;
  const { total, values } = tf.tidy(() => {
    const kls = [gaussianKl(heads.projected.mu, heads.projected.logvar), ...heads.components.map((h) => gaussianKl(h.mu, h.logvar))];
    const loss = tf.mul(scale / (noc + 1), tf.addN(kls)) as tf.Scalar;
    return { total: loss, values: Array.from(tf.stack([...kls, loss]).dataSync()) };
  });
  const logs: Record<string, number> = { kl_proj: values[0], prior: values[noc + 1] };
  for (let k = 1; k <= noc; k++) logs[`kl_oc_${k}`] = values[k];
  return { total, logs };
}

/** One branch's loss inputs: its 192-d features and the Gaussian heads on the same rows. */
export interface BranchLossInputs {
  /** [U, n, d]: X's features (Z: the selected frames; S: n = 1). */
  original: tf.Tensor3D;
  /** [NoC, U, n, d]: each component's features, component-major. */
  components: tf.Tensor4D;
  heads: PriorHeads;
}

export interface DecVaeLoss {
  /** (L_dec,z + L_prior,z) + (L_dec,s + L_prior,s), differentiable. */
  total: tf.Scalar;
  /** Every branch log prefixed 'z/' or 's/', and 'total'. */
  logs: Record<string, number>;
  /** W of §7.3 for this batch, from the Z branch's divergence counts. */
  gradientNormaliser: number;
}

/** The dual-branch loss of §7.3. */
export function decVaeLoss(inputs: { z: BranchLossInputs; s: BranchLossInputs }, settings: DecVaeLossSettings): DecVaeLoss {
  return tf.tidy(() => {
    const parts: tf.Scalar[] = [];
    const logs: Record<string, number> = {};
    for (const branch of ['z', 's'] as const) {
      const { original, components, heads } = inputs[branch];
      const decomposition = decompositionLoss(original, components, settings);
      const prior = priorLoss(heads, branch, settings);
      parts.push(decomposition.total, prior.total);
      for (const [name, value] of Object.entries({ ...decomposition.logs, ...prior.logs })) logs[`${branch}/${name}`] = value;
    }
    const total = tf.addN(parts) as tf.Scalar;
    logs.total = total.dataSync()[0];
    const [utterances, n] = inputs.z.original.shape;
    const normaliser = gradientNormaliser(new Array<number>(utterances).fill(n), inputs.z.components.shape[0], settings);
    return { total, logs, gradientNormaliser: normaliser };
  });
}

/**
 * W = 2·(w_neg·N_neg,z + w_pos·N_pos,z) with N_pos,z = Σ_u n_u·NoC and N_neg,z = Σ_u n_u·C(NoC, 2)
 * (n_u: frames selected in utterance u). The 2 is the original's "both branches have as many
 * divergence terms", though S has one row per utterance.
 */
export function gradientNormaliser(selectedFrameCounts: readonly number[], components: number, settings: DecVaeLossSettings): number {
  if (!selectedFrameCounts.every((c) => Number.isInteger(c) && c >= 0)) {
    throw new RangeError(`selected frame counts must be non-negative integers, got [${selectedFrameCounts}]`);
  }
  const frames = selectedFrameCounts.reduce((s, c) => s + c, 0);
  const positives = frames * components;
  const negatives = (frames * components * (components - 1)) / 2;
  const normaliser = 2 * (settings.weights.div_neg * negatives + settings.weights.div_pos * positives);
  if (!(normaliser > 0)) throw new RangeError(`the gradient normaliser must be positive, got ${normaliser} (no frames selected, or zero weights)`);
  return normaliser;
}

/**
 * Scales every gradient by 1/W, then clips them together as torch.nn.utils.clip_grad_norm_ does:
 * with the global L2 norm t of the scaled gradients, multiply by min(1, maxNorm/(t + 1e-6)).
 * Returns new tensors (the caller disposes the input map) and t, the norm before clipping.
 */
export function normaliseAndClipGradients(grads: tf.NamedTensorMap, normaliser: number, maxNorm: number): { grads: tf.NamedTensorMap; norm: number } {
  if (!(normaliser > 0)) throw new RangeError(`gradient normaliser must be positive, got ${normaliser}`);
  if (!(maxNorm > 0)) throw new UserError(`max_grad_norm must be positive, got ${maxNorm}`);
  const names = Object.keys(grads);
  if (names.length === 0) return { grads: {}, norm: 0 };
  return tf.tidy(() => {
    const scaled = names.map((name) => tf.div(grads[name], normaliser));
    const norm = Math.sqrt(tf.addN(scaled.map((g) => tf.sum(tf.square(g)))).dataSync()[0]);
    const coefficient = Math.min(1, maxNorm / (norm + CLIP_EPS));
    const out: tf.NamedTensorMap = {};
    names.forEach((name, i) => { out[name] = coefficient === 1 ? scaled[i] : tf.mul(scaled[i], coefficient); });
    return { grads: out, norm };
  });
}
