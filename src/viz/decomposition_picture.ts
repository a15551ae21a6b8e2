// A picture of one DecVAE decomposition (spec §4): one row per signal, X on top (labelled 0, in
// black) and OC_1..OC_NoC below it (labelled 1..NoC, each in its own colour), the waveform on the
// left and the magnitude spectrum on the right. All waveforms share X's amplitude scale, so the
// rows show how much of X each component carries; all spectra share one dB scale (the top
// `dynamicRangeDb` below X's loudest bin) and a frequency axis with a grid line and a label every
// kHz, so the bands read off directly and line up from row to row. A missing (all-zero) component
// has a gray background instead of a white one.
import type { Decomposition } from '../decvae/decomposition.js';
import { RealPowerSpectrum } from '../signal/dft.js';
import { hannWindow } from '../signal/stft.js';
import { UserError } from '../util/errors.js';
import { GLYPH_HEIGHT, drawNumber, fillRect, numberWidth } from './digits.js';
import { createImage, type Image } from './image.js';
import { writePng } from './png.js';
import { labelColour } from './scatter.js';

export interface DecompositionPictureOptions {
  /** Sampling frequency in Hz. */
  fs?: number;
  /** Highest frequency shown in the spectra (default fs/2). */
  maxHz?: number;
  waveformWidth?: number;
  spectrumWidth?: number;
  rowHeight?: number;
  /** Span of the spectra's dB scale. */
  dynamicRangeDb?: number;
}

const MARGIN = 8;
const GAP = 12;
const LABEL_SCALE = 2;
const ROW_GAP = 4;
const BLACK = [0, 0, 0] as const;
const GRID = [0.85, 0.85, 0.85] as const;
const AXIS = [0.6, 0.6, 0.6] as const;
const MISSING_BACKGROUND = [0.9, 0.9, 0.9] as const;

export function decompositionPicture(decomposition: Pick<Decomposition, 'components' | 'missing'>, options: DecompositionPictureOptions = {}): Image {
  const { fs = 16000, waveformWidth = 600, spectrumWidth = 360, rowHeight = 72, dynamicRangeDb = 60 } = options;
  const maxHz = options.maxHz ?? fs / 2;
  const { components, missing } = decomposition;
  if (components.length < 2) throw new UserError(`a decomposition picture needs X and at least one component, got ${components.length} signals`);
  if (missing.length !== components.length - 1) throw new UserError(`${missing.length} missing flags for ${components.length - 1} components`);
  if (!(maxHz > 0 && maxHz <= fs / 2)) throw new UserError(`the spectra's top frequency must be in (0, ${fs / 2}] Hz, got ${maxHz}`);
  const length = components[0].length;
  if (components.some((c) => c.length !== length) || length < 2) throw new UserError('all signals of a decomposition picture must have one length of at least 2 samples');

  const labelWidth = numberWidth(components.length - 1, LABEL_SCALE);
  const waveformLeft = MARGIN + labelWidth + MARGIN;
  const spectrumLeft = waveformLeft + waveformWidth + GAP;
  const axisHeight = GLYPH_HEIGHT * LABEL_SCALE + 6;
  const height = MARGIN + components.length * (rowHeight + ROW_GAP) - ROW_GAP + axisHeight + MARGIN;
  const image = createImage(spectrumLeft + spectrumWidth + MARGIN, height, 3, 1);

  let amplitude = 0;
  for (const v of components[0]) amplitude = Math.max(amplitude, Math.abs(v));
  const spectra = components.map((c) => columnDecibels(c, fs, maxHz, spectrumWidth));
  const loudest = Math.max(...spectra[0].filter(Number.isFinite));
  const floor = loudest - dynamicRangeDb;

  components.forEach((signal, row) => {
    const top = MARGIN + row * (rowHeight + ROW_GAP);
    const colour = row === 0 ? BLACK : labelColour(2 * ((row - 1) % 10));
    const background = row > 0 && missing[row - 1] ? MISSING_BACKGROUND : [1, 1, 1];
    drawNumber(image, MARGIN, top + Math.floor((rowHeight - GLYPH_HEIGHT * LABEL_SCALE) / 2), row, LABEL_SCALE, 0);
    fillRect(image, waveformLeft, top, waveformWidth, rowHeight, background);
    fillRect(image, spectrumLeft, top, spectrumWidth, rowHeight, background);
    drawWaveform(image, signal, waveformLeft, top, waveformWidth, rowHeight, amplitude > 0 ? amplitude : 1, colour);
    drawSpectrum(image, spectra[row], spectrumLeft, top, rowHeight, floor, dynamicRangeDb, colour, fs, maxHz, spectrumWidth);
  });

  const axisTop = MARGIN + components.length * (rowHeight + ROW_GAP) - ROW_GAP + 4;
  for (let khz = 1; khz * 1000 <= maxHz; khz++) {
    const x = spectrumLeft + Math.round(((khz * 1000) / maxHz) * (spectrumWidth - 1));
    const labelLeft = Math.min(x - Math.floor(numberWidth(khz, LABEL_SCALE) / 2), image.width - 1 - numberWidth(khz, LABEL_SCALE));
    drawNumber(image, labelLeft, axisTop, khz, LABEL_SCALE, 0.3);
  }
  return image;
}

export function writeDecompositionPng(path: string, decomposition: Pick<Decomposition, 'components' | 'missing'>, options?: DecompositionPictureOptions): void {
  writePng(path, decompositionPicture(decomposition, options));
}

/** Each pixel column's loudest bin of the Hann-windowed power spectrum, in dB (-Infinity for silence). */
function columnDecibels(signal: Float64Array, fs: number, maxHz: number, width: number): Float64Array {
  const window = hannWindow(signal.length);
  const power = new Float64Array(Math.floor(signal.length / 2) + 1);
  new RealPowerSpectrum(signal.length).compute(signal.map((v, i) => v * window[i]), power);
  const columns = new Float64Array(width).fill(-Infinity);
  const lastBin = Math.min(power.length - 1, Math.floor((maxHz * signal.length) / fs));
  for (let bin = 0; bin <= lastBin; bin++) {
    const column = Math.min(width - 1, Math.round(((bin * fs) / signal.length / maxHz) * (width - 1)));
    columns[column] = Math.max(columns[column], 10 * Math.log10(power[bin]));
  }
  // With fewer bins than columns (short signals) some columns get none: they repeat their left neighbour.
  for (let x = 1; x < width; x++) if (columns[x] === -Infinity) columns[x] = columns[x - 1];
  return columns;
}

/** The samples as a line, or as each column's min-max stroke when there are more samples than columns. */
function drawWaveform(image: Image, signal: Float64Array, left: number, top: number, width: number, height: number, amplitude: number, colour: readonly number[]): void {
  const middle = top + (height - 1) / 2;
  const yOf = (v: number) => Math.round(middle - (v / amplitude) * ((height - 2) / 2));
  fillRect(image, left, Math.round(middle), width, 1, AXIS);
  let previous: [number, number] | null = null;
  for (let x = 0; x < width; x++) {
    const from = Math.floor((x * signal.length) / width);
    const to = Math.max(from + 1, Math.floor(((x + 1) * signal.length) / width));
    let [low, high] = [Infinity, -Infinity];
    for (let i = from; i < to; i++) [low, high] = [Math.min(low, signal[i]), Math.max(high, signal[i])];
    let [yTop, yBottom] = [yOf(high), yOf(low)];
    // Join to the previous column so that a line drawn with fewer samples than pixels stays unbroken.
    if (previous) [yTop, yBottom] = [Math.min(yTop, previous[1] + 1), Math.max(yBottom, previous[0] - 1)];
    fillRect(image, left + x, yTop, 1, yBottom - yTop + 1, colour);
    previous = [yOf(high), yOf(low)];
  }
}

function drawSpectrum(
  image: Image,
  columns: Float64Array,
  left: number,
  top: number,
  height: number,
  floor: number,
  rangeDb: number,
  colour: readonly number[],
  fs: number,
  maxHz: number,
  width: number,
): void {
  for (let khz = 1; khz * 1000 <= Math.min(maxHz, fs / 2); khz++) fillRect(image, left + Math.round(((khz * 1000) / maxHz) * (width - 1)), top, 1, height, GRID);
  fillRect(image, left, top + height - 1, width, 1, AXIS);
  const pale = colour.map((c) => 0.6 + 0.4 * c);
  columns.forEach((decibels, x) => {
    const level = Math.min(1, Math.max(0, (decibels - floor) / rangeDb));
    if (!(level > 0)) return;
    const barHeight = Math.max(1, Math.round(level * (height - 2)));
    fillRect(image, left + x, top + height - 1 - barHeight, 1, barHeight, pale);
    fillRect(image, left + x, top + height - 1 - barHeight, 1, 2, colour);
  });
}
