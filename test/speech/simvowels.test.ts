import { test } from 'node:test';
import assert from 'node:assert/strict';
import FFT from 'fft.js';
import {
  F_S, SEGMENT_SAMPLES, SEGMENTS_PER_UTTERANCE, SIMVOWELS_SPLITS, SNR_DB, SNR_MAX_ERROR_DB, SNR_TOLERANCE_DB, SPEAKER_RANGES, SPLIT_SIZES,
  SimVowels, TRAVERSAL_SEGMENT_SAMPLES, TRAVERSAL_VOCAL_TRACTS, UTTERANCE_SAMPLES, VOWELS, addNoiseAtSnr, cleanFormantSegment,
  splitVocalTracts, synthesizeVowelSegment, traversalStimuli,
} from '../../src/speech/simvowels.js';
import { UserError } from '../../src/util/errors.js';
import { Rng } from '../../src/util/random.js';

/** 10 log10(mean(clean²) / mean((noisy - clean)²)) with `clean` divided by its peak magnitude first. */
function measuredSnrDb(clean: ArrayLike<number>, noisy: ArrayLike<number>): number {
  let peak = 0;
  for (let n = 0; n < clean.length; n++) peak = Math.max(peak, Math.abs(clean[n]));
  let signal = 0;
  let noise = 0;
  for (let n = 0; n < clean.length; n++) {
    signal += (clean[n] / peak) ** 2;
    noise += (noisy[n] - clean[n] / peak) ** 2;
  }
  return 10 * Math.log10(signal / noise);
}

test('constants: 1600-sample segments, 40 per 64000-sample utterance, the five vowels of the spec', () => {
  assert.equal(SEGMENT_SAMPLES, 0.1 * F_S);
  assert.equal(UTTERANCE_SAMPLES, 4 * F_S);
  assert.equal(SEGMENTS_PER_UTTERANCE, 40);
  assert.deepEqual(VOWELS.map((v) => [v.name, ...v.formants]), [
    ['a', 710, 1100, 2540], ['e', 550, 1770, 2490], ['I', 400, 1920, 2560], ['aw', 590, 880, 2540], ['u', 310, 870, 2250],
  ]);
});

test('split sizes: 4000/500/300, and 400/50/30 for the small size', () => {
  const full = new SimVowels({ seed: 0 });
  const small = new SimVowels({ seed: 0, size: 'small' });
  assert.deepEqual(SIMVOWELS_SPLITS.map((s) => full.count(s)), [4000, 500, 300]);
  assert.deepEqual(SIMVOWELS_SPLITS.map((s) => small.count(s)), [400, 50, 30]);
  assert.deepEqual(SPLIT_SIZES.small, { train: 400, dev: 50, test: 30 });
  assert.throws(() => small.utterance('test', 30), UserError);
  assert.throws(() => new SimVowels({ seed: -1 }), UserError);
  assert.throws(() => new SimVowels({ seed: 0, size: 'huge' as 'small' }), UserError);
});

test('speakers: the vt values are the range midpoints, as numpy.mean of each range', () => {
  // [float(np.mean(r)) for r in ranges] for the train, dev and test ranges of spec §2
  assert.deepEqual(splitVocalTracts('train'), [0.715, 0.795, 0.835, 0.875, 0.955, 1.0350000000000001, 1.115, 1.1549999999999998, 1.1949999999999998, 1.275]);
  assert.deepEqual(splitVocalTracts('dev'), [0.745, 0.905, 0.985, 1.065, 1.225]);
  assert.deepEqual(splitVocalTracts('test'), [0.765, 0.925, 1.005, 1.085, 1.245]);
});

test('speakers are disjoint across splits: no two of the 20 ranges intersect', () => {
  const ranges = SIMVOWELS_SPLITS.flatMap((split) => SPEAKER_RANGES[split].map((range) => ({ split, range })));
  assert.equal(ranges.length, 20);
  for (let i = 0; i < ranges.length; i++) {
    for (let j = i + 1; j < ranges.length; j++) {
      const [a, b] = [ranges[i].range, ranges[j].range];
      assert.ok(a[1] <= b[0] || b[1] <= a[0], `${ranges[i].split} ${a} and ${ranges[j].split} ${b} overlap`);
    }
  }
});

test('each utterance draws one of its split\'s speakers and 40 vowels; over a split every speaker and vowel occurs', () => {
  const data = new SimVowels({ seed: 5, size: 'small' });
  for (const split of SIMVOWELS_SPLITS) {
    const midpoints = splitVocalTracts(split);
    const speakers = new Set<number>();
    const vowelCounts = new Array(VOWELS.length).fill(0);
    for (let i = 0; i < data.count(split); i++) {
      const { vowels, vocalTract } = data.labels(split, i);
      assert.ok(midpoints.includes(vocalTract), `${split} ${i}: vt ${vocalTract}`);
      speakers.add(vocalTract);
      assert.equal(vowels.length, SEGMENTS_PER_UTTERANCE);
      for (const v of vowels) vowelCounts[v]++;
    }
    assert.equal(speakers.size, midpoints.length, `${split}: every speaker occurs`);
    // 40 · count draws, uniform over 5 vowels: each count within 5 standard deviations of its mean.
    const draws = 40 * data.count(split);
    for (const count of vowelCounts) assert.ok(Math.abs(count - draws / 5) < 5 * Math.sqrt(draws * 0.16), `${split} vowel counts ${vowelCounts}`);
  }
});

test('determinism: same seed and index give identical audio, in any order; other indices and seeds differ', () => {
  const first = new SimVowels({ seed: 11, size: 'small' });
  const second = new SimVowels({ seed: 11, size: 'small' });
  second.utterance('dev', 0);
  const a = first.utterance('dev', 3);
  const b = second.utterance('dev', 3);
  assert.equal(a.audio.length, UTTERANCE_SAMPLES);
  assert.deepEqual(a.audio, b.audio);
  assert.deepEqual(a.vowels, b.vowels);
  assert.equal(a.vocalTract, b.vocalTract);
  assert.deepEqual(first.labels('dev', 3), { vowels: a.vowels, vocalTract: a.vocalTract });
  const other = first.utterance('dev', 4).audio;
  assert.ok(other.some((v, i) => v !== a.audio[i]), 'index 4 differs from index 3');
  const reseeded = new SimVowels({ seed: 12, size: 'small' }).utterance('dev', 3).audio;
  assert.ok(reseeded.some((v, i) => v !== a.audio[i]), 'seed 12 differs from seed 11');
  assert.ok(a.audio.every(Number.isFinite));
});

test('a segment is its clean signal followed by the noise loop, drawing from one stream', () => {
  const segment = synthesizeVowelSegment(2, 0.905, SEGMENT_SAMPLES, Rng.fromSeed(3));
  const rng = Rng.fromSeed(3);
  const clean = cleanFormantSegment(VOWELS[2].formants, 0.905, SEGMENT_SAMPLES, rng);
  assert.deepEqual(segment, addNoiseAtSnr(clean, rng));
});

test('the achieved SNR of every segment is within the spec\'s 1.5 dB of 15 dB, and about 15 dB on average', () => {
  let total = 0;
  const segments = 40;
  for (let s = 0; s < segments; s++) {
    const rng = Rng.fromSeed(100 + s);
    const clean = cleanFormantSegment(VOWELS[s % 5].formants, splitVocalTracts('train')[s % 10], SEGMENT_SAMPLES, rng);
    const snr = measuredSnrDb(clean, addNoiseAtSnr(clean, rng));
    assert.ok(Math.abs(snr - SNR_DB) <= SNR_MAX_ERROR_DB, `segment ${s}: ${snr} dB`);
    total += snr;
  }
  // Each draw's SNR has a standard deviation of about 4.34·sqrt(2/1600) = 0.15 dB.
  assert.ok(Math.abs(total / segments - SNR_DB) < 0.1, `mean SNR ${total / segments} dB`);
});

test('given enough tries the noise loop stops at a draw within 0.01 dB of the target', () => {
  for (let s = 0; s < 5; s++) {
    const rng = Rng.fromSeed(200 + s);
    const clean = cleanFormantSegment(VOWELS[0].formants, 1.115, SEGMENT_SAMPLES, rng);
    // About 5% of draws land within 0.01 dB, so 400 tries all miss with probability 1e-9.
    const snr = measuredSnrDb(clean, addNoiseAtSnr(clean, rng, SNR_DB, 400));
    assert.ok(Math.abs(snr - SNR_DB) <= SNR_TOLERANCE_DB + 1e-9, `segment ${s}: ${snr} dB`);
  }
});

test('the noise loop raises when its last draw misses by more than 1.5 dB', () => {
  // One sample, one try: the measured SNR is 15 dB - 10 log10(z²), z ~ N(0, 1), which misses often.
  const outcomes = Array.from({ length: 10 }, (_, seed) => {
    try {
      addNoiseAtSnr([1], Rng.fromSeed(seed), SNR_DB, 1);
      return 'ok';
    } catch {
      return 'error';
    }
  });
  assert.ok(outcomes.includes('error') && outcomes.includes('ok'), outcomes.join(' '));
});

/** Periodogram |FFT(x, 2048)|² (bins 0..1024), averaged over the given segments. */
function averagePowerSpectrum(segments: readonly Float64Array[]): Float64Array {
  const fft = new FFT(2048);
  const power = new Float64Array(1025);
  const padded = new Float64Array(2048);
  const spectrum = fft.createComplexArray();
  for (const segment of segments) {
    padded.fill(0);
    padded.set(segment);
    fft.realTransform(spectrum, padded);
    for (let k = 0; k <= 1024; k++) power[k] += (spectrum[2 * k] ** 2 + spectrum[2 * k + 1] ** 2) / segments.length;
  }
  return power;
}

const binHz = F_S / 2048;

function peakHz(power: Float64Array, excludeAroundHz?: number): number {
  let best = -1;
  for (let k = 0; k < power.length; k++) {
    if (excludeAroundHz !== undefined && Math.abs(k * binHz - excludeAroundHz) < 250) continue;
    if (best < 0 || power[k] > power[best]) best = k;
  }
  return best * binHz;
}

test('the power spectrum of a segment peaks at F1/vt, and away from F1 at F2/vt', () => {
  for (const [vowel, vocalTract] of [[1, 0.795], [2, 1.195], [4, 1.005]] as const) {
    const rng = Rng.fromSeed(vowel);
    const segments = Array.from({ length: 8 }, () => synthesizeVowelSegment(vowel, vocalTract, SEGMENT_SAMPLES, rng));
    const power = averagePowerSpectrum(segments);
    const [f1, f2] = VOWELS[vowel].formants.map((f) => f / vocalTract);
    const first = peakHz(power);
    const second = peakHz(power, f1);
    assert.ok(Math.abs(first - f1) <= 100, `${VOWELS[vowel].name} vt ${vocalTract}: peak at ${first} Hz, F1/vt = ${f1} Hz`);
    assert.ok(Math.abs(second - f2) <= 100, `${VOWELS[vowel].name} vt ${vocalTract}: second peak at ${second} Hz, F2/vt = ${f2} Hz`);
  }
});

test('segment arguments out of range are user errors', () => {
  const rng = Rng.fromSeed(0);
  assert.throws(() => synthesizeVowelSegment(5, 1, 1600, rng), UserError);
  assert.throws(() => synthesizeVowelSegment(0, 0, 1600, rng), UserError);
  assert.throws(() => synthesizeVowelSegment(0, 1, 4096, rng), UserError);
  assert.throws(() => addNoiseAtSnr(new Float64Array(8), rng), UserError);
});

test('traversal stimuli: 60 speakers 0.705..1.295 × 5 vowels of 400 samples, in both orderings', () => {
  // numpy.round(numpy.arange(0.70, 1.29, 0.01) + 0.005, 3)
  const expected = [0.705, 0.715, 0.725, 0.735, 0.745, 0.755, 0.765, 0.775, 0.785, 0.795, 0.805, 0.815, 0.825, 0.835, 0.845, 0.855, 0.865, 0.875, 0.885, 0.895, 0.905, 0.915, 0.925, 0.935, 0.945, 0.955, 0.965, 0.975, 0.985, 0.995, 1.005, 1.015, 1.025, 1.035, 1.045, 1.055, 1.065, 1.075, 1.085, 1.095, 1.105, 1.115, 1.125, 1.135, 1.145, 1.155, 1.165, 1.175, 1.185, 1.195, 1.205, 1.215, 1.225, 1.235, 1.245, 1.255, 1.265, 1.275, 1.285, 1.295];
  assert.deepEqual(TRAVERSAL_VOCAL_TRACTS, expected);
  const byVowel = traversalStimuli({ seed: 1, ordering: 'fixed_vowels' });
  const bySpeaker = traversalStimuli({ seed: 1, ordering: 'fixed_speakers' });
  assert.equal(byVowel.length, 300);
  assert.equal(bySpeaker.length, 300);
  byVowel.forEach((s, i) => {
    assert.equal(s.audio.length, TRAVERSAL_SEGMENT_SAMPLES);
    assert.equal(s.vowel, Math.floor(i / 60));
    assert.equal(s.vocalTract, expected[i % 60]);
  });
  bySpeaker.forEach((s, i) => {
    assert.equal(s.vowel, i % 5);
    assert.equal(s.vocalTract, expected[Math.floor(i / 5)]);
  });
  assert.deepEqual(traversalStimuli({ seed: 1, ordering: 'fixed_speakers' })[7].audio, bySpeaker[7].audio);
  // The orderings are separate draws, as the original's two files are.
  assert.notDeepEqual(bySpeaker[0].audio, byVowel[0].audio);
  const eight = traversalStimuli({ seed: 1, ordering: 'fixed_vowels', vowelSet: 'eight' });
  assert.equal(eight.length, 480);
  assert.equal(eight[479].vowel, 7);
});
