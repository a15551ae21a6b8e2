// `disentangle viz RUN_DIR`: every picture of a trained ground-truth run from its latest checkpoint,
// into RUN_DIR/viz/ with an index.html that shows them all (src/viz/run_viz.ts draws them).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { latestCheckpoint } from '../train/checkpoint.js';
import { restoreSession } from '../train/session.js';
import { UserError } from '../util/errors.js';
import { runPictures } from '../viz/run_viz.js';
import { writeVizDir } from '../viz/viz_dir.js';
import { collect, withBackend, type Program } from './backend.js';
import { runTask } from './tasks.js';

/** Draws the run's pictures into RUN_DIR/viz; returns the paths written, index.html last. */
export async function visualizeRun(runDir: string, overrides: readonly string[] = [], log: (line: string) => void = () => {}): Promise<string[]> {
  if (!fs.existsSync(runDir)) throw new UserError(`${runDir}: no such run directory`);
  const task = runTask(runDir);
  if (task) throw new UserError(`${runDir}: a ${task} run, whose pictures \`disentangle eval\` writes; \`disentangle viz\` draws ground-truth runs`);
  const session = await restoreSession(latestCheckpoint(runDir), overrides);
  try {
    const started = performance.now();
    const pictures = await runPictures(session, (line) => log(`${line} (${((performance.now() - started) / 1000).toFixed(1)} s)`));
    const { dataset, config } = session;
    return writeVizDir(path.join(runDir, 'viz'), `${path.basename(path.resolve(runDir))}: ${config.framework.name} on ${dataset.name}, step ${session.step}`, pictures);
  } finally {
    session.framework.dispose();
  }
}

export function registerVizCommand(program: Program): void {
  program.command('viz')
    .description("draw a ground-truth run's pictures from its latest checkpoint into RUN_DIR/viz/ (open RUN_DIR/viz/index.html)")
    .argument('<runDir>', 'run directory')
    .option('--set <key=value>', 'override a viz or eval setting (repeatable), e.g. --set viz.num_animations=1', collect, [] as string[])
    .action(async (runDir, opts) => {
      await withBackend(program, 'auto', async () => {
        const files = await visualizeRun(runDir, opts.set, (line) => console.log(line));
        console.log(`done: ${files.length} files in ${path.join(runDir, 'viz')}, open ${files[files.length - 1]}`);
      });
    });
}
