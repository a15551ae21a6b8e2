// A run killed with SIGKILL resumes from its last complete checkpoint and ends with exactly the
// weights of a run that was never interrupted.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CLI, REPO_ROOT, runCli, tempDir, TINY_CONFIG, writeConfig } from './helpers.js';

const STEPS = 10;

function checkpointFiles(runDir: string): Record<string, Buffer> {
  const latest = fs.readFileSync(path.join(runDir, 'checkpoints', 'latest'), 'utf8').trim();
  assert.equal(latest, `step-${String(STEPS).padStart(7, '0')}`);
  const dir = path.join(runDir, 'checkpoints', latest);
  const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8'));
  return {
    weights: fs.readFileSync(path.join(dir, 'weights.bin')),
    optimizer: fs.readFileSync(path.join(dir, 'optimizer.bin')),
    rng: Buffer.from(JSON.stringify(manifest.rng)),
  };
}

/** Starts training and SIGKILLs it once `latest` names a checkpoint at or after `killAfterStep`. */
async function trainAndKill(config: string, out: string, killAfterStep: number): Promise<number> {
  const child = spawn(process.execPath, [CLI, 'train', config, '--out', out], { cwd: REPO_ROOT, stdio: 'ignore' });
  const latest = path.join(out, 'checkpoints', 'latest');
  return new Promise((resolve, reject) => {
    const timer = setInterval(() => {
      const name = fs.existsSync(latest) ? fs.readFileSync(latest, 'utf8').trim() : '';
      const step = Number(name.replace('step-', '')) || 0;
      if (step >= killAfterStep) {
        clearInterval(timer);
        child.kill('SIGKILL');
      }
    }, 5);
    child.on('exit', (code, signal) => {
      clearInterval(timer);
      if (signal === 'SIGKILL') resolve(Number(fs.readFileSync(latest, 'utf8').trim().replace('step-', '')));
      else reject(new Error(`training ended by itself (code ${code}) before it could be killed`));
    });
  });
}

test('kill -9 mid-run, resume, and the weights equal an uninterrupted run', async () => {
  const dir = tempDir('resume');
  const config = writeConfig(dir, TINY_CONFIG.replace('steps: 6', `steps: ${STEPS}`).replace('checkpoint_every: 2', 'checkpoint_every: 3'));

  const straight = path.join(dir, 'straight');
  const r = runCli(['train', config, '--out', straight]);
  assert.equal(r.status, 0, r.stderr);

  const killed = path.join(dir, 'killed');
  const stepAtKill = await trainAndKill(config, killed, 3);
  assert.ok(stepAtKill >= 3 && stepAtKill < STEPS, `killed at checkpoint step ${stepAtKill}`);
  const resumed = runCli(['train', '--resume', killed]);
  assert.equal(resumed.status, 0, resumed.stderr);

  const a = checkpointFiles(straight);
  const b = checkpointFiles(killed);
  assert.ok(a.weights.equals(b.weights), 'weights differ');
  assert.ok(a.optimizer.equals(b.optimizer), 'optimizer state differs');
  assert.ok(a.rng.equals(b.rng), 'random streams differ');
  assert.ok(fs.readdirSync(path.join(killed, 'checkpoints')).filter((d) => d.startsWith('step-')).length <= 2);
});
