// Discrete mutual information as scikit-learn 1.2's `mutual_info_score` computes it (the
// estimator behind MIG, modularity and the unsupervised MI score), including its quirks: a
// labelling with a single label gives exactly 0, near-zero terms are zeroed, the sum is clipped
// at 0, and terms are added in the sparse contingency matrix's order (row-major over the sorted
// labels) with numpy's pairwise summation, so results are bit-identical to the library's.
import { pairwiseSum } from './numpy_reductions.js';

const FLOAT64_EPS = 2.220446049250313e-16;

/** A label vector recoded as dense ids `0..numLabels-1`, numbered in ascending label order. */
export interface LabelCoding {
  readonly ids: Int32Array;
  readonly numLabels: number;
  /** How many positions carry each id. */
  readonly counts: Float64Array;
}

/** Recodes labels (compared for equality only) as dense ids in ascending label order. */
export function encodeLabels(labels: ArrayLike<number>): LabelCoding {
  const firstSeenId = new Map<number, number>();
  const provisional = new Int32Array(labels.length);
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i];
    let id = firstSeenId.get(label);
    if (id === undefined) {
      id = firstSeenId.size;
      firstSeenId.set(label, id);
    }
    provisional[i] = id;
  }
  // Only the distinct labels are sorted; relabelling the points is a table lookup.
  const distinct = Float64Array.from(firstSeenId.keys()).sort();
  const sortedId = new Int32Array(distinct.length);
  distinct.forEach((label, rank) => {
    sortedId[firstSeenId.get(label) as number] = rank;
  });
  const ids = new Int32Array(labels.length);
  const counts = new Float64Array(distinct.length);
  for (let i = 0; i < labels.length; i++) {
    const id = sortedId[provisional[i]];
    ids[i] = id;
    counts[id] += 1;
  }
  return { ids, numLabels: distinct.length, counts };
}

// Above this many cells a dense contingency table would be mostly empty (e.g. two continuous
// label vectors), so the non-zero cells are collected sparsely instead.
const DENSE_CONTINGENCY_LIMIT = 1 << 22;

interface ContingencyCells {
  readonly rows: Int32Array;
  readonly cols: Int32Array;
  readonly counts: Float64Array;
}

/** The non-zero cells of the contingency table, row-major (the order scipy's `find` returns). */
function nonZeroCells(labelsTrue: LabelCoding, labelsPred: LabelCoding): ContingencyCells {
  const n = labelsTrue.ids.length;
  const numCols = labelsPred.numLabels;
  const numCells = labelsTrue.numLabels * numCols;
  let keys: Float64Array;
  let counts: Float64Array;
  if (numCells <= DENSE_CONTINGENCY_LIMIT) {
    const table = new Float64Array(numCells);
    for (let i = 0; i < n; i++) table[labelsTrue.ids[i] * numCols + labelsPred.ids[i]] += 1;
    let numNonZero = 0;
    for (let cell = 0; cell < numCells; cell++) if (table[cell] !== 0) numNonZero++;
    keys = new Float64Array(numNonZero);
    counts = new Float64Array(numNonZero);
    let next = 0;
    for (let cell = 0; cell < numCells; cell++) {
      if (table[cell] === 0) continue;
      keys[next] = cell;
      counts[next++] = table[cell];
    }
  } else {
    const sparse = new Map<number, number>();
    for (let i = 0; i < n; i++) {
      const cell = labelsTrue.ids[i] * numCols + labelsPred.ids[i];
      sparse.set(cell, (sparse.get(cell) ?? 0) + 1);
    }
    keys = Float64Array.from(sparse.keys()).sort();
    counts = keys.map((cell) => sparse.get(cell) as number);
  }
  const rows = new Int32Array(keys.length);
  const cols = new Int32Array(keys.length);
  for (let c = 0; c < keys.length; c++) {
    rows[c] = Math.floor(keys[c] / numCols);
    cols[c] = keys[c] - rows[c] * numCols;
  }
  return { rows, cols, counts };
}

/** `mutual_info_score(labels_true, labels_pred)` in nats, from pre-encoded label vectors. */
export function mutualInfoFromCodings(labelsTrue: LabelCoding, labelsPred: LabelCoding): number {
  const n = labelsTrue.ids.length;
  if (labelsPred.ids.length !== n) {
    throw new RangeError(`label vectors differ in length (${n} vs ${labelsPred.ids.length})`);
  }
  if (labelsTrue.numLabels === 1 || labelsPred.numLabels === 1) return 0;

  const cells = nonZeroCells(labelsTrue, labelsPred);
  const logN = Math.log(n);
  const terms = new Float64Array(cells.counts.length);
  for (let c = 0; c < terms.length; c++) {
    const count = cells.counts[c];
    const fraction = count / n;
    const logOuter = -Math.log(labelsTrue.counts[cells.rows[c]] * labelsPred.counts[cells.cols[c]]) + logN + logN;
    const term = fraction * (Math.log(count) - logN) + fraction * logOuter;
    terms[c] = Math.abs(term) < FLOAT64_EPS ? 0 : term;
  }
  return Math.max(0, pairwiseSum(terms));
}

/** scikit-learn's `mutual_info_score(labelsTrue, labelsPred)` in nats (symmetric up to round-off). */
export function mutualInfoScore(labelsTrue: ArrayLike<number>, labelsPred: ArrayLike<number>): number {
  return mutualInfoFromCodings(encodeLabels(labelsTrue), encodeLabels(labelsPred));
}

/**
 * disentanglement_lib's `discrete_mutual_info`: the D x K matrix (codes x factors) with
 * `M[i][j] = mutual_info_score(factor_j, code_i)`. Each argument holds one label vector per code
 * dimension / factor, all of the same length.
 */
export function discreteMutualInfoMatrix(codeLabels: readonly ArrayLike<number>[], factorLabels: readonly ArrayLike<number>[]): number[][] {
  const codes = codeLabels.map(encodeLabels);
  const factors = factorLabels.map(encodeLabels);
  return codes.map((code) => factors.map((factor) => mutualInfoFromCodings(factor, code)));
}

/** disentanglement_lib's `discrete_entropy`: `H[j] = mutual_info_score(factor_j, factor_j)` (0 for a constant factor). */
export function discreteEntropy(factorLabels: readonly ArrayLike<number>[]): number[] {
  return factorLabels.map((labels) => {
    const coding = encodeLabels(labels);
    return mutualInfoFromCodings(coding, coding);
  });
}
