// `disentangle sweep --queue` and `disentangle worker` against a real Redis (Debian's redis-server,
// started here on a free loopback port): two workers share four runs, one is killed with SIGKILL
// mid-run, its run's child exits with it, BullMQ's stalled-job check hands the run to the other
// worker, which resumes it from the dead one's checkpoint, and every run ends with exactly one result
// set. Submitting the sweep again finds every job done and starts nothing.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { Queue } from 'bullmq';
import { DEFAULT_QUEUE_NAME } from '../../src/cli/sweep_command.js';
import { CLI, REPO_ROOT, runCli, tempDir } from '../cli/helpers.js';
import { processesNaming, tinyRunConfig, waitFor } from './sweep_helpers.js';

const REDIS_SERVER = '/usr/bin/redis-server';
const haveRedis = fs.existsSync(REDIS_SERVER);
const skip = !haveRedis && process.env.CI !== 'true' ? `${REDIS_SERVER} not installed (apt-get install redis-server; CI installs it)` : false;

const scratch = tempDir('queue');
const started: ChildProcess[] = [];
after(() => {
  for (const child of started) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  fs.rmSync(scratch, { recursive: true, force: true });
});


function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.on('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });
}

interface Started {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

function start(command: string, args: string[]): Started {
  const child = spawn(command, args, { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  started.push(child);
  let text = '';
  child.stdout?.on('data', (d) => (text += d));
  child.stderr?.on('data', (d) => (text += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => text, exited };
}

/** Every directory under `root` (dot-directories included) holding `name`. */
function dirsHolding(root: string, name: string): string[] {
  return fs.readdirSync(root, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name === name)
    .map((e) => path.relative(root, e.parentPath));
}

test('two workers, one killed mid-run: every run completes exactly once, the killed one resumed by the other worker', { skip, timeout: 900_000 }, async () => {
  assert.ok(haveRedis, `${REDIS_SERVER} is missing: CI must install redis-server (.ci/run)`);
  const port = await freePort();
  const redis = start(REDIS_SERVER, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no']);
  await waitFor('redis-server to accept connections', 30_000, async () => ((await accepts(port)) ? true : undefined));
  const url = `redis://127.0.0.1:${port}`;

  fs.writeFileSync(path.join(scratch, 'tiny.yaml'), tinyRunConfig(8));
  const sweepFile = path.join(scratch, 'sweep.yaml');
  fs.writeFileSync(sweepFile, 'base: tiny.yaml\ngrid:\n  framework.beta: [1, 4]\nseeds: [0, 1]\n');
  const out = path.join(scratch, 'out');

  const workerArgs = [CLI, 'worker', '--queue', url, '--lock-duration', '2000', '--stalled-interval', '1000'];
  const doomed = start(process.execPath, workerArgs);
  const survivor = start(process.execPath, workerArgs);
  const submitter = start(process.execPath, [CLI, 'sweep', sweepFile, '--out', out, '--queue', url]);

  // Kill the first worker once one of its runs has written a checkpoint.
  const doomedPid = doomed.child.pid as number;
  const partial = path.join(out, '.partial');
  const workDir = await waitFor('a checkpoint of the doomed worker', 300_000, () => {
    const name = (fs.existsSync(partial) ? fs.readdirSync(partial) : []).find((n) => n.includes(`-${doomedPid}-`));
    return name && fs.existsSync(path.join(partial, name, 'checkpoints', 'latest')) ? path.join(partial, name) : undefined;
  });
  doomed.child.kill('SIGKILL');
  await doomed.exited;
  await waitFor("the killed worker's run to stop", 30_000, () => (processesNaming(workDir).length === 0 ? true : undefined));

  const code = await submitter.exited;
  assert.equal(code, 0, submitter.output());
  assert.match(submitter.output(), /4 runs done, 0 already finished \(skipped\), 1 resumed, 0 failed/);
  const ids: string[] = JSON.parse(fs.readFileSync(path.join(out, 'sweep.json'), 'utf8')).runs.map((r: { id: string }) => r.id);
  const killed = ids.find((id) => path.basename(workDir).startsWith(`${id}.`)) as string;
  assert.ok(killed, workDir);

  assert.deepEqual(dirsHolding(out, 'metrics.json').sort(), [...ids].sort(), 'one result set per run, nothing left in .partial');
  assert.deepEqual(fs.readdirSync(partial), []);
  for (const id of ids) {
    assert.equal(JSON.parse(fs.readFileSync(path.join(out, id, 'metrics.json'), 'utf8')).step, 8, id);
    const attempts = fs.readFileSync(path.join(out, 'logs', `${id}.log`), 'utf8').match(/^== .*$/gm) ?? [];
    if (id !== killed) {
      assert.equal(attempts.length, 1, `${id}: ${attempts.join(' / ')}`);
      continue;
    }
    assert.equal(attempts.length, 2, attempts.join(' / '));
    assert.match(attempts[0], new RegExp(`pid ${doomedPid}: starting`));
    assert.match(attempts[1], new RegExp(`pid ${survivor.child.pid}: resuming from step [1-9]\\d* in `));
  }
  assert.ok(survivor.output().includes(`run ${killed}: done (resumed)`), survivor.output());
  assert.ok(fs.existsSync(path.join(out, 'results.csv')));

  const queue = new Queue(DEFAULT_QUEUE_NAME, { connection: { host: '127.0.0.1', port } });
  try {
    for (const id of ids) assert.equal(await queue.getJob(id).then((job) => job?.getState()), 'completed', id);
    assert.equal((await queue.getJobCounts('completed')).completed, 4);
  } finally {
    await queue.close();
  }

  const logs = ids.map((id) => fs.readFileSync(path.join(out, 'logs', `${id}.log`), 'utf8'));
  const again = runCli(['sweep', sweepFile, '--out', out, '--queue', url]);
  assert.equal(again.status, 0, again.stdout + again.stderr);
  assert.match(again.stdout, /0 runs done, 4 already finished \(skipped\), 0 resumed, 0 failed/);
  assert.deepEqual(ids.map((id) => fs.readFileSync(path.join(out, 'logs', `${id}.log`), 'utf8')), logs, 'nothing started again');

  survivor.child.kill('SIGTERM');
  assert.equal(await survivor.exited, 143);
  redis.child.kill('SIGTERM');
  await redis.exited;
});
