import { test } from 'node:test';
import assert from 'node:assert/strict';
import { UserError } from '../../src/util/errors.js';
import { Rng } from '../../src/util/random.js';
import { adaptiveKList, nearestNeighbours, PAPER_ERA_K_LIST, retrievalKList, retrievalMetrics, type EmbeddingMatrix } from '../../src/v3/retrieval.js';

const close = (got: number, expected: number, what: string) => assert.ok(Math.abs(got - expected) < 1e-9, `${what}: ${got} vs ${expected}`);
const f1 = (p: number, r: number) => (2 * p * r) / (p + r + 1e-8);
const line = (positions: number[]): EmbeddingMatrix => ({ values: Float64Array.from(positions), rows: positions.length, cols: 1 });

test('adaptiveKList: max_pos fractions rounded half to even, merged with the base list', () => {
  // Largest class 51 → max_pos 50. round(50 f): 0.01 → 0.5 → 0 (dropped), 0.02 → 1, 0.05 → 2.5 → 2,
  // 0.075 → 3.75 → 4, 0.1 → 5, 0.2 → 10, 0.3 → 15, 0.4 → 20, 0.5 → 25, 0.75 → 37.5 → 38, 1 → 50.
  const labels = [...Array(51).fill(7), ...Array(20).fill(3)];
  assert.deepEqual(adaptiveKList(labels), [1, 2, 4, 5, 10, 15, 20, 25, 38, 50, 100, 200, 500]);
  // max_pos 10: 0.075 → 0.75 → 1, 0.2 → 2, 0.3 → 3, 0.4 → 4, 0.5 → 5, 0.75 → 7.5 → 8, 1 → 10.
  assert.deepEqual(adaptiveKList(Array(11).fill(0)), [1, 2, 3, 4, 5, 8, 10, 20, 50, 100, 200, 500]);
  // Every class a singleton: no positives to find.
  assert.deepEqual(adaptiveKList([4, 5, 6]), [1]);
});

test('retrievalKList: HEAD clamps k ≥ N to N − 1 and merges the duplicates; the paper-era list is fixed', () => {
  // 8 rows, largest class 5 → max_pos 4: adds round(4 · 0.2) = 1, round(4 · 0.4) = 2, round(4 · 0.75) = 3, 4.
  const labels = [0, 0, 0, 0, 0, 1, 1, 2];
  assert.deepEqual(retrievalKList(labels, false), [1, 2, 3, 4, 5, 7]);
  assert.deepEqual(retrievalKList(labels, true), [1, 2, 5, 10, 20, 50, 75, 100, 200, 300, 400, 500, 750, 1000, 1500, 2000, 2500, 3000]);
  assert.deepEqual(retrievalKList(labels, true), PAPER_ERA_K_LIST);
});

test('HEAD retrieval on six points of a line, by hand', () => {
  // Points 0 1 3 10 11 15 with labels 0 0 1 1 1 0; every class has 3 members, 2 positives per query.
  // k-list: max_pos 2 adds 1 and 2; the base list is clamped to N − 1 = 5: [1, 2, 5].
  // Neighbours (self excluded), their labels:   k=1 hits  k=2  k=5
  //   q0 (0):  1 2 3 4 5 → 0 1 1 1 0            1         1    2
  //   q1 (1):  0 2 3 4 5 → 0 1 1 1 0            1         1    2
  //   q2 (3):  1 0 3 4 5 → 0 0 1 1 0            0         0    2
  //   q3 (10): 4 5 2 1 0 → 1 0 1 0 0            1         1    2
  //   q4 (11): 3 5 2 1 0 → 1 0 1 0 0            1         1    2
  //   q5 (15): 4 3 2 1 0 → 1 1 1 0 0            0         0    2
  const got = retrievalMetrics(line([0, 1, 3, 10, 11, 15]), [0, 0, 1, 1, 1, 0]);
  assert.deepEqual(got.k, [1, 2, 5]);
  const expected = {
    precision: [4 / 6, (4 * 0.5) / 6, 0.4],
    recall: [(4 * 0.5) / 6, (4 * 0.5) / 6, 1],
    f1: [(4 * f1(1, 0.5)) / 6, (4 * f1(0.5, 0.5)) / 6, f1(0.4, 1)],
  };
  for (const key of ['precision', 'recall', 'f1'] as const) got[key].forEach((v, i) => close(v, expected[key][i], `${key}@${got.k[i]}`));
  // Rectangles: (R@2 − R@1) · P@2 + (R@5 − R@2) · P@5 = 0 + (2/3) · 0.4.
  close(got.pr_auc, (2 / 3) * 0.4, 'PR-AUC');
  close(got.best_f1, f1(0.4, 1), 'best F1');
});

test('ties go to the lower row index', () => {
  // Query 0 at 0 has rows 1 (at 2, label 1) and 2 (at −2, label 0) equally near: row 1 comes first.
  // Query 3 at 5: row 1 at distance 3 is nearest.
  const neighbours = nearestNeighbours(line([0, 2, -2, 5]), 2, false);
  assert.deepEqual([...neighbours.subarray(0, 2)], [1, 2]);
  assert.deepEqual([...neighbours.subarray(6, 8)], [1, 0]);
  const got = retrievalMetrics(line([0, 2, -2, 5]), [0, 1, 0, 1]);
  // P@1: q0 → row 1 (miss), q1 (2) → row 0 (miss), q2 (−2) → row 0 (hit), q3 → row 1 (hit).
  close(got.precision[0], 0.5, 'P@1');
});

test('paper-era retrieval: the query ranks among its neighbours as a non-positive, k above N divides by k', () => {
  // Points 0 0 4 5 with labels 0 0 1 1 (one positive each); rows 0 and 1 coincide.
  // Ranked with self (ties by index):   k=1 hits   k=2   k ≥ 4 (all four retrieved)
  //   q0: 0(self) 1 2 3                  0          1     1
  //   q1: 0 1(self) 2 3                  1          1     1
  //   q2: 2(self) 3 0 1                  0          1     1
  //   q3: 3(self) 2 0 1                  0          1     1
  const got = retrievalMetrics(line([0, 0, 4, 5]), [0, 0, 1, 1], { paper_era: true });
  assert.deepEqual(got.k, [...PAPER_ERA_K_LIST]);
  close(got.precision[0], 0.25, 'P@1');
  close(got.recall[0], 0.25, 'R@1');
  close(got.f1[0], f1(1, 1) / 4, 'F1@1');
  close(got.precision[1], 0.5, 'P@2');
  close(got.recall[1], 1, 'R@2');
  close(got.precision[2], 1 / 5, 'P@5');
  close(got.precision[17], 1 / 3000, 'P@3000');
  close(got.recall[17], 1, 'R@3000');
  // Only R@1 → R@2 moves: 0.75 · P@2.
  close(got.pr_auc, 0.75 * 0.5, 'PR-AUC');
  close(got.best_f1, f1(0.5, 1), 'best F1');

  // HEAD on the same points: every nearest other row is the positive. k-list: max_pos 1 adds
  // round(0.75) = 1 and 1 (round(0.5) = 0), the base list clamped to 3: [1, 2, 3].
  const head = retrievalMetrics(line([0, 0, 4, 5]), [0, 0, 1, 1]);
  assert.deepEqual(head.k, [1, 2, 3]);
  assert.deepEqual(head.precision.map((p) => +p.toFixed(12)), [1, 0.5, +(1 / 3).toFixed(12)]);
  close(head.pr_auc, 0, 'recall is 1 from k = 1: no area');
});

test('nearestNeighbours agrees with a full sort on random points with duplicates', () => {
  const rng = Rng.fromSeed(11);
  const rows = 150;
  const cols = 5;
  // Coordinates on a coarse grid, so that exact ties and duplicate rows occur.
  const values = Float32Array.from({ length: rows * cols }, () => rng.int(3));
  const count = 40;
  for (const includeSelf of [false, true]) {
    const got = nearestNeighbours({ values, rows, cols }, count, includeSelf);
    for (let q = 0; q < rows; q++) {
      const distance = (j: number) => {
        let s = 0;
        for (let c = 0; c < cols; c++) s += (values[q * cols + c] - values[j * cols + c]) ** 2;
        return s;
      };
      const ranked = Array.from({ length: rows }, (_, j) => j)
        .filter((j) => includeSelf || j !== q)
        .sort((a, b) => distance(a) - distance(b) || a - b)
        .slice(0, count);
      assert.deepEqual([...got.subarray(q * count, (q + 1) * count)], ranked, `query ${q}, includeSelf ${includeSelf}`);
    }
  }
});

test('mistakes are UserErrors naming the problem', () => {
  assert.throws(() => retrievalMetrics(line([1, 2]), [0]), (e: Error) => e instanceof UserError && /1 labels for 2 embeddings/.test(e.message));
  assert.throws(() => retrievalMetrics({ values: new Float32Array(5), rows: 2, cols: 3 }, [0, 1]), UserError);
  assert.throws(() => retrievalMetrics(line([1]), [0]), /at least 2/);
  assert.throws(() => retrievalMetrics(line([1, NaN]), [0, 0]), /row 1, column 0 is NaN/);
  assert.throws(() => retrievalMetrics(line([1, 2]), [0, 0.5]), /label 1 is 0.5/);
});
