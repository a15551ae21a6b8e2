// `disentangle sweep` with the local pool, run as a user runs it: four tiny runs on two workers
// end in one result set each and a results table by the sweep's axis; a second invocation re-runs
// nothing; a failed run is reported with its log while the others finish; a sweep killed mid-run
// takes its run's child down with it, and the next invocation resumes that run from its checkpoint.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CLI, REPO_ROOT, runCli, tempDir } from '../cli/helpers.js';
import { processesNaming, tinyRunConfig, waitFor } from './sweep_helpers.js';
import { threadsPerRun } from '../../src/study/local_runner.js';

const scratch = tempDir('sweep');
after(() => fs.rmSync(scratch, { recursive: true, force: true }));

fs.writeFileSync(path.join(scratch, 'tiny.yaml'), tinyRunConfig(4));

function writeSweep(name: string, text: string): string {
  const file = path.join(scratch, `${name}.yaml`);
  fs.writeFileSync(file, `base: tiny.yaml\n${text}`);
  return file;
}

function planIds(out: string): string[] {
  return JSON.parse(fs.readFileSync(path.join(out, 'sweep.json'), 'utf8')).runs.map((r: { id: string }) => r.id);
}

function metricsOf(out: string, id: string): { step: number; seed: number } {
  return JSON.parse(fs.readFileSync(path.join(out, id, 'metrics.json'), 'utf8'));
}

function partials(out: string): string[] {
  const dir = path.join(out, '.partial');
  return fs.existsSync(dir) ? fs.readdirSync(dir) : [];
}

test('threads per run keep workers x threads within the cores', () => {
  assert.equal(threadsPerRun(2, 16), 8);
  assert.equal(threadsPerRun(3, 16), 5);
  assert.equal(threadsPerRun(4, 2), 1);
});

test('four runs on two workers: one result set each, a table by the axis, and a second invocation re-runs nothing', () => {
  const sweep = writeSweep('grid', 'grid:\n  framework.beta: [1, 4]\nseeds: [0, 1]\n');
  const out = path.join(scratch, 'grid');
  const first = runCli(['sweep', sweep, '--out', out, '--workers', '2'], 600_000);
  assert.equal(first.status, 0, first.stdout + first.stderr);
  assert.match(first.stdout, /4 runs done, 0 already finished \(skipped\), 0 resumed, 0 failed/);
  assert.match(first.stdout, /sweep .* 4\/4 runs \| running 0 \| failed 0/);

  const ids = planIds(out);
  assert.deepEqual(ids.map((id) => id.replace(/,[0-9a-f]{8}$/, '')), ['beta=1,seed=0', 'beta=1,seed=1', 'beta=4,seed=0', 'beta=4,seed=1']);
  for (const id of ids) {
    const metrics = metricsOf(out, id);
    assert.equal(metrics.step, 4, id);
    assert.equal(metrics.seed, Number(id.match(/seed=(\d)/)?.[1]), id);
    const log = fs.readFileSync(path.join(out, 'logs', `${id}.log`), 'utf8');
    assert.equal(log.match(/^== /gm)?.length, 1, `${id}: one attempt`);
    assert.ok(log.includes(`--threads ${threadsPerRun(2)} run `), 'each of two workers gets half the cores');
  }
  assert.deepEqual(partials(out), []);
  const csv = fs.readFileSync(path.join(out, 'results.csv'), 'utf8').trim().split('\n');
  assert.equal(csv[0], 'framework.beta,mig.discrete_mig.mean,mig.discrete_mig.std,n_runs');
  assert.deepEqual(csv.slice(1).map((row) => [row.split(',')[0], row.split(',').at(-1)]), [['1', '2'], ['4', '2']]);
  for (const file of ['results.md', 'results.svg', 'results.png']) assert.ok(fs.existsSync(path.join(out, file)), file);

  const modified = (file: string) => fs.statSync(file).mtimeMs;
  const before = ids.map((id) => modified(path.join(out, id, 'metrics.json')));
  const logsBefore = ids.map((id) => fs.readFileSync(path.join(out, 'logs', `${id}.log`), 'utf8'));
  const second = runCli(['sweep', sweep, '--out', out, '--workers', '2']);
  assert.equal(second.status, 0, second.stdout + second.stderr);
  assert.match(second.stdout, /0 runs done, 4 already finished \(skipped\), 0 resumed, 0 failed/);
  assert.deepEqual(ids.map((id) => modified(path.join(out, id, 'metrics.json'))), before);
  assert.deepEqual(ids.map((id) => fs.readFileSync(path.join(out, 'logs', `${id}.log`), 'utf8')), logsBefore, 'no run started again');
});

test('a failed run is reported with its log, the others finish, and the exit code is non-zero', () => {
  // cars3d is read from its original file, which no run here names: that run fails when it starts.
  const sweep = writeSweep('failing', 'grid:\n  dataset.name: [cars3d, dsprites]\n');
  const out = path.join(scratch, 'failing');
  const r = runCli(['sweep', sweep, '--out', out, '--workers', '2'], 600_000);
  assert.equal(r.status, 1, r.stdout + r.stderr);
  const [failing, fine] = planIds(out);
  const log = path.join(out, 'logs', `${failing}.log`);
  assert.ok(r.stdout.includes(`failed: ${failing} (exit code 1); log: ${log}`), r.stdout);
  assert.match(fs.readFileSync(log, 'utf8'), /dataset 'cars3d' is read from its original file: set dataset.path/);
  assert.equal(r.stderr.trim(), `error: 1 of 2 runs failed; their logs are in ${path.join(out, 'logs')}`);
  assert.equal(metricsOf(out, fine).step, 4);
  assert.match(fs.readFileSync(path.join(out, 'results.csv'), 'utf8'), /^dataset\.name,.*\ndsprites,.*,1\n$/);
});

test('a sweep killed mid-run takes its child down, and the next invocation resumes the run from its checkpoint', async () => {
  const sweep = writeSweep('resume', 'set:\n  train.steps: 10\n');
  const out = path.join(scratch, 'resume');
  const child = spawn(process.execPath, [CLI, 'sweep', sweep, '--out', out, '--workers', '1'], { cwd: REPO_ROOT, stdio: 'ignore' });
  const exited = new Promise((resolve) => child.on('exit', resolve));
  const workDir = await waitFor('a checkpoint', 300_000, () => {
    const name = partials(out)[0];
    const latest = name && path.join(out, '.partial', name, 'checkpoints', 'latest');
    return latest && fs.existsSync(latest) ? path.join(out, '.partial', name) : undefined;
  });
  child.kill('SIGKILL');
  await exited;
  await waitFor("the run's child to stop", 30_000, () => (processesNaming(workDir).length === 0 ? true : undefined));
  const [id] = planIds(out);
  assert.equal(fs.existsSync(path.join(out, id)), false);

  const r = runCli(['sweep', sweep, '--out', out, '--workers', '1'], 600_000);
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /1 runs done, 0 already finished \(skipped\), 1 resumed, 0 failed/);
  assert.match(fs.readFileSync(path.join(out, 'logs', `${id}.log`), 'utf8'), /resuming from step [1-9]\d* in /);
  assert.equal(metricsOf(out, id).step, 10);
  assert.deepEqual(partials(out), []);
});
