import { test } from 'node:test';
import assert from 'node:assert/strict';
import { INSNOTES_SAMPLE_RATE, InsNotesData, NOTES_PER_FILE } from '../../src/sequences/insnotes.js';
import { midiToHz, type Instrument } from '../../src/sequences/instruments.js';
import { SEQUENCE_SPLITS, sampleSize } from '../../src/sequences/sequence_data.js';
import { logMagnitude, stftMagnitude } from '../../src/signal/stft.js';
import { UserError } from '../../src/util/errors.js';
import { Rng } from '../../src/util/random.js';

/** A sine at the note's pitch with a flat sustain: every frame's loudest bin is the fundamental's. */
function pureTone(name: string): Instrument {
  return { name, program: -1, partialAmplitude: (h) => (h === 1 ? 1 : 0), attack: 0.01, decay: 1, sustain: 1, release: 0.02 };
}

const TONES = [pureTone('Tone A'), pureTone('Tone B')];
const FRAGMENT = 512 * 32;
const SPACING = 16896;

test('defaults: the original 12 instruments x 100 files split 960/120/120, fragments [512, 32, 1], 12 per sample', () => {
  const data = new InsNotesData({ seed: 0 });
  assert.equal(data.name, 'insnotes');
  assert.deepEqual(data.styleNames, [
    'Soprano Sax', 'Pipe Organ', 'Accordion', 'Viola', 'Trumpet', 'Muted Trumpet',
    'Oboe', 'Clarinet', 'Piccolo', 'Pan Flute', 'Harmonica', 'Choir Aahs',
  ]);
  assert.deepEqual(data.contentNames, ['C', 'C#', 'D', 'D#', 'E', 'F', 'F#', 'G', 'G#', 'A', 'A#', 'B']);
  assert.deepEqual(data.fragmentShape, [512, 32, 1]);
  assert.equal(data.fragmentsPerSample, 12);
  assert.deepEqual(SEQUENCE_SPLITS.map((s) => data.count(s)), [960, 120, 120]);
  const ood = new InsNotesData({ seed: 0, instruments: 'ood' });
  assert.equal(ood.name, 'insnotes_ood');
  assert.deepEqual(ood.styleNames, ['Stereo Grand', 'Tine Electric Piano', 'Flute', 'Irish Tin Whistle']);
  // The OOD set is split as the original's --split_for_ood: each instrument's first 1, 5, 10 files
  // are the shot sets, the other 90 per instrument the test split.
  assert.deepEqual(SEQUENCE_SPLITS.map((s) => ood.count(s)), [0, 0, 360]);
  assert.deepEqual((['1_shot', '5_shot', '10_shot'] as const).map((s) => ood.count(s)), [4, 20, 40]);
  assert.deepEqual([0, 1, 2, 3, 4].map((i) => ood.fileOf('5_shot', i)), [0, 1, 2, 3, 4].map((take) => ({ instrument: 0, take })));
  assert.deepEqual(ood.fileOf('test', 0), { instrument: 0, take: 10 });
  assert.equal(data.count('1_shot'), 0);
});

test('splits: every file exactly once, shuffled by the seed', () => {
  const files = (seed: number) => {
    const data = new InsNotesData({ seed, filesPerInstrument: 10 });
    return SEQUENCE_SPLITS.map((split) =>
      Array.from({ length: data.count(split) }, (_, i) => {
        const { instrument, take } = data.fileOf(split, i);
        return instrument * 10 + take;
      }),
    );
  };
  const [train, val, test] = files(5);
  assert.deepEqual([train.length, val.length, test.length], [96, 12, 12]);
  assert.deepEqual([...train, ...val, ...test].sort((a, b) => a - b), Array.from({ length: 120 }, (_, i) => i));
  assert.deepEqual(files(5), [train, val, test]);
  assert.notDeepEqual(files(6)[1], val);
});

test('a fragment is frames [33f, 33f + 32), bins 0..511, of log(|STFT| + 1e-5) of the whole file', () => {
  const data = new InsNotesData({ seed: 3, filesPerInstrument: 2, instruments: TONES });
  const audio = data.fileAudio(1, 0);
  const whole = stftMagnitude(audio, { nFft: 1024, hop: 512 });
  const features = logMagnitude(whole.magnitudes);
  const fragment = new Float32Array(FRAGMENT);
  for (const note of [0, 57, 119]) {
    data.fragment(1, 0, note, fragment, 0);
    let worst = 0;
    for (let bin = 0; bin < 512; bin++) {
      for (let j = 0; j < 32; j++) {
        const expected = features[(33 * note + j) * whole.bins + bin];
        // Compared as magnitudes: the whole file went through float32 audio, whose rounding is
        // visible in the log of the near-silent bins but nowhere else.
        worst = Math.max(worst, Math.abs(Math.exp(fragment[bin * 32 + j]) - Math.exp(expected)));
      }
    }
    assert.ok(worst < 1e-4, `note ${note}: largest magnitude difference ${worst}`);
  }
});

test("every frame of fragment f peaks in the bin of note f's fundamental", () => {
  const data = new InsNotesData({ seed: 3, filesPerInstrument: 2, instruments: TONES });
  const fragment = new Float32Array(FRAGMENT);
  for (const note of [0, 1, 13, 30, 118, 119]) {
    data.fragment(0, 1, note, fragment, 0);
    const bin = Math.round((midiToHz(60 + (note % 12)) * 1024) / INSNOTES_SAMPLE_RATE);
    for (let j = 0; j < 32; j++) {
      let best = 0;
      for (let b = 1; b < 512; b++) if (fragment[b * 32 + j] > fragment[best * 32 + j]) best = b;
      assert.equal(best, bin, `note ${note} frame ${j}`);
    }
  }
});

test('a file: 0.9 peak, velocities in [80, 120], and the block envelope within its bounds, centred by edge padding', () => {
  const data = new InsNotesData({ seed: 8, filesPerInstrument: 2, instruments: TONES });
  const file = data.file(0, 1);
  const audio = data.fileAudio(0, 1);
  const length = 119 * SPACING + 16000 + 320;
  assert.equal(audio.length, length);
  assert.equal(file.length, length);
  assert.equal(file.envelopeStart, Math.floor((length - 120 * 16000) / 2));
  assert.ok(Math.abs(audio.reduce((m, v) => Math.max(m, Math.abs(v)), 0) - 0.9) < 1e-6);

  assert.equal(file.velocities.length, NOTES_PER_FILE);
  for (const v of file.velocities) assert.ok(Number.isInteger(v) && v >= 80 && v <= 120, `velocity ${v}`);
  assert.ok(new Set(file.velocities).size > 20);
  assert.equal(file.envelopeLevels[0], 1);
  for (let b = 0; b < 120; b++) {
    const [from, to] = [file.envelopeLevels[b], file.envelopeLevels[b + 1]];
    assert.ok(to >= Math.min(0.8, from - 0.2) && to <= Math.max(1.2, from + 0.2), `block ${b}: ${from} -> ${to}`);
  }
  const sinusoidal = file.sinusoidal.filter(Boolean).length;
  assert.ok(sinusoidal > 30 && sinusoidal < 90, `${sinusoidal} sinusoidal blocks of 120`);

  // Mid-note, the tone's amplitude is proportional to velocity x envelope, whose value is
  // computed here from the levels: edge value before and after the centred 120 s.
  const envelope = (t: number): number => {
    const inside = t - file.envelopeStart;
    if (inside < 0) return 1;
    if (inside >= 120 * 16000) return file.envelopeLevels[120];
    const block = Math.floor(inside / 16000);
    const x = (inside % 16000) / 15999;
    const [from, to] = [file.envelopeLevels[block], file.envelopeLevels[block + 1]];
    return from + (to - from) * (file.sinusoidal[block] ? Math.sin((Math.PI / 2) * x) : x);
  };
  const amplitude = (t: number): number => {
    let m = 0;
    for (let i = t - 40; i < t + 40; i++) m = Math.max(m, Math.abs(audio[i]));
    return m;
  };
  const reference = 0 * SPACING + 8000;
  for (const note of [3, 40, 77, 119]) {
    const t = note * SPACING + 8000;
    const expected = (file.velocities[note] * envelope(t)) / (file.velocities[0] * envelope(reference));
    const measured = amplitude(t) / amplitude(reference);
    assert.ok(Math.abs(measured / expected - 1) < 0.01, `note ${note}: ${measured} vs ${expected}`);
  }
});

test('samples: 12 consecutive notes from a drawn start, pitch classes once each, one shared frequency mask, no exact zeros', () => {
  const data = new InsNotesData({ seed: 2, filesPerInstrument: 5, instruments: TONES });
  assert.equal(data.name, 'insnotes_custom');
  const rng = Rng.fromSeed(21);
  const out = new Float32Array(sampleSize(data) + 3);
  const fragment = new Float32Array(FRAGMENT);
  const widths = new Set<number>();
  for (let draw = 0; draw < 6; draw++) {
    const index = draw % data.count('train');
    // The start note is the sample's first draw from the rng.
    const first = Rng.fromState(rng.state()).int(NOTES_PER_FILE);
    const labels = data.sample('train', index, rng, out, 3);
    const { instrument, take } = data.fileOf('train', index);
    assert.equal(labels.style, instrument);
    assert.deepEqual([...labels.content], Array.from({ length: 12 }, (_, i) => ((first + i) % 120) % 12));
    assert.deepEqual([...labels.content].sort((a, b) => a - b), Array.from({ length: 12 }, (_, i) => i));
    let masked: number[] | null = null;
    for (let i = 0; i < 12; i++) {
      data.fragment(instrument, take, (first + i) % 120, fragment, 0);
      const rows: number[] = [];
      for (let bin = 0; bin < 512; bin++) {
        const got = out.subarray(3 + i * FRAGMENT + bin * 32, 3 + i * FRAGMENT + bin * 32 + 32);
        const want = fragment.subarray(bin * 32, bin * 32 + 32);
        if (got.every((v) => v === Math.fround(1e-8))) rows.push(bin);
        else assert.deepEqual(got, want, `draw ${draw} fragment ${i} bin ${bin}`);
      }
      masked ??= rows;
      assert.deepEqual(rows, masked, 'the mask is shared by the fragments');
    }
    assert.ok(masked!.length <= 14);
    masked!.forEach((bin, i) => assert.equal(bin, masked![0] + i, 'the mask is one band'));
    widths.add(masked!.length);
    assert.ok(!out.subarray(3).includes(0));
  }
  assert.ok(widths.size >= 3, `mask widths ${[...widths]}`);
});

test('samples are deterministic in the seed, the index and the rng', () => {
  const make = () => new InsNotesData({ seed: 4, filesPerInstrument: 5, instruments: TONES });
  const [a, b] = [make(), make()];
  const size = sampleSize(a);
  const [x, y, z] = [new Float32Array(size), new Float32Array(size), new Float32Array(size)];
  const la = a.sample('val', 0, Rng.fromSeed(1), x, 0);
  const lb = b.sample('val', 0, Rng.fromSeed(1), y, 0);
  assert.deepEqual(la, lb);
  assert.deepEqual(x, y);
  a.sample('val', 0, Rng.fromSeed(2), z, 0);
  assert.notDeepEqual(z, x);
  const other = new InsNotesData({ seed: 5, filesPerInstrument: 5, instruments: TONES });
  assert.notDeepEqual(other.file(0, 0).velocities, a.file(0, 0).velocities);
});

test('mistakes: bad options are UserErrors, indices outside a split RangeErrors', () => {
  assert.throws(() => new InsNotesData({ seed: 0, filesPerInstrument: 0 }), UserError);
  assert.throws(() => new InsNotesData({ seed: 0, instruments: 'brass' as 'ood' }), /unknown InsNotes instrument set 'brass'/);
  assert.throws(() => new InsNotesData({ seed: 0.5 }), UserError);
  assert.throws(() => new InsNotesData({ seed: 0, instruments: [] }), UserError);
  const data = new InsNotesData({ seed: 0, filesPerInstrument: 5, instruments: TONES });
  assert.throws(() => data.sample('test', 1, Rng.fromSeed(0), new Float32Array(sampleSize(data)), 0), RangeError);
  assert.throws(() => data.file(2, 0), RangeError);
});
