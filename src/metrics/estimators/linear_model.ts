// What scikit-learn's linear classifiers share once fitted: decision values X @ coef^T + intercept
// (the product first, as sklearn computes it) and the prediction rule (one problem: class 1 where
// the value is positive; several: the first class with the largest value).

/** Row-major count x rows decision values; `coef` is rows x d. */
export function linearDecisionValues(points: Float64Array, count: number, d: number, coef: Float64Array, intercept: Float64Array): Float64Array {
  const rows = intercept.length;
  const values = new Float64Array(count * rows);
  for (let r = 0; r < count; r++) {
    for (let k = 0; k < rows; k++) {
      let dot = 0;
      for (let j = 0; j < d; j++) dot += points[r * d + j] * coef[k * d + j];
      values[r * rows + k] = dot + intercept[k];
    }
  }
  return values;
}

export function predictFromDecisionValues(values: Float64Array, count: number, rows: number, classes: Int32Array): Int32Array {
  const predictions = new Int32Array(count);
  for (let r = 0; r < count; r++) {
    if (rows === 1) {
      predictions[r] = classes[values[r] > 0 ? 1 : 0];
      continue;
    }
    let best = 0;
    for (let k = 1; k < rows; k++) if (values[r * rows + k] > values[r * rows + best]) best = k;
    predictions[r] = classes[best];
  }
  return predictions;
}
