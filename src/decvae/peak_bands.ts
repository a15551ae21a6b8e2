// DecVAE's spectral peak detection (spec §4.1, `DecompositionModule.peak_detection`), which places
// the filter-decomposition bands (§4.2) and labels each oscillatory component with the frequency of
// its strongest peak (§4.6). The speech range [50, 5000] Hz is cut into 5 detection intervals whose
// edges grow like v^0.8 (v = 1..6, linearly rescaled); in each interval of the normalised Welch PSD
// the local peaks at least `minDistance` apart, with prominence of at least `prominenceThreshold`
// times the largest one, are kept (the `peaksToSelect` most prominent), each widened to a band of
// +-floor(bw/2/df) bins, and bands closer than bw/2 + distance are merged, also across neighbouring
// intervals.
//
// Deviation (spec §4.1 step 5): the original picks its top k with an argsort of the prominences of
// all peaks applied to the list of prominence-filtered peaks, which mixes indices of two lists; here
// the top k are the k most prominent of the kept peaks.
import { findPeaks, peakProminences } from '../signal/find_peaks.js';
import { welch } from '../signal/welch.js';
import { roundHalfEven } from '../util/rounding.js';

export interface PeakDetectionSettings {
  fs: number;
  /** The speech range the detection intervals cover, in Hz. */
  lowerSpeechFreq: number;
  higherSpeechFreq: number;
  /** Number of detection intervals. */
  detectionIntervals: number;
  /** Exponent of the interval edges' growth. */
  powerLaw: number;
  /** An interval whose normalised PSD stays below this has no peaks. */
  globalThreshold: number;
  /** FFT length of the Welch PSD. */
  nfft: number;
  /** Minimum peak separation in Hz. */
  minDistance: number;
  /** Width of the band around a peak in Hz. */
  peakBandwidth: number;
  /** Peaks less prominent than this fraction of the interval's most prominent one are dropped. */
  prominenceThreshold: number;
  /** At most this many peaks per interval. */
  peaksToSelect: number;
}

/** The SimVowels pre-training values (spec §4 config list). */
export const DECVAE_PEAK_DETECTION: PeakDetectionSettings = {
  fs: 16000,
  lowerSpeechFreq: 50,
  higherSpeechFreq: 5000,
  detectionIntervals: 5,
  powerLaw: 0.8,
  globalThreshold: 0.001,
  nfft: 512,
  minDistance: 150,
  peakBandwidth: 200,
  prominenceThreshold: 0.01,
  peaksToSelect: 6,
};

/** The Welch segment and overlap of the detection PSD, fixed in the original. */
const DETECTION_SEGMENT = 132;
const DETECTION_OVERLAP = 10;

export interface PeakBand {
  /** Band edges in Hz (bin frequencies of the Welch PSD). */
  lowHz: number;
  highHz: number;
  /** Frequency of the PSD's maximum inside the band, in Hz. */
  peakHz: number;
  /** The PSD there, relative to the PSD's global maximum. */
  amplitude: number;
}

/** The detection intervals [f_i, f_{i+1}] in Hz: v^powerLaw for v = 1..N+1, mapped linearly onto the speech range. */
export function detectionIntervals(settings: PeakDetectionSettings = DECVAE_PEAK_DETECTION): [number, number][] {
  const { detectionIntervals: count, powerLaw, lowerSpeechFreq: low, higherSpeechFreq: high } = settings;
  const y = Array.from({ length: count + 1 }, (_, v) => (v + 1) ** powerLaw);
  const slope = (high - low) / (y[count] - y[0]);
  // numpy.interp returns the end values exactly; the interior ones as slope * (y - y0) + low.
  const edges = y.map((value, i) => (i === 0 ? low : i === count ? high : slope * (value - y[0]) + low));
  return Array.from({ length: count }, (_, i) => [edges[i], edges[i + 1]]);
}

export function detectPeakBands(x: ArrayLike<number>, settings: PeakDetectionSettings = DECVAE_PEAK_DETECTION): PeakBand[] {
  const { fs, nfft, peakBandwidth } = settings;
  let mean = 0;
  for (let i = 0; i < x.length; i++) mean += x[i];
  mean /= x.length;
  const centred = Float64Array.from(x, (value) => value - mean);
  const { frequencies, density } = welch(centred, { fs, nperseg: DETECTION_SEGMENT, noverlap: DETECTION_OVERLAP, nfft });
  const globalMax = Math.max(...density);
  if (!(globalMax > 0)) return [];
  const spectrum = density.map((value) => value / globalMax);
  const df = frequencies[1] - frequencies[0];
  const distance = roundHalfEven(settings.minDistance / df);
  const halfWidth = Math.floor(peakBandwidth / 2 / df);
  const intervals = detectionIntervals(settings);
  const bands: PeakBand[] = [];
  intervals.forEach(([lowHz, highHz], interval) => {
    const start = Math.ceil(lowHz / df);
    const chunk = spectrum.subarray(start, Math.ceil(highHz / df));
    if (chunk.length === 0 || Math.max(...chunk) < settings.globalThreshold) return;
    const peaks = findPeaks(chunk, { distance });
    if (peaks.length === 0) return;
    const prominences = peakProminences(chunk, peaks);
    const strongest = Math.max(...prominences);
    const kept = peaks.map((peak, i) => ({ peak, prominence: prominences[i] })).filter(({ prominence }) => prominence >= settings.prominenceThreshold * strongest);
    const top = kept
      .map((entry, order) => ({ ...entry, order }))
      .sort((a, b) => a.prominence - b.prominence || a.order - b.order)
      .slice(-settings.peaksToSelect)
      .map(({ peak }) => peak)
      .sort((a, b) => a - b);
    top.forEach((peak, j) => {
      let low = peak - halfWidth;
      if (low < 1) low = 0;
      let high = peak + halfWidth;
      if (high > chunk.length && interval === intervals.length - 1) high = chunk.length;
      low += start;
      high += start;
      let best = low;
      for (let bin = low; bin <= Math.min(high, spectrum.length - 1); bin++) if (spectrum[bin] > spectrum[best]) best = bin;
      if (high >= nfft / 2) high -= 1;
      const band: PeakBand = { lowHz: frequencies[low], highHz: frequencies[Math.min(high, frequencies.length - 1)], peakHz: frequencies[best], amplitude: spectrum[best] };
      const previous = bands[bands.length - 1];
      const closeToPrevious = j > 0 ? (top[j] - top[j - 1]) * df < peakBandwidth / 2 + distance * df : interval > 0 && previous !== undefined && band.lowHz - distance * df < previous.highHz;
      if (closeToPrevious && previous) bands[bands.length - 1] = mergeBands(previous, band);
      else bands.push(band);
    });
  });
  return bands;
}

/** One band over both, labelled with the stronger peak (the earlier one on a tie). */
function mergeBands(earlier: PeakBand, later: PeakBand): PeakBand {
  const stronger = later.amplitude > earlier.amplitude ? later : earlier;
  return { lowHz: earlier.lowHz, highHz: later.highHz, peakHz: stronger.peakHz, amplitude: stronger.amplitude };
}
