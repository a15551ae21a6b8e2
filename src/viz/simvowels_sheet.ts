// The picture of SimVowels (`disentangle data show simvowels`): a grid of spectrograms with one row
// per train-split speaker (vt, written at the left as vt × 1000) and one column per vowel (its label
// 0-4 on top: a, e, I, aw, u), each cell the log-magnitude STFT of a few freshly synthesised 0.1-s
// segments of that vowel and speaker, 0 Hz at the bottom. Short white ticks at each cell's left
// edge mark F1/vt, F2/vt and F3/vt, so a glance shows the formant bands moving with the vowel along
// a row and sliding up as vt shrinks down a column: the two factors DecVAE should disentangle.
// One colour scale (viridis, the top 45 dB) is shared by all cells so that levels compare.
import { StftPlan, stftFrameCount } from '../signal/stft.js';
import { F_S, SEGMENT_SAMPLES, VOWELS, splitVocalTracts, synthesizeVowelSegment } from '../speech/simvowels.js';
import { UserError } from '../util/errors.js';
import { Rng } from '../util/random.js';
import { GLYPH_HEIGHT, drawNumber, fillRect, numberWidth } from './digits.js';
import { createImage, type Image } from './image.js';
import { viridis } from './sequence_sheet.js';

const N_FFT = 256;
const HOP = 32;
/** Formants reach 2890/0.7 ≈ 4.1 kHz (traversal set) and 2560/0.715 ≈ 3.6 kHz here: show up to 4.5 kHz. */
const MAX_HZ = 4500;
const DYNAMIC_RANGE_DB = 45;
const PIXELS_PER_BIN = 2;
const GAP = 3;
const LABEL_SCALE = 2;
const MARGIN = 6;
const TICK_LENGTH = 4;

export interface SimVowelsSheetOptions {
  seed: number;
  /** Rows: the first this many train speakers (1..10, default all 10). */
  speakers?: number;
  /** 0.1-s segments concatenated in each cell (default 2). */
  segmentsPerCell?: number;
}

/** Row-major dB magnitudes [bins × frames] of one cell, frequency rows 0..bins-1 from 0 Hz up. */
function cellDecibels(audio: Float64Array, plan: StftPlan, bins: number): Float32Array {
  const frames = stftFrameCount(audio.length, HOP);
  const magnitudes = new Float32Array(bins * frames);
  // Writing each frame down a column (stride = frames) gives the bin-major image directly.
  for (let t = 0; t < frames; t++) plan.frameMagnitudes(audio, t * HOP, magnitudes, t, frames, bins);
  return magnitudes.map((m) => 20 * Math.log10(m + 1e-12));
}

export function simVowelsSheet(options: SimVowelsSheetOptions): Image {
  const { seed, speakers = 10, segmentsPerCell = 2 } = options;
  const vocalTracts = splitVocalTracts('train');
  if (!(Number.isInteger(speakers) && speakers >= 1 && speakers <= vocalTracts.length)) {
    throw new UserError(`the SimVowels sheet shows 1..${vocalTracts.length} speakers, got ${speakers}`);
  }
  if (!(Number.isInteger(segmentsPerCell) && segmentsPerCell >= 1 && segmentsPerCell <= 10)) {
    throw new UserError(`the SimVowels sheet concatenates 1..10 segments per cell, got ${segmentsPerCell}`);
  }
  const plan = new StftPlan({ nFft: N_FFT, hop: HOP });
  const bins = Math.floor((MAX_HZ * N_FFT) / F_S) + 1;
  const frames = stftFrameCount(segmentsPerCell * SEGMENT_SAMPLES, HOP);

  const rows = vocalTracts.slice(0, speakers);
  const cells = rows.map((vocalTract, row) => VOWELS.map((_, vowel) => {
    const rng = Rng.fromSeed(seed).fork(`simvowels sheet ${row} ${vowel}`);
    const audio = new Float64Array(segmentsPerCell * SEGMENT_SAMPLES);
    for (let s = 0; s < segmentsPerCell; s++) audio.set(synthesizeVowelSegment(vowel, vocalTract, SEGMENT_SAMPLES, rng), s * SEGMENT_SAMPLES);
    return cellDecibels(audio, plan, bins);
  }));
  const loudest = Math.max(...cells.flat().map((cell) => cell.reduce((a, b) => Math.max(a, b), -Infinity)));

  const cellWidth = frames;
  const cellHeight = bins * PIXELS_PER_BIN;
  const labelWidth = numberWidth(Math.round(rows[rows.length - 1] * 1000), LABEL_SCALE);
  const left = MARGIN + labelWidth + MARGIN;
  const top = MARGIN + GLYPH_HEIGHT * LABEL_SCALE + MARGIN;
  const image = createImage(left + VOWELS.length * (cellWidth + GAP) - GAP + MARGIN, top + rows.length * (cellHeight + GAP) - GAP + MARGIN, 3, 1);

  VOWELS.forEach((_, vowel) => {
    const x = left + vowel * (cellWidth + GAP) + Math.floor((cellWidth - numberWidth(vowel, LABEL_SCALE)) / 2);
    drawNumber(image, x, MARGIN, vowel, LABEL_SCALE, 0);
  });
  rows.forEach((vocalTract, row) => {
    const cellTop = top + row * (cellHeight + GAP);
    const label = Math.round(vocalTract * 1000);
    drawNumber(image, left - MARGIN - numberWidth(label, LABEL_SCALE), cellTop + Math.floor((cellHeight - GLYPH_HEIGHT * LABEL_SCALE) / 2), label, LABEL_SCALE, 0);
    VOWELS.forEach((vowelInfo, vowel) => {
      const cellLeft = left + vowel * (cellWidth + GAP);
      const decibels = cells[row][vowel];
      for (let y = 0; y < cellHeight; y++) {
        const bin = bins - 1 - Math.floor(y / PIXELS_PER_BIN);
        for (let t = 0; t < frames; t++) {
          const level = (decibels[bin * frames + t] - (loudest - DYNAMIC_RANGE_DB)) / DYNAMIC_RANGE_DB;
          image.data.set(viridis(level), ((cellTop + y) * image.width + cellLeft + t) * 3);
        }
      }
      for (const formant of vowelInfo.formants) {
        const y = cellTop + cellHeight - 1 - Math.round((formant / vocalTract / F_S) * N_FFT * PIXELS_PER_BIN);
        fillRect(image, cellLeft, y, TICK_LENGTH, 1, [1, 1, 1]);
      }
    });
  });
  return image;
}
