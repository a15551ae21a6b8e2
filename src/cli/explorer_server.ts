// The explorer's HTTP server on 127.0.0.1: the built page, and under run/ the checkpoint's manifest
// and the weight files it lists (nothing else of the run directory).
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { UserError } from '../util/errors.js';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.bin': 'application/octet-stream',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

/** The file a request path names, or null: page files inside `pageDir`, run files by exact name. */
function resolveRequest(urlPath: string, pageDir: string, runFiles: ReadonlyMap<string, string>): string | null {
  if (urlPath.startsWith('/run/')) return runFiles.get(urlPath.slice('/run/'.length)) ?? null;
  const file = path.resolve(pageDir, `.${urlPath === '/' ? '/index.html' : urlPath}`);
  const inside = file.startsWith(`${pageDir}${path.sep}`);
  return inside && fs.existsSync(file) && fs.statSync(file).isFile() ? file : null;
}

/**
 * Serves `pageDir` with the checkpoint in `checkpointDir` (its manifest.json and `weightFiles`) under
 * run/, on 127.0.0.1:`port` (0: a free port), until the process ends; returns its address.
 */
export async function serveExplorer(pageDir: string, checkpointDir: string, weightFiles: readonly string[], port: number): Promise<string> {
  const runFiles = new Map(['manifest.json', ...weightFiles].map((name) => [name, path.join(checkpointDir, name)]));
  const server = http.createServer((request, response) => {
    let urlPath: string;
    try {
      urlPath = decodeURIComponent(new URL(request.url ?? '/', 'http://localhost').pathname);
    } catch {
      response.writeHead(400).end();
      return;
    }
    const file = request.method === 'GET' || request.method === 'HEAD' ? resolveRequest(urlPath, path.resolve(pageDir), runFiles) : null;
    if (!file) {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    response.writeHead(200, {
      'content-type': CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream',
      // The run's files change when training goes on; the page's are named by content hash.
      'cache-control': 'no-store',
    });
    if (request.method === 'HEAD') response.end();
    else fs.createReadStream(file).on('error', () => response.destroy()).pipe(response);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) => {
      reject(e.code === 'EADDRINUSE' ? new UserError(`--port ${port}: already in use on 127.0.0.1`) : e);
    });
    server.listen(port, '127.0.0.1', resolve);
  });
  const { port: bound } = server.address() as AddressInfo;
  return `http://127.0.0.1:${bound}/`;
}
