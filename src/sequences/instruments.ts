// Synthetic instrument timbres for InsNotes-synthetic (v3 spec §5.2): V3 renders its MIDI files with
// FluidSynth and a General MIDI soundfont, which Node cannot run, so each GM program the original
// uses is replaced by an additive-synthesis recipe named after it. The recipes differ where a
// spectrogram can see it: the harmonic envelope (odd-only, 1/h, 1/h^2, pulse-wave gaps, vowel or
// brass formants), detuned voices that beat, breath noise, inharmonic stretch, vibrato, and the
// attack/decay/release shape. They imitate the families, not the soundfont's recordings.
import type { Rng } from '../util/random.js';

export interface Vibrato {
  /** Hz. */
  rate: number;
  /** Peak pitch deviation in cents. */
  cents: number;
  /** Seconds after the onset before the vibrato starts (it fades in over the same time again). */
  delay: number;
}

/** A partial outside the harmonic series, such as an electric piano tine's bell tone. */
export interface ExtraPartial {
  /** Frequency as a multiple of the fundamental. */
  ratio: number;
  /** Amplitude relative to the harmonic series' loudest partial. */
  amplitude: number;
  /** Exponential decay time constant in seconds. */
  decay: number;
}

export interface Instrument {
  readonly name: string;
  /** The General MIDI program (0-based) the recipe stands in for. */
  readonly program: number;
  /** Relative amplitude of harmonic h (1-based) of a note whose fundamental is f0 Hz. */
  partialAmplitude(h: number, f0: number): number;
  /** Piano-string stretch B: harmonic h sounds at h f0 sqrt(1 + B h^2). */
  readonly inharmonicity?: number;
  /** Detuning in cents of each voice summed into the note (one voice at 0 when absent). */
  readonly voices?: readonly number[];
  /** Linear rise from silence, seconds. */
  readonly attack: number;
  /** Exponential time constant of the fall from the attack peak towards `sustain`, seconds. */
  readonly decay: number;
  /** Level the decay tends to, 0..1 (0: a struck or plucked note that dies away). */
  readonly sustain: number;
  /** Linear fade to silence after the note-off, seconds; the rendered note is this much longer. */
  readonly release: number;
  /** Extra decay rate per second per harmonic number: high partials of struck strings die first. */
  readonly partialDamping?: number;
  readonly vibrato?: Vibrato;
  /** Breath or bow noise level relative to the harmonic part's RMS. */
  readonly breath?: number;
  /** Seconds of the noise-only "chiff" that starts a flute-like note. */
  readonly chiff?: number;
  readonly extraPartials?: readonly ExtraPartial[];
}

const MAX_HARMONICS = 40;
/** Partials above this fraction of the sample rate are left out, so nothing aliases. */
const HIGHEST_PARTIAL = 0.45;

/** A resonance peak over frequency: the shape of vowel and brass formants. */
function formant(f: number, centre: number, width: number): number {
  const x = (f - centre) / width;
  return 1 / (1 + x * x);
}

function oddOnly(h: number): number {
  return h % 2 === 1 ? 1 : 0.02;
}

/** V3's 12 in-distribution instruments, in the style-label order of the original's program list [64, 19, 21, 41, 56, 59, 68, 71, 72, 75, 22, 52]. */
export const IN_DISTRIBUTION_INSTRUMENTS: readonly Instrument[] = [
  {
    name: 'Soprano Sax',
    program: 64,
    partialAmplitude: (h, f0) => (1 / h ** 0.6) * (0.3 + formant(h * f0, 1400, 900)),
    attack: 0.04,
    decay: 0.3,
    sustain: 0.85,
    release: 0.08,
    vibrato: { rate: 5, cents: 18, delay: 0.25 },
    breath: 0.008,
  },
  {
    name: 'Pipe Organ',
    program: 19,
    // 8', 4', 2' and 1' ranks: the octave harmonics stand out of a thin series.
    partialAmplitude: (h) => ((h & (h - 1)) === 0 ? 1 / Math.sqrt(h) : 0.05 / h),
    attack: 0.08,
    decay: 1,
    sustain: 1,
    release: 0.12,
  },
  {
    name: 'Accordion',
    program: 21,
    partialAmplitude: (h) => 1 / h ** 0.5,
    // Musette tuning: three reeds whose slight detuning beats a few times a second.
    voices: [-9, 0, 9],
    attack: 0.03,
    decay: 0.5,
    sustain: 0.9,
    release: 0.05,
  },
  {
    name: 'Viola',
    program: 41,
    partialAmplitude: (h, f0) => (1 / h) * (0.4 + formant(h * f0, 450, 200) + 0.8 * formant(h * f0, 1100, 400)),
    attack: 0.12,
    decay: 0.5,
    sustain: 0.9,
    release: 0.15,
    vibrato: { rate: 5.5, cents: 15, delay: 0.15 },
    breath: 0.006,
  },
  {
    name: 'Trumpet',
    program: 56,
    partialAmplitude: (h, f0) => formant(h * f0, 1200, 1100) * (h === 1 ? 0.6 : 1),
    attack: 0.03,
    decay: 0.2,
    sustain: 0.8,
    release: 0.06,
    vibrato: { rate: 6, cents: 8, delay: 0.4 },
  },
  {
    name: 'Muted Trumpet',
    program: 59,
    // A harmon mute removes the low partials and leaves a narrow nasal peak.
    partialAmplitude: (h, f0) => formant(h * f0, 1900, 350) + 0.03 / h,
    attack: 0.02,
    decay: 0.15,
    sustain: 0.7,
    release: 0.05,
  },
  {
    name: 'Oboe',
    program: 68,
    partialAmplitude: (h, f0) => 0.1 / h + formant(h * f0, 1050, 250) + 0.6 * formant(h * f0, 2900, 400),
    attack: 0.04,
    decay: 0.3,
    sustain: 0.9,
    release: 0.06,
    vibrato: { rate: 5, cents: 10, delay: 0.3 },
  },
  {
    name: 'Clarinet',
    program: 71,
    partialAmplitude: (h) => oddOnly(h) / h,
    attack: 0.05,
    decay: 0.4,
    sustain: 0.9,
    release: 0.07,
  },
  {
    name: 'Piccolo',
    program: 72,
    partialAmplitude: (h) => (h === 1 ? 1 : h === 2 ? 0.12 : 0),
    attack: 0.05,
    decay: 0.3,
    sustain: 0.9,
    release: 0.05,
    vibrato: { rate: 5.5, cents: 20, delay: 0.2 },
    breath: 0.015,
  },
  {
    name: 'Pan Flute',
    program: 75,
    partialAmplitude: (h) => (h === 1 ? 1 : h === 3 ? 0.15 : h === 2 ? 0.06 : 0),
    attack: 0.1,
    decay: 0.6,
    sustain: 0.7,
    release: 0.1,
    breath: 0.05,
    chiff: 0.06,
  },
  {
    name: 'Harmonica',
    program: 22,
    // A pulse wave of duty 1/4: every fourth harmonic is missing.
    partialAmplitude: (h) => Math.abs(Math.sin((Math.PI * h) / 4)) / h,
    attack: 0.02,
    decay: 0.25,
    sustain: 0.8,
    release: 0.04,
    vibrato: { rate: 7, cents: 25, delay: 0.3 },
  },
  {
    name: 'Choir Aahs',
    program: 52,
    // The vowel "ah": formants near 700, 1220 and 2600 Hz.
    partialAmplitude: (h, f0) =>
      formant(h * f0, 700, 130) + 0.5 * formant(h * f0, 1220, 150) + 0.25 * formant(h * f0, 2600, 250),
    voices: [-12, -4, 5, 13],
    attack: 0.25,
    decay: 0.5,
    sustain: 0.95,
    release: 0.2,
    vibrato: { rate: 4.5, cents: 12, delay: 0.3 },
    breath: 0.01,
  },
];

/** V3's 4 out-of-distribution instruments, GM programs [0, 4, 73, 78]. */
export const OOD_INSTRUMENTS: readonly Instrument[] = [
  {
    name: 'Stereo Grand',
    program: 0,
    partialAmplitude: (h) => Math.abs(Math.sin((Math.PI * h) / 7.5)) / h ** 1.2 + 0.01,
    inharmonicity: 0.0004,
    partialDamping: 1.2,
    attack: 0.003,
    decay: 0.7,
    sustain: 0,
    release: 0.25,
  },
  {
    name: 'Tine Electric Piano',
    program: 4,
    partialAmplitude: (h) => 1 / h ** 2,
    extraPartials: [{ ratio: 7.1, amplitude: 0.5, decay: 0.06 }],
    attack: 0.003,
    decay: 1.2,
    sustain: 0.05,
    release: 0.2,
  },
  {
    name: 'Flute',
    program: 73,
    partialAmplitude: (h) => (h === 1 ? 1 : h === 2 ? 0.3 : h === 3 ? 0.1 : 0),
    attack: 0.08,
    decay: 0.5,
    sustain: 0.85,
    release: 0.1,
    vibrato: { rate: 5, cents: 15, delay: 0.25 },
    breath: 0.03,
    chiff: 0.03,
  },
  {
    name: 'Irish Tin Whistle',
    program: 78,
    partialAmplitude: (h) => (h <= 5 ? 0.6 ** (h - 1) : 0),
    attack: 0.015,
    decay: 0.2,
    sustain: 0.9,
    release: 0.04,
    breath: 0.02,
  },
];

/** Hz of a MIDI note in equal temperament, A4 = 69 = 440 Hz. */
export function midiToHz(midiPitch: number): number {
  return 440 * 2 ** ((midiPitch - 69) / 12);
}

/** Samples of a rendered note: the held part plus the release tail. */
export function noteLength(instrument: Instrument, sampleRate: number, seconds: number): number {
  return Math.round(seconds * sampleRate) + Math.round(instrument.release * sampleRate);
}

/** Attack, exponential decay towards the sustain level, then a linear release from the note-off level. */
function amplitudeEnvelope(instrument: Instrument, t: number, seconds: number): number {
  const { attack, decay, sustain, release } = instrument;
  const held = (time: number): number =>
    time < attack ? time / attack : sustain + (1 - sustain) * Math.exp(-(time - attack) / decay);
  if (t < seconds) return held(t);
  return held(seconds) * Math.max(0, 1 - (t - seconds) / release);
}

/** Pitch deviation in cents at time t, faded in after the vibrato's delay. */
function vibratoCents(vibrato: Vibrato | undefined, t: number): number {
  if (!vibrato || t < vibrato.delay) return 0;
  const fadeIn = Math.min(1, (t - vibrato.delay) / Math.max(vibrato.delay, 1e-3));
  return fadeIn * vibrato.cents * Math.sin(2 * Math.PI * vibrato.rate * (t - vibrato.delay));
}

interface Partial {
  frequency: number;
  amplitude: number;
  /** 1/s: the rate at which this partial dies away faster than the note's envelope. */
  damping: number;
  phase: number;
}

function partials(instrument: Instrument, f0: number, sampleRate: number, rng: Rng): Partial[] {
  const out: Partial[] = [];
  const stretch = instrument.inharmonicity ?? 0;
  for (let h = 1; h <= MAX_HARMONICS; h++) {
    const frequency = h * f0 * Math.sqrt(1 + stretch * h * h);
    if (frequency >= HIGHEST_PARTIAL * sampleRate) break;
    const amplitude = instrument.partialAmplitude(h, f0);
    const damping = (instrument.partialDamping ?? 0) * (h - 1);
    if (amplitude > 0) out.push({ frequency, amplitude, damping, phase: 2 * Math.PI * rng.float() });
  }
  const loudest = Math.max(...out.map((p) => p.amplitude));
  for (const extra of instrument.extraPartials ?? []) {
    const frequency = extra.ratio * f0;
    if (frequency >= HIGHEST_PARTIAL * sampleRate) continue;
    out.push({ frequency, amplitude: extra.amplitude * loudest, damping: 1 / extra.decay, phase: 2 * Math.PI * rng.float() });
  }
  // Unit RMS over the partials, so that the recipes are equally loud before the velocity gain.
  const rms = Math.sqrt(out.reduce((sum, p) => sum + (p.amplitude * p.amplitude) / 2, 0));
  for (const p of out) p.amplitude /= rms;
  return out;
}

/**
 * Breath noise: white noise through a one-pole high-pass (about 500 Hz) and low-pass (about 5 kHz),
 * so it hisses in the band where flute and voice noise lives rather than rumbling or aliasing.
 */
function breathNoise(length: number, sampleRate: number, rng: Rng): Float64Array {
  const noise = new Float64Array(length);
  const highPass = Math.exp((-2 * Math.PI * 500) / sampleRate);
  const lowPass = Math.exp((-2 * Math.PI * 5000) / sampleRate);
  let previousInput = 0;
  let high = 0;
  let low = 0;
  let power = 0;
  for (let i = 0; i < length; i++) {
    const input = rng.normal();
    high = highPass * (high + input - previousInput);
    previousInput = input;
    low = (1 - lowPass) * high + lowPass * low;
    noise[i] = low;
    power += low * low;
  }
  const rms = Math.sqrt(power / Math.max(1, length));
  if (rms > 0) for (let i = 0; i < length; i++) noise[i] /= rms;
  return noise;
}

/**
 * One note: `seconds` held then the instrument's release, at `sampleRate`. Velocity is a pure gain
 * of velocity/127 (the spec's A), so with the same rng a note at one velocity is a scaled copy (up
 * to float32 rounding) of the note at another; `rng` draws the partials' phases and the breath noise.
 */
export function renderNote(
  instrument: Instrument,
  midiPitch: number,
  velocity: number,
  sampleRate: number,
  seconds: number,
  rng: Rng,
): Float32Array {
  if (!(velocity >= 0 && velocity <= 127)) throw new RangeError(`velocity must be in [0, 127], got ${velocity}`);
  if (!(sampleRate > 0 && seconds > 0)) throw new RangeError(`sampleRate and seconds must be positive, got ${sampleRate}, ${seconds}`);
  const length = noteLength(instrument, sampleRate, seconds);
  const f0 = midiToHz(midiPitch);
  const voices = instrument.voices ?? [0];
  const voicePartials = voices.map((cents) => partials(instrument, f0 * 2 ** (cents / 1200), sampleRate, rng));
  const noise = instrument.breath || instrument.chiff ? breathNoise(length, sampleRate, rng) : null;
  const phases = voicePartials.map((ps) => ps.map((p) => p.phase));
  const voiceGain = 1 / Math.sqrt(voices.length);
  const out = new Float32Array(length);
  for (let i = 0; i < length; i++) {
    const t = i / sampleRate;
    const bend = 2 ** (vibratoCents(instrument.vibrato, t) / 1200);
    let tone = 0;
    for (let v = 0; v < voicePartials.length; v++) {
      const ps = voicePartials[v];
      const ph = phases[v];
      for (let k = 0; k < ps.length; k++) {
        const p = ps[k];
        const damping = p.damping > 0 ? Math.exp(-p.damping * t) : 1;
        tone += p.amplitude * damping * Math.sin(ph[k]);
        ph[k] += (2 * Math.PI * p.frequency * bend) / sampleRate;
      }
    }
    tone *= voiceGain;
    if (noise) {
      const chiff = instrument.chiff && t < instrument.chiff ? 1 - t / instrument.chiff : 0;
      tone += ((instrument.breath ?? 0) + chiff) * noise[i];
    }
    out[i] = (velocity / 127) * amplitudeEnvelope(instrument, t, seconds) * tone;
  }
  return out;
}
