import { test } from 'node:test';
import assert from 'node:assert/strict';
import { UserError } from '../../src/util/errors.js';
import { codebookAccuracy, codebookConfusion, countAtomClasses, zeroShotOodAccuracy } from '../../src/v3/codebook.js';

const close = (got: number, expected: number, what: string) => assert.ok(Math.abs(got - expected) < 1e-12, `${what}: ${got} vs ${expected}`);

// Four atoms, three classes; atom 2 is never used, atoms 1 and 2 both have arg-max class 0.
const COUNTS = [
  [0, 6, 2],
  [5, 0, 0],
  [0, 0, 0],
  [1, 0, 3],
];

test('countAtomClasses: one count per (atom, label) fragment', () => {
  assert.deepEqual(countAtomClasses([0, 0, 1, 3, 0], [1, 1, 0, 2, 2], 4, 3), [[0, 2, 1], [1, 0, 0], [0, 0, 0], [0, 0, 1]]);
});

test('codebookConfusion: rows over their sum + 1e-7, arg-max assignment, stable permutation', () => {
  const confusion = codebookConfusion(COUNTS);
  close(confusion.normalized[0][1], 6 / (8 + 1e-7), 'atom 0, class 1');
  close(confusion.normalized[3][2], 3 / (4 + 1e-7), 'atom 3, class 2');
  assert.deepEqual(confusion.normalized[2], [0, 0, 0]);
  // Arg-max classes 1, 0, 0 (the unused row's first zero), 2.
  assert.deepEqual(confusion.assignment, [1, 0, 0, 2]);
  // Class 0's atoms 1 and 2 in atom order, then atom 0 (class 1), then atom 3 (class 2).
  assert.deepEqual(confusion.permutation, [1, 2, 0, 3]);
  assert.deepEqual(confusion.permuted, [1, 2, 0, 3].map((k) => confusion.normalized[k]));
});

test('codebookAccuracy: row maxima over all entries, i.e. the mean purity of the used atoms', () => {
  const confusion = codebookConfusion(COUNTS);
  const maxima = 6 / (8 + 1e-7) + 5 / (5 + 1e-7) + 0 + 3 / (4 + 1e-7);
  const total = 8 / (8 + 1e-7) + 5 / (5 + 1e-7) + 0 + 4 / (4 + 1e-7);
  close(codebookAccuracy(confusion.normalized), maxima / total, 'accuracy');
  // Up to the 1e-7: purities 0.75, 1 and 0.75 of the three used atoms.
  assert.ok(Math.abs(codebookAccuracy(confusion.permuted) - (0.75 + 1 + 0.75) / 3) < 1e-7);
});

test('zero-shot OOD, non-bijective atoms: the rank rule and the majority class differ', () => {
  const confusion = codebookConfusion(COUNTS);
  // Positions in the permutation [1, 2, 0, 3]: atom 1 → 0, atom 2 → 1, atom 0 → 2, atom 3 → 3.
  // Majority classes: atom 0 → 1, atom 1 → 0, atom 2 → none (unused), atom 3 → 2.
  //   (atom, label)   rank rule   majority
  //   (1, 0)          0 = 0 ✓     0 ✓
  //   (0, 1)          2 ≠ 1       1 ✓
  //   (0, 2)          2 = 2 ✓     1 ≠ 2
  //   (3, 2)          3 ≠ 2       2 ✓      (twice)
  //   (2, 1)          1 = 1 ✓     none
  //   (2, 0)          1 ≠ 0       none (numpy's argmax would say class 0)
  const atoms = [1, 0, 0, 3, 3, 2, 2];
  const labels = [0, 1, 2, 2, 2, 1, 0];
  const got = zeroShotOodAccuracy(confusion, atoms, labels);
  close(got.rank_rule_accuracy, 3 / 7, 'rank rule');
  close(got.majority_class_accuracy, 4 / 7, 'majority class');
});

test('zero-shot OOD, one atom per class: both rules agree', () => {
  // Atom classes 1, 2, 0; permutation [2, 0, 1] puts each atom at the position of its class.
  const confusion = codebookConfusion([[0, 9, 1], [0, 0, 7], [4, 0, 0]]);
  assert.deepEqual(confusion.permutation, [2, 0, 1]);
  close(codebookAccuracy(confusion.normalized), (9 / (10 + 1e-7) + 7 / (7 + 1e-7) + 4 / (4 + 1e-7)) / (10 / (10 + 1e-7) + 7 / (7 + 1e-7) + 4 / (4 + 1e-7)), 'accuracy');
  // (0, 1) ✓, (1, 2) ✓, (2, 0) ✓, (0, 2) ✗ under both rules.
  const got = zeroShotOodAccuracy(confusion, [0, 1, 2, 0], [1, 2, 0, 2]);
  assert.deepEqual(got, { rank_rule_accuracy: 0.75, majority_class_accuracy: 0.75 });
});

test('mistakes are UserErrors naming the problem and where', () => {
  assert.throws(() => countAtomClasses([0, 4], [0, 0], 4, 3), (e: Error) => e instanceof UserError && e.message === 'codebook confusion: atom index 1 is 4, outside [0, 4)');
  assert.throws(() => countAtomClasses([0, 1], [0, 3], 4, 3), /content label 1 is 3, outside \[0, 3\)/);
  assert.throws(() => countAtomClasses([0], [0, 1], 4, 3), /1 atom indices for 2 content labels/);
  assert.throws(() => zeroShotOodAccuracy(codebookConfusion(COUNTS), [9], [0]), (e: Error) => e instanceof UserError && /zero-shot OOD: atom index 0 is 9/.test(e.message));
  assert.throws(() => zeroShotOodAccuracy(codebookConfusion(COUNTS), [], []), /no OOD fragments/);
});
