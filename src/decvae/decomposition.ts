// DecVAE's decomposition model D_w^C (spec §4, `models/decomposition_masking.py`): a signal X (a
// 400-sample frame, or the whole 64000-sample utterance) becomes [X, OC_1, ..., OC_NoC], the
// oscillatory components ordered from low to high frequency, each as long as X.
//   1. Components: EWT (§4.3, the default; N = NoC + 1 modes, the lowest dropped), filter
//      decomposition (§4.2, one zero-phase Butterworth band-pass per detected peak band), VMD (§4.4,
//      K = NoC, sorted by centre frequency) or EMD (§4.5, IMFs and the residue, reversed to run low
//      to high). At frame level a frame whose spectrum has no peak band at all yields no components.
//   2. Pruning (§4.6.1): components whose Welch PSD never reaches the spectral amplitude tolerance go.
//   3. More than NoC left (§4.6.2): neighbours are summed in groups ('equally_distribute': groups of
//      round(M/NoC), the last taking the rest), or the surplus is summed into the last component
//      ('high_freqs_first') or the first ('low_freqs_first'); for EMD the original's conventions are
//      mirrored, and kept so.
//   4. Fewer (§4.6.3): all-zero components, flagged missing, go to the slots n < NoC whose frequency
//      group (the `freqGroups` interval holding a component's peak) no component occupies, else at
//      the end. No component at all makes the whole decomposition unusable (all OCs zero).
//   5. Diagnostics (§4.6.4): NRMSE of the sum of the components against X (normalised by X's range;
//      for EWT the sum of all modes, the dropped one included) and the absolute correlation matrix.
//
// Deviations, all in cases the spec leaves to judgement: the padding follows the spec's simple rule
// instead of the original's long heuristic (which prefers the positions of pruned components);
// the correlation matrix is Pearson's r (the original divides an N-1 covariance by N standard
// deviations, inflating it by N/(N-1)); at sequence level the original reverses EMD's grouped
// components a second time, back to high-to-low, and its frame-level padding of EMD components
// re-reverses them: here EMD components always run low to high.
import { butterBandpassSos, sosfiltfilt } from '../signal/butterworth.js';
import { emd, DECVAE_EMD, type EmdOptions } from '../signal/emd.js';
import { ewt1d, DECVAE_EWT, type EwtOptions } from '../signal/ewt.js';
import { vmd, DECVAE_VMD, type VmdOptions } from '../signal/vmd.js';
import { welch } from '../signal/welch.js';
import { UserError } from '../util/errors.js';
import type { Rng } from '../util/random.js';
import { DECVAE_PEAK_DETECTION, detectPeakBands, type PeakBand, type PeakDetectionSettings } from './peak_bands.js';
import { roundHalfEven } from '../util/rounding.js';

export type DecompositionMethod = 'ewt' | 'fd' | 'vmd' | 'emd';
export type DecompositionLevel = 'frame' | 'sequence';
export type GroupingStrategy = 'equally_distribute' | 'high_freqs_first' | 'low_freqs_first';
export type FrequencyGroups = readonly (readonly [low: number, high: number])[];

/** The SimVowels frequency groups in Hz (spec §4 config list). */
export const DECVAE_FREQ_GROUPS: FrequencyGroups = [[0, 1200], [1200, 2210], [2210, 3200], [3200, 4120], [4120, 5000]];

/** spec_amp_tolerance (frame) and spec_amp_tolerance_seq (sequence), in PSD units (1/Hz for a unit signal). */
export const DECVAE_SPEC_AMP_TOLERANCE: Record<DecompositionLevel, number> = { frame: 1e-5, sequence: 1e-6 };

export interface DecompositionSettings {
  method: DecompositionMethod;
  /** Number of oscillatory components (NoC, or NoC_seq at sequence level). */
  noc: number;
  level: DecompositionLevel;
  grouping: GroupingStrategy;
  freqGroups: FrequencyGroups;
  /** Components whose Welch PSD stays below this are dropped. */
  specAmpTolerance: number;
  /** Order of the filter decomposition's Butterworth band-passes (spec's `buttord`). */
  buttord: number;
  /** Peak detection (its fs and nfft also serve the pruning PSD). */
  peaks: PeakDetectionSettings;
  ewt: Omit<EwtOptions, 'modes'>;
  vmd: Omit<VmdOptions, 'modes'>;
  emd: Omit<EmdOptions, 'maxImf'>;
}

/** Method, NoC and level are required; everything else defaults to the SimVowels pre-training config. */
export type DecompositionOptions = Pick<DecompositionSettings, 'method' | 'noc' | 'level'> &
  Partial<Pick<DecompositionSettings, 'grouping' | 'freqGroups' | 'specAmpTolerance' | 'buttord'>> & {
    peaks?: Partial<PeakDetectionSettings>;
    ewt?: Partial<Omit<EwtOptions, 'modes'>>;
    vmd?: Partial<Omit<VmdOptions, 'modes'>>;
    emd?: Partial<Omit<EmdOptions, 'maxImf'>>;
  };

export function resolveDecompositionSettings(options: DecompositionOptions): DecompositionSettings {
  const { method, noc, level } = options;
  if (!['ewt', 'fd', 'vmd', 'emd'].includes(method)) throw new UserError(`decomposition: unknown method '${method}' (known: emd, ewt, fd, vmd)`);
  if (level !== 'frame' && level !== 'sequence') throw new UserError(`decomposition: level must be 'frame' or 'sequence', got '${String(level)}'`);
  if (!(Number.isInteger(noc) && noc >= 1)) throw new UserError(`decomposition: NoC must be a positive integer, got ${noc}`);
  const grouping = options.grouping ?? 'equally_distribute';
  if (!['equally_distribute', 'high_freqs_first', 'low_freqs_first'].includes(grouping)) throw new UserError(`decomposition: unknown grouping '${grouping}'`);
  return {
    method,
    noc,
    level,
    grouping,
    freqGroups: options.freqGroups ?? DECVAE_FREQ_GROUPS,
    specAmpTolerance: options.specAmpTolerance ?? DECVAE_SPEC_AMP_TOLERANCE[level],
    buttord: options.buttord ?? 2,
    peaks: { ...DECVAE_PEAK_DETECTION, ...options.peaks },
    ewt: { ...DECVAE_EWT, ...options.ewt },
    vmd: { ...DECVAE_VMD, ...options.vmd },
    emd: { ...DECVAE_EMD, ...options.emd },
  };
}

/** One oscillatory component and the frequency DecVAE labels it with. */
export interface Component {
  signal: Float64Array;
  /** Its detected peak (FD, EWT, EMD) or centre (VMD) frequency in Hz; NaN where none was found. */
  peakHz: number;
  /** An all-zero stand-in for a component that was not found. */
  missing: boolean;
}

export interface Decomposition {
  /** [X, OC_1, ..., OC_NoC], OCs from low to high frequency, each as long as X. */
  components: Float64Array[];
  /** Per OC: true where it is an all-zero stand-in for a component that was not found. */
  missing: boolean[];
  /** Per OC: its frequency label in Hz (NaN where missing or unknown; a group's mean for summed ones). */
  peakHz: number[];
  /** No component was found at all (the original's mask turns false; SimVowels training ignores it). */
  unusable: boolean;
  /** RMS of X minus the summed components, over X's range; NaN when unusable. */
  nrmse: number;
  /** |Pearson r| between OCs, NoC x NoC row-major; NaN where an OC is constant. */
  correlation: Float64Array;
}

/** Shortest input: sosfiltfilt pads by 15 samples and EWT mirrors half the signal. */
const MIN_LENGTH = 32;

/** `rng` draws VMD's random initial centre frequencies (init 2), and is required then. */
export function decompose(x: ArrayLike<number>, options: DecompositionOptions, rng?: Rng): Decomposition {
  const settings = resolveDecompositionSettings(options);
  if (x.length < MIN_LENGTH) throw new UserError(`decomposition: the signal needs at least ${MIN_LENGTH} samples, got ${x.length}`);
  const signal = Float64Array.from(x);
  const frameBands = settings.level === 'frame' ? detectPeakBands(signal, settings.peaks) : null;
  if (frameBands && frameBands.length === 0) return finish(signal, [], settings, null);
  const { candidates, reconstruction } = extractComponents(signal, settings, rng, frameBands);
  const kept = pruneWeakComponents(candidates, settings);
  return finish(signal, kept, settings, reconstruction);
}

function finish(signal: Float64Array, kept: Component[], settings: DecompositionSettings, reconstruction: Float64Array | null): Decomposition {
  const { noc } = settings;
  const unusable = kept.length === 0;
  const nrmse = unusable ? NaN : normalisedRmse(signal, reconstruction ?? sumOf(kept.map((c) => c.signal), signal.length));
  const ocs = unusable
    ? Array.from({ length: noc }, () => zeroComponent(signal.length))
    : kept.length > noc
      ? groupComponents(kept, noc, settings.grouping, settings.level, settings.method === 'emd')
      : padComponents(kept, noc, settings.freqGroups);
  return {
    components: [signal, ...ocs.map((c) => c.signal)],
    missing: ocs.map((c) => c.missing),
    peakHz: ocs.map((c) => c.peakHz),
    unusable,
    nrmse,
    correlation: absoluteCorrelations(ocs.map((c) => c.signal)),
  };
}

/** The method's components, low to high frequency, and (EWT) the reconstruction its NRMSE is taken on. */
function extractComponents(
  signal: Float64Array,
  settings: DecompositionSettings,
  rng: Rng | undefined,
  detectedBands: PeakBand[] | null,
): { candidates: Component[]; reconstruction: Float64Array | null } {
  const { noc, peaks } = settings;
  const labelled = (component: Float64Array): Component => ({ signal: component, peakHz: peakLabel(component, peaks), missing: false });
  switch (settings.method) {
    case 'fd': {
      const bands = detectedBands ?? detectPeakBands(signal, peaks);
      const candidates = bands.map((band) => ({
        signal: sosfiltfilt(butterBandpassSos(settings.buttord, band.lowHz, band.highHz, peaks.fs), signal),
        peakHz: band.peakHz,
        missing: false,
      }));
      return { candidates, reconstruction: null };
    }
    case 'ewt': {
      const { modes } = ewt1d(signal, { ...settings.ewt, modes: noc + 1 });
      return { candidates: modes.slice(1).map(labelled), reconstruction: sumOf(modes, signal.length) };
    }
    case 'vmd': {
      const { modes, centreFrequencies } = vmd(signal, { ...settings.vmd, modes: noc }, rng);
      const order = modes.map((_, k) => k).sort((a, b) => centreFrequencies[a] - centreFrequencies[b] || a - b);
      // An odd-length input loses its last sample in VMD; the original pads the modes back with zeros.
      const padded = (mode: Float64Array) => (mode.length === signal.length ? mode : Float64Array.from({ length: signal.length }, (_, i) => (i < mode.length ? mode[i] : 0)));
      return { candidates: order.map((k) => ({ signal: padded(modes[k]), peakHz: centreFrequencies[k] * peaks.fs, missing: false })), reconstruction: null };
    }
    case 'emd': {
      let input = signal;
      if (settings.level === 'frame') {
        const mean = signal.reduce((s, v) => s + v, 0) / signal.length;
        input = signal.map((v) => v - mean);
      }
      const { imfs, residue } = emd(input, { ...settings.emd, maxImf: noc });
      // PyEMD appends the residue unless numpy.allclose(residue, 0), i.e. unless every |r| <= 1e-8.
      const components = residue.some((v) => Math.abs(v) > 1e-8) ? [...imfs, residue] : imfs;
      return { candidates: components.reverse().map(labelled), reconstruction: null };
    }
  }
}

/**
 * DecVAE's label of an EWT/EMD component: peak detection on the component itself, the mean of the
 * peaks when it has several bands, NaN when it has none.
 */
function peakLabel(component: Float64Array, peaks: PeakDetectionSettings): number {
  const bands = detectPeakBands(component, peaks);
  if (bands.length === 0) return NaN;
  return bands.reduce((s, band) => s + band.peakHz, 0) / bands.length;
}

/**
 * Components whose Welch PSD maximum reaches the tolerance: frame level with segments of L/6 and
 * overlap L/40 (truncated, as scipy truncates them), sequence level with 66 and 10.
 */
export function pruneWeakComponents(components: Component[], settings: Pick<DecompositionSettings, 'level' | 'specAmpTolerance' | 'peaks'>): Component[] {
  return components.filter(({ signal }) => {
    const [nperseg, noverlap] = settings.level === 'frame' ? [Math.floor(signal.length / 6), Math.floor(signal.length / 40)] : [66, 10];
    const { density } = welch(signal, { fs: settings.peaks.fs, nperseg, noverlap, nfft: settings.peaks.nfft });
    return Math.max(...density) >= settings.specAmpTolerance;
  });
}

/**
 * More than `noc` components summed down to `noc` (spec §4.6.2). `emdOrder` mirrors the two
 * one-sided strategies as the original does for EMD. A group left empty (possible for some M and
 * NoC) is an all-zero component, flagged missing.
 */
export function groupComponents(components: Component[], noc: number, strategy: GroupingStrategy, level: DecompositionLevel, emdOrder = false): Component[] {
  const count = components.length;
  if (count <= noc) throw new RangeError(`grouping needs more than ${noc} components, got ${count}`);
  const surplus = count - noc + 1;
  const sumFirst = () => [merge(components.slice(0, surplus)), ...components.slice(surplus)];
  const sumLast = () => [...components.slice(0, noc - 1), merge(components.slice(noc - 1))];
  if (strategy === 'low_freqs_first') return emdOrder ? sumLast() : sumFirst();
  if (strategy === 'high_freqs_first') return emdOrder ? sumFirst() : sumLast();
  const ratio = count / noc;
  const step = level === 'frame' && ratio === 1.5 ? Math.floor(ratio) : roundHalfEven(ratio);
  const groups: Component[] = [];
  let end = 0;
  let startEarlier = false;
  for (let i = 0; i < noc; i++) {
    const start = startEarlier ? end : i * step;
    const last = i === noc - 1;
    end = last ? count : (i + 1) * step;
    // Sequence level: a group that would swallow the rest before the last one is halved, and the next starts where it ends.
    if (level === 'sequence' && !last && end === count) {
      end -= Math.floor((end - start) / 2);
      startEarlier = true;
    }
    groups.push(merge(components.slice(start, end), components[0].signal.length));
  }
  return groups;
}

/** The sum of `members`, labelled with the mean of their known frequencies; empty -> a missing zero component. */
function merge(members: Component[], length = members[0]?.signal.length ?? 0): Component {
  if (members.length === 0) return zeroComponent(length);
  const labels = members.map((m) => m.peakHz).filter(Number.isFinite);
  return {
    signal: sumOf(members.map((m) => m.signal), length),
    peakHz: labels.length > 0 ? labels.reduce((s, f) => s + f, 0) / labels.length : NaN,
    missing: false,
  };
}

/** Index of the first group [low, high) holding `hz`, -1 if none does. */
export function frequencyGroupOf(hz: number, groups: FrequencyGroups): number {
  return groups.findIndex(([low, high]) => hz >= low && hz < high);
}

/**
 * Fewer than `noc` (but some) components padded to `noc` with missing zero components (spec
 * §4.6.3): into the slots n < noc whose frequency group holds no component, as many as are missing
 * (the first ones; the last ones when components share a group and every free slot lies above
 * them, i.e. the missing one is higher); any still missing are appended.
 */
export function padComponents(components: Component[], noc: number, groups: FrequencyGroups): Component[] {
  const count = components.length;
  if (count === 0 || count > noc) throw new RangeError(`padding needs 1 to ${noc} components, got ${count}`);
  const length = components[0].signal.length;
  const occupied = components.map((c) => frequencyGroupOf(c.peakHz, groups));
  const free = Array.from({ length: noc }, (_, n) => n).filter((n) => !occupied.includes(n));
  const needed = noc - count;
  const shared = new Set(occupied).size < occupied.length;
  const slots = free.length <= needed ? free : shared && free.every((n) => n > Math.max(...occupied)) ? free.slice(needed) : free.slice(0, needed);
  const padded = [...components];
  for (const slot of slots) {
    if (padded.length >= noc) break;
    padded.splice(Math.min(slot, padded.length), 0, zeroComponent(length));
  }
  while (padded.length < noc) padded.push(zeroComponent(length));
  return padded;
}

function zeroComponent(length: number): Component {
  return { signal: new Float64Array(length), peakHz: NaN, missing: true };
}

function sumOf(signals: readonly Float64Array[], length: number): Float64Array {
  const sum = new Float64Array(length);
  for (const s of signals) for (let i = 0; i < length; i++) sum[i] += s[i];
  return sum;
}

/** sqrt(mean((x - reconstruction)^2)) / (max x - min x). */
export function normalisedRmse(x: Float64Array, reconstruction: Float64Array): number {
  let [squares, low, high] = [0, Infinity, -Infinity];
  x.forEach((value, i) => {
    squares += (value - reconstruction[i]) ** 2;
    [low, high] = [Math.min(low, value), Math.max(high, value)];
  });
  return Math.sqrt(squares / x.length) / (high - low);
}

/** |Pearson r| of every pair, row-major; NaN for pairs with a constant signal. */
export function absoluteCorrelations(signals: readonly Float64Array[]): Float64Array {
  const n = signals.length;
  const centred = signals.map((s) => {
    const mean = s.reduce((a, v) => a + v, 0) / s.length;
    return s.map((v) => v - mean);
  });
  const norms = centred.map((c) => Math.sqrt(c.reduce((a, v) => a + v * v, 0)));
  const out = new Float64Array(n * n);
  for (let a = 0; a < n; a++) {
    for (let b = 0; b < n; b++) {
      let dot = 0;
      for (let i = 0; i < centred[a].length; i++) dot += centred[a][i] * centred[b][i];
      out[a * n + b] = norms[a] > 0 && norms[b] > 0 ? Math.abs(dot) / (norms[a] * norms[b]) : NaN;
    }
  }
  return out;
}

/** Frame length and hop in seconds (spec §3: RFS 25 ms, stride 20 ms). */
export const FRAME_SECONDS = 0.025;
export const HOP_SECONDS = 0.02;

export interface UtteranceDecompositionOptions extends Omit<DecompositionOptions, 'level'> {
  /** Settings that differ at sequence level (NoC_seq, group_OCs_by_seq, spec_amp_tolerance_seq, ...). */
  sequence?: Partial<Omit<DecompositionOptions, 'level'>>;
}

export interface UtteranceDecomposition {
  /** Sample index where each frame starts: 0, hop, 2 hop, ... while a whole frame fits. */
  frameStarts: number[];
  /** Each frame decomposed at frame level. */
  frames: Decomposition[];
  /** The whole utterance decomposed at sequence level. */
  sequence: Decomposition;
}

/**
 * Everything DecVAE decomposes for one (z-scored) utterance: the 199 frames of 400 samples every 320
 * (at 16 kHz) and the whole sequence. Each frame and the sequence draw from their own fork of `rng`.
 */
export function decomposeUtterance(x: ArrayLike<number>, options: UtteranceDecompositionOptions, rng?: Rng): UtteranceDecomposition {
  const { sequence: sequenceOverrides, ...frameOptions } = options;
  const fs = options.peaks?.fs ?? DECVAE_PEAK_DETECTION.fs;
  const frameLength = Math.round(FRAME_SECONDS * fs);
  const hop = Math.round(HOP_SECONDS * fs);
  if (x.length < frameLength) throw new UserError(`decomposition: an utterance of ${x.length} samples is shorter than one frame (${frameLength})`);
  const signal = Float64Array.from(x);
  const frameStarts = Array.from({ length: Math.floor((signal.length - frameLength) / hop) + 1 }, (_, i) => i * hop);
  const frames = frameStarts.map((start, i) => decompose(signal.subarray(start, start + frameLength), { ...frameOptions, level: 'frame' }, rng?.fork(`frame ${i}`)));
  const sequence = decompose(signal, { ...frameOptions, ...sequenceOverrides, level: 'sequence' }, rng?.fork('sequence'));
  return { frameStarts, frames, sequence };
}
