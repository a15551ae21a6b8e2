// The explorer page in a real browser: Debian's Chromium driven by playwright-core loads the page
// `disentangle explore` serves for a freshly trained tiny run, moves a slider and checks that the
// decoded image changed, opens the same checkpoint through the file picker, and screenshots the page.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { chromium, type Page } from 'playwright-core';
import { CLI, REPO_ROOT, runCli, tempDir, TINY_CONFIG, writeConfig } from '../cli/helpers.js';

const CHROMIUM = '/usr/bin/chromium';
// This machine's network is closed: without these Chromium tries Google's hosts at every start.
const CHROMIUM_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const SLIDER_MOVES = 20;

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

function decodedPixels(page: Page): Promise<number[]> {
  return page.evaluate(() => {
    const canvas = document.getElementById('decoded') as HTMLCanvasElement;
    return Array.from(canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data);
  });
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

    const before = await decodedPixels(page);
    const slider = page.locator('#sliders input[type=range]').first();
    const box = (await slider.boundingBox())!;
    const decodes = await decodeCount(page);
    await page.mouse.click(box.x + box.width - 2, box.y + box.height / 2);
    await page.waitForFunction((n) => Number(document.getElementById('decode-time')?.dataset.decodes) > n, decodes);
    const after = await decodedPixels(page);
    const changed = before.filter((v, i) => v !== after[i]).length;
    assert.ok(changed > 0, 'moving the slider changed no pixel of the decoded image');
    t.diagnostic(`slider to its maximum changed ${changed} of ${before.length} RGBA bytes`);

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
    const checkpoint = path.join(runDir, 'checkpoints', fs.readFileSync(path.join(runDir, 'checkpoints', 'latest'), 'utf8').trim());
    await alone.setInputFiles('#checkpoint-files', [path.join(checkpoint, 'manifest.json'), path.join(checkpoint, 'weights.bin')]);
    await alone.waitForSelector('body[data-state="ready"], body[data-state="error"]', { timeout: 120_000 });
    assert.equal(await alone.getAttribute('body', 'data-state'), 'ready', await alone.locator('#error').textContent() ?? '');
    assert.deepEqual(problems, []);
  } finally {
    await browser.close();
    child.kill();
  }
});
