// disentanglement_lib's histogram discretiser (`utils._histogram_discretize`): numpy's
// `np.digitize(x, np.histogram(x, num_bins)[1][:-1])`. The bin a value lands in depends on the
// float64 rounding of numpy's edges, so the edges are rebuilt exactly as `np.linspace` builds
// them and values are compared against them; dividing by the step instead would move values
// that sit on or just below an edge into the wrong bin.

export const DEFAULT_NUM_BINS = 20;

function checkNumBins(numBins: number): void {
  if (!Number.isInteger(numBins) || numBins < 1) {
    throw new RangeError(`numBins must be a positive integer, got ${numBins}`);
  }
}

/**
 * The `numBins + 1` edges numpy's `np.histogram(values, numBins)` returns: `k * step + lo` for
 * `k < numBins` and exactly `hi` last, where a constant input is widened to `[v - 0.5, v + 0.5]`
 * and an empty one gets numpy's range `[0, 1]`. Throws, as numpy does, on a non-finite value.
 */
export function histogramEdges(values: ArrayLike<number>, numBins = DEFAULT_NUM_BINS): Float64Array {
  checkNumBins(numBins);
  let lo = values.length === 0 ? 0 : Infinity;
  let hi = values.length === 0 ? 1 : -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) throw new RangeError(`cannot discretise value ${v} at position ${i}: histogram ranges must be finite`);
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (lo === hi) {
    lo -= 0.5;
    hi += 0.5;
  }
  const span = hi - lo;
  const step = span / numBins;
  const edges = new Float64Array(numBins + 1);
  // np.linspace scales the fractions k / numBins instead when the step underflows to zero.
  for (let k = 0; k < numBins; k++) edges[k] = step === 0 ? (k / numBins) * span + lo : k * step + lo;
  edges[numBins] = hi;
  return edges;
}

/**
 * Bin id in `1..numBins` of every value: the number of the first `numBins` histogram edges that
 * are `<= value` (so the maximum lands in bin `numBins` and a value equal to an interior edge goes
 * to the upper bin).
 */
export function histogramDiscretize(values: ArrayLike<number>, numBins = DEFAULT_NUM_BINS): Int32Array {
  const edges = histogramEdges(values, numBins);
  const out = new Int32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    // Binary search for the count of edges <= v among edges[0 .. numBins); edges are
    // non-decreasing because k * step + lo is monotone in k.
    let low = 0;
    let high = numBins;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (edges[mid] <= v) low = mid + 1;
      else high = mid;
    }
    out[i] = low;
  }
  return out;
}
