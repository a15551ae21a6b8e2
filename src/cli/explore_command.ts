// `disentangle explore RUN_DIR [--port N]`: serves the explorer page with the run's latest
// checkpoint on 127.0.0.1 and prints its address; the page does the model work in the browser.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseExplorerManifest, weightFiles } from '../explore/explorer_run.js';
import { latestCheckpoint } from '../train/checkpoint.js';
import { UserError } from '../util/errors.js';
import type { Program } from './backend.js';
import { builtPage } from './explorer_page.js';
import { serveExplorer } from './explorer_server.js';

function parsePort(text: string): number {
  const port = Number(text);
  if (!(Number.isInteger(port) && port >= 0 && port <= 65535)) throw new UserError(`--port: expected a port number 0-65535, got '${text}'`);
  return port;
}

export function registerExploreCommand(program: Program): void {
  program.command('explore')
    .description("explore a run's latents in a browser: inputs, reconstructions, one slider per latent, traversals")
    .argument('<runDir>', 'run directory (its latest checkpoint is shown)')
    .option('--port <n>', 'port on 127.0.0.1 (default: a free one)', '0')
    .action(async (runDir, opts) => {
      const port = parsePort(opts.port);
      const checkpoint = latestCheckpoint(runDir);
      const manifestFile = path.join(checkpoint, 'manifest.json');
      if (!fs.existsSync(manifestFile)) throw new UserError(`${manifestFile}: checkpoint manifest is missing`);
      const manifest = parseExplorerManifest(fs.readFileSync(manifestFile, 'utf8'), manifestFile);
      const url = await serveExplorer(builtPage(console.log), checkpoint, weightFiles(manifest), port);
      console.log(`explorer: ${url} (${path.basename(checkpoint)} of ${runDir}; Ctrl-C stops it)`);
    });
}
