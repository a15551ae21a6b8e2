// InsNotes-synthetic (v3 spec §5.2): V3's melodies of 120 chromatic notes per file, one instrument
// per file, as 512 x 32 log-magnitude spectrogram fragments, one per note. Content is the pitch
// class, style the instrument. Timing, velocities, the random block envelope, the 0.9 peak
// normalisation, the STFT, fragmenting, the frequency mask and the splits follow the original.
//
// Where InsNotes-synthetic departs from the original (FluidSynth + a GM soundfont):
// - Notes come from the additive recipes of instruments.ts, not the soundfont's samples; there is
//   no reverb or chorus, and velocity is a pure gain (velocity/127) with no brightness change.
// - Every note of one (instrument, pitch) is the same waveform scaled by its velocity, as a sampled
//   soundfont plays one recording per key; the waveforms are drawn from the dataset seed.
// - A file lasts until the end of its last note's release (119·1.056 s + 1 s + the release), which
//   is where the centred 120-s envelope sits; FluidSynth's render length is not modelled.
// - When the audio is an odd number of samples longer than the envelope, the extra edge sample is
//   padded at the end (the original would fail on the length mismatch).
// The frequency mask is torchaudio's draw, as in the original: width floor(v) and start
// floor(U(0,1)·(512 − v)) with v = U(0,1)·15 unfloored (the spec rounds v before the start).
//
// A file is never synthesised whole for a sample: a fragment's 32 frames depend only on the 17 408
// samples around its note, so sample() renders just those (the notes overlapping them, times the
// file's envelope) from per-(instrument, pitch) note waveforms rendered once. Only the 0.9 peak
// normalisation needs the whole file; its peak is found once per file and memoised.
import { UserError, lookupByName } from '../util/errors.js';
import { Rng } from '../util/random.js';
import { StftPlan, logMagnitude } from '../signal/stft.js';
import { IN_DISTRIBUTION_INSTRUMENTS, OOD_INSTRUMENTS, noteLength, renderNote, type Instrument } from './instruments.js';
import { checkSampleIndex, noShotSplits, type SequenceDataset, type SequenceLabels, type SequenceSplit } from './sequence_data.js';

export const INSNOTES_SAMPLE_RATE = 16000;
export const NOTES_PER_FILE = 120;
const FIRST_PITCH = 60;
const PITCH_CLASSES = 12;
const NOTE_SECONDS = 1;
/** 1.056 s at 16 kHz: exactly 33 hops of 512, so note k's onset is the centre of frame 33k. */
const ONSET_SPACING = 16896;
const VELOCITY_LOW = 80;
const VELOCITY_HIGH = 120;
const ENVELOPE_BLOCKS = 120;
const PEAK = 0.9;
const N_FFT = 1024;
const HOP = 512;
const LOG_EPS = 1e-5;
/** The STFT's 513 bins less the top one, which the original's loader drops. */
const BINS = 512;
export const FRAMES_PER_NOTE = 33;
const FRAGMENT_FRAMES = 32;
const FRAGMENTS_PER_SAMPLE = 12;
/** torchaudio FrequencyMasking's freq_mask_param in the original's loader. */
const FREQ_MASK_PARAM = 15;
/** The loader's stand-in for exact zeros (the masked bins). */
const ZERO_REPLACEMENT = 1e-8;
const VALIDATION_FRACTION = 0.1;
const TEST_FRACTION = 0.1;

/** The envelope's two block curves from 0 to 1 over one second, numpy's linspace(0, 1, sr) and sin(linspace(0, pi/2, sr)), tabulated because every rendered sample needs one. */
const LINEAR_RAMP = Float64Array.from({ length: INSNOTES_SAMPLE_RATE }, (_, i) => i / (INSNOTES_SAMPLE_RATE - 1));
const QUARTER_SINE = LINEAR_RAMP.map((x) => Math.sin((Math.PI / 2) * x));

const PITCH_CLASS_NAMES = ['C', 'C#', 'D', 'D#', 'E', 'F', 'F#', 'G', 'G#', 'A', 'A#', 'B'] as const;

const INSTRUMENT_SETS = {
  in_distribution: IN_DISTRIBUTION_INSTRUMENTS,
  ood: OOD_INSTRUMENTS,
} as const;

export type InsNotesInstrumentSet = keyof typeof INSTRUMENT_SETS;

export interface InsNotesOptions {
  seed: number;
  /** Files (melodies) per instrument, default 100 as the original's n_per_ins. */
  filesPerInstrument?: number;
  /** The original's 12 instruments, its 4 OOD ones, or explicit recipes (a pure tone, a new timbre). */
  instruments?: InsNotesInstrumentSet | readonly Instrument[];
}

/** What is random about one file, all drawn from (seed, instrument, take). */
export interface InsNotesFile {
  readonly instrument: number;
  readonly take: number;
  /** MIDI velocity of each of the 120 notes, in [80, 120]. */
  readonly velocities: Int32Array;
  /** The envelope's level at the start of each 1-s block and at the end of the last: 121 values, the first 1. */
  readonly envelopeLevels: Float64Array;
  /** Per block: true for the sinusoidal curve, false for the linear one. */
  readonly sinusoidal: readonly boolean[];
  /** Samples of the rendered audio. */
  readonly length: number;
  /** Samples of edge padding before the 120-s envelope starts. */
  readonly envelopeStart: number;
}

export class InsNotesData implements SequenceDataset {
  readonly name: string;
  readonly fragmentShape = [BINS, FRAGMENT_FRAMES, 1] as const;
  readonly fragmentsPerSample = FRAGMENTS_PER_SAMPLE;
  readonly contentNames: readonly string[] = PITCH_CLASS_NAMES;
  readonly styleNames: readonly string[];
  readonly instruments: readonly Instrument[];
  readonly filesPerInstrument: number;
  private readonly seed: number;
  private readonly splits: Record<SequenceSplit, Int32Array>;
  private readonly plan = new StftPlan({ nFft: N_FFT, hop: HOP });
  private readonly files = new Map<number, InsNotesFile>();
  private readonly peaks = new Map<number, number>();
  private readonly notes = new Map<number, Float32Array>();

  constructor(options: InsNotesOptions) {
    const { seed, filesPerInstrument = 100, instruments = 'in_distribution' } = options;
    if (!Number.isSafeInteger(seed)) throw new UserError(`insnotes: seed must be an integer, got ${seed}`);
    if (!(Number.isInteger(filesPerInstrument) && filesPerInstrument >= 1)) {
      throw new UserError(`insnotes: filesPerInstrument must be a positive integer, got ${filesPerInstrument}`);
    }
    if (typeof instruments === 'string') {
      this.instruments = lookupByName('InsNotes instrument set', instruments, INSTRUMENT_SETS, 'insnotes');
      this.name = instruments === 'ood' ? 'insnotes_ood' : 'insnotes';
    } else {
      if (instruments.length === 0) throw new UserError('insnotes: the instrument list is empty');
      this.instruments = instruments;
      this.name = 'insnotes_custom';
    }
    this.styleNames = this.instruments.map((instrument) => instrument.name);
    this.seed = seed;
    this.filesPerInstrument = filesPerInstrument;
    this.splits = this.splitFiles();
  }

  count(split: SequenceSplit): number {
    return this.splits[split].length;
  }

  /** The (instrument, take) behind sample `index` of `split`. */
  fileOf(split: SequenceSplit, index: number): { instrument: number; take: number } {
    checkSampleIndex(this, split, index);
    const id = this.splits[split][index];
    return { instrument: Math.floor(id / this.filesPerInstrument), take: id % this.filesPerInstrument };
  }

  /** Draws from `rng`, in this order: the start note, then the mask's width and start. */
  sample(split: SequenceSplit, index: number, rng: Rng, out: Float32Array, offset: number): SequenceLabels {
    const { instrument, take } = this.fileOf(split, index);
    const size = BINS * FRAGMENT_FRAMES;
    const content = new Int32Array(FRAGMENTS_PER_SAMPLE);
    const first = rng.int(NOTES_PER_FILE);
    for (let i = 0; i < FRAGMENTS_PER_SAMPLE; i++) {
      const note = (first + i) % NOTES_PER_FILE;
      this.fragment(instrument, take, note, out, offset + i * size);
      content[i] = note % PITCH_CLASSES;
    }
    const maskValue = rng.float() * FREQ_MASK_PARAM;
    const maskStart = Math.floor(rng.float() * (BINS - maskValue));
    const maskEnd = maskStart + Math.floor(maskValue);
    const end = offset + FRAGMENTS_PER_SAMPLE * size;
    for (let f = offset; f < end; f += size) out.fill(0, f + maskStart * FRAGMENT_FRAMES, f + maskEnd * FRAGMENT_FRAMES);
    for (let p = offset; p < end; p++) if (out[p] === 0) out[p] = ZERO_REPLACEMENT;
    return { content, style: instrument };
  }

  /**
   * Features of note `note` of a file, unmasked: log(|STFT| + 1e-5) of frames [33·note, 33·note + 32),
   * bins 0..511, written bin-major ([512, 32, 1] HWC) into `out` at `offset`.
   */
  fragment(instrument: number, take: number, note: number, out: Float32Array, offset: number): void {
    const file = this.file(instrument, take);
    const firstCentre = FRAMES_PER_NOTE * note * HOP;
    const lastCentre = firstCentre + (FRAGMENT_FRAMES - 1) * HOP;
    const start = Math.max(0, firstCentre - N_FFT / 2);
    const end = Math.min(file.length, lastCentre + N_FFT / 2);
    const audio = this.renderAudio(file, start, end);
    const scale = PEAK / this.peak(file);
    for (let i = 0; i < audio.length; i++) audio[i] *= scale;
    const magnitudes = new Float32Array(BINS * FRAGMENT_FRAMES);
    for (let j = 0; j < FRAGMENT_FRAMES; j++) {
      this.plan.frameMagnitudes(audio, firstCentre + j * HOP - start, magnitudes, j, FRAGMENT_FRAMES, BINS);
    }
    out.set(logMagnitude(magnitudes, LOG_EPS), offset);
  }

  /** The whole file as the original writes it to disk: 16 kHz, enveloped, peak at 0.9. */
  fileAudio(instrument: number, take: number): Float32Array {
    const file = this.file(instrument, take);
    const audio = this.renderAudio(file, 0, file.length);
    const scale = PEAK / this.peak(file);
    const out = new Float32Array(audio.length);
    for (let i = 0; i < audio.length; i++) out[i] = audio[i] * scale;
    return out;
  }

  /** The file's velocities and envelope, drawn once and memoised. */
  file(instrument: number, take: number): InsNotesFile {
    if (!(Number.isInteger(instrument) && instrument >= 0 && instrument < this.instruments.length)) {
      throw new RangeError(`${this.name}: instrument ${instrument} is outside [0, ${this.instruments.length})`);
    }
    if (!(Number.isInteger(take) && take >= 0 && take < this.filesPerInstrument)) {
      throw new RangeError(`${this.name}: take ${take} is outside [0, ${this.filesPerInstrument})`);
    }
    const id = instrument * this.filesPerInstrument + take;
    let file = this.files.get(id);
    if (!file) {
      file = this.drawFile(instrument, take);
      this.files.set(id, file);
    }
    return file;
  }

  private drawFile(instrument: number, take: number): InsNotesFile {
    const rng = Rng.fromSeed(this.seed).fork(`insnotes/file/${this.instruments[instrument].name}/${take}`);
    const velocities = new Int32Array(NOTES_PER_FILE);
    for (let k = 0; k < NOTES_PER_FILE; k++) velocities[k] = VELOCITY_LOW + rng.int(VELOCITY_HIGH - VELOCITY_LOW + 1);
    const envelopeLevels = new Float64Array(ENVELOPE_BLOCKS + 1);
    const sinusoidal: boolean[] = [];
    envelopeLevels[0] = 1;
    for (let b = 0; b < ENVELOPE_BLOCKS; b++) {
      const level = envelopeLevels[b];
      const low = Math.min(0.8, level - 0.2);
      const high = Math.max(1.2, level + 0.2);
      envelopeLevels[b + 1] = low + (high - low) * rng.float();
      sinusoidal.push(rng.float() < 0.5);
    }
    const length =
      (NOTES_PER_FILE - 1) * ONSET_SPACING + noteLength(this.instruments[instrument], INSNOTES_SAMPLE_RATE, NOTE_SECONDS);
    const envelopeStart = Math.floor((length - ENVELOPE_BLOCKS * INSNOTES_SAMPLE_RATE) / 2);
    return { instrument, take, velocities, envelopeLevels, sinusoidal, length, envelopeStart };
  }

  /** Multiplies samples [start, start + audio.length) by the envelope: the block curves over the middle 120 s, their edge values outside. */
  private applyEnvelope(file: InsNotesFile, start: number, audio: Float64Array): void {
    const sr = INSNOTES_SAMPLE_RATE;
    const end = start + audio.length;
    const envelopeEnd = file.envelopeStart + ENVELOPE_BLOCKS * sr;
    for (let t = start; t < Math.min(end, file.envelopeStart); t++) audio[t - start] *= file.envelopeLevels[0];
    for (let t = Math.max(start, envelopeEnd); t < end; t++) audio[t - start] *= file.envelopeLevels[ENVELOPE_BLOCKS];
    const from = Math.max(start, file.envelopeStart);
    const to = Math.min(end, envelopeEnd);
    for (let blockStart = from; blockStart < to; ) {
      const block = Math.floor((blockStart - file.envelopeStart) / sr);
      const blockOrigin = file.envelopeStart + block * sr;
      const blockEnd = Math.min(to, blockOrigin + sr);
      const level = file.envelopeLevels[block];
      const rise = file.envelopeLevels[block + 1] - level;
      const curve = file.sinusoidal[block] ? QUARTER_SINE : LINEAR_RAMP;
      for (let t = blockStart; t < blockEnd; t++) audio[t - start] *= level + rise * curve[t - blockOrigin];
      blockStart = blockEnd;
    }
  }

  /** Note `k`'s waveform at velocity 127; every note of that pitch class is this times velocity/127. */
  private noteWaveform(instrument: number, k: number): Float32Array {
    const pitch = FIRST_PITCH + (k % PITCH_CLASSES);
    const key = instrument * PITCH_CLASSES + (k % PITCH_CLASSES);
    let waveform = this.notes.get(key);
    if (!waveform) {
      const recipe = this.instruments[instrument];
      const rng = Rng.fromSeed(this.seed).fork(`insnotes/note/${recipe.name}/${pitch}`);
      waveform = renderNote(recipe, pitch, 127, INSNOTES_SAMPLE_RATE, NOTE_SECONDS, rng);
      this.notes.set(key, waveform);
    }
    return waveform;
  }

  /** Samples [start, end) of the file before the peak normalisation: the notes there times the envelope. */
  private renderAudio(file: InsNotesFile, start: number, end: number): Float64Array {
    const audio = new Float64Array(end - start);
    const longest = noteLength(this.instruments[file.instrument], INSNOTES_SAMPLE_RATE, NOTE_SECONDS);
    const firstNote = Math.max(0, Math.ceil((start - longest + 1) / ONSET_SPACING));
    const lastNote = Math.min(NOTES_PER_FILE - 1, Math.floor((end - 1) / ONSET_SPACING));
    for (let k = firstNote; k <= lastNote; k++) {
      const waveform = this.noteWaveform(file.instrument, k);
      const gain = file.velocities[k] / 127;
      const onset = k * ONSET_SPACING;
      const from = Math.max(start, onset);
      const to = Math.min(end, onset + waveform.length);
      for (let t = from; t < to; t++) audio[t - start] += gain * waveform[t - onset];
    }
    this.applyEnvelope(file, start, audio);
    return audio;
  }

  /** max |audio| over the whole file, found once per file in one-second chunks. */
  private peak(file: InsNotesFile): number {
    const id = file.instrument * this.filesPerInstrument + file.take;
    let peak = this.peaks.get(id);
    if (peak === undefined) {
      peak = 0;
      for (let start = 0; start < file.length; start += INSNOTES_SAMPLE_RATE) {
        const chunk = this.renderAudio(file, start, Math.min(file.length, start + INSNOTES_SAMPLE_RATE));
        for (let i = 0; i < chunk.length; i++) peak = Math.max(peak, Math.abs(chunk[i]));
      }
      if (peak === 0) throw new Error(`${this.name}: file (${file.instrument}, ${file.take}) is silent`);
      this.peaks.set(id, peak);
    }
    return peak;
  }

  /**
   * In distribution: files shuffled with the seed, then the first 10% to val, the next 10% to
   * test, the rest to train. Out of distribution (the original's --split_for_ood): the n-shot sets
   * take each instrument's first n files, every other file is test, no train or val.
   */
  private splitFiles(): Record<SequenceSplit, Int32Array> {
    const total = this.instruments.length * this.filesPerInstrument;
    if (this.name === 'insnotes_ood') {
      const takesBelow = (shots: number) => Int32Array.from({ length: total }, (_, id) => id).filter((id) => id % this.filesPerInstrument < shots);
      return {
        train: new Int32Array(0), val: new Int32Array(0),
        test: Int32Array.from({ length: total }, (_, id) => id).filter((id) => id % this.filesPerInstrument >= 10),
        '1_shot': takesBelow(1), '5_shot': takesBelow(5), '10_shot': takesBelow(10),
      };
    }
    const ids = Rng.fromSeed(this.seed)
      .fork('insnotes/split')
      .shuffle(Array.from({ length: total }, (_, i) => i));
    const validation = Math.floor(total * VALIDATION_FRACTION);
    const test = Math.floor(total * TEST_FRACTION);
    return {
      val: Int32Array.from(ids.slice(0, validation)),
      test: Int32Array.from(ids.slice(validation, validation + test)),
      train: Int32Array.from(ids.slice(validation + test)),
      ...noShotSplits(),
    };
  }
}
