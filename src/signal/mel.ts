// Mel filter banks as librosa.filters.mel builds them by default (htk=False, norm='slaney'): the
// Slaney mel scale (linear below 1 kHz at 200/3 Hz per mel, logarithmic above with 27 mels per
// factor 6.4), n_mels + 2 points evenly spaced in mel between fmin and fmax, triangles over the FFT
// bin frequencies, each scaled by 2 / (its upper edge - its lower edge) in Hz so bands carry equal
// energy. DecVAE's features (spec decvae.md §5) use 80 bands from 0 to 8 kHz.

const F_SP = 200 / 3;
const MIN_LOG_HZ = 1000;
const MIN_LOG_MEL = MIN_LOG_HZ / F_SP;
const LOG_STEP = Math.log(6.4) / 27;

export function hzToMel(hz: number): number {
  return hz >= MIN_LOG_HZ ? MIN_LOG_MEL + Math.log(hz / MIN_LOG_HZ) / LOG_STEP : hz / F_SP;
}

export function melToHz(mel: number): number {
  return mel >= MIN_LOG_MEL ? MIN_LOG_HZ * Math.exp(LOG_STEP * (mel - MIN_LOG_MEL)) : F_SP * mel;
}

export interface MelOptions {
  sampleRate: number;
  nFft: number;
  nMels: number;
  fmin?: number;
  /** Default: the Nyquist frequency. */
  fmax?: number;
}

/** The [nMels][nFft/2 + 1] weights, band-major. */
export function melFilterbank({ sampleRate, nFft, nMels, fmin = 0, fmax = sampleRate / 2 }: MelOptions): Float64Array[] {
  if (!(nMels >= 1 && fmax > fmin && fmin >= 0)) throw new RangeError(`bad mel bank: ${nMels} bands over [${fmin}, ${fmax}] Hz`);
  const bins = Math.floor(nFft / 2) + 1;
  const fftHz = Float64Array.from({ length: bins }, (_, k) => (k * sampleRate) / nFft);
  const [low, high] = [hzToMel(fmin), hzToMel(fmax)];
  const edges = Float64Array.from({ length: nMels + 2 }, (_, i) => melToHz(low + ((high - low) * i) / (nMels + 1)));
  return Array.from({ length: nMels }, (_, m) => {
    const [left, centre, right] = [edges[m], edges[m + 1], edges[m + 2]];
    const norm = 2 / (right - left);
    return Float64Array.from(fftHz, (f) => Math.max(0, Math.min((f - left) / (centre - left), (right - f) / (right - centre))) * norm);
  });
}
