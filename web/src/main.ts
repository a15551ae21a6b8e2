// The explorer page: starts a tfjs backend (WebGL, else the CPU), then shows the run the explore
// server serves, or the checkpoint files a user picks.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-webgl';
import '@tensorflow/tfjs-backend-cpu';
import { openExplorerRun, type ExplorerRun } from '../../src/explore/explorer_run.js';
import { pickedCheckpoint, servedCheckpoint, type CheckpointFiles } from './checkpoint_files.js';
import { showRun } from './explorer_view.js';

// `?backend=cpu` puts the CPU first, to compare decode times with WebGL's.
const requested = new URLSearchParams(location.search).get('backend');
const BACKENDS = requested === 'cpu' ? ['cpu', 'webgl'] : ['webgl', 'cpu'];

const status = document.getElementById('status') as HTMLElement;
const errorLine = document.getElementById('error') as HTMLElement;
let current: ExplorerRun | null = null;

function showError(e: unknown): void {
  errorLine.textContent = e instanceof Error ? e.message : String(e);
  errorLine.hidden = false;
  document.body.dataset.state = 'error';
}

async function startBackend(): Promise<string> {
  for (const name of BACKENDS) {
    if (await tf.setBackend(name).catch(() => false)) return name;
  }
  throw new Error(`no tfjs backend starts in this browser (tried ${BACKENDS.join(', ')})`);
}

async function open(checkpoint: CheckpointFiles, backend: string): Promise<void> {
  document.body.dataset.state = 'loading';
  errorLine.hidden = true;
  const run = openExplorerRun(checkpoint.manifest, checkpoint.files, checkpoint.where);
  current?.model.dispose();
  current = run;
  const { config, step } = run;
  status.textContent = `${config.framework.name} on ${config.dataset.name}, ${config.model.architecture}, `
    + `${config.model.z_dim} latents, step ${step} · backend ${backend}`;
  await showRun(run, showError);
  document.body.dataset.state = 'ready';
}

const backend = await startBackend().catch((e: unknown) => {
  showError(e);
  return null;
});
document.body.dataset.backend = backend ?? 'none';
if (backend) {
  const picker = document.getElementById('checkpoint-files') as HTMLInputElement;
  picker.addEventListener('change', () => {
    if (picker.files?.length) pickedCheckpoint(picker.files).then((c) => open(c, backend)).catch(showError);
  });
  try {
    const served = await servedCheckpoint();
    if (served) await open(served, backend);
    else {
      status.textContent = `no run served · backend ${backend}`;
      (document.getElementById('hint') as HTMLElement).hidden = false;
      document.body.dataset.state = 'waiting';
    }
  } catch (e) {
    showError(e);
  }
}
