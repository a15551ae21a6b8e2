// Writing observations into the dataset cache's images file (format in cache.ts). It runs inside
// the worker threads that `prepareCache` starts, so it imports only the procedural renderers.
import * as fs from 'node:fs';
import { indexToFactors, observationSize, type GroundTruthData } from './ground_truth.js';
import { createDataset } from './registry.js';

/** Observations rendered before they are written out. */
const CHUNK = 4096;

export type Encoding = 'uint8' | 'bits';

/** Bytes one observation of `size` values takes on disk. */
export function storedSize(size: number, encoding: Encoding): number {
  return encoding === 'bits' ? Math.ceil(size / 8) : size;
}

function encodeObservation(values: Float32Array, from: number, size: number, encoding: Encoding, out: Uint8Array, at: number): void {
  if (encoding === 'uint8') {
    for (let i = 0; i < size; i++) out[at + i] = Math.round(255 * Math.min(1, Math.max(0, values[from + i])));
    return;
  }
  out.fill(0, at, at + storedSize(size, 'bits'));
  for (let i = 0; i < size; i++) if (values[from + i] >= 0.5) out[at + (i >> 3)] |= 0x80 >> (i & 7);
}

/**
 * Renders observations [start, end) of dataset `name` into `file` at their offsets (the file
 * exists and has its full size). Runs inside a worker thread.
 */
export function renderRangeToFile(name: string, file: string, start: number, end: number): number {
  const data = createDataset(name);
  const size = observationSize(data);
  const encoding = encodingOf(data);
  const stored = storedSize(size, encoding);
  const floats = new Float32Array(CHUNK * size);
  const bytes = new Uint8Array(CHUNK * stored);
  const fd = fs.openSync(file, 'r+');
  try {
    for (let first = start; first < end; first += CHUNK) {
      const count = Math.min(CHUNK, end - first);
      for (let i = 0; i < count; i++) {
        data.render(indexToFactors(data.factorSizes, first + i), floats, i * size);
        encodeObservation(floats, i * size, size, encoding, bytes, i * stored);
      }
      fs.writeSync(fd, bytes, 0, count * stored, first * stored);
    }
  } finally {
    fs.closeSync(fd);
  }
  return end - start;
}

export function encodingOf(data: GroundTruthData): Encoding {
  return data.binary ? 'bits' : 'uint8';
}

