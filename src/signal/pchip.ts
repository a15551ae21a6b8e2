// Piecewise cubic Hermite interpolation that preserves the shape of the data, as
// scipy.interpolate.PchipInterpolator computes it: EMD's envelopes through the extrema (spec §4.5,
// PyEMD's `spline_kind='pchip'`). The slope at an interior knot is the weighted harmonic mean of the
// two neighbouring secants, (w1 + w2) / (w1/m_{k-1} + w2/m_k) with w1 = 2h_k + h_{k-1} and
// w2 = h_k + 2h_{k-1}, or zero where the secants differ in sign or one is flat (Fritsch & Carlson).
// The end slopes are the one-sided three-point estimate ((2h0 + h1)m0 - h0 m1) / (h0 + h1), set to
// zero if its sign differs from m0's and limited to 3·m0 where the first two secants differ in sign
// (Moler, Numerical Computing with MATLAB §3.6). Two knots give the straight line. Outside the knots
// the end cubics are extended (scipy's default extrapolation).
import { UserError } from '../util/errors.js';

export class Pchip {
  private readonly knots: Float64Array;
  private readonly values: Float64Array;
  private readonly slopes: Float64Array;

  constructor(knots: ArrayLike<number>, values: ArrayLike<number>) {
    if (knots.length !== values.length) throw new UserError(`pchip: ${knots.length} knots but ${values.length} values`);
    if (knots.length < 2) throw new UserError(`pchip: needs at least 2 knots, got ${knots.length}`);
    for (let k = 1; k < knots.length; k++) {
      if (!(knots[k] > knots[k - 1])) throw new UserError(`pchip: knots must be strictly increasing (knot ${k} is ${knots[k]} after ${knots[k - 1]})`);
    }
    this.knots = Float64Array.from(knots);
    this.values = Float64Array.from(values);
    this.slopes = pchipSlopes(this.knots, this.values);
  }

  /** The interpolant at `t`. */
  at(t: number): number {
    const { knots, values, slopes } = this;
    const k = this.segmentOf(t);
    const h = knots[k + 1] - knots[k];
    const s = (t - knots[k]) / h;
    const s2 = s * s;
    const s3 = s2 * s;
    return (2 * s3 - 3 * s2 + 1) * values[k] + (s3 - 2 * s2 + s) * h * slopes[k] + (-2 * s3 + 3 * s2) * values[k + 1] + (s3 - s2) * h * slopes[k + 1];
  }

  /** The interpolant at each of `ts`. */
  evaluate(ts: ArrayLike<number>): Float64Array {
    const out = new Float64Array(ts.length);
    for (let i = 0; i < ts.length; i++) out[i] = this.at(ts[i]);
    return out;
  }

  /** The segment [knots[k], knots[k+1]) holding t; the end segments also take the points beyond them. */
  private segmentOf(t: number): number {
    const { knots } = this;
    let low = 0;
    let high = knots.length - 2;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if (knots[middle] <= t) low = middle;
      else high = middle - 1;
    }
    return low;
  }
}

function pchipSlopes(x: Float64Array, y: Float64Array): Float64Array {
  const n = x.length;
  const h = new Float64Array(n - 1);
  const m = new Float64Array(n - 1);
  for (let k = 0; k < n - 1; k++) {
    h[k] = x[k + 1] - x[k];
    m[k] = (y[k + 1] - y[k]) / h[k];
  }
  const d = new Float64Array(n);
  if (n === 2) {
    d.fill(m[0]);
    return d;
  }
  for (let k = 1; k < n - 1; k++) {
    const flat = Math.sign(m[k - 1]) !== Math.sign(m[k]) || m[k - 1] === 0 || m[k] === 0;
    if (flat) continue;
    const w1 = 2 * h[k] + h[k - 1];
    const w2 = h[k] + 2 * h[k - 1];
    d[k] = 1 / ((w1 / m[k - 1] + w2 / m[k]) / (w1 + w2));
  }
  d[0] = endSlope(h[0], h[1], m[0], m[1]);
  d[n - 1] = endSlope(h[n - 2], h[n - 3], m[n - 2], m[n - 3]);
  return d;
}

function endSlope(h0: number, h1: number, m0: number, m1: number): number {
  const d = ((2 * h0 + h1) * m0 - h0 * m1) / (h0 + h1);
  if (Math.sign(d) !== Math.sign(m0)) return 0;
  if (Math.sign(m0) !== Math.sign(m1) && Math.abs(d) > 3 * Math.abs(m0)) return 3 * m0;
  return d;
}
