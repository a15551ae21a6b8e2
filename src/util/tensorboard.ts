// Writes TensorBoard event files directly: no TensorBoard writer exists on npm and tfjs-node (whose
// summary writer wraps TensorFlow's C++ one) cannot be installed here. An event file is a TFRecord
// stream of Event protocol buffers, encoded below by hand for the handful of fields we use.
//
// This is the one file we write that does NOT go through writeFileAtomic. An event log only ever
// grows and is read while it is being written, so rewriting it whole through a temporary name on
// every record would be quadratic and would hide the live log from TensorBoard. Instead each record
// is appended with one synchronous write() call: once that returns, the record survives the process
// being killed, so a crash loses at most the record being written. TensorBoard's reader already
// treats a torn record at the end of a file as "not written yet" and stops there, so a torn tail
// is harmless. A resumed run opens a new file beside the old ones; TensorBoard merges every
// event file in a directory into one run.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { crc32c, maskCrc32c } from './crc32c.js';

const FILE_VERSION = 'brain.Event:2';

const WireType = { Varint: 0, Fixed64: 1, LengthDelimited: 2, Fixed32: 5 } as const;
type WireType = (typeof WireType)[keyof typeof WireType];

/** Accumulates the fields of one protocol-buffer message in the order they are added. */
class ProtoWriter {
  private readonly chunks: Uint8Array[] = [];

  varint(field: number, value: number | bigint): this {
    this.key(field, WireType.Varint);
    this.chunks.push(encodeVarint(BigInt(value)));
    return this;
  }

  double(field: number, value: number): this {
    this.key(field, WireType.Fixed64);
    const bytes = new Uint8Array(8);
    new DataView(bytes.buffer).setFloat64(0, value, true);
    this.chunks.push(bytes);
    return this;
  }

  float(field: number, value: number): this {
    this.key(field, WireType.Fixed32);
    const bytes = new Uint8Array(4);
    new DataView(bytes.buffer).setFloat32(0, value, true);
    this.chunks.push(bytes);
    return this;
  }

  bytes(field: number, value: Uint8Array): this {
    this.key(field, WireType.LengthDelimited);
    this.chunks.push(encodeVarint(BigInt(value.length)), value);
    return this;
  }

  string(field: number, value: string): this {
    return this.bytes(field, new TextEncoder().encode(value));
  }

  packedDoubles(field: number, values: readonly number[]): this {
    const packed = new Uint8Array(8 * values.length);
    const view = new DataView(packed.buffer);
    values.forEach((value, i) => view.setFloat64(8 * i, value, true));
    return this.bytes(field, packed);
  }

  finish(): Uint8Array {
    return concatBytes(this.chunks);
  }

  private key(field: number, wireType: WireType): void {
    this.chunks.push(encodeVarint(BigInt((field << 3) | wireType)));
  }
}

/** Base-128 varint; negative int64 values take their two's-complement 64-bit form, as protobuf does. */
function encodeVarint(value: bigint): Uint8Array {
  const bytes: number[] = [];
  let rest = BigInt.asUintN(64, value);
  while (rest >= 0x80n) {
    bytes.push(Number(rest & 0x7fn) | 0x80);
    rest >>= 7n;
  }
  bytes.push(Number(rest));
  return Uint8Array.from(bytes);
}

function concatBytes(chunks: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((total, chunk) => total + chunk.length, 0));
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}

/** TFRecord framing: length, masked CRC of the length bytes, data, masked CRC of the data. */
function frameRecord(data: Uint8Array): Uint8Array {
  const record = new Uint8Array(8 + 4 + data.length + 4);
  const view = new DataView(record.buffer);
  view.setBigUint64(0, BigInt(data.length), true);
  view.setUint32(8, maskCrc32c(crc32c(record.subarray(0, 8))), true);
  record.set(data, 12);
  view.setUint32(12 + data.length, maskCrc32c(crc32c(data)), true);
  return record;
}

// Field numbers below are those of tensorflow/core/util/event.proto and
// tensorflow/core/framework/summary.proto.

/** SessionLog.SessionStatus START: TensorBoard drops the events of any step at or after it. */
const SESSION_START = 1;

type EventContent = { fileVersion: string } | { summaryValue: Uint8Array } | { sessionStatus: number };

function encodeEvent(step: number | null, content: EventContent): Uint8Array {
  const event = new ProtoWriter().double(1, Date.now() / 1000);
  if (step !== null) event.varint(2, step);
  if ('fileVersion' in content) event.string(3, content.fileVersion);
  else if ('summaryValue' in content) event.bytes(5, new ProtoWriter().bytes(1, content.summaryValue).finish());
  else event.bytes(6, new ProtoWriter().varint(1, content.sessionStatus).finish());
  return event.finish();
}

interface Histogram {
  min: number;
  max: number;
  num: number;
  sum: number;
  sumSquares: number;
  /** Right edge of each bucket; TensorBoard takes the left edge of the first from `min`. */
  bucketLimits: number[];
  bucketCounts: number[];
}

/**
 * Equal-width buckets spanning [min, max]. The last limit is set to `max` exactly so rounding in
 * `min + i * width` cannot leave the maximum outside every bucket.
 */
function summarizeHistogram(values: ArrayLike<number>, bins: number): Histogram {
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  let sumSquares = 0;
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    if (!Number.isFinite(value)) throw new RangeError(`histogram: value ${value} at index ${i} is not finite`);
    min = Math.min(min, value);
    max = Math.max(max, value);
    sum += value;
    sumSquares += value * value;
  }
  const bucketCount = max > min ? bins : 1;
  const width = (max - min) / bucketCount;
  const bucketLimits = Array.from({ length: bucketCount }, (_, i) => (i === bucketCount - 1 ? max : min + (i + 1) * width));
  const bucketCounts = new Array<number>(bucketCount).fill(0);
  for (let i = 0; i < values.length; i++) {
    const bucket = width > 0 ? Math.min(bucketCount - 1, Math.floor((values[i] - min) / width)) : 0;
    bucketCounts[bucket]++;
  }
  return { min, max, num: values.length, sum, sumSquares, bucketLimits, bucketCounts };
}

function encodeHistogram(histogram: Histogram): Uint8Array {
  return new ProtoWriter()
    .double(1, histogram.min)
    .double(2, histogram.max)
    .double(3, histogram.num)
    .double(4, histogram.sum)
    .double(5, histogram.sumSquares)
    .packedDoubles(6, histogram.bucketLimits)
    .packedDoubles(7, histogram.bucketCounts)
    .finish();
}

/**
 * Opens a file that did not exist before. Two writers started within the same second on the same
 * host would otherwise share a name, so a numeric suffix tells them apart.
 */
function createEventFile(logDir: string): { fd: number; filePath: string } {
  const baseName = `events.out.tfevents.${Math.floor(Date.now() / 1000)}.${os.hostname()}`;
  for (let attempt = 0; ; attempt++) {
    const filePath = path.join(logDir, attempt === 0 ? baseName : `${baseName}.${attempt}`);
    try {
      return { fd: fs.openSync(filePath, 'wx'), filePath };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
}

function checkStep(step: number): void {
  if (!Number.isSafeInteger(step)) throw new RangeError(`step must be an integer, got ${step}`);
}

function checkTag(tag: string): void {
  if (tag.length === 0) throw new RangeError('summary tag must not be empty');
}

/** Appends scalar, image and histogram summaries to a new event file in `logDir`. */
export class SummaryWriter {
  readonly filePath: string;
  private fd: number | null;

  constructor(logDir: string) {
    fs.mkdirSync(logDir, { recursive: true });
    const { fd, filePath } = createEventFile(logDir);
    this.fd = fd;
    this.filePath = filePath;
    this.append(encodeEvent(null, { fileVersion: FILE_VERSION }));
  }

  /**
   * Marks a restart at `step` (a run resumed from a checkpoint): TensorBoard then discards what
   * earlier event files logged for this step and later ones, the part of the curve a killed run
   * wrote after its last checkpoint, so the resumed curve is not drawn twice.
   */
  sessionStart(step: number): void {
    checkStep(step);
    this.append(encodeEvent(step, { sessionStatus: SESSION_START }));
  }

  /** Stored as a 32-bit float, the precision TensorBoard's scalar summaries have. */
  scalar(tag: string, value: number, step: number): void {
    checkTag(tag);
    checkStep(step);
    this.append(encodeEvent(step, { summaryValue: new ProtoWriter().string(1, tag).float(2, value).finish() }));
  }

  /** `png` is an encoded PNG; width, height and channels describe it for TensorBoard's listing. */
  image(tag: string, png: Uint8Array, width: number, height: number, channels: 1 | 2 | 3 | 4, step: number): void {
    checkTag(tag);
    checkStep(step);
    if (!(Number.isSafeInteger(width) && width > 0 && Number.isSafeInteger(height) && height > 0)) {
      throw new RangeError(`image size must be positive integers, got ${width}x${height}`);
    }
    const image = new ProtoWriter().varint(1, height).varint(2, width).varint(3, channels).bytes(4, png).finish();
    this.append(encodeEvent(step, { summaryValue: new ProtoWriter().string(1, tag).bytes(4, image).finish() }));
  }

  /** Equal-width buckets between the smallest and largest value; throws on NaN or infinities. */
  histogram(tag: string, values: ArrayLike<number>, step: number, bins = 30): void {
    checkTag(tag);
    checkStep(step);
    if (!(Number.isSafeInteger(bins) && bins > 0)) throw new RangeError(`histogram bins must be a positive integer, got ${bins}`);
    if (values.length === 0) throw new RangeError(`histogram '${tag}' has no values`);
    const histo = encodeHistogram(summarizeHistogram(values, bins));
    this.append(encodeEvent(step, { summaryValue: new ProtoWriter().string(1, tag).bytes(5, histo).finish() }));
  }

  /**
   * Records are already handed to the OS as they are written, which is all surviving a killed
   * process needs; this also forces them to disk so they survive a power loss or OS crash.
   */
  flush(): void {
    fs.fsyncSync(this.openFd());
  }

  close(): void {
    if (this.fd === null) return;
    const fd = this.fd;
    this.fd = null;
    try {
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  }

  private append(eventBytes: Uint8Array): void {
    const fd = this.openFd();
    const record = frameRecord(eventBytes);
    let written = 0;
    while (written < record.length) written += fs.writeSync(fd, record, written, record.length - written);
  }

  private openFd(): number {
    if (this.fd === null) throw new Error(`SummaryWriter for ${this.filePath} is closed`);
    return this.fd;
  }
}
