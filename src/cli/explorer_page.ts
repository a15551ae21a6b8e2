// The explorer's built page, web/dist. `explore` builds it with Vite when it is missing or older
// than its sources (web/ and the src/ code it bundles), so neither `npm ci` nor CI spends time on
// it unless the page is used, and a checkout that changed the model code never serves a stale page.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { UserError } from '../util/errors.js';

const REPO_ROOT = path.resolve(import.meta.dirname, '../..');
const WEB_DIR = path.join(REPO_ROOT, 'web');
export const PAGE_DIR = path.join(WEB_DIR, 'dist');
const SOURCES = [path.join(WEB_DIR, 'index.html'), path.join(WEB_DIR, 'vite.config.ts'), path.join(WEB_DIR, 'src'), path.join(REPO_ROOT, 'src')];

function newestModification(entry: string): number {
  const stat = fs.statSync(entry);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return fs.readdirSync(entry).reduce((newest, name) => Math.max(newest, newestModification(path.join(entry, name))), stat.mtimeMs);
}

function pageIsCurrent(): boolean {
  const index = path.join(PAGE_DIR, 'index.html');
  return fs.existsSync(index) && fs.statSync(index).mtimeMs >= Math.max(...SOURCES.map(newestModification));
}

/** Builds the page (`npm run build:web`) unless web/dist is current; returns its directory. */
export function builtPage(log: (line: string) => void): string {
  if (pageIsCurrent()) return PAGE_DIR;
  const vite = path.join(REPO_ROOT, 'node_modules', 'vite', 'bin', 'vite.js');
  if (!fs.existsSync(vite)) {
    throw new UserError(`${PAGE_DIR}: the explorer page is missing or stale and vite is not installed (npm ci with dev dependencies, then npm run build:web)`);
  }
  log('building the explorer page (npm run build:web)');
  const build = spawnSync(process.execPath, [vite, 'build', '--config', path.join(WEB_DIR, 'vite.config.ts'), '--logLevel', 'warn'],
    { cwd: REPO_ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
  if (build.status !== 0) throw new Error(`building the explorer page failed (vite exited with ${build.status ?? build.signal})`);
  return PAGE_DIR;
}
