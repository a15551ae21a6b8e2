// Where the page's checkpoint comes from: the run `disentangle explore` serves under run/, or the
// files a user picks. Nothing else is fetched.
import type { Config } from '../../src/config/schema.js';
import { parseExplorerManifest, weightFiles } from '../../src/explore/explorer_run.js';
import type { CheckpointManifest } from '../../src/train/checkpoint_format.js';
import { UserError } from '../../src/util/errors.js';

export interface CheckpointFiles {
  manifest: CheckpointManifest<Config>;
  files: Map<string, Uint8Array>;
  /** How the checkpoint is named in messages. */
  where: string;
}

const SERVED = 'run/';

/** The checkpoint the explore server serves, or null when the page is served without one. */
export async function servedCheckpoint(): Promise<CheckpointFiles | null> {
  const response = await fetch(`${SERVED}manifest.json`);
  // Static servers answer a missing file with 404, or (single-page fallbacks) with this page.
  if (!response.ok || !(response.headers.get('content-type') ?? '').includes('json')) return null;
  const manifest = parseExplorerManifest(await response.text(), `${SERVED}manifest.json`);
  const files = new Map<string, Uint8Array>();
  for (const name of weightFiles(manifest)) {
    const weights = await fetch(`${SERVED}${name}`);
    if (!weights.ok) throw new UserError(`${SERVED}${name}: the server answered ${weights.status}`);
    files.set(name, new Uint8Array(await weights.arrayBuffer()));
  }
  return { manifest, files, where: SERVED.slice(0, -1) };
}

/** The checkpoint in the files a user picked: manifest.json and the weight files it lists. */
export async function pickedCheckpoint(picked: FileList): Promise<CheckpointFiles> {
  const byName = new Map([...picked].map((file) => [file.name, file]));
  const manifestFile = byName.get('manifest.json');
  if (!manifestFile) throw new UserError('picked files: no manifest.json among them (pick manifest.json and weights.bin together)');
  const manifest = parseExplorerManifest(await manifestFile.text(), 'manifest.json');
  const files = new Map<string, Uint8Array>();
  for (const name of weightFiles(manifest)) {
    const file = byName.get(name);
    if (!file) throw new UserError(`picked files: ${name} is missing (manifest.json lists it; pick both files together)`);
    files.set(name, new Uint8Array(await file.arrayBuffer()));
  }
  return { manifest, files, where: 'picked checkpoint' };
}
