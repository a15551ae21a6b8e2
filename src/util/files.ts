// Everything we write goes to a temporary name beside its target and is renamed into place, so a
// crash never leaves a half-written file where a complete one is expected.
import * as fs from 'node:fs';
import * as path from 'node:path';

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

/**
 * Fills a fresh temporary directory with `fill`, then renames it to `target`, replacing any
 * directory already there. The old one is moved aside first and deleted only once the new one is
 * in place, so at every moment either the old or the new complete directory exists.
 */
export function writeDirAtomic(target: string, fill: (dir: string) => void): void {
  const tmp = tempName(target);
  fs.rmSync(tmp, { recursive: true, force: true });
  fs.mkdirSync(tmp, { recursive: true });
  fill(tmp);
  const old = fs.existsSync(target) ? `${tmp}.old` : null;
  if (old) fs.renameSync(target, old);
  fs.renameSync(tmp, target);
  if (old) fs.rmSync(old, { recursive: true, force: true });
}
