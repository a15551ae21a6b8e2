// What the sweep tests share: a run small enough to train and score in seconds, and waiting on
// processes and files from outside them.
import * as fs from 'node:fs';

/** A tiny ground-truth run: `steps` steps of batch 8 with a checkpoint every 2, scored by MIG alone. */
export function tinyRunConfig(steps: number): string {
  return `seed: 3
train:
  steps: ${steps}
  batch_size: 8
  lr: 1.0e-3
  checkpoint_every: 2
  log_every: 2
eval:
  metrics: [mig]
  representations: [mean]
  batch_size: 64
  mig:
    num_train: 200
viz:
  num_reconstructions: 4
  traversal_steps: 3
`;
}

/** Processes whose command line mentions `text` (a work directory only its run's child names). */
export function processesNaming(text: string): number[] {
  return fs.readdirSync('/proc').filter((p) => /^\d+$/.test(p)).filter((pid) => {
    try {
      return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(text);
    } catch {
      return false;
    }
  }).map(Number);
}

/** Polls `probe` every 50 ms until it gives a value. */
export async function waitFor<T>(what: string, timeoutMs: number, probe: () => T | undefined | Promise<T | undefined>): Promise<T> {
  const start = Date.now();
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
