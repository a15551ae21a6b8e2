// Pair and triplet sampling over factor sizes for (weakly) supervised training.
export { normaliseRange, type ClosedRange, type SampledElement } from './common.js';
export { compareFactorDistances, type Comparison, type FactorMetric } from './factor_distance.js';
export { sampleRadius } from './radius.js';
export { pairOrigSampler, sampleWeakPairDlib, type WeakPair } from './weak_pairs.js';
export {
  pairSampler,
  randomSampler,
  sampleRandomFactorTraversal,
  singleSampler,
  tripleSampler,
  type NegativeSampleMode,
  type PairSamplerOptions,
  type TripleSamplerOptions,
  type TripleSwapMetric,
} from './ground_truth_samplers.js';
export { distTripleSampler, type DistSampleMode } from './dist_sampler.js';
