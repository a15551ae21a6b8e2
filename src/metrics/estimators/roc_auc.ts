// ROC-AUC as scikit-learn's `roc_auc_score` computes it in disentanglement_lib's explicitness
// (metrics spec §2.6): the labels are one-hot encoded by `MultiLabelBinarizer` (one column per
// distinct label of that set, sorted), so the score is the multilabel-indicator case with the
// default average='macro': the binary ROC-AUC of every indicator column against the matching
// probability column, then their unweighted mean.
//
// The binary area is the trapezoid rule over the ROC curve's distinct score thresholds. A group
// of tied scores is one diagonal segment, so a tied (positive, negative) pair counts 1/2: the
// result is the Mann-Whitney statistic. The area is accumulated in integer counts (exact up to
// 2^53) and divided once, so it is the exactly rounded value of that statistic; scikit-learn's
// trapezoid over normalised rates can differ from it in the last bits.
import { pairwiseMean } from '../numpy_reductions.js';

/**
 * Binary ROC-AUC of `scores` for the positives marked in `isPositive` (non-zero = positive).
 * Throws, as scikit-learn does, when only one class is present.
 */
export function binaryRocAuc(isPositive: ArrayLike<number | boolean>, scores: ArrayLike<number>): number {
  const n = scores.length;
  if (isPositive.length !== n) throw new RangeError(`ROC-AUC: ${isPositive.length} labels but ${n} scores`);
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(scores[i])) throw new Error(`ROC-AUC: score ${i} is ${scores[i]}; scores must be finite`);
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[b] - scores[a]);
  let positives = 0;
  let negatives = 0;
  // Twice the area under the unnormalised curve (false positives, true positives).
  let doubledArea = 0;
  for (let start = 0; start < n; ) {
    let end = start;
    let groupPositives = 0;
    while (end < n && scores[order[end]] === scores[order[start]]) {
      if (isPositive[order[end]]) groupPositives++;
      end++;
    }
    const groupNegatives = end - start - groupPositives;
    doubledArea += groupNegatives * (2 * positives + groupPositives);
    positives += groupPositives;
    negatives += groupNegatives;
    start = end;
  }
  if (positives === 0 || negatives === 0) {
    throw new Error('Only one class present in y_true. ROC AUC score is not defined in that case.');
  }
  return doubledArea / (2 * positives * negatives);
}

/**
 * `roc_auc_score(indicator, scores)` for a row-major (n x columns) 0/1 indicator matrix and a
 * score matrix of the same shape, average='macro': the mean of the per-column binary ROC-AUCs.
 */
export function macroRocAuc(indicator: ArrayLike<number>, scores: ArrayLike<number>, n: number, columns: number): number {
  if (indicator.length !== n * columns || scores.length !== n * columns) {
    throw new RangeError(`ROC-AUC: expected two ${n} x ${columns} matrices, got ${indicator.length} and ${scores.length} values`);
  }
  const perColumn = new Float64Array(columns);
  const columnLabels = new Uint8Array(n);
  const columnScores = new Float64Array(n);
  for (let c = 0; c < columns; c++) {
    for (let r = 0; r < n; r++) {
      columnLabels[r] = indicator[r * columns + c] ? 1 : 0;
      columnScores[r] = scores[r * columns + c];
    }
    perColumn[c] = binaryRocAuc(columnLabels, columnScores);
  }
  return pairwiseMean(perColumn);
}

/**
 * The library's explicitness score of one factor on one set:
 * `roc_auc_score(MultiLabelBinarizer().fit_transform(labels[:, None]), probabilities)`, where the
 * probability columns (row-major n x classes.length) belong to the classifier's sorted training
 * `classes`. The indicator's columns are the sorted distinct labels of `labels` itself, so the two
 * line up only when the set has exactly the training classes; otherwise this throws (the library
 * raises when the set lacks a training class, and pairs unrelated columns when it has a class
 * the classifier never saw).
 */
export function oneVsRestRocAuc(labels: Int32Array, classes: Int32Array, probabilities: Float64Array): number {
  const n = labels.length;
  const distinct = Int32Array.from(new Set(labels)).sort();
  const sameClasses = distinct.length === classes.length && distinct.every((label, c) => label === classes[c]);
  if (!sameClasses) {
    const seen = new Set(distinct);
    const known = new Set(classes);
    const missing = [...classes].filter((c) => !seen.has(c));
    const unseen = [...distinct].filter((c) => !known.has(c));
    const list = (xs: number[]) => `${xs.slice(0, 5).join(', ')}${xs.length > 5 ? `, ... (${xs.length} in all)` : ''}`;
    const problems = [
      ...(missing.length ? [`lack class ${list(missing)} of the training set`] : []),
      ...(unseen.length ? [`have class ${list(unseen)} the classifier never saw`] : []),
    ];
    throw new Error(`the labels ${problems.join(' and ')}; ROC-AUC per class needs every class, and no other, in both sets`);
  }
  const indicator = new Uint8Array(n * classes.length);
  const columnOf = new Map<number, number>();
  classes.forEach((label, c) => columnOf.set(label, c));
  for (let r = 0; r < n; r++) indicator[r * classes.length + (columnOf.get(labels[r]) as number)] = 1;
  return macroRocAuc(indicator, probabilities, n, classes.length);
}
