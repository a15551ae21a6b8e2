// Checks that per-row factor labels in an original dataset file enumerate the full factor grid in
// C order (last factor fastest), which is what lets row i be looked up as factor index i.
import { UserError } from '../../util/errors.js';

/**
 * `labels` is row-major (rows × numFactors) of factor indices 0..size−1. Returns the factor sizes
 * (max + 1 per column) after checking that row r holds the C-order unravelling of r.
 */
export function checkGridEnumeration(labels: ArrayLike<number>, numFactors: number, source: string): number[] {
  const rows = labels.length / numFactors;
  const sizes = new Array<number>(numFactors).fill(0);
  for (let i = 0; i < labels.length; i++) sizes[i % numFactors] = Math.max(sizes[i % numFactors], labels[i] + 1);
  const total = sizes.reduce((a, b) => a * b, 1);
  if (total !== rows) {
    throw new UserError(`${source}: ${rows} rows but the factor sizes (${sizes.join(', ')}) make a grid of ${total}`);
  }
  const expected = new Array<number>(numFactors).fill(0);
  for (let r = 0; r < rows; r++) {
    for (let f = 0; f < numFactors; f++) {
      if (labels[r * numFactors + f] !== expected[f]) {
        throw new UserError(
          `${source}: row ${r} has factors (${Array.from({ length: numFactors }, (_, j) => labels[r * numFactors + j]).join(', ')}), expected (${expected.join(', ')}) in C order`,
        );
      }
    }
    for (let f = numFactors - 1; f >= 0 && ++expected[f] === sizes[f]; f--) expected[f] = 0;
  }
  return sizes;
}
