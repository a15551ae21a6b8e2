// The "lookup dataset" of the metrics spec (section 6): a fixed table of (factors, codes) standing
// in for a ground-truth dataset plus encoder, driven by numpy's RandomState stream exactly the way
// disentanglement_lib's discrete datasets consume it, so that sampling metrics (FactorVAE,
// beta-VAE) computed on the table reproduce the reference values draw for draw.
import { MT19937 } from '../util/mt19937.js';
import type { FactorCodeSource } from './source.js';
import type { FactorCodeTable } from './table.js';

export class LookupSource implements FactorCodeSource {
  readonly factorSizes: readonly number[];
  readonly numCodes: number;
  /** Sorted distinct values of every factor; factor samples are indices into these lists. */
  readonly factorValues: readonly (readonly number[])[];
  /** Rows of each factor combination (C-order index), in file order: rows[offsets[c] .. offsets[c+1]). */
  private readonly combinationOffsets: Int32Array;
  private readonly rowsByCombination: Int32Array;
  private readonly random: MT19937;

  /**
   * `seed` starts a fresh `RandomState(seed)`; pass an MT19937 instead to continue an existing
   * stream. Throws when some combination of factor values has no row (the library cannot sample
   * it, so neither FactorVAE nor beta-VAE is defined).
   */
  constructor(private readonly table: FactorCodeTable, seed: number | MT19937) {
    this.random = typeof seed === 'number' ? new MT19937(seed) : seed;
    this.numCodes = table.numCodes;
    const numFactors = table.numFactors;

    const indexOfValue: Map<number, number>[] = [];
    const values: number[][] = [];
    for (let j = 0; j < numFactors; j++) {
      const distinct = new Set<number>();
      for (let r = 0; r < table.n; r++) distinct.add(table.factors[r * numFactors + j]);
      const sorted = [...distinct].sort((a, b) => a - b);
      values.push(sorted);
      indexOfValue.push(new Map(sorted.map((value, index) => [value, index])));
    }
    this.factorValues = values;
    this.factorSizes = values.map((list) => list.length);

    const numCombinations = this.factorSizes.reduce((a, b) => a * b, 1);
    if (numCombinations > table.n) {
      throw new Error(
        `the factor grid is incomplete: ${numCombinations} combinations of factor values but only ${table.n} rows, so some combination cannot be sampled`,
      );
    }
    const combinationOfRow = new Int32Array(table.n);
    const counts = new Int32Array(numCombinations);
    for (let r = 0; r < table.n; r++) {
      let combination = 0;
      for (let j = 0; j < numFactors; j++) {
        combination = combination * this.factorSizes[j] + (indexOfValue[j].get(table.factors[r * numFactors + j]) as number);
      }
      combinationOfRow[r] = combination;
      counts[combination]++;
    }
    const missing = counts.indexOf(0);
    if (missing >= 0) {
      const numMissing = counts.reduce((total, count) => total + (count === 0 ? 1 : 0), 0);
      throw new Error(
        `the factor grid is incomplete: ${numMissing} of ${numCombinations} combinations of factor values have no row ` +
          `(first: factor values [${this.valuesOfCombination(missing).join(', ')}])`,
      );
    }

    this.combinationOffsets = new Int32Array(numCombinations + 1);
    for (let c = 0; c < numCombinations; c++) this.combinationOffsets[c + 1] = this.combinationOffsets[c] + counts[c];
    this.rowsByCombination = new Int32Array(table.n);
    const filled = this.combinationOffsets.slice(0, numCombinations);
    for (let r = 0; r < table.n; r++) this.rowsByCombination[filled[combinationOfRow[r]]++] = r;
  }

  /** The library's `sample_factors`: factor by factor, one `randint(size_j, size=n)` call filling column j. */
  sampleFactors(n: number): Int32Array {
    const numFactors = this.factorSizes.length;
    const out = new Int32Array(n * numFactors);
    for (let j = 0; j < numFactors; j++) {
      const size = this.factorSizes[j];
      for (let r = 0; r < n; r++) out[r * numFactors + j] = this.random.randint(size);
    }
    return out;
  }

  randomIndex(n: number): number {
    return this.random.randint(n);
  }

  /**
   * The table row observed for each of the `n` factor vectors: one `randint(0, counts)` call over
   * the rows' combination multiplicities (nothing drawn where a combination has a single row),
   * choosing among that combination's rows in file order.
   */
  sampleRows(factors: Int32Array, n: number): Int32Array {
    const numFactors = this.factorSizes.length;
    if (factors.length !== n * numFactors) {
      throw new RangeError(`expected ${n} x ${numFactors} factor indices, got ${factors.length} values`);
    }
    const rows = new Int32Array(n);
    for (let r = 0; r < n; r++) {
      let combination = 0;
      for (let j = 0; j < numFactors; j++) {
        const index = factors[r * numFactors + j];
        if (!(index >= 0 && index < this.factorSizes[j])) {
          throw new RangeError(`factor index ${index} of factor ${j} (row ${r}) is outside [0, ${this.factorSizes[j]})`);
        }
        combination = combination * this.factorSizes[j] + index;
      }
      const start = this.combinationOffsets[combination];
      const count = this.combinationOffsets[combination + 1] - start;
      rows[r] = this.rowsByCombination[start + this.random.randint(count)];
    }
    return rows;
  }

  async representations(factors: Int32Array, n: number): Promise<Float64Array> {
    const rows = this.sampleRows(factors, n);
    const d = this.numCodes;
    const out = new Float64Array(n * d);
    for (let r = 0; r < n; r++) out.set(this.table.codes.subarray(rows[r] * d, (rows[r] + 1) * d), r * d);
    return out;
  }

  private valuesOfCombination(combination: number): number[] {
    const values: number[] = new Array(this.factorSizes.length);
    for (let j = this.factorSizes.length - 1; j >= 0; j--) {
      values[j] = this.factorValues[j][combination % this.factorSizes[j]];
      combination = Math.floor(combination / this.factorSizes[j]);
    }
    return values;
  }
}
