// Empirical Mode Decomposition (Huang et al. 1998) as PyEMD's `EMD` runs it for DecVAE (spec §4.5):
// 'simple' extrema (samples above/below both neighbours; a flat run counts once, at its rounded
// middle), two extrema of each kind mirrored past each end (PyEMD's nbsym = 2), pchip envelopes
// through them, and sifting imf <- imf - (upper + lower)/2 until the proto-IMF passes one of the
// Cauchy-type tests (scaled variance, standard deviation or energy ratio of the change, with all
// maxima positive and all minima negative) while its extrema and zero crossings differ by at most
// one, or until the iteration cap. IMFs are extracted until `maxImf` of them, until the rest is
// flat enough (range or summed magnitude under thresholds) or until it has no more than two
// extrema (a trend, which is then not kept as an IMF). The residue is x minus the IMFs, so the
// IMFs and the residue add up to x.
import { UserError } from '../util/errors.js';
import { Pchip } from './pchip.js';
import { roundHalfEven } from '../util/rounding.js';

export interface EmdOptions {
  /** Stop after this many IMFs; -1 for no limit. */
  maxImf: number;
  /** Sifting iterations per IMF are fewer than this (PyEMD's MAX_ITERATION). */
  maxIterations: number;
  /** Thresholds of the proto-IMF tests. */
  energyRatioThreshold: number;
  stdThreshold: number;
  svarThreshold: number;
  /** Thresholds of the whole decomposition's stop: summed |rest| and its max - min. */
  totalPowerThreshold: number;
  rangeThreshold: number;
}

/** DecVAE's pre-training EMD settings (spec §4 config list) for NoC = 3. */
export const DECVAE_EMD: EmdOptions = {
  maxImf: 3,
  maxIterations: 1000,
  energyRatioThreshold: 5e-3,
  stdThreshold: 0.1,
  svarThreshold: 0.01,
  totalPowerThreshold: 1e-4,
  rangeThreshold: 1e-3,
};

/** Mirrored extrema per end (PyEMD's nbsym). */
const MIRRORED = 2;

export interface EmdResult {
  /** IMFs, highest frequency first. */
  imfs: Float64Array[];
  /** x minus the sum of the IMFs. */
  residue: Float64Array;
}

export function emd(x: ArrayLike<number>, options: Partial<EmdOptions> = {}): EmdResult {
  const settings = { ...DECVAE_EMD, ...options };
  if (!(Number.isInteger(settings.maxImf) && (settings.maxImf >= 1 || settings.maxImf === -1))) throw new UserError(`EMD: maxImf must be a positive integer or -1, got ${settings.maxImf}`);
  if (!(Number.isInteger(settings.maxIterations) && settings.maxIterations >= 2)) throw new UserError(`EMD: maxIterations must be an integer >= 2, got ${settings.maxIterations}`);
  if (x.length < 3) throw new UserError(`EMD: the signal needs at least 3 samples, got ${x.length}`);
  const signal = Float64Array.from(x);
  const imfs: Float64Array[] = [];
  let extremaCount = -1;
  let finished = false;
  while (!finished) {
    const imf = restOf(signal, imfs);
    for (let iteration = 1; iteration < settings.maxIterations; iteration++) {
      const extrema = findExtrema(imf);
      extremaCount = extrema.maxima.length + extrema.minima.length;
      const envelopes = extremaCount > 2 ? envelopesOf(imf, extrema) : null;
      if (!envelopes) {
        finished = true;
        break;
      }
      const old = Float64Array.from(imf);
      for (let i = 0; i < imf.length; i++) imf[i] -= 0.5 * (envelopes.upper[i] + envelopes.lower[i]);
      const sifted = findExtrema(imf);
      extremaCount = sifted.maxima.length + sifted.minima.length;
      const isImf = passesImfTests(imf, old, envelopes, settings) && Math.abs(extremaCount - sifted.zeroCrossings) < 2;
      if (isImf) break;
    }
    imfs.push(imf);
    if (restIsFlat(signal, imfs, settings) || imfs.length === settings.maxImf) finished = true;
  }
  if (extremaCount <= 2) imfs.pop();
  return { imfs, residue: restOf(signal, imfs) };
}

/** x minus the IMFs, summed in order as numpy sums the rows. */
function restOf(signal: Float64Array, imfs: readonly Float64Array[]): Float64Array {
  const sum = new Float64Array(signal.length);
  for (const imf of imfs) for (let i = 0; i < sum.length; i++) sum[i] += imf[i];
  return signal.map((value, i) => value - sum[i]);
}

function restIsFlat(signal: Float64Array, imfs: readonly Float64Array[], settings: EmdOptions): boolean {
  const rest = restOf(signal, imfs);
  let [low, high, magnitude] = [Infinity, -Infinity, 0];
  for (const value of rest) [low, high, magnitude] = [Math.min(low, value), Math.max(high, value), magnitude + Math.abs(value)];
  return high - low < settings.rangeThreshold || magnitude < settings.totalPowerThreshold;
}

export interface Extrema {
  maxima: number[];
  minima: number[];
  /** Sign changes between neighbours plus runs of exact zeros. */
  zeroCrossings: number;
}

/** PyEMD's 'simple' extrema of s, with flat runs resolved to their (half-to-even rounded) middle. */
export function findExtrema(s: ArrayLike<number>): Extrema {
  const n = s.length;
  let zeroCrossings = 0;
  for (let i = 0; i + 1 < n; i++) if (s[i] * s[i + 1] < 0) zeroCrossings++;
  for (let i = 0; i < n; i++) if (s[i] === 0 && (i === 0 || s[i - 1] !== 0)) zeroCrossings++;

  const d = new Float64Array(n - 1);
  for (let i = 0; i + 1 < n; i++) d[i] = s[i + 1] - s[i];
  const maxima: number[] = [];
  const minima: number[] = [];
  for (let i = 0; i + 1 < d.length; i++) {
    if (d[i] * d[i + 1] < 0) (d[i] < 0 ? minima : maxima).push(i + 1);
  }
  const runs = flatRuns(d);
  if (runs.length > 0) {
    for (const [start, end] of runs) {
      // PyEMD reads d[start - 1] with Python indexing, so a run at the very start looks at d's last value.
      const before = d[start === 0 ? d.length - 1 : start - 1];
      const middle = roundHalfEven((start + end) / 2);
      if (before > 0 && d[end] < 0) maxima.push(middle);
      else if (!(before > 0) && d[end] > 0) minima.push(middle);
    }
    maxima.sort((a, b) => a - b);
    minima.sort((a, b) => a - b);
  }
  return { maxima, minima, zeroCrossings };
}

/**
 * Runs [start, end) of zero differences, as PyEMD keeps them: a first run starting at d[1] and a
 * last run reaching the signal's end are dropped.
 */
function flatRuns(d: Float64Array): [number, number][] {
  let runs: [number, number][] = [];
  for (let i = 0; i < d.length; i++) {
    if (d[i] !== 0 || (i > 0 && d[i - 1] === 0)) continue;
    let end = i;
    while (end < d.length && d[end] === 0) end++;
    runs.push([i, end]);
  }
  if (runs.length > 0 && runs[0][0] === 1) runs = runs.slice(1);
  if (runs.length > 0 && runs[runs.length - 1][1] === d.length) runs = runs.slice(0, -1);
  return runs;
}

interface Envelopes {
  upper: Float64Array;
  lower: Float64Array;
  /** The values the envelopes pass through, mirrored points included. */
  upperValues: number[];
  lowerValues: number[];
}

/** pchip envelopes through the extrema and their mirror images; null where PyEMD could not build them. */
function envelopesOf(s: Float64Array, extrema: Extrema): Envelopes | null {
  if (extrema.maxima.length === 0 || extrema.minima.length === 0) return null;
  const { maxima, minima } = mirroredExtrema(s, extrema.maxima, extrema.minima);
  const positions = Float64Array.from(s.keys());
  const upper = new Pchip(maxima.map(([t]) => t), maxima.map(([, v]) => v)).evaluate(positions);
  const lower = new Pchip(minima.map(([t]) => t), minima.map(([, v]) => v)).evaluate(positions);
  return { upper, lower, upperValues: maxima.map(([, v]) => v), lowerValues: minima.map(([, v]) => v) };
}

const reversed = (xs: readonly number[]) => [...xs].reverse();
const slice = (xs: readonly number[], start: number, end = xs.length) => xs.slice(Math.max(0, start), end < 0 ? xs.length + end : end);

/**
 * PyEMD's `_prepare_points_simple`: `MIRRORED` extrema beyond each end, reflected about the first
 * (last) extremum or about the end sample itself, whichever keeps the reflections outside the signal;
 * returns (position, value) pairs, increasing, with repeated positions dropped.
 */
function mirroredExtrema(s: Float64Array, indMax: number[], indMin: number[]): { maxima: [number, number][]; minima: [number, number][] } {
  const last = s.length - 1;
  const [endMax, endMin] = [indMax.length, indMin.length];
  const nb = MIRRORED;
  let lmax: number[];
  let lmin: number[];
  let lsym: number;
  if (indMax[0] < indMin[0]) {
    if (s[0] > s[indMin[0]]) [lmax, lmin, lsym] = [reversed(slice(indMax, 1, Math.min(endMax, nb + 1))), reversed(slice(indMin, 0, Math.min(endMin, nb))), indMax[0]];
    else [lmax, lmin, lsym] = [reversed(slice(indMax, 0, Math.min(endMax, nb))), [...reversed(slice(indMin, 0, Math.min(endMin, nb - 1))), 0], 0];
  } else if (s[0] < s[indMax[0]]) [lmax, lmin, lsym] = [reversed(slice(indMax, 0, Math.min(endMax, nb))), reversed(slice(indMin, 1, Math.min(endMin, nb + 1))), indMin[0]];
  else [lmax, lmin, lsym] = [[...reversed(slice(indMax, 0, Math.min(endMax, nb - 1))), 0], reversed(slice(indMin, 0, Math.min(endMin, nb))), 0];

  let rmax: number[];
  let rmin: number[];
  let rsym: number;
  if (indMax[endMax - 1] < indMin[endMin - 1]) {
    if (s[last] < s[indMax[endMax - 1]]) [rmax, rmin, rsym] = [reversed(slice(indMax, endMax - nb)), reversed(slice(indMin, endMin - nb - 1, -1)), indMin[endMin - 1]];
    else [rmax, rmin, rsym] = [reversed([...slice(indMax, endMax - nb + 1), last]), reversed(slice(indMin, endMin - nb)), last];
  } else if (s[last] > s[indMin[endMin - 1]]) [rmax, rmin, rsym] = [reversed(slice(indMax, endMax - nb - 1, -1)), reversed(slice(indMin, endMin - nb)), indMax[endMax - 1]];
  else [rmax, rmin, rsym] = [reversed(slice(indMax, endMax - nb)), reversed([...slice(indMin, endMin - nb + 1), last]), last];

  if (lmin.length === 0) lmin = indMin;
  if (rmin.length === 0) rmin = indMin;
  if (lmax.length === 0) lmax = indMax;
  if (rmax.length === 0) rmax = indMax;

  const reflect = (about: number, indices: number[]) => indices.map((i) => 2 * about - i);
  let [tlmin, tlmax] = [reflect(lsym, lmin), reflect(lsym, lmax)];
  let [trmin, trmax] = [reflect(rsym, rmin), reflect(rsym, rmax)];
  if (tlmin[0] > 0 || tlmax[0] > 0) {
    if (lsym === indMax[0]) lmax = reversed(slice(indMax, 0, Math.min(endMax, nb)));
    else lmin = reversed(slice(indMin, 0, Math.min(endMin, nb)));
    if (lsym === 0) throw new RangeError('EMD: the left mirror points fall inside the signal');
    lsym = 0;
    [tlmin, tlmax] = [reflect(lsym, lmin), reflect(lsym, lmax)];
  }
  if (trmin[trmin.length - 1] < last || trmax[trmax.length - 1] < last) {
    if (rsym === indMax[endMax - 1]) rmax = reversed(slice(indMax, endMax - nb));
    else rmin = reversed(slice(indMin, endMin - nb));
    if (rsym === last) throw new RangeError('EMD: the right mirror points fall inside the signal');
    rsym = last;
    [trmin, trmax] = [reflect(rsym, rmin), reflect(rsym, rmax)];
  }
  const points = (tl: number[], l: number[], ind: number[], tr: number[], r: number[]): [number, number][] => {
    const all: [number, number][] = [...tl.map((t, i): [number, number] => [t, s[l[i]]]), ...ind.map((i): [number, number] => [i, s[i]]), ...tr.map((t, i): [number, number] => [t, s[r[i]]])];
    return all.filter((point, i) => i + 1 >= all.length || all[i + 1][0] !== point[0]);
  };
  return { maxima: points(tlmax, lmax, indMax, trmax, rmax), minima: points(tlmin, lmin, indMin, trmin, rmin) };
}

/** PyEMD's check_imf: the Cauchy-type tests on the change made by the last sift. */
function passesImfTests(imf: Float64Array, old: Float64Array, envelopes: Envelopes, settings: EmdOptions): boolean {
  if (envelopes.upperValues.some((v) => v < 0) || envelopes.lowerValues.some((v) => v > 0)) return false;
  let energy = 0;
  let changeEnergy = 0;
  let oldEnergy = 0;
  let relativeChange = 0;
  let [oldLow, oldHigh] = [Infinity, -Infinity];
  for (let i = 0; i < imf.length; i++) {
    const change = imf[i] - old[i];
    energy += imf[i] * imf[i];
    changeEnergy += change * change;
    oldEnergy += old[i] * old[i];
    relativeChange += (change / imf[i]) ** 2;
    [oldLow, oldHigh] = [Math.min(oldLow, old[i]), Math.max(oldHigh, old[i])];
  }
  if (energy < 1e-10) return false;
  if (changeEnergy / (oldHigh - oldLow) < settings.svarThreshold) return true;
  if (relativeChange < settings.stdThreshold) return true;
  return changeEnergy / oldEnergy < settings.energyRatioThreshold;
}
