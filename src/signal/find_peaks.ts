// Local peaks of a 1-D array as scipy.signal.find_peaks finds them with only `distance` set, and
// their prominences as scipy.signal.peak_prominences measures them: what DecVAE's spectral peak
// detection needs (spec §4.1 step 2).
// - A peak is a sample higher than its left neighbour followed by a run of equal samples and then a
//   lower one; a flat top (plateau) counts once, at its middle sample (rounded down). The first and
//   last samples are never peaks.
// - `distance`: peaks are visited from the highest down; each one still kept removes every other
//   peak closer than ceil(distance) samples. Equal heights are visited in index order from the
//   right (a stable ascending sort visited backwards), which is what numpy's argsort does for the
//   short peak lists of a spectrum.
// - Prominence: the peak's height minus the higher of the two lowest points reached walking left
//   and right until a higher sample or the array's end.
import { UserError } from '../util/errors.js';

export interface FindPeaksOptions {
  /** Minimum separation in samples between kept peaks (>= 1). */
  distance?: number;
}

/** Indices of the local maxima of `x`, ascending. */
export function findPeaks(x: ArrayLike<number>, options: FindPeaksOptions = {}): number[] {
  const peaks = localMaxima(x);
  if (options.distance === undefined) return peaks;
  if (!(options.distance >= 1)) throw new UserError(`find_peaks: distance must be at least 1, got ${options.distance}`);
  return selectByDistance(x, peaks, Math.ceil(options.distance));
}

function localMaxima(x: ArrayLike<number>): number[] {
  const peaks: number[] = [];
  const last = x.length - 1;
  let i = 1;
  while (i < last) {
    if (x[i - 1] < x[i]) {
      let ahead = i + 1;
      while (ahead < last && x[ahead] === x[i]) ahead++;
      if (x[ahead] < x[i]) {
        peaks.push(Math.floor((i + ahead - 1) / 2));
        i = ahead;
      }
    }
    i++;
  }
  return peaks;
}

function selectByDistance(x: ArrayLike<number>, peaks: readonly number[], distance: number): number[] {
  const keep = peaks.map(() => true);
  const byHeight = peaks.map((_, index) => index).sort((a, b) => x[peaks[a]] - x[peaks[b]] || a - b);
  for (let rank = byHeight.length - 1; rank >= 0; rank--) {
    const j = byHeight[rank];
    if (!keep[j]) continue;
    for (let k = j - 1; k >= 0 && peaks[j] - peaks[k] < distance; k--) keep[k] = false;
    for (let k = j + 1; k < peaks.length && peaks[k] - peaks[j] < distance; k++) keep[k] = false;
  }
  return peaks.filter((_, index) => keep[index]);
}

/** Prominence of each peak (indices into `x`), as scipy.signal.peak_prominences with no window. */
export function peakProminences(x: ArrayLike<number>, peaks: readonly number[]): number[] {
  return peaks.map((peak) => {
    if (!(Number.isInteger(peak) && peak >= 0 && peak < x.length)) throw new RangeError(`peak ${peak} is not an index of the array`);
    const height = x[peak];
    let leftMin = height;
    for (let i = peak; i >= 0 && x[i] <= height; i--) leftMin = Math.min(leftMin, x[i]);
    let rightMin = height;
    for (let i = peak; i < x.length && x[i] <= height; i++) rightMin = Math.min(rightMin, x[i]);
    return height - Math.max(leftMin, rightMin);
  });
}
