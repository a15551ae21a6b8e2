// The explorer page in a real browser: Debian's Chromium driven by playwright-core loads the page
// `disentangle explore` serves for a freshly trained tiny run, checks its first input and
// reconstruction against the same src/ code run in Node, moves a slider and checks that the
// decoded image changed, opens the same checkpoint through the file picker, and screenshots the page.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { chromium, type Page } from 'playwright-core';
import { decodeLatents, encodeInputs, openExplorerRun, parseExplorerManifest, sampleInputs, weightFiles } from '../../src/explore/explorer_run.js';
import { CLI, REPO_ROOT, runCli, tempDir, TINY_CONFIG, writeConfig } from '../cli/helpers.js';

const CHROMIUM = '/usr/bin/chromium';
// This machine's network is closed: without these Chromium tries Google's hosts at every start.
const CHROMIUM_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const SLIDER_MOVES = 20;
/** WebGL computes in float32 textures, or float16 where those are missing; the CPU in float32. */
const DECODE_TOLERANCE = 3;

/** Starts `disentangle explore` and resolves with the URL it prints. */
function startExplorer(runDir: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [CLI, 'explore', runDir], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  return new Promise((resolve, reject) => {
    const collect = (chunk: Buffer) => {
      output += chunk.toString();
      const found = /explorer: (http:\/\/127\.0\.0\.1:\d+\/)/.exec(output);
      if (found) resolve({ child, url: found[1] });
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.on('exit', (code) => reject(new Error(`explore exited with ${code} before serving:\n${output}`)));
  });
}

/** The red channel of a canvas on the page (the images are grey). */
function canvasGrey(page: Page, selector: string): Promise<number[]> {
  return page.locator(selector).evaluate((canvas: HTMLCanvasElement) =>
    Array.from(canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data.filter((_, i) => i % 4 === 0)));
}

/** The first input and its reconstruction as the page's code computes them, here in Node on the CPU, as bytes. */
async function firstInputInNode(checkpoint: string): Promise<{ input: number[]; reconstruction: number[] }> {
  await tf.setBackend('cpu');
  const manifestFile = path.join(checkpoint, 'manifest.json');
  const manifest = parseExplorerManifest(fs.readFileSync(manifestFile, 'utf8'), manifestFile);
  const run = openExplorerRun(manifest, new Map(weightFiles(manifest).map((f) => [f, fs.readFileSync(path.join(checkpoint, f))])), checkpoint);
  const inputs = sampleInputs(run, 1);
  const reconstruction = await decodeLatents(run, encodeInputs(run, inputs, 1).means, 1);
  run.model.dispose();
  const bytes = (pixels: Float32Array) => Array.from(pixels, (v) => Math.round(255 * v));
  return { input: bytes(inputs), reconstruction: bytes(reconstruction) };
}

async function decodeCount(page: Page): Promise<number> {
  return Number(await page.locator('#decode-time').getAttribute('data-decodes') ?? 0);
}

function chromiumOrSkip(t: TestContext): boolean {
  if (fs.existsSync(CHROMIUM)) return true;
  const reason = `${CHROMIUM} is missing (apt-get install -y chromium)`;
  assert.notEqual(process.env.CI, 'true', `in CI the browser test must run: ${reason}`);
  t.skip(reason);
  return false;
}

test('the explorer page loads a trained checkpoint, re-decodes on slider moves and opens picked files', { timeout: 600_000 }, async (t) => {
  if (!chromiumOrSkip(t)) return;
  const dir = tempDir('explorer');
  const runDir = path.join(dir, 'run');
  const trained = runCli(['train', writeConfig(dir, TINY_CONFIG), '--out', runDir]);
  assert.equal(trained.status, 0, trained.stderr);

  const { child, url } = await startExplorer(runDir);
  t.after(() => child.kill());
  const browser = await chromium.launchPersistentContext(path.join(dir, 'chromium-profile'), {
    executablePath: CHROMIUM, headless: true, args: CHROMIUM_FLAGS,
  });
  try {
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('request', (r) => {
      if (!r.url().startsWith(url)) problems.push(`request outside the explore server: ${r.url()}`);
    });
    await page.goto(url);
    await page.waitForSelector('body[data-state="ready"], body[data-state="error"]', { timeout: 180_000 });
    assert.equal(await page.getAttribute('body', 'data-state'), 'ready', await page.locator('#error').textContent() ?? '');
    const backend = await page.getAttribute('body', 'data-backend');
    t.diagnostic(`backend: ${backend}`);
    assert.equal(await page.locator('#sliders input[type=range]').count(), 10, 'one slider per latent');
    await page.waitForFunction(() => Number(document.getElementById('decode-time')?.dataset.decodes) >= 1);

    const checkpoint = path.join(runDir, 'checkpoints', fs.readFileSync(path.join(runDir, 'checkpoints', 'latest'), 'utf8').trim());
    const node = await firstInputInNode(checkpoint);
    assert.deepEqual(await canvasGrey(page, '#inputs canvas >> nth=0'), node.input, 'the page renders the inputs Node renders');
    const pageReconstruction = await canvasGrey(page, '#reconstructions canvas >> nth=0');
    const largest = Math.max(...pageReconstruction.map((v, i) => Math.abs(v - node.reconstruction[i])));
    t.diagnostic(`first reconstruction: largest difference from Node's ${largest} / 255`);
    assert.ok(largest <= DECODE_TOLERANCE, `the page's reconstruction differs from Node's by ${largest} / 255`);

    const before = await canvasGrey(page, '#decoded');
    const slider = page.locator('#sliders input[type=range]').first();
    const box = (await slider.boundingBox())!;
    const decodes = await decodeCount(page);
    await page.mouse.click(box.x + box.width - 2, box.y + box.height / 2);
    await page.waitForFunction((n) => Number(document.getElementById('decode-time')?.dataset.decodes) > n, decodes);
    const after = await canvasGrey(page, '#decoded');
    const changed = before.filter((v, i) => v !== after[i]).length;
    assert.ok(changed > 0, 'moving the slider changed no pixel of the decoded image');
    t.diagnostic(`slider to its maximum changed ${changed} of ${before.length} pixels`);

    await slider.focus();
    for (let i = 0; i < SLIDER_MOVES; i++) {
      const n = await decodeCount(page);
      await page.keyboard.press('ArrowLeft');
      await page.waitForFunction((m) => Number(document.getElementById('decode-time')?.dataset.decodes) > m, n);
    }
    t.diagnostic(await page.locator('#decode-time').textContent() ?? '');

    const screenshot = path.join(dir, 'explorer.png');
    await page.screenshot({ path: screenshot, fullPage: true });
    assert.ok(fs.statSync(screenshot).size > 10_000);
    t.diagnostic(`screenshot: ${screenshot}`);

    // The page opened alone: no run served, the checkpoint's files picked by the user.
    const alone = await browser.newPage();
    alone.on('pageerror', (e) => problems.push(`page error (picker): ${e.message}`));
    await alone.route('**/run/**', (route) => route.fulfill({ status: 404, body: 'not found' }));
    await alone.goto(url);
    await alone.waitForSelector('body[data-state="waiting"]');
    await alone.setInputFiles('#checkpoint-files', [path.join(checkpoint, 'manifest.json'), path.join(checkpoint, 'weights.bin')]);
    await alone.waitForSelector('body[data-state="ready"], body[data-state="error"]', { timeout: 120_000 });
    assert.equal(await alone.getAttribute('body', 'data-state'), 'ready', await alone.locator('#error').textContent() ?? '');
    assert.deepEqual(problems, []);
  } finally {
    await browser.close();
  }
});

test('explore refuses a run the page cannot show, in one line naming the manifest', () => {
  const runDir = tempDir('explore-v3');
  const checkpoint = path.join(runDir, 'checkpoints', 'step-0000001');
  fs.mkdirSync(checkpoint, { recursive: true });
  fs.writeFileSync(path.join(runDir, 'checkpoints', 'latest'), 'step-0000001\n');
  fs.writeFileSync(path.join(checkpoint, 'manifest.json'), JSON.stringify({
    format: 'disentangle-checkpoint', version: 2, step: 1, config: { task: 'v3' }, rng: {}, optimizers: {},
    optimizerManifest: [], weightsManifest: [],
  }));
  const r = runCli(['explore', runDir]);
  assert.equal(r.status, 1);
  assert.equal(r.stderr, `error: ${path.join(checkpoint, 'manifest.json')}: a v3 run; the explorer shows the image VAEs of ground-truth runs only (not V3, DecVAE or its baseline)\n`);
});
