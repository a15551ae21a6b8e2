// Helpers for checking the wasm backend against the cpu backend (the reference: plain JS kernels).
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { backend_util } from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/backends/select.js';
import type { Rng } from '../../src/util/random.js';

/** Largest accepted max |wasm - cpu| / max |cpu| of any result. */
export const TOLERANCE = 1e-4;

export function relativeError(reference: Float32Array, actual: Float32Array): number {
  assert.equal(actual.length, reference.length, 'result sizes differ');
  let maxReference = 0;
  let maxDifference = 0;
  for (let i = 0; i < reference.length; i++) {
    maxReference = Math.max(maxReference, Math.abs(reference[i]));
    maxDifference = Math.max(maxDifference, Math.abs(reference[i] - actual[i]));
  }
  if (maxReference === 0) return maxDifference;
  return maxDifference / maxReference;
}

export function normalData(rng: Rng, size: number): Float32Array {
  return Float32Array.from({ length: size }, () => rng.normal());
}

function computeAndRead(compute: () => tf.Tensor[]): Float32Array[] {
  const tensors = tf.tidy(compute);
  const values = tensors.map((t) => Float32Array.from(t.dataSync()));
  tf.dispose(tensors);
  return values;
}

export interface Comparison { label: string; error: number }

/**
 * Runs `compute` on cpu, then on `backend` (by default wasm, single-threaded), and returns the relative error of every
 * result. `compute` builds its inputs from plain arrays, so both backends see the same numbers.
 */
export async function compareWithCpu(label: string, compute: () => tf.Tensor[], backend = 'wasm', threads = 1): Promise<Comparison[]> {
  await initBackend('cpu');
  const reference = computeAndRead(compute);
  await initBackend(backend, { threads });
  const actual = computeAndRead(compute);
  return reference.map((r, i) => ({ label: `${label} [result ${i}]`, error: relativeError(r, actual[i]) }));
}

/** Asserts every comparison is within TOLERANCE; returns the worst error for the test's diagnostics. */
export function assertWithinTolerance(comparisons: Comparison[]): number {
  const failures = comparisons.filter((c) => !(c.error <= TOLERANCE));
  assert.deepEqual(failures, [], `relative error above ${TOLERANCE}`);
  return Math.max(...comparisons.map((c) => c.error));
}

export type Padding = 'same' | 'valid' | number | [[0, 0], [number, number], [number, number], [0, 0]];
type RoundingMode = 'floor' | 'round' | 'ceil';

export interface ConvGeometry {
  batch: number;
  inHeight: number;
  inWidth: number;
  inChannels: number;
  outChannels: number;
  filterHeight: number;
  filterWidth: number;
  strides: [number, number];
  pad: Padding;
  dimRoundingMode?: RoundingMode;
}

export function convInfo(g: ConvGeometry): backend_util.Conv2DInfo {
  return backend_util.computeConv2DInfo(
    [g.batch, g.inHeight, g.inWidth, g.inChannels], [g.filterHeight, g.filterWidth, g.inChannels, g.outChannels],
    g.strides, 1, g.pad, g.dimRoundingMode, false, 'channelsLast');
}

export function describeGeometry(g: ConvGeometry): string {
  const pad = typeof g.pad === 'object' ? JSON.stringify(g.pad.slice(1, 3)) : String(g.pad);
  const rounding = g.dimRoundingMode ? ` ${g.dimRoundingMode}` : '';
  return `${g.batch}x${g.inHeight}x${g.inWidth}x${g.inChannels} -> ${g.outChannels} ch, ` +
    `${g.filterHeight}x${g.filterWidth} stride ${g.strides.join('x')} pad ${pad}${rounding}`;
}

/** The beta-VAE's encoder convs (4x4, stride 2, 'same'); its decoder's transposed convs mirror them. */
export function modelGeometries(batch: number): ConvGeometry[] {
  return ([[64, 1, 32], [32, 32, 32], [16, 32, 64], [8, 64, 64]] as const).map(([size, inChannels, outChannels]) => ({
    batch, inHeight: size, inWidth: size, inChannels, outChannels,
    filterHeight: 4, filterWidth: 4, strides: [2, 2], pad: 'same',
  }));
}

const CHANNELS = [1, 3, 8, 32];
/** Keeps each case cheap for the cpu backend, whose filter gradient runs at ~0.01 GFLOP/s. */
const MAX_MULTIPLY_ADDS = 400_000;

function pick<T>(rng: Rng, options: readonly T[]): T {
  return options[rng.int(options.length)];
}

function randomPadding(rng: Rng): Pick<ConvGeometry, 'pad' | 'dimRoundingMode'> {
  switch (rng.int(4)) {
    case 0: return { pad: 'same' };
    case 1: return { pad: 'valid' };
    case 2: return { pad: rng.int(3), dimRoundingMode: pick(rng, [undefined, 'floor', 'round', 'ceil'] as const) };
    default: return { pad: [[0, 0], [rng.int(3), rng.int(3)], [rng.int(3), rng.int(3)], [0, 0]] };
  }
}

/** A random convolution geometry with a non-empty output: kernels 1..5, strides 1..3. */
export function randomGeometry(rng: Rng): ConvGeometry {
  for (;;) {
    const filterHeight = 1 + rng.int(5);
    const strideHeight = 1 + rng.int(3);
    const g: ConvGeometry = {
      batch: 1 + rng.int(3),
      inHeight: 1 + rng.int(12),
      inWidth: 1 + rng.int(12),
      inChannels: pick(rng, CHANNELS),
      outChannels: pick(rng, CHANNELS),
      filterHeight,
      filterWidth: rng.float() < 0.7 ? filterHeight : 1 + rng.int(5),
      strides: [strideHeight, rng.float() < 0.7 ? strideHeight : 1 + rng.int(3)],
      ...randomPadding(rng),
    };
    const info = convInfo(g);
    const multiplyAdds = g.batch * info.outHeight * info.outWidth * g.filterHeight * g.filterWidth * g.inChannels * g.outChannels;
    if (info.outHeight >= 1 && info.outWidth >= 1 && multiplyAdds <= MAX_MULTIPLY_ADDS) return g;
  }
}

/** Input, filter and output-gradient data for a geometry. */
export interface ConvData { x: Float32Array; filter: Float32Array; dy: Float32Array; dyShape: [number, number, number, number] }

export function convData(rng: Rng, g: ConvGeometry): ConvData {
  const info = convInfo(g);
  return {
    x: normalData(rng, g.batch * g.inHeight * g.inWidth * g.inChannels),
    filter: normalData(rng, g.filterHeight * g.filterWidth * g.inChannels * g.outChannels),
    dy: normalData(rng, info.outShape.reduce((a, b) => a * b, 1)),
    dyShape: info.outShape,
  };
}
