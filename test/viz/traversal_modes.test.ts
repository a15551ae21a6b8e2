// The five traversal cycles on a made-up set of four codes, against values worked out by hand from
// disentanglement_lib's formulas (and, for the Gaussian ones, scipy's norm.cdf / norm.ppf).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { standardNormalCdf, standardNormalQuantile } from '../../src/viz/normal_distribution.js';
import { CYCLE_FRAMES, foldedCycle, latentStatistics, traversalCycle, TRAVERSAL_MODES } from '../../src/viz/traversal_modes.js';

function assertClose(actual: ArrayLike<number>, expected: readonly number[], tolerance: number): void {
  assert.equal(actual.length, expected.length);
  expected.forEach((value, i) => assert.ok(Math.abs(actual[i] - value) <= tolerance, `entry ${i}: ${actual[i]} vs ${value}`));
}

// Latent 0 of four codes: means 0.5, 1.5, -0.5, 0.5 (mean 0.5, population variance 0.5), every
// posterior variance 0.25; latent 1 is there so that the columns must be told apart.
const means = Float64Array.of(0.5, -1, 1.5, 0, -0.5, 2, 0.5, 1);
const logvars = Float64Array.of(Math.log(0.25), 0, Math.log(0.25), 0, Math.log(0.25), 0, Math.log(0.25), 0);
const statistics = latentStatistics(means, logvars, 4, 2, 0);

test('the standard normal CDF and quantile match scipy to 1e-13', () => {
  assertClose([0, 1, -3, 4, -6, 0.3].map(standardNormalCdf), [0.5, 0.8413447460685429, 0.0013498980316300933, 0.9999683287581669, 9.865876450376946e-10, 0.6179114221889526], 1e-13);
  assertClose([0.975, 0.001, 0.5, 0.3, 0.999].map(standardNormalQuantile), [1.959963984540054, -3.090232306167813, 0, -0.5244005127080409, 3.090232306167813], 1e-12);
});

test('the fitted Gaussian of a latent: mean of the means, total variance = mean posterior variance + variance of the means', () => {
  assert.equal(statistics.loc, 0.5);
  assert.ok(Math.abs(statistics.scale - Math.sqrt(0.25 + 0.5)) < 1e-15);
  assert.deepEqual([statistics.min, statistics.max], [-0.5, 1.5]);
  const second = latentStatistics(means, logvars, 4, 2, 1);
  assert.deepEqual([second.loc, second.min, second.max], [0.5, -1, 2]);
});

test('a folded cycle goes up from its start, reflects at 1 and at 0, and has the requested frame count', () => {
  assertClose(foldedCycle(0.5, 4), [0.5, 1, 0.5, 0], 1e-15);
  assertClose(foldedCycle(0.25, 8), [0.25, 0.5, 0.75, 1, 0.75, 0.5, 0.25, 0], 1e-15);
  for (const mode of TRAVERSAL_MODES) assert.equal(traversalCycle(mode, 0.5, statistics).length, CYCLE_FRAMES);
});

test('the fixed interval cycle sweeps [-2, 2] from the base value in steps of 0.4', () => {
  // start (0.5 + 2) / 4 = 0.625, each frame 2/20 = 0.1 of the interval, i.e. 0.4; 1.025 folds to 0.975 -> 1.9.
  assertClose(traversalCycle('fixed_interval_cycle', 0.5, statistics),
    [0.5, 0.9, 1.3, 1.7, 1.9, 1.5, 1.1, 0.7, 0.3, -0.1, -0.5, -0.9, -1.3, -1.7, -1.9, -1.5, -1.1, -0.7, -0.3, 0.1], 1e-12);
});

test('the min-max cycle reaches exactly the smallest and largest encoded mean', () => {
  const values = traversalCycle('minmax_interval_cycle', 0.5, statistics);
  // [-0.5, 1.5], start at the middle, 0.2 per frame: the top (1.5) at frame 5, the bottom (-0.5) at frame 15.
  assertClose(values, [0.5, 0.7, 0.9, 1.1, 1.3, 1.5, 1.3, 1.1, 0.9, 0.7, 0.5, 0.3, 0.1, -0.1, -0.3, -0.5, -0.3, -0.1, 0.1, 0.3], 1e-12);
  assert.ok(Math.abs(Math.max(...values) - 1.5) < 1e-12 && Math.abs(Math.min(...values) + 0.5) < 1e-12);
});

test('the confidence interval cycle spans the fitted Gaussian\'s loc ± 2 scale', () => {
  const values = traversalCycle('conf_interval_cycle', 0.5, statistics);
  const half = 2 * Math.sqrt(0.75);
  assert.ok(Math.abs(values[5] - (0.5 + half)) < 1e-12, `top ${values[5]}`);
  assert.ok(Math.abs(values[15] - (0.5 - half)) < 1e-12, `bottom ${values[15]}`);
  assert.ok(Math.abs(values[1] - (0.5 + (2 * half) / 10)) < 1e-12);
});

test('the Gaussian cycles walk through quantiles clipped to [0.001, 0.999]', () => {
  // Standard: from Phi(0.5) = 0.6915 up by 0.1 a frame (frame 3 is ppf(0.9915)); frame 10 folds to
  // 1 - 0.6915, i.e. -0.5.
  assertClose(traversalCycle('std_gaussian_cycle', 0.5, statistics).slice(0, 4), [0.5, 0.81150612405798, 1.2343431121006279, 2.385087114004051], 1e-11);
  assert.ok(Math.abs(traversalCycle('std_gaussian_cycle', 0.5, statistics)[10] + 0.5) < 1e-12);
  // Fitted: the base value is the fitted mean, so the quantile starts at 0.5 and reaches the 0.999 clip at frame 5.
  const fitted = traversalCycle('fitted_gaussian_cycle', 0.5, statistics);
  assert.ok(Math.abs(fitted[5] - (0.5 + Math.sqrt(0.75) * 3.090232306167813)) < 1e-11, `top ${fitted[5]}`);
  assert.ok(Math.abs(fitted[15] - (0.5 - Math.sqrt(0.75) * 3.090232306167813)) < 1e-11, `bottom ${fitted[15]}`);
  assertClose(fitted.slice(0, 3), [0.5, 0.7194050272907988, 0.9541441657627475], 1e-11);
});
