// Test-side helpers: a .npy encoder written from the format description (numpy/lib/format.py),
// so the readers are checked against independently produced bytes, and the one-line error check.
export function encodeNpy(descr: string, shape: readonly number[], data: Uint8Array, options: { version?: 1 | 2 | 3; shapeText?: string } = {}): Uint8Array {
  const version = options.version ?? 1;
  const shapeText = options.shapeText ?? (shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`);
  const dict = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shapeText}, }`;
  const lengthFieldBytes = version === 1 ? 2 : 4;
  const unpadded = 8 + lengthFieldBytes + dict.length + 1;
  const padded = Math.ceil(unpadded / 64) * 64;
  const headerText = dict + ' '.repeat(padded - unpadded) + '\n';
  const out = new Uint8Array(padded + data.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, version, 0]);
  const dv = new DataView(out.buffer);
  if (version === 1) dv.setUint16(8, headerText.length, true);
  else dv.setUint32(8, headerText.length, true);
  out.set(new TextEncoder().encode(headerText), 8 + lengthFieldBytes);
  out.set(data, padded);
  return out;
}

export function bytesOf(array: ArrayBufferView): Uint8Array {
  return new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
}

/** Every error a reader raises for a bad file is one line naming the file. */
export function isOneLineErrorAbout(path: string): (e: unknown) => boolean {
  return (e) => e instanceof Error && e.name === 'UserError' && !e.message.includes('\n') && e.message.includes(path);
}
