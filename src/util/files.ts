// Everything we write goes to a temporary name beside its target and is renamed into place, so a
// crash never leaves a half-written file where a complete one is expected.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { UserError } from './errors.js';

let counter = 0;
function tempName(target: string): string {
  return path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}.${counter++}.tmp`);
}

export function writeFileAtomic(target: string, data: string | Uint8Array): void {
  const tmp = tempName(target);
  const fd = fs.openSync(tmp, 'w');
  try {
    fs.writeFileSync(fd, data);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, target);
}

/** Creates the new directory `target` complete or not at all: filled under a temporary name, then renamed. */
export function writeDirAtomic(target: string, fill: (dir: string) => void): void {
  if (fs.existsSync(target)) throw new Error(`${target} already exists`);
  const tmp = tempName(target);
  fs.mkdirSync(tmp, { recursive: true });
  try {
    fill(tmp);
    fs.renameSync(tmp, target);
  } catch (e) {
    fs.rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
}

/** Fails early, with the path, when a run directory cannot be created or written. */
export function ensureWritableDir(dir: string): void {
  try {
    fs.mkdirSync(dir, { recursive: true });
    fs.accessSync(dir, fs.constants.W_OK);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
    throw new UserError(`${dir}: output directory is not writable (${code})`);
  }
}
