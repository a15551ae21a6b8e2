// An epoch's batches as the original loaders without drop_last deal them: every item of a split
// once, in a shuffled order, in batches of B, the last one smaller.
import type { Rng } from '../util/random.js';

/** Item indices in a shuffled order, cut into runs of `batchSize`. */
export function epochBatches(count: number, batchSize: number, rng: Rng): Int32Array[] {
  const order = Int32Array.from(rng.shuffle(Array.from({ length: count }, (_, i) => i)));
  const batches: Int32Array[] = [];
  for (let start = 0; start < count; start += batchSize) batches.push(order.subarray(start, Math.min(count, start + batchSize)));
  return batches;
}
