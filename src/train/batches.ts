// Training batches: the factor combinations of each sample's views, drawn by the sampler the
// config names (or the framework's natural one), rendered into one tensor per view.
import * as tf from '@tensorflow/tfjs-core';
import type { Config } from '../config/schema.js';
import { renderBatch, sampleFactors, type GroundTruthData } from '../datasets/ground_truth.js';
import { distTripleSampler, pairOrigSampler, sampleWeakPairDlib } from '../datasets/sampling/index.js';
import { UserError } from '../util/errors.js';
import type { TrainingBatch } from '../frameworks/base.js';
import type { Rng } from '../util/random.js';

export type SamplingConfig = Config['sampling'];

/** One sample: a factor vector per view, and for weak pairs the label of the changed factor. */
interface ViewSample {
  factors: Int32Array[];
  label?: number;
}

/** Draws the factors of one sample's views. */
export type ViewSampler = (sizes: readonly number[], rng: Rng) => ViewSample;

const SAMPLERS: Record<Exclude<SamplingConfig['mode'], 'auto'>, { views: number; draw: (s: SamplingConfig) => ViewSampler }> = {
  single: { views: 1, draw: () => (sizes, rng) => ({ factors: [sampleFactors(sizes, 1, rng)] }) },
  // disentanglement_lib's weak supervision: a random pair differing in 1 or k factors.
  weak_pair: {
    views: 2,
    draw: ({ k }) => (sizes, rng) => {
      const pair = sampleWeakPairDlib(sizes, k, rng);
      return { factors: [pair.first, pair.second], label: pair.label };
    },
  },
  // disent's GroundTruthPairOrigSampler: the same rule started from a random dataset index.
  pair_orig: { views: 2, draw: ({ k }) => (sizes, rng) => ({ factors: pairOrigSampler(sizes, k, rng).map((e) => e.factors) }) },
  // disent's GroundTruthDistSampler: anchor, positive, negative ordered by factor distance.
  dist_triple: {
    views: 3,
    draw: ({ triplet_metric }) => (sizes, rng) => ({ factors: distTripleSampler(sizes, triplet_metric, 0, rng).map((e) => e.factors) }),
  },
};

const NATURAL_MODE: Record<number, Exclude<SamplingConfig['mode'], 'auto'>> = { 1: 'single', 2: 'weak_pair', 3: 'dist_triple' };

/** The view sampler for a framework training on `views` observations per sample. */
export function viewSampler(sampling: SamplingConfig, views: number): ViewSampler {
  const mode = sampling.mode === 'auto' ? NATURAL_MODE[views] : sampling.mode;
  const sampler = SAMPLERS[mode];
  if (!sampler || sampler.views !== views) {
    throw new UserError(`sampling.mode: '${mode}' gives ${sampler?.views} observation(s) per sample, the framework trains on ${views}`);
  }
  return sampler.draw(sampling);
}

/** The factors of `n` samples' views (row-major n x K per view), with the pairs' labels if any. */
export interface DrawnViews {
  n: number;
  factors: Int32Array[];
  labels?: Int32Array;
}

/** Draws the factors of `n` samples' views; rendering them is separate so another thread can do it. */
export function drawViews(factorSizes: readonly number[], draw: ViewSampler, views: number, n: number, rng: Rng): DrawnViews {
  const k = factorSizes.length;
  const factors = Array.from({ length: views }, () => new Int32Array(n * k));
  const labels = new Int32Array(n);
  let labelled = false;
  for (let r = 0; r < n; r++) {
    const sample = draw(factorSizes, rng);
    for (let v = 0; v < views; v++) factors[v].set(sample.factors[v], r * k);
    if (sample.label !== undefined) {
      labels[r] = sample.label;
      labelled = true;
    }
  }
  return labelled ? { n, factors, labels } : { n, factors };
}

/** Drawn views' rendered images (one NHWC buffer per view) as the batch a framework trains on. */
export function batchOf(drawn: DrawnViews, images: Float32Array[], observationShape: readonly number[]): TrainingBatch {
  const views = images.map((x) => tf.tensor4d(x, [drawn.n, ...observationShape] as [number, number, number, number]));
  return drawn.labels ? { views, labels: drawn.labels } : { views };
}

/** `n` samples' views rendered into one [n, H, W, C] tensor per view, with the pairs' labels. */
export function renderViews(dataset: GroundTruthData, draw: ViewSampler, views: number, n: number, rng: Rng): TrainingBatch {
  const drawn = drawViews(dataset.factorSizes, draw, views, n, rng);
  return batchOf(drawn, drawn.factors.map((f) => renderBatch(dataset, f, n)), dataset.observationShape);
}
