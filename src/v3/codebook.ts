// How V3's content codebook lines up with the content classes (spec v3.md §6.3-§6.4, `tester.py`):
// the atoms x classes confusion matrix of the test fragments, row-normalised and with its rows
// ordered by their arg-max class for a near-diagonal picture; the codebook accuracy (the mean
// purity of the used atoms); and the zero-shot OOD accuracy of atoms assigned on in-distribution
// data, both by the original's rule and by each atom's majority class.
import { UserError } from '../util/errors.js';

/** The original's guard against empty rows in the row normalisation. */
const ROW_EPS = 1e-7;

export interface CodebookConfusion {
  /** counts[k][c]: fragments quantised to atom k whose content label is c. */
  counts: number[][];
  /** counts[k][c] / (Σ_c counts[k][c] + 1e-7), in atom order (an unused atom's row is all 0). */
  normalized: number[][];
  /** Arg-max class of each atom's row, the first on ties (numpy's argmax; 0 for an unused atom). */
  assignment: number[];
  /** Atoms sorted by their assignment, ties in atom order: the original's `perm`. */
  permutation: number[];
  /** normalized's rows in permutation order: the heatmap. */
  permuted: number[][];
}

export interface ZeroShotOodAccuracy {
  /**
   * The original's rule: a fragment is right when its label equals the position of its atom in
   * `permutation`. This is the atom's class only when atoms and classes pair one to one.
   */
  rank_rule_accuracy: number;
  /** A fragment is right when its label is its atom's in-distribution majority class; atoms unused there predict nothing. */
  majority_class_accuracy: number;
}

function checkIndices(what: string, values: ArrayLike<number>, limit: number, where: string): void {
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!(Number.isInteger(v) && v >= 0 && v < limit)) throw new UserError(`${where}: ${what} ${i} is ${v}, outside [0, ${limit})`);
  }
}

/** counts[k][c] over fragments (atom index, content label); both checked against their ranges. */
export function countAtomClasses(atoms: ArrayLike<number>, labels: ArrayLike<number>, numAtoms: number, numClasses: number): number[][] {
  const where = 'codebook confusion';
  if (atoms.length !== labels.length) throw new UserError(`${where}: ${atoms.length} atom indices for ${labels.length} content labels`);
  checkIndices('atom index', atoms, numAtoms, where);
  checkIndices('content label', labels, numClasses, where);
  const counts = Array.from({ length: numAtoms }, () => new Array<number>(numClasses).fill(0));
  for (let i = 0; i < atoms.length; i++) counts[atoms[i]][labels[i]]++;
  return counts;
}

function argMax(row: readonly number[]): number {
  let best = 0;
  for (let c = 1; c < row.length; c++) if (row[c] > row[best]) best = c;
  return best;
}

/**
 * The original's confusion matrix from the counts. numpy's default argsort is not stable in
 * general; for the ≤ 16 atoms of the shipped configs it is an insertion sort, which is, so ties
 * keep atom order here.
 */
export function codebookConfusion(counts: readonly (readonly number[])[]): CodebookConfusion {
  const normalized = counts.map((row) => {
    const total = row.reduce((a, b) => a + b, 0) + ROW_EPS;
    return row.map((v) => v / total);
  });
  const assignment = normalized.map(argMax);
  const permutation = assignment.map((_, k) => k).sort((a, b) => assignment[a] - assignment[b] || a - b);
  return {
    counts: counts.map((row) => [...row]),
    normalized,
    assignment,
    permutation,
    permuted: permutation.map((k) => normalized[k]),
  };
}

/** Σ_k max_c M[k, c] / Σ_{k,c} M[k, c] of a row-normalised matrix: the mean purity of the used atoms. */
export function codebookAccuracy(normalized: readonly (readonly number[])[]): number {
  let maxima = 0;
  let total = 0;
  for (const row of normalized) {
    maxima += Math.max(...row);
    total += row.reduce((a, b) => a + b, 0);
  }
  return maxima / total;
}

/** Zero-shot OOD accuracy of OOD fragments (atom index, true content label) under an in-distribution confusion. */
export function zeroShotOodAccuracy(confusion: CodebookConfusion, atoms: ArrayLike<number>, labels: ArrayLike<number>): ZeroShotOodAccuracy {
  const where = 'zero-shot OOD';
  const numAtoms = confusion.counts.length;
  if (atoms.length !== labels.length) throw new UserError(`${where}: ${atoms.length} atom indices for ${labels.length} content labels`);
  if (atoms.length === 0) throw new UserError(`${where}: no OOD fragments to score`);
  checkIndices('atom index', atoms, numAtoms, where);
  const rankOf = new Array<number>(numAtoms);
  confusion.permutation.forEach((atom, position) => { rankOf[atom] = position; });
  const used = confusion.counts.map((row) => row.some((v) => v > 0));
  let rankRight = 0;
  let majorityRight = 0;
  for (let i = 0; i < atoms.length; i++) {
    const atom = atoms[i];
    if (labels[i] === rankOf[atom]) rankRight++;
    if (used[atom] && labels[i] === confusion.assignment[atom]) majorityRight++;
  }
  return { rank_rule_accuracy: rankRight / atoms.length, majority_class_accuracy: majorityRight / atoms.length };
}
