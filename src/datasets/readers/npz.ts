// Member access to NumPy .npz archives (zip files of .npy members) without holding a member whole:
// the dSprites `imgs` member inflates to 3 GB and MPI3D's `images` to 12.7 GB.
//
// Two access paths, chosen by how the member is stored:
// * stored (np.savez): the .npy bytes lie verbatim in the zip, so rows are read by file offset
//   (random access, what GroundTruthData.render needs);
// * deflated (np.savez_compressed, e.g. the published dSprites file): deflate cannot be entered in
//   the middle, so rows are read by one sequential inflate pass that fills a caller-provided
//   buffer and stops as soon as it is full. Datasets built on such a member copy it into memory
//   once, in a compact form, only when asked to.
// The zip central directory is parsed here (fflate does not expose member offsets); inflating uses
// fflate's streaming Unzip + UnzipInflate, fed from the member's own local header so that no other
// member passes through it (Unzip buffers the data of members that are not started).
import * as fs from 'node:fs';
import { Unzip, UnzipInflate } from 'fflate';
import { UserError } from '../../util/errors.js';
import { decodeNpyData, NpyRowReader, openForReading, tryParseNpyHeader, type NpyHeader, type NpyRows, type NpyTypedArray } from './npy.js';

const EOCD_SIGNATURE = 0x06054b50;
const ZIP64_LOCATOR_SIGNATURE = 0x07064b50;
const ZIP64_EOCD_SIGNATURE = 0x06064b50;
const CENTRAL_ENTRY_SIGNATURE = 0x02014b50;
const LOCAL_HEADER_SIGNATURE = 0x04034b50;
const ZIP64_EXTRA_ID = 0x0001;
const EOCD_BYTES = 22;
const MAX_ZIP_COMMENT = 0xffff;
const ZIP64_LOCATOR_BYTES = 20;
const LOCAL_HEADER_BYTES = 30;
const STORED = 0;
const DEFLATED = 8;
const SCAN_CHUNK_BYTES = 1 << 20;

export interface NpzMember {
  /** Array name: the zip entry name without its ".npy" suffix. */
  name: string;
  compression: number;
  compressedSize: number;
  uncompressedSize: number;
  localHeaderOffset: number;
}

function readAt(fd: number, position: number, length: number): Uint8Array {
  const out = new Uint8Array(length);
  let done = 0;
  while (done < length) {
    const got = fs.readSync(fd, out, done, length - done, position + done);
    if (got === 0) break;
    done += got;
  }
  return out.subarray(0, done);
}

function view(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function uint64(dv: DataView, offset: number): number {
  return Number(dv.getBigUint64(offset, true));
}

/** The members of an .npz file, from its zip central directory. */
export function listNpzMembers(path: string): NpzMember[] {
  const fd = openForReading(path);
  try {
    const fileSize = fs.fstatSync(fd).size;
    const tailLength = Math.min(fileSize, EOCD_BYTES + MAX_ZIP_COMMENT + ZIP64_LOCATOR_BYTES);
    const tail = readAt(fd, fileSize - tailLength, tailLength);
    const tailView = view(tail);
    let eocd = -1;
    for (let i = tail.length - EOCD_BYTES; i >= 0; i--) {
      if (tailView.getUint32(i, true) === EOCD_SIGNATURE) {
        eocd = i;
        break;
      }
    }
    if (eocd < 0) throw new UserError(`${path}: not a zip/.npz file or truncated (no end-of-central-directory record)`);
    let entries = tailView.getUint16(eocd + 10, true);
    let directorySize = tailView.getUint32(eocd + 12, true);
    let directoryOffset = tailView.getUint32(eocd + 16, true);
    const locator = eocd - ZIP64_LOCATOR_BYTES;
    if (locator >= 0 && tailView.getUint32(locator, true) === ZIP64_LOCATOR_SIGNATURE) {
      const zip64 = view(readAt(fd, uint64(tailView, locator + 8), 56));
      if (zip64.byteLength < 56 || zip64.getUint32(0, true) !== ZIP64_EOCD_SIGNATURE) {
        throw new UserError(`${path}: corrupt zip64 end-of-central-directory record`);
      }
      entries = uint64(zip64, 32);
      directorySize = uint64(zip64, 40);
      directoryOffset = uint64(zip64, 48);
    }
    if (directoryOffset + directorySize > fileSize) {
      throw new UserError(`${path}: truncated (central directory at ${directoryOffset} + ${directorySize} bytes, file has ${fileSize})`);
    }
    return parseCentralDirectory(path, readAt(fd, directoryOffset, directorySize), entries);
  } finally {
    fs.closeSync(fd);
  }
}

function parseCentralDirectory(path: string, directory: Uint8Array, entries: number): NpzMember[] {
  const dv = view(directory);
  const members: NpzMember[] = [];
  let at = 0;
  for (let e = 0; e < entries; e++) {
    if (at + 46 > directory.length || dv.getUint32(at, true) !== CENTRAL_ENTRY_SIGNATURE) {
      throw new UserError(`${path}: corrupt zip central directory (entry ${e})`);
    }
    const compression = dv.getUint16(at + 10, true);
    let compressedSize = dv.getUint32(at + 20, true);
    let uncompressedSize = dv.getUint32(at + 24, true);
    const nameLength = dv.getUint16(at + 28, true);
    const extraLength = dv.getUint16(at + 30, true);
    const commentLength = dv.getUint16(at + 32, true);
    let localHeaderOffset = dv.getUint32(at + 42, true);
    const fileName = new TextDecoder().decode(directory.subarray(at + 46, at + 46 + nameLength));
    // Zip64: fields saturated at 0xFFFFFFFF are given, in this order, in extra field 0x0001.
    let extra = at + 46 + nameLength;
    const extraEnd = extra + extraLength;
    while (extra + 4 <= extraEnd) {
      const id = dv.getUint16(extra, true);
      const size = dv.getUint16(extra + 2, true);
      if (id === ZIP64_EXTRA_ID) {
        let field = extra + 4;
        if (uncompressedSize === 0xffffffff) (uncompressedSize = uint64(dv, field)), (field += 8);
        if (compressedSize === 0xffffffff) (compressedSize = uint64(dv, field)), (field += 8);
        if (localHeaderOffset === 0xffffffff) localHeaderOffset = uint64(dv, field);
      }
      extra += 4 + size;
    }
    members.push({
      name: fileName.endsWith('.npy') ? fileName.slice(0, -4) : fileName,
      compression,
      compressedSize,
      uncompressedSize,
      localHeaderOffset,
    });
    at = extraEnd + commentLength;
  }
  return members;
}

/** One array of an .npz file: its .npy header, and row reads by either access path. */
export class NpzArray implements NpyRows {
  /** Set for stored members: random access by file offset. */
  private readonly rowReader: NpyRowReader | undefined;
  readonly rows: number;
  readonly rowBytes: number;

  constructor(
    readonly path: string,
    readonly member: NpzMember,
    readonly header: NpyHeader,
    memberDataOffset: number,
  ) {
    if (header.fortranOrder) throw new UserError(`${this.source}: Fortran-order arrays are not supported`);
    if (header.dataOffset + header.dataLength !== member.uncompressedSize) {
      throw new UserError(
        `${this.source}: shape (${header.shape.join(', ')}) ${header.dtype} needs ${header.dataOffset + header.dataLength} bytes, member holds ${member.uncompressedSize}`,
      );
    }
    this.rows = header.shape[0] ?? 1;
    this.rowBytes = header.shape.length === 0 ? header.dataLength : header.dataLength / Math.max(1, this.rows);
    this.rowReader = member.compression === STORED
      ? new NpyRowReader(path, this.source, header, memberDataOffset + header.dataOffset)
      : undefined;
  }

  get source(): string {
    return `${this.path} member '${this.member.name}'`;
  }

  /** True when rows can be read by file offset; false for deflated members (sequential reads only). */
  get randomAccess(): boolean {
    return this.rowReader !== undefined;
  }

  /**
   * Reads rows [start, start + count) into `out`. Stored members read just those bytes; deflated
   * members inflate from the start of the member up to the end of the range.
   */
  readRows(start: number, count: number, out: Uint8Array): void {
    if (this.rowReader) return this.rowReader.readRows(start, count, out);
    if (!(start >= 0 && count >= 0 && start + count <= this.rows)) {
      throw new RangeError(`rows [${start}, ${start + count}) outside [0, ${this.rows})`);
    }
    const begin = this.header.dataOffset + start * this.rowBytes;
    const end = begin + count * this.rowBytes;
    let filled = 0;
    scanDeflatedMember(this.path, this.member, (chunk, at) => {
      const from = Math.max(begin, at);
      const to = Math.min(end, at + chunk.length);
      if (to > from) {
        out.set(chunk.subarray(from - at, to - at), from - begin);
        filled += to - from;
      }
      return at + chunk.length < end;
    });
    if (filled < end - begin) {
      throw new UserError(`${this.source}: truncated, inflated data ends before rows [${start}, ${start + count})`);
    }
  }

  /**
   * Passes every row, in order, to `onBlock` in blocks of up to `blockRows` rows (the block buffer
   * is reused between calls), in one sequential pass: how a deflated member is copied or
   * summarised without holding it whole.
   */
  scanRows(blockRows: number, onBlock: (rows: Uint8Array, firstRow: number, count: number) => void): void {
    const block = new Uint8Array(blockRows * this.rowBytes);
    if (this.rowReader) {
      for (let row = 0; row < this.rows; row += blockRows) {
        const count = Math.min(blockRows, this.rows - row);
        this.rowReader.readRows(row, count, block);
        onBlock(block.subarray(0, count * this.rowBytes), row, count);
      }
      return;
    }
    const dataStart = this.header.dataOffset;
    const dataEnd = dataStart + this.header.dataLength;
    let blockFill = 0;
    let nextRow = 0;
    scanDeflatedMember(this.path, this.member, (chunk, at) => {
      let from = Math.max(0, dataStart - at);
      while (from < chunk.length && at + from < dataEnd) {
        const take = Math.min(chunk.length - from, block.length - blockFill, dataEnd - (at + from));
        block.set(chunk.subarray(from, from + take), blockFill);
        blockFill += take;
        from += take;
        if (blockFill === block.length || at + from === dataEnd) {
          const count = blockFill / this.rowBytes;
          onBlock(block.subarray(0, blockFill), nextRow, count);
          nextRow += count;
          blockFill = 0;
        }
      }
      return at + chunk.length < dataEnd;
    });
    if (nextRow < this.rows) {
      throw new UserError(`${this.source}: truncated, inflated data ends after ${nextRow} of ${this.rows} rows`);
    }
  }

  /** The whole array decoded; meant for small members (labels, factor classes). */
  readAll(): NpyTypedArray {
    const bytes = new Uint8Array(this.header.dataLength);
    if (this.rows > 0) this.readRows(0, this.rows, bytes);
    return decodeNpyData(this.header, bytes, this.source);
  }
}

/** File offset of a member's first data byte, after its local header (whose extra field may differ from the central one). */
function memberDataStart(fd: number, member: NpzMember, source: string): number {
  const localHeader = readAt(fd, member.localHeaderOffset, LOCAL_HEADER_BYTES);
  if (localHeader.length < LOCAL_HEADER_BYTES || view(localHeader).getUint32(0, true) !== LOCAL_HEADER_SIGNATURE) {
    throw new UserError(`${source}: corrupt zip (no local header at ${member.localHeaderOffset})`);
  }
  const dv = view(localHeader);
  return member.localHeaderOffset + LOCAL_HEADER_BYTES + dv.getUint16(26, true) + dv.getUint16(28, true);
}

/**
 * Inflates `member` from its local header on, handing each inflated chunk and its offset within
 * the member to `onData` until it returns false or the member ends.
 */
function scanDeflatedMember(path: string, member: NpzMember, onData: (chunk: Uint8Array, at: number) => boolean): void {
  const source = `${path} member '${member.name}'`;
  if (member.compression !== DEFLATED) {
    throw new UserError(`${source}: unsupported zip compression method ${member.compression}`);
  }
  const fd = openForReading(path);
  try {
    const totalBytes = memberDataStart(fd, member, source) - member.localHeaderOffset + member.compressedSize;
    let inflated = 0;
    let wanted = true;
    let failure: Error | undefined;
    const unzip = new Unzip((file) => {
      file.ondata = (err, data) => {
        if (err) failure = err;
        else if (wanted && data.length > 0) {
          wanted = onData(data, inflated);
          inflated += data.length;
        }
      };
      file.start();
    });
    unzip.register(UnzipInflate);
    let fed = 0;
    while (wanted && !failure && fed < totalBytes) {
      const chunk = readAt(fd, member.localHeaderOffset + fed, Math.min(SCAN_CHUNK_BYTES, totalBytes - fed));
      if (chunk.length === 0) throw new UserError(`${source}: truncated, file ends inside the compressed data`);
      fed += chunk.length;
      try {
        unzip.push(chunk, fed === totalBytes);
      } catch (e) {
        failure = e as Error;
      }
    }
    if (failure) throw new UserError(`${source}: corrupt deflate data (${failure.message})`);
  } finally {
    fs.closeSync(fd);
  }
}

/** Opens array `name` of the .npz file at `path`, reading only its .npy header. */
export function openNpzArray(path: string, name: string): NpzArray {
  const members = listNpzMembers(path);
  const member = members.find((m) => m.name === name);
  if (!member) {
    throw new UserError(`${path}: missing member '${name}' (has ${members.map((m) => m.name).join(', ') || 'none'})`);
  }
  const source = `${path} member '${name}'`;
  const fd = openForReading(path);
  let memberDataOffset: number;
  try {
    memberDataOffset = memberDataStart(fd, member, source);
  } finally {
    fs.closeSync(fd);
  }
  return new NpzArray(path, member, readMemberHeader(path, member, memberDataOffset, source), memberDataOffset);
}

function readMemberHeader(path: string, member: NpzMember, memberDataOffset: number, source: string): NpyHeader {
  let header: NpyHeader | undefined;
  if (member.compression === STORED) {
    const fd = openForReading(path);
    try {
      for (let want = 128; !header; want *= 4) {
        const prefix = readAt(fd, memberDataOffset, Math.min(want, member.uncompressedSize));
        header = tryParseNpyHeader(prefix, source);
        if (!header && prefix.length < want) break;
      }
    } finally {
      fs.closeSync(fd);
    }
  } else {
    let prefix = new Uint8Array(0);
    scanDeflatedMember(path, member, (chunk) => {
      const grown = new Uint8Array(prefix.length + chunk.length);
      grown.set(prefix);
      grown.set(chunk, prefix.length);
      prefix = grown;
      header = tryParseNpyHeader(prefix, source);
      return header === undefined;
    });
  }
  if (!header) throw new UserError(`${source}: truncated .npy header`);
  return header;
}
