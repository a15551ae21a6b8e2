// disent's `sample_radius`: a new value for one factor at a distance from the old one that lies in a
// half-open band, inside the factor's bounds, every admissible integer equally likely.
import type { Rng } from '../../util/random.js';

/**
 * A uniform integer x in [low, high) with rLow <= |x - value| < rHigh. The admissible values form
 * a left run [max(v-rHigh+1, low), max(v-rLow+1, low)) and a right run
 * [min(v+rLow+[rLow=0], high), min(v+rHigh, high)); the right run skips v itself when rLow = 0 so
 * distance 0 is counted once. Throws when no value is admissible (numpy's randint would too).
 */
export function sampleRadius(value: number, low: number, high: number, rLow: number, rHigh: number, rng: Rng): number {
  for (const [name, x] of [['value', value], ['low', low], ['high', high], ['rLow', rLow], ['rHigh', rHigh]] as const) {
    if (!Number.isInteger(x)) throw new RangeError(`sampleRadius: ${name} = ${x} is not an integer`);
  }
  if (!(low <= value && value < high)) throw new RangeError(`sampleRadius: value ${value} is outside [${low}, ${high})`);
  if (rLow < 0) throw new RangeError(`sampleRadius: rLow ${rLow} is negative`);

  const leftStart = Math.max(value - rHigh + 1, low);
  const leftEnd = Math.max(value - rLow + 1, low);
  const rightStart = Math.min(value + rLow + (rLow === 0 ? 1 : 0), high);
  const rightEnd = Math.min(value + rHigh, high);
  const leftCount = Math.max(0, leftEnd - leftStart);
  const rightCount = Math.max(0, rightEnd - rightStart);
  const total = leftCount + rightCount;
  if (total === 0) {
    throw new RangeError(`sampleRadius: no value in [${low}, ${high}) lies at distance [${rLow}, ${rHigh}) from ${value}`);
  }
  const pick = rng.int(total);
  return pick < leftCount ? leftStart + pick : rightStart + (pick - leftCount);
}
