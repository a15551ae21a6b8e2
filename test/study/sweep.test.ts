// Expanding a sweep file: grid (cartesian product), zip (lockstep), seeds, shared overrides and
// metrics into the exact list of runs and overrides; ids that are readable, stable and given by the
// resolved config alone; one-line errors naming file:line; sweep.json written.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { formatOverride, loadSweep, writeSweepPlan } from '../../src/study/sweep.js';
import { UserError } from '../../src/util/errors.js';
import { runCli } from '../cli/helpers.js';

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'sweep-test-'));
after(() => fs.rmSync(scratch, { recursive: true, force: true }));

fs.writeFileSync(path.join(scratch, 'base.yaml'), 'seed: 7\nframework:\n  name: beta_vae\n  beta: 4\ntrain:\n  steps: 10\n');

let files = 0;
function sweepFile(text: string): string {
  const file = path.join(scratch, `sweep-${files++}.yaml`);
  fs.writeFileSync(file, text);
  return file;
}

function expectError(text: string, pattern: RegExp): void {
  const file = sweepFile(text);
  assert.throws(() => loadSweep(file), (e: unknown) => {
    assert.ok(e instanceof UserError, String(e));
    assert.equal(e.message.includes('\n'), false, 'one line');
    assert.match(e.message, pattern);
    assert.equal(e.exitCode, 2);
    return true;
  });
}

const ID = /^(.*),([0-9a-f]{8})$/;
const slugOf = (id: string) => (ID.exec(id) as RegExpExecArray)[1];
const hashOf = (id: string) => (ID.exec(id) as RegExpExecArray)[2];

test('grid is the cartesian product (first axis slowest), then seeds innermost, with shared overrides first', () => {
  const sweep = loadSweep(sweepFile(`base: base.yaml
set:
  train.steps: 5
grid:
  framework.beta: [1, 4]
  framework.name: [beta_vae, beta_tcvae]
seeds: [0, 1]
metrics: [mig, dci]
`));
  assert.deepEqual(sweep.axes, ['framework.beta', 'framework.name', 'seed']);
  assert.deepEqual(sweep.collectBy, ['framework.beta', 'framework.name']);
  assert.deepEqual(sweep.runs.map((r) => slugOf(r.id)), [
    'beta=1,name=beta_vae,seed=0', 'beta=1,name=beta_vae,seed=1', 'beta=1,name=beta_tcvae,seed=0', 'beta=1,name=beta_tcvae,seed=1',
    'beta=4,name=beta_vae,seed=0', 'beta=4,name=beta_vae,seed=1', 'beta=4,name=beta_tcvae,seed=0', 'beta=4,name=beta_tcvae,seed=1',
  ]);
  assert.deepEqual(sweep.runs[2].overrides, ['train.steps=5', 'eval.metrics=["mig","dci"]', 'framework.beta=1', 'framework.name=beta_tcvae', 'seed=0']);
  assert.deepEqual(sweep.runs[2].values, { 'framework.beta': 1, 'framework.name': 'beta_tcvae', seed: 0 });
  assert.equal(new Set(sweep.runs.map((r) => hashOf(r.id))).size, 8);
});

test('zip takes its lists in lockstep and crosses them with the grid', () => {
  const sweep = loadSweep(sweepFile(`base: base.yaml
grid:
  seed: [1, 2]
zip:
  framework.beta: [1, 16]
  train.lr: [0.001, 0.0001]
`));
  assert.deepEqual(sweep.runs.map((r) => slugOf(r.id)), [
    'seed=1,beta=1,lr=0.001', 'seed=1,beta=16,lr=0.0001', 'seed=2,beta=1,lr=0.001', 'seed=2,beta=16,lr=0.0001',
  ]);
  assert.deepEqual(sweep.runs[1].overrides, ['seed=1', 'framework.beta=16', 'train.lr=0.0001']);
  assert.deepEqual(sweep.collectBy, ['framework.beta', 'train.lr'], 'seeds are averaged over, never a group');
});

test('the same sweep gives the same ids, and the hash is that of the resolved config however it was spelled', () => {
  const text = 'base: base.yaml\ngrid:\n  framework.beta: [1, 4]\nseeds: [0, 3]\n';
  const first = loadSweep(sweepFile(text)).runs.map((r) => r.id);
  const again = loadSweep(sweepFile(text)).runs.map((r) => r.id);
  assert.deepEqual(first, again);
  // beta=4, seed=3 reached through `set` instead of axes: another slug, the same config, so the same hash.
  const spelled = loadSweep(sweepFile('base: base.yaml\nset:\n  framework.beta: 4\n  seed: 3\n')).runs;
  assert.equal(spelled.length, 1);
  assert.equal(spelled[0].id, hashOf(first[3]));
  assert.equal(slugOf(first[3]), 'beta=4,seed=3');
  // The base's own seed (7) and beta (4) with no axes: one run named by its hash alone.
  assert.match(loadSweep(sweepFile('base: base.yaml\n')).runs[0].id, /^[0-9a-f]{8}$/);
});

test('overrides read back through --set (YAML) as the values they were', () => {
  for (const value of ['beta_vae', 'true', '1.5', 'a: b', '', 3, 1e-4, -2, true, null, [1, 2], { a: 1 }]) {
    const override = formatOverride('framework.x', value);
    assert.deepEqual(parseYaml(override.slice(override.indexOf('=') + 1)), value, override);
  }
  assert.equal(formatOverride('k', 'true'), 'k="true"');
  assert.equal(formatOverride('k', 'beta_vae'), 'k=beta_vae');
  assert.equal(formatOverride('k', [1, 2]), 'k=[1,2]');
});

test('zip lists of unequal length: one line naming the file, line and key', () => {
  expectError('base: base.yaml\nzip:\n  framework.beta: [1, 4, 16]\n  seed: [0, 1]\n',
    /sweep-\d+\.yaml:4:9: zip\.seed: 2 values, but zip\.framework\.beta has 3: zip lists go in lockstep and must be equal in length$/);
});

test('through the CLI: the one line on stderr, exit code 2, and nothing written', () => {
  const file = sweepFile('base: base.yaml\nzip:\n  framework.beta: [1, 4]\n  seed: [0]\n');
  const out = path.join(scratch, 'refused');
  const r = runCli(['sweep', file, '--out', out]);
  assert.equal(r.status, 2);
  assert.equal(r.stderr, `error: ${file}:4:9: zip.seed: 1 value, but zip.framework.beta has 2: zip lists go in lockstep and must be equal in length\n`);
  assert.equal(fs.existsSync(out), false);
});

test('other mistakes are one line naming where', () => {
  expectError('base: base.yaml\ngrid:\n  framework.beta: 4\n', /sweep-\d+\.yaml:3:19: grid\.framework\.beta: .*array/);
  expectError('base: base.yaml\ngrid:\n  framework.beta: []\n', /:3:19: grid\.framework\.beta: an axis needs at least one value$/);
  expectError('base: base.yaml\nset:\n  seed: 1\nseeds: [0, 1]\n', /:4:8: seeds: seed is also set in set$/);
  expectError('base: base.yaml\nset:\n  framework.beta: 1\ngrid:\n  framework.beta: [2]\n', /:5:19: grid\.framework\.beta: also set in set: a key can be in one place only$/);
  expectError('base: base.yaml\ngrids:\n  seed: [1]\n', /:2:1: grids: unknown key 'grids'$/);
  expectError('base: missing.yaml\n', /base: no such config .*missing\.yaml$/);
  expectError('base: base.yaml\ngrid:\n  framework.beta: [1, -2]\n', /run beta=-2: --set framework\.beta: /);
  expectError('base: base.yaml\nzip:\n  framework.beta: [4, 4]\n  train.steps: [10, 10]\n', /runs beta=4,steps=10 and beta=4,steps=10 have the same resolved config$/);
});

test('writeSweepPlan writes sweep.json and the base config under a name given by its content', () => {
  const sweep = loadSweep(sweepFile('base: base.yaml\ngrid:\n  framework.beta: [1, 4]\n'));
  const out = path.join(scratch, 'out');
  writeSweepPlan(sweep, out);
  const plan = JSON.parse(fs.readFileSync(path.join(out, 'sweep.json'), 'utf8'));
  assert.deepEqual(plan.runs.map((r: { id: string }) => r.id), sweep.runs.map((r) => r.id));
  assert.match(plan.base, /^base-[0-9a-f]{8}\.yaml$/);
  assert.equal(fs.readFileSync(path.join(out, plan.base), 'utf8'), fs.readFileSync(path.join(scratch, 'base.yaml'), 'utf8'));
  assert.deepEqual(fs.readdirSync(out).filter((f) => f.endsWith('.tmp')), []);
});
