// Reading a whole original file for the readers that parse it in memory, with the one-line error
// every reader gives for a file it cannot open.
import * as fs from 'node:fs';
import { UserError } from '../../util/errors.js';

/** The file's bytes as a plain Uint8Array view (not a Buffer, whose slice() shares memory). */
export function readWholeFile(path: string): Uint8Array {
  try {
    const buffer = fs.readFileSync(path);
    return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  } catch (e) {
    throw new UserError(`${path}: cannot open (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
}
