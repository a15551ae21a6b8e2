// What scikit-learn's linear classifiers share: input checks and class encoding before fitting;
// once fitted, decision values X @ coef^T + intercept (the product first, as sklearn computes it)
// and the prediction rule (one problem: class 1 where the value is positive; several: the first
// class with the largest value).

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

/** scikit-learn refuses NaN and infinities in X; so do we, naming the first bad value. */
export function checkFinite(values: Float64Array, estimator: string): void {
  for (let i = 0; i < values.length; i++) {
    if (Number.isNaN(values[i])) throw new Error(`${estimator}: input X contains NaN (value ${i})`);
    if (!Number.isFinite(values[i])) throw new Error(`${estimator}: input X contains infinity (value ${i})`);
  }
}

/** Sorted distinct labels and each sample's index among them; fewer than 2 classes is sklearn's error. */
export function encodeClasses(y: Int32Array): { classes: Int32Array; labelIndices: Int32Array } {
  const classes = Int32Array.from(new Set(y)).sort();
  if (classes.length < 2) {
    // scikit-learn's wording, so that callers report the same reason as the library.
    throw new Error(`This solver needs samples of at least 2 classes in the data, but the data contains only one class: ${classes[0]}`);
  }
  const classIndex = new Map<number, number>();
  classes.forEach((label, index) => classIndex.set(label, index));
  return { classes, labelIndices: Int32Array.from(y, (label) => classIndex.get(label) as number) };
}
