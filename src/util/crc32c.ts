// CRC-32C (Castagnoli), the checksum TFRecord files (and so TensorBoard event files) use. Node has
// no built-in for it and the files we checksum are small, so a byte-at-a-time table is enough.

// Reflected form of the Castagnoli polynomial 0x1EDC6F41.
const CASTAGNOLI_REFLECTED = 0x82f63b78;

const TABLE = buildTable();

function buildTable(): Uint32Array {
  const table = new Uint32Array(256);
  for (let byte = 0; byte < 256; byte++) {
    let crc = byte;
    for (let bit = 0; bit < 8; bit++) crc = crc & 1 ? (crc >>> 1) ^ CASTAGNOLI_REFLECTED : crc >>> 1;
    table[byte] = crc >>> 0;
  }
  return table;
}

/** CRC-32C of `data`, as an unsigned 32-bit integer. */
export function crc32c(data: Uint8Array): number {
  let crc = 0xffffffff;
  for (let i = 0; i < data.length; i++) crc = TABLE[(crc ^ data[i]) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

/**
 * The TFRecord "masked" CRC: rotated right by 15 bits plus a constant. TensorFlow stores masked
 * CRCs because computing the plain CRC of data that itself contains embedded CRCs is degenerate.
 */
export function maskCrc32c(crc: number): number {
  return ((((crc >>> 15) | (crc << 17)) >>> 0) + 0xa282ead8) >>> 0;
}
