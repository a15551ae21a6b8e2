// Writes a viz directory: every picture's files, each to a temporary name renamed into place, then
// the index.html that shows them.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { writeFileAtomic } from '../util/files.js';
import { indexPage, type VizPicture } from './index_page.js';

export const INDEX_FILE = 'index.html';

/** Returns the paths written, index.html last. */
export function writeVizDir(dir: string, title: string, pictures: readonly VizPicture[]): string[] {
  fs.mkdirSync(dir, { recursive: true });
  const written = pictures.flatMap((picture) => [picture.shown, ...(picture.copies ?? [])]).map((file) => {
    const target = path.join(dir, file.name);
    writeFileAtomic(target, file.data);
    return target;
  });
  const index = path.join(dir, INDEX_FILE);
  writeFileAtomic(index, indexPage(title, pictures));
  return [...written, index];
}
