import { test } from 'node:test';
import assert from 'node:assert/strict';
import { adjustedMutualInfo, expectedMutualInformation, labelEntropy, logFactorialTable } from '../../src/metrics/adjusted_mutual_info.js';

const labels = (n: number, f: (i: number) => number) => Array.from({ length: n }, (_, i) => f(i));
const close = (actual: number, expected: number, tolerance: number, what: string) =>
  assert.ok(Math.abs(actual - expected) <= tolerance, `${what}: ${actual} vs ${expected}`);

// Reference values: scikit-learn 1.2.1, e.g.
//   from sklearn.metrics import adjusted_mutual_info_score as ami
//   u = [(i*i*31+7*i)%13 for i in range(2000)]; v = [((u_*2)+(i%3))%7 for i, u_ in enumerate(u)]; ami(u, v)
const CASES: { name: string; u: number[]; v: number[]; expected: number }[] = [
  { name: 'split 6 points', u: [0, 0, 0, 1, 1, 1], v: [0, 0, 1, 1, 2, 2], expected: 0.2987924581708899 },
  { name: 'unordered, negative labels', u: [5, -3, 5, 10, -3, 10, 5, 5], v: [2, 2, 7, 7, 7, 1, 1, 2], expected: -0.22969642615288058 },
  { name: '40 points', u: labels(40, (i) => (i * 7 + 3) % 5), v: labels(40, (i) => Math.floor((i * i) / 11) % 4), expected: 0.0006449692189695488 },
  {
    name: '2000 points, related',
    u: labels(2000, (i) => (i * i * 31 + 7 * i) % 13),
    v: labels(2000, (i) => ((((i * i * 31 + 7 * i) % 13) * 2) + (i % 3)) % 7),
    expected: 0.35693805181987465,
  },
  { name: '2000 points, 30 x 30 labels', u: labels(2000, (i) => (i * 7919) % 30), v: labels(2000, (i) => ((i * 104729) % 97) % 30), expected: -0.0669308163028421 },
];

for (const { name, u, v, expected } of CASES) {
  test(`AMI matches scikit-learn: ${name}`, () => {
    close(adjustedMutualInfo(u, v), expected, 1e-12, 'AMI(u, v)');
    // AMI is symmetric up to round-off.
    close(adjustedMutualInfo(v, u), expected, 1e-12, 'AMI(v, u)');
  });
}

test('AMI is invariant to renaming the labels', () => {
  const u = labels(40, (i) => (i * 7 + 3) % 5);
  const v = labels(40, (i) => Math.floor((i * i) / 11) % 4);
  close(adjustedMutualInfo(u.map((x) => 100 - 3 * x), v.map((x) => x * x + 7)), adjustedMutualInfo(u, v), 1e-14, 'renamed');
});

test('identical labelings score 1; a relabelled copy too', () => {
  const u = labels(50, (i) => (i * 3) % 7);
  close(adjustedMutualInfo(u, u), 1, 1e-12, 'identical');
  close(adjustedMutualInfo(u, u.map((x) => 6 - x)), 1, 1e-12, 'relabelled');
});

test('limit cases follow scikit-learn', () => {
  // ami([1,1,1],[1,1,1]) = ami([], []) = 1.0 and ami([0,0,0,0],[0,1,2,3]) = 0.0 (scikit-learn 1.2.1).
  assert.equal(adjustedMutualInfo([1, 1, 1], [4, 4, 4]), 1);
  assert.equal(adjustedMutualInfo([], []), 1);
  assert.equal(adjustedMutualInfo([0, 0, 0, 0], [0, 1, 2, 3]), 0);
  assert.equal(adjustedMutualInfo([0, 1, 2, 3], [0, 0, 0, 0]), 0);
  // ami([0,1],[0,1]): MI = EMI = log 2, so 0 / eps = 0.0 in scikit-learn 1.2.1; from 1.7 the
  // numerator is clipped to eps as well, giving eps / eps = 1.
  assert.equal(adjustedMutualInfo([0, 1], [0, 1], { clipNumerator: false }), 0);
  assert.equal(adjustedMutualInfo([0, 1], [0, 1]), 1);
  assert.throws(() => adjustedMutualInfo([0, 1], [0, 1, 2]), /same points/);
});

test('EMI of two 2-cluster labelings of 2 points is log 2 (the only possible table is a permutation)', () => {
  close(expectedMutualInformation(new Float64Array([1, 1]), new Float64Array([1, 1]), 2), Math.log(2), 1e-15, 'EMI');
});

test('label entropy is scikit-learn`s (nats; 1 for no labels, 0 for one)', () => {
  close(labelEntropy(new Float64Array([1, 1, 2])), -(0.25 * Math.log(0.25) * 2 + 0.5 * Math.log(0.5)), 1e-15, 'H');
  assert.equal(labelEntropy(new Float64Array([])), 1);
  assert.equal(labelEntropy(new Float64Array([5])), 0);
});

test('log factorials match Python`s math.lgamma(k + 1)', () => {
  // [math.lgamma(k + 1) for k in (5, 20, 21, 30, 1000, 2000)]
  const table = logFactorialTable(2000);
  assert.equal(table[0], 0);
  assert.equal(table[1], 0);
  const expected: [number, number][] = [[5, 4.787491742782047], [20, 42.335616460753485], [21, 45.38013889847691], [30, 74.65823634883017], [1000, 5912.128178488163], [2000, 13206.524350513806]];
  for (const [k, value] of expected) close(table[k], value, 4 * Number.EPSILON * value, `log ${k}!`);
});
