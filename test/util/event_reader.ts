// An event-file reader written independently of the writer: a bit-at-a-time CRC instead of the
// writer's table, and a generic protobuf field parser that knows nothing of the Event schema.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';

function bitwiseCrc32c(data: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of data) {
    crc ^= byte;
    for (let bit = 0; bit < 8; bit++) crc = crc & 1 ? (crc >>> 1) ^ 0x82f63b78 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

function maskedCrc(data: Uint8Array): number {
  const crc = bitwiseCrc32c(data);
  return (((crc >>> 15) | (crc << 17)) + 0xa282ead8) >>> 0;
}

export function readRecords(file: Uint8Array): Uint8Array[] {
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const records: Uint8Array[] = [];
  let offset = 0;
  while (offset < file.length) {
    const length = Number(view.getBigUint64(offset, true));
    if (view.getUint32(offset + 8, true) !== maskedCrc(file.subarray(offset, offset + 8))) {
      throw new Error(`length CRC mismatch at offset ${offset}`);
    }
    const data = file.subarray(offset + 12, offset + 12 + length);
    if (view.getUint32(offset + 12 + length, true) !== maskedCrc(data)) {
      throw new Error(`data CRC mismatch at offset ${offset}`);
    }
    records.push(data);
    offset += 12 + length + 4;
  }
  return records;
}

export type Fields = Map<number, Uint8Array[]>;

/** Every field's raw bytes by field number; varints are kept as their encoded bytes. */
export function parseMessage(bytes: Uint8Array): Fields {
  const fields: Fields = new Map();
  let offset = 0;
  const readVarint = (): bigint => {
    let value = 0n;
    for (let shift = 0n; ; shift += 7n) {
      const byte = bytes[offset++];
      value |= BigInt(byte & 0x7f) << shift;
      if ((byte & 0x80) === 0) return value;
    }
  };
  while (offset < bytes.length) {
    const key = Number(readVarint());
    const start = offset;
    let payload: Uint8Array;
    switch (key & 7) {
      case 0:
        readVarint();
        payload = bytes.subarray(start, offset);
        break;
      case 1:
        payload = bytes.subarray(offset, (offset += 8));
        break;
      case 2: {
        const length = Number(readVarint());
        payload = bytes.subarray(offset, (offset += length));
        break;
      }
      case 5:
        payload = bytes.subarray(offset, (offset += 4));
        break;
      default:
        throw new Error(`unexpected wire type ${key & 7}`);
    }
    const number = key >>> 3;
    fields.set(number, [...(fields.get(number) ?? []), payload]);
  }
  return fields;
}

export function only(fields: Fields, number: number): Uint8Array {
  const values = fields.get(number) ?? [];
  assert.equal(values.length, 1, `field ${number} should occur once`);
  return values[0];
}
export const has = (fields: Fields, number: number): boolean => fields.has(number);
export const dataView = (bytes: Uint8Array): DataView => new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
export const asDouble = (bytes: Uint8Array): number => dataView(bytes).getFloat64(0, true);
export const asFloat = (bytes: Uint8Array): number => dataView(bytes).getFloat32(0, true);
export const asString = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);
export const asDoubles = (bytes: Uint8Array): number[] =>
  Array.from({ length: bytes.length / 8 }, (_, i) => dataView(bytes).getFloat64(8 * i, true));
export function asInt(varintBytes: Uint8Array): number {
  let value = 0n;
  varintBytes.forEach((byte, i) => (value |= BigInt(byte & 0x7f) << BigInt(7 * i)));
  return Number(BigInt.asIntN(64, value));
}

export interface ParsedEvent {
  wallTime: number;
  step: number;
  fields: Fields;
  /** The single Summary.Value of a summary event. */
  value: Fields | null;
}

export function parseEvent(record: Uint8Array): ParsedEvent {
  const fields = parseMessage(record);
  const summary = has(fields, 5) ? parseMessage(only(fields, 5)) : null;
  return {
    wallTime: asDouble(only(fields, 1)),
    step: has(fields, 2) ? asInt(only(fields, 2)) : 0,
    fields,
    value: summary ? parseMessage(only(summary, 1)) : null,
  };
}

/** A plain Uint8Array, so byte comparisons do not trip over Buffer's different prototype. */
export const readEventFile = (filePath: string): Uint8Array => new Uint8Array(fs.readFileSync(filePath));

