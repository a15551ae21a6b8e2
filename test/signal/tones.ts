// Known signals and checks shared by the decomposition tests: sums of sinusoids at 16 kHz, whose
// components each method should recover.
import assert from 'node:assert/strict';
import { ComplexFft, toComplex } from '../../src/signal/dft.js';

export const FS = 16000;

/** Σ amplitude · sin(2π hz n / FS + phase) over the components, `length` samples. */
export function tones(length: number, components: readonly (readonly [hz: number, amplitude: number, phase: number])[]): Float64Array {
  return Float64Array.from({ length }, (_, n) => components.reduce((s, [f, a, p]) => s + a * Math.sin((2 * Math.PI * f * n) / FS + p), 0));
}

/** The frame most tests decompose: 500, 1500 and 2800 Hz with amplitudes 1, 0.6, 0.4, 400 samples. */
export const THREE_TONE_FRAME = tones(400, [[500, 1, 0.3], [1500, 0.6, 1.1], [2800, 0.4, 2.0]]);

export function assertNear(actual: number, expected: number, tolerance: number, what: string): void {
  assert.ok(Math.abs(actual - expected) <= tolerance, `${what}: ${actual} vs ${expected}`);
}

/** Frequency in Hz of the largest |DFT| bin of x. */
export function spectralPeakHz(x: Float64Array): number {
  const spectrum = new ComplexFft(x.length).forward(toComplex(x));
  let best = 0;
  for (let k = 1; k <= x.length / 2; k++) if (Math.hypot(spectrum[2 * k], spectrum[2 * k + 1]) > Math.hypot(spectrum[2 * best], spectrum[2 * best + 1])) best = k;
  return (best * FS) / x.length;
}
