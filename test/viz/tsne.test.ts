import { test } from 'node:test';
import assert from 'node:assert/strict';
import { barnesHutGradient, conditionalProbabilities, jointProbabilities, tsne, type SparseProbabilities } from '../../src/viz/tsne.js';
import { UserError } from '../../src/util/errors.js';
import { Rng } from '../../src/util/random.js';

function gaussianData(n: number, d: number, seed: number, scale = 1): Float64Array {
  const rng = Rng.fromSeed(seed);
  return Float64Array.from({ length: n * d }, () => scale * rng.normal());
}

function dense(joint: SparseProbabilities): Float64Array {
  const { n, rowStart, columns, values } = joint;
  const p = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let e = rowStart[i]; e < rowStart[i + 1]; e++) p[i * n + columns[e]] += values[e];
  return p;
}

function squaredDistance(points: Float64Array, dims: number, i: number, j: number): number {
  let sum = 0;
  for (let c = 0; c < dims; c++) sum += (points[i * dims + c] - points[j * dims + c]) ** 2;
  return sum;
}

test('the perplexity search gives every conditional row entropy log(perplexity) over its 3 * perplexity nearest neighbours', () => {
  const n = 150;
  const d = 6;
  const data = gaussianData(n, d, 1);
  for (const perplexity of [5, 30]) {
    const { k, neighbours, values } = conditionalProbabilities(data, n, d, perplexity);
    assert.equal(k, Math.floor(3 * perplexity + 1));
    for (let i = 0; i < n; i++) {
      let sum = 0;
      let entropy = 0;
      for (let m = 0; m < k; m++) {
        const p = values[i * k + m];
        sum += p;
        if (p > 0) entropy -= p * Math.log(p);
      }
      assert.ok(Math.abs(sum - 1) < 1e-12, `row ${i} sums to ${sum}`);
      assert.ok(Math.abs(entropy - Math.log(perplexity)) <= 1e-5, `row ${i}: entropy ${entropy}, want ${Math.log(perplexity)}`);
    }
    // The neighbours are the k nearest by brute force, nearest first, never the point itself.
    for (const i of [0, 77, n - 1]) {
      const byDistance = Array.from({ length: n }, (_, j) => j).filter((j) => j !== i);
      byDistance.sort((a, b) => squaredDistance(data, d, i, a) - squaredDistance(data, d, i, b));
      assert.deepEqual(Array.from(neighbours.subarray(i * k, (i + 1) * k)), byDistance.slice(0, k));
    }
  }
});

test('P is (p(j|i) + p(i|j)) / 2n: symmetric, zero on the diagonal, summing to 1', () => {
  const n = 60;
  const d = 4;
  const conditional = conditionalProbabilities(gaussianData(n, d, 2), n, d, 8);
  const p = dense(jointProbabilities(conditional));
  const expected = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let m = 0; m < conditional.k; m++) {
      const j = conditional.neighbours[i * conditional.k + m];
      expected[i * n + j] += conditional.values[i * conditional.k + m] / (2 * n);
      expected[j * n + i] += conditional.values[i * conditional.k + m] / (2 * n);
    }
  }
  let total = 0;
  for (let i = 0; i < n; i++) {
    assert.equal(p[i * n + i], 0);
    for (let j = 0; j < n; j++) {
      total += p[i * n + j];
      assert.ok(Math.abs(p[i * n + j] - p[j * n + i]) < 1e-16, `P[${i}][${j}] != P[${j}][${i}]`);
      assert.ok(Math.abs(p[i * n + j] - expected[i * n + j]) < 1e-15, `P[${i}][${j}]`);
    }
  }
  assert.ok(Math.abs(total - 1) < 1e-12, `P sums to ${total}`);
});

/** KL(P || Q) with q_ij = w_ij / sum_{k != l} w_kl and w the Student-t with one degree of freedom. */
function exactKl(p: Float64Array, y: Float64Array, n: number): number {
  let z = 0;
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (i !== j) z += 1 / (1 + squaredDistance(y, 2, i, j));
  let kl = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const pij = p[i * n + j];
      if (pij > 0) kl += pij * Math.log(pij / (1 / (1 + squaredDistance(y, 2, i, j)) / z));
    }
  }
  return kl;
}

test('in 2-D the Barnes-Hut gradient with theta = 0 is the derivative of the KL divergence', () => {
  const n = 40;
  const joint = jointProbabilities(conditionalProbabilities(gaussianData(n, 5, 3), n, 5, 6));
  const p = dense(joint);
  const y = gaussianData(n, 2, 4, 2);
  const { gradient, kl } = barnesHutGradient(joint, y, 2, 0);
  assert.ok(Math.abs(kl - exactKl(p, y, n)) < 1e-10, `KL ${kl} vs ${exactKl(p, y, n)}`);
  const h = 1e-5;
  for (let index = 0; index < y.length; index++) {
    const plus = y.slice();
    const minus = y.slice();
    plus[index] += h;
    minus[index] -= h;
    const numeric = (exactKl(p, plus, n) - exactKl(p, minus, n)) / (2 * h);
    assert.ok(Math.abs(gradient[index] - numeric) < 1e-7, `coordinate ${index}: ${gradient[index]} vs ${numeric}`);
  }
});

test('in 3-D the Barnes-Hut gradient with theta = 0 equals scikit-learn\'s exact formula with 2 degrees of freedom', () => {
  const n = 40;
  const joint = jointProbabilities(conditionalProbabilities(gaussianData(n, 5, 5), n, 5, 6));
  const p = dense(joint);
  const y = gaussianData(n, 3, 6, 2);
  // w = (1 + d^2 / 2)^(-3/2), q = w / sum(w), gradient_i = (2 * 3 / 2) * sum_j (p_ij - q_ij) w_ij (y_i - y_j).
  const w = (i: number, j: number) => (1 + squaredDistance(y, 3, i, j) / 2) ** -1.5;
  let z = 0;
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (i !== j) z += w(i, j);
  const expected = new Float64Array(n * 3);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      if (i === j) continue;
      const factor = 3 * (p[i * n + j] - w(i, j) / z) * w(i, j);
      for (let c = 0; c < 3; c++) expected[i * 3 + c] += factor * (y[i * 3 + c] - y[j * 3 + c]);
    }
  }
  const exact = barnesHutGradient(joint, y, 3, 0).gradient;
  for (let index = 0; index < expected.length; index++) {
    assert.ok(Math.abs(exact[index] - expected[index]) < 1e-12, `coordinate ${index}: ${exact[index]} vs ${expected[index]}`);
  }
  // With the default opening angle the gradient is an approximation of the same vector.
  const approximate = barnesHutGradient(joint, y, 3, 0.5).gradient;
  let error = 0;
  let norm = 0;
  for (let index = 0; index < expected.length; index++) {
    error += (approximate[index] - expected[index]) ** 2;
    norm += expected[index] ** 2;
  }
  assert.ok(Math.sqrt(error / norm) < 0.05, `relative error ${Math.sqrt(error / norm)}`);
});

/** Four Gaussian clusters of 50 points in 20-D, centres far apart: labels 0..3. */
function clusters(seed: number): { data: Float64Array; labels: number[] } {
  const rng = Rng.fromSeed(seed);
  const d = 20;
  const centres = Array.from({ length: 4 }, () => Array.from({ length: d }, () => 8 * rng.normal()));
  const labels = Array.from({ length: 200 }, (_, i) => i % 4);
  const data = Float64Array.from({ length: 200 * d }, (_, index) => centres[labels[Math.floor(index / d)]][index % d] + rng.normal());
  return { data, labels };
}

/** scikit-learn's trustworthiness: how far each embedded k-neighbourhood reaches into the input's ranks. */
function trustworthiness(data: Float64Array, d: number, embedding: Float64Array, dims: number, k: number): number {
  const n = data.length / d;
  let penalty = 0;
  for (let i = 0; i < n; i++) {
    const others = Array.from({ length: n }, (_, j) => j).filter((j) => j !== i);
    const inputRank = new Map([...others].sort((a, b) => squaredDistance(data, d, i, a) - squaredDistance(data, d, i, b)).map((j, r) => [j, r + 1]));
    const embedded = [...others].sort((a, b) => squaredDistance(embedding, dims, i, a) - squaredDistance(embedding, dims, i, b)).slice(0, k);
    for (const j of embedded) penalty += Math.max(0, inputRank.get(j)! - k);
  }
  return 1 - (2 / (n * k * (2 * n - 3 * k - 1))) * penalty;
}

for (const components of [2, 3] as const) {
  test(`well-separated clusters stay separated in ${components}-D`, () => {
    const { data, labels } = clusters(7);
    const embedding = tsne(data, 200, 20, { rng: Rng.fromSeed(1), components });
    assert.equal(embedding.length, 200 * components);
    for (let i = 0; i < 200; i++) {
      let nearest = -1;
      for (let j = 0; j < 200; j++) {
        if (j !== i && (nearest < 0 || squaredDistance(embedding, components, i, j) < squaredDistance(embedding, components, i, nearest))) nearest = j;
      }
      assert.equal(labels[nearest], labels[i], `point ${i}'s nearest neighbour ${nearest} is from another cluster`);
    }
    const trust = trustworthiness(data, 20, embedding, components, 5);
    assert.ok(trust > 0.9, `trustworthiness ${trust}`);
  });
}

test('the PCA initialisation is the first principal components, the first scaled to std 1e-4', () => {
  // Points spread with std 5 along (1, 1, 0, 0)/sqrt 2, 2 along e3 and 0.1 elsewhere.
  const rng = Rng.fromSeed(9);
  const n = 300;
  const centre = (v: number[]) => v.map((x) => x - v.reduce((s, y) => s + y, 0) / v.length);
  const major = centre(Array.from({ length: n }, () => 5 * rng.normal()));
  // Uncorrelated with `major` in this very sample, so the principal axes are exactly the two directions.
  const drawn = centre(Array.from({ length: n }, () => 2 * rng.normal()));
  const overlap = drawn.reduce((s, x, i) => s + x * major[i], 0) / major.reduce((s, x) => s + x * x, 0);
  const minor = drawn.map((x, i) => x - overlap * major[i]);
  const data = new Float64Array(n * 4);
  for (let i = 0; i < n; i++) {
    data.set([major[i] / Math.SQRT2 + 0.1 * rng.normal(), major[i] / Math.SQRT2 + 0.1 * rng.normal(), minor[i], 0.1 * rng.normal()], 4 * i);
  }
  // One step at a vanishing learning rate leaves the initial embedding as it was.
  const init = tsne(data, n, 4, { rng: Rng.fromSeed(3), components: 2, iterations: 1, learningRate: 1e-300 });
  const column = (m: number) => Array.from({ length: n }, (_, i) => init[2 * i + m]);
  const correlation = (a: number[], b: number[]) => {
    const mean = (v: number[]) => v.reduce((s, x) => s + x, 0) / v.length;
    const [ma, mb] = [mean(a), mean(b)];
    let ab = 0;
    let aa = 0;
    let bb = 0;
    a.forEach((x, i) => {
      ab += (x - ma) * (b[i] - mb);
      aa += (x - ma) ** 2;
      bb += (b[i] - mb) ** 2;
    });
    return ab / Math.sqrt(aa * bb);
  };
  const [along, across] = [correlation(column(0), major), correlation(column(1), minor)];
  assert.ok(Math.abs(along) > 0.999, `first component's correlation with the major direction ${along}`);
  assert.ok(Math.abs(across) > 0.999, `second component's correlation with the minor direction ${across}`);
  const first = column(0);
  const mean0 = first.reduce((s, x) => s + x, 0) / n;
  const std0 = Math.sqrt(first.reduce((s, x) => s + (x - mean0) ** 2, 0) / n);
  assert.ok(Math.abs(std0 - 1e-4) < 1e-12, `std ${std0}`);
  // Signs as scikit-learn's svd_flip: the largest-magnitude value of each component is positive.
  for (const m of [0, 1]) {
    const values = column(m);
    const largest = values.reduce((best, x) => (Math.abs(x) > Math.abs(best) ? x : best), 0);
    assert.ok(largest > 0, `component ${m}`);
  }
});

test('the same seed gives the same embedding; another seed with a random start another one', () => {
  const n = 80;
  const data = gaussianData(n, 10, 11);
  const run = (seed: number, init: 'pca' | 'random') => tsne(data, n, 10, { rng: Rng.fromSeed(seed), components: 3, iterations: 300, perplexity: 10, init });
  assert.deepEqual(run(5, 'pca'), run(5, 'pca'));
  assert.deepEqual(run(5, 'random'), run(5, 'random'));
  assert.notDeepEqual(run(5, 'random'), run(6, 'random'));
});

test('progress is reported every 50 iterations', () => {
  const n = 30;
  const seen: number[] = [];
  tsne(gaussianData(n, 3, 12), n, 3, { rng: Rng.fromSeed(1), perplexity: 5, iterations: 275, onProgress: (p) => seen.push(p.iteration) });
  // 275 = 250 exploration iterations (the last one also reports) and 25 more, the last reported.
  assert.deepEqual(seen, [50, 100, 150, 200, 250, 275]);
});

test('bad inputs are user errors naming the problem', () => {
  const data = gaussianData(10, 3, 13);
  assert.throws(() => tsne(data, 10, 3, { rng: Rng.fromSeed(1) }), (e: unknown) => e instanceof UserError && /perplexity must be in \(0, 10\)/.test(e.message));
  const broken = data.slice();
  broken[7] = NaN;
  assert.throws(() => tsne(broken, 10, 3, { rng: Rng.fromSeed(1), perplexity: 3 }), (e: unknown) => e instanceof UserError && /point 2, dimension 1 is NaN/.test(e.message));
  assert.throws(() => tsne(data, 10, 2, { rng: Rng.fromSeed(1), perplexity: 3 }), (e: unknown) => e instanceof UserError && /do not form 10 x 2/.test(e.message));
});
