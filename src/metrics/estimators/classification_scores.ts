// Accuracy and F1 summaries of predicted labels, as scikit-learn's accuracy_score and
// f1_score(average='weighted' | 'macro') compute them (DecVAE spec §9.4). The labels scored are the
// sorted union of the true and predicted labels; a label never predicted has precision 0 and one
// never present has recall 0 (sklearn's zero_division default, without its warning), so a label
// that only the predictions contain lowers the macro F1 and weighs nothing in the weighted F1.
import { UserError } from '../../util/errors.js';

function checkSameLength(truth: Int32Array, predicted: Int32Array, where: string): void {
  if (truth.length !== predicted.length) {
    throw new UserError(`${where}: ${truth.length} true labels but ${predicted.length} predictions`);
  }
  if (truth.length === 0) throw new UserError(`${where}: no labels to score`);
}

export function accuracyScore(truth: Int32Array, predicted: Int32Array): number {
  checkSameLength(truth, predicted, 'accuracyScore');
  let correct = 0;
  for (let i = 0; i < truth.length; i++) if (truth[i] === predicted[i]) correct++;
  return correct / truth.length;
}

export interface PerLabelF1 {
  /** Sorted union of the true and predicted labels. */
  readonly labels: Int32Array;
  readonly f1: Float64Array;
  /** Number of true occurrences of each label. */
  readonly support: Float64Array;
}

export function perLabelF1(truth: Int32Array, predicted: Int32Array): PerLabelF1 {
  checkSameLength(truth, predicted, 'perLabelF1');
  const labels = Int32Array.from(new Set([...truth, ...predicted])).sort();
  const indexOf = new Map<number, number>();
  labels.forEach((label, index) => indexOf.set(label, index));
  const truePositives = new Float64Array(labels.length);
  const support = new Float64Array(labels.length);
  const predictedCount = new Float64Array(labels.length);
  for (let i = 0; i < truth.length; i++) {
    const t = indexOf.get(truth[i]) as number;
    support[t]++;
    predictedCount[indexOf.get(predicted[i]) as number]++;
    if (truth[i] === predicted[i]) truePositives[t]++;
  }
  const f1 = new Float64Array(labels.length);
  for (let k = 0; k < labels.length; k++) {
    const precision = predictedCount[k] > 0 ? truePositives[k] / predictedCount[k] : 0;
    const recall = support[k] > 0 ? truePositives[k] / support[k] : 0;
    f1[k] = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
  }
  return { labels, f1, support };
}

/** Mean of the per-label F1 scores. */
export function macroF1(truth: Int32Array, predicted: Int32Array): number {
  const { f1 } = perLabelF1(truth, predicted);
  return f1.reduce((total, value) => total + value, 0) / f1.length;
}

/** Per-label F1 scores averaged with the labels' true counts as weights. */
export function weightedF1(truth: Int32Array, predicted: Int32Array): number {
  const { f1, support } = perLabelF1(truth, predicted);
  let total = 0;
  for (let k = 0; k < f1.length; k++) total += f1[k] * support[k];
  return total / truth.length;
}
