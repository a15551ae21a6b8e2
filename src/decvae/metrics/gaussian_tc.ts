// Gaussian total correlation of a set of codes as DecVAE reports it (DecVAE spec §9.3.1,
// DecVAE's `kl_distance_mi.gaussian_total_correlation`): the KL divergence between the Gaussian
// with the codes' sample covariance Σ and the product of its marginals,
//     TC = ½ (Σ_i log Σ_ii − log |det Σ|),
// plus DecVAE's normalisation TC_norm = TC / (d · |log(mean_i Σ_ii + 1e-8)|).
// Σ is numpy's `np.cov` with its default ddof = 1 (divisor N − 1) and log |det Σ| numpy's
// `slogdet`; both, and TC itself, are disentanglement_lib's and come from src/metrics/
// unsupervised.ts. A singular Σ gives TC = +Infinity, a constant code NaN, as numpy does.
import { codeCovariance, gaussianTotalCorrelation as totalCorrelationOfCovariance } from '../../metrics/unsupervised.js';
import { pairwiseMean } from '../../metrics/numpy_reductions.js';
import { UserError } from '../../util/errors.js';

export interface GaussianTotalCorrelation {
  total_correlation: number;
  total_correlation_normalised: number;
}

/** TC and TC_norm of the row-major N x d codes `mu` (N >= 2, for the ddof = 1 covariance). */
export function gaussianTotalCorrelation(mu: Float64Array, n: number, d: number): GaussianTotalCorrelation {
  if (!(Number.isInteger(n) && n >= 2 && Number.isInteger(d) && d >= 1)) {
    throw new UserError(`gaussian total correlation: needs at least 2 points and 1 code dimension, got ${n} x ${d}`);
  }
  if (mu.length !== n * d) throw new UserError(`gaussian total correlation: ${mu.length} values do not form a ${n} x ${d} matrix`);
  const covariance = codeCovariance(mu, n, d);
  const totalCorrelation = totalCorrelationOfCovariance(covariance, d);
  const meanVariance = pairwiseMean(Float64Array.from({ length: d }, (_, i) => covariance[i * d + i]));
  return {
    total_correlation: totalCorrelation,
    total_correlation_normalised: totalCorrelation / (d * Math.abs(Math.log(meanVariance + 1e-8))),
  };
}
