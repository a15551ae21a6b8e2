import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Pchip } from '../../src/signal/pchip.js';
import { UserError } from '../../src/util/errors.js';

function assertAll(actual: Float64Array, expected: number[], what: string): void {
  expected.forEach((value, i) => assert.ok(Math.abs(actual[i] - value) <= 1e-12 * Math.max(1, Math.abs(value)), `${what}[${i}]: ${actual[i]} vs ${value}`));
}

test('uneven knots with sign changes and a flat stretch: scipy.interpolate.PchipInterpolator', () => {
  const pchip = new Pchip([-2, -1.5, 0, 0.4, 1.7, 2, 3.5, 5], [1, 2, 2.5, -1, -1, 0.3, 4, 3.9]);
  // PchipInterpolator(x, y)(q), q = [-2.5, -2, -1.7, -0.3, 0.2, 0.4, 1.0, 1.9, 2.7, 4.2, 5, 5.6] (ends extrapolated)
  const expected = [0.5180180180180183, 1, 1.7172972972972973, 2.4791351351351354, 0.7499999999999998, -1, -1, -0.18583827446936557, 2.631903617770904, 3.989837037037037, 3.9, 3.7256];
  assertAll(pchip.evaluate([-2.5, -2, -1.7, -0.3, 0.2, 0.4, 1.0, 1.9, 2.7, 4.2, 5, 5.6]), expected, 'p');
});

test('the end slope is limited to 3 m0 where the first secants differ in sign (scipy values)', () => {
  // PchipInterpolator([0, 1, 1.2, 4], [0, 3, -0.5, -0.6])([-0.5, 0.5, 1.1, 2, 4.5])
  const pchip = new Pchip([0, 1, 1.2, 4], [0, 3, -0.5, -0.6]);
  assertAll(pchip.evaluate([-0.5, 0.5, 1.1, 2, 4.5]), [-7.125, 2.625, 1.2525019062142553, -0.5606725212823543, -0.5998258078624947], 'p');
});

test('two knots give the line; monotone data stays monotone between the knots', () => {
  assertAll(new Pchip([0, 2], [1, 5]).evaluate([-1, 0.5, 3]), [-1, 2, 7], 'line');
  // PchipInterpolator([0, 1, 2, 3], [0, 0.1, 3, 3])([0.5, 1.5, 2.5])
  const monotone = new Pchip([0, 1, 2, 3], [0, 0.1, 3, 3]);
  assertAll(monotone.evaluate([0.5, 1.5, 2.5]), [0.025833333333333337, 1.5741666666666667, 3], 'monotone');
  const dense = monotone.evaluate(Array.from({ length: 301 }, (_, i) => i / 100));
  for (let i = 1; i < dense.length; i++) assert.ok(dense[i] >= dense[i - 1] - 1e-15, `not monotone at ${i / 100}`);
});

test('the interpolant passes through every knot', () => {
  const knots = [0, 0.3, 1.1, 2, 2.05, 4];
  const values = [1, -2, 0.5, 0.5, 3, -1];
  assertAll(new Pchip(knots, values).evaluate(knots), values, 'knots');
});

test('knots must be strictly increasing and match the values', () => {
  assert.throws(() => new Pchip([0, 1, 1], [0, 1, 2]), UserError);
  assert.throws(() => new Pchip([0, 1], [0]), UserError);
  assert.throws(() => new Pchip([0], [0]), UserError);
});
