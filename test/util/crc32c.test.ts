import { test } from 'node:test';
import assert from 'node:assert/strict';
import { crc32c, maskCrc32c } from '../../src/util/crc32c.js';

const ascii = (text: string): Uint8Array => new TextEncoder().encode(text);

test('crc32c matches the standard check value and the RFC 3720 test vectors', () => {
  assert.equal(crc32c(ascii('123456789')), 0xe3069283);
  assert.equal(crc32c(new Uint8Array(0)), 0);
  assert.equal(crc32c(new Uint8Array(32)), 0x8a9136aa);
  assert.equal(crc32c(new Uint8Array(32).fill(0xff)), 0x62a8ab43);
  assert.equal(crc32c(Uint8Array.from({ length: 32 }, (_, i) => i)), 0x46dd794e);
});

test('crc32c changes when a single bit of the input changes', () => {
  const data = ascii('123456789');
  data[4] ^= 0x01;
  assert.notEqual(crc32c(data), 0xe3069283);
});

test('maskCrc32c rotates right by 15 and adds 0xa282ead8 modulo 2^32', () => {
  // 0xe3069283 rotated right by 15: the low 15 bits 0x1283 move to the top (0x1283 << 17 =
  // 0x25060000) and the high 17 bits come down (0xe3069283 >>> 15 = 0x1c60d), giving 0x2507c60d;
  // 0x2507c60d + 0xa282ead8 = 0xc78ab0e5, with no carry out of 32 bits.
  assert.equal(maskCrc32c(0xe3069283), 0xc78ab0e5);
  // All ones rotate to all ones; 0xffffffff + 0xa282ead8 = 0x1a282ead7, which wraps to 0xa282ead7.
  assert.equal(maskCrc32c(0xffffffff), 0xa282ead7);
  assert.equal(maskCrc32c(0), 0xa282ead8);
});
