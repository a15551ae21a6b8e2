// The explorer's page for one run: a row of inputs and their reconstructions, the picked input
// with one slider per latent re-decoding on every move, and the picked input's traversal grid.
import { decodeLatents, encodeInputs, sampleInputs, type ExplorerRun } from '../../src/explore/explorer_run.js';
import { traversalLatents, traversalValues } from '../../src/viz/traversal.js';
import { drawImage, imageCanvas, sizeCanvas, type Shape } from './images.js';

const NUM_INPUTS = 8;
/** Sliders reach at least this far either side of 0, the bulk of the N(0, 1) prior. */
const SLIDER_LIMIT = 3;
/** CSS pixels per image in the traversal grid, as in the rows of inputs. */
const CELL_PIXELS = 80;
/** Decode times kept for the running median shown beside the last one. */
const TIMING_WINDOW = 50;

function element<T extends HTMLElement>(id: string): T {
  const found = document.getElementById(id);
  if (!found) throw new Error(`the page has no #${id}`);
  return found as T;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/**
 * Decodes the sliders' latent code, one decode at a time: moves that arrive during a decode are
 * folded into the next one, so a fast drag never queues up stale frames.
 */
class SliderDecoder {
  private pending: Float32Array | null = null;
  private running = false;
  private readonly times: number[] = [];
  decodes = 0;

  constructor(private readonly run: ExplorerRun, private readonly shape: Shape, private readonly onError: (e: unknown) => void) {}

  request(latents: Float32Array): void {
    this.pending = Float32Array.from(latents);
    if (!this.running) this.drain().catch(this.onError);
  }

  private async drain(): Promise<void> {
    this.running = true;
    try {
      while (this.pending) {
        const latents = this.pending;
        this.pending = null;
        const start = performance.now();
        drawImage(element('decoded'), await decodeLatents(this.run, latents, 1), 0, this.shape);
        this.record(performance.now() - start);
      }
    } finally {
      this.running = false;
    }
  }

  private record(ms: number): void {
    this.times.push(ms);
    if (this.times.length > TIMING_WINDOW) this.times.shift();
    this.decodes++;
    const readout = element('decode-time');
    readout.textContent = `decode: ${ms.toFixed(1)} ms (median ${median(this.times).toFixed(1)} ms over the last ${this.times.length})`;
    readout.dataset.ms = ms.toFixed(2);
    readout.dataset.decodes = String(this.decodes);
  }
}

export async function showRun(run: ExplorerRun, onError: (e: unknown) => void): Promise<void> {
  const [height, width, channels] = run.model.imageShape;
  const shape = { height, width, channels };
  const zDim = run.model.zDim;
  const inputs = sampleInputs(run, NUM_INPUTS);
  const { means, meanKl, latentsByKl } = encodeInputs(run, inputs, NUM_INPUTS);
  const reconstructions = await decodeLatents(run, means, NUM_INPUTS);

  const inputRow = element('inputs');
  const reconstructionRow = element('reconstructions');
  inputRow.replaceChildren();
  reconstructionRow.replaceChildren();
  const inputCanvases = Array.from({ length: NUM_INPUTS }, (_, i) => {
    const canvas = imageCanvas(shape);
    drawImage(canvas, inputs, i, shape);
    canvas.title = `input ${i}`;
    canvas.dataset.index = String(i);
    inputRow.append(canvas);
    const reconstruction = imageCanvas(shape);
    drawImage(reconstruction, reconstructions, i, shape);
    reconstructionRow.append(reconstruction);
    return canvas;
  });

  for (const id of ['picked-input', 'decoded']) sizeCanvas(element(id), width, height);
  const decoder = new SliderDecoder(run, shape, onError);
  const code = new Float32Array(zDim);
  const sliders = element('sliders');
  let picked = 0;

  const pick = async (index: number) => {
    picked = index;
    inputCanvases.forEach((c, i) => c.classList.toggle('selected', i === index));
    drawImage(element('picked-input'), inputs, index, shape);
    code.set(means.subarray(index * zDim, (index + 1) * zDim));
    buildSliders();
    decoder.request(code);
    await drawTraversal();
  };

  const buildSliders = () => {
    const limit = Math.max(SLIDER_LIMIT, Math.ceil(Math.max(...code.map(Math.abs))));
    sliders.replaceChildren(...latentsByKl.map((d) => {
      const row = document.createElement('label');
      row.className = 'slider';
      const name = document.createElement('span');
      name.textContent = `z${d} (KL ${meanKl[d].toFixed(2)})`;
      const input = document.createElement('input');
      Object.assign(input, { type: 'range', min: String(-limit), max: String(limit), step: '0.01', value: String(code[d]) });
      input.dataset.latent = String(d);
      const value = document.createElement('output');
      value.textContent = code[d].toFixed(2);
      input.addEventListener('input', () => {
        code[d] = Number(input.value);
        value.textContent = code[d].toFixed(2);
        decoder.request(code);
      });
      row.append(name, input, value);
      return row;
    }));
  };

  const drawTraversal = async () => {
    const { traversal_steps: steps, traversal_limit: limit } = run.config.viz;
    const values = traversalValues(steps, limit);
    const base = means.slice(picked * zDim, (picked + 1) * zDim);
    const latents = new Float32Array(zDim * steps * zDim);
    latentsByKl.forEach((d, row) => latents.set(traversalLatents(base, d, values), row * steps * zDim));
    const images = await decodeLatents(run, latents, zDim * steps);
    const canvas = element<HTMLCanvasElement>('traversal');
    sizeCanvas(canvas, steps * width, zDim * height);
    canvas.style.width = `${steps * CELL_PIXELS}px`;
    for (let i = 0; i < zDim * steps; i++) drawImage(canvas, images, i, shape, (i % steps) * width, Math.floor(i / steps) * height);
    element('traversal-range').textContent = `(one row per latent in the sliders' order, ${steps} values over [-${limit}, ${limit}])`;
  };

  inputCanvases.forEach((canvas, i) => canvas.addEventListener('click', () => pick(i).catch(onError)));
  element('reset').onclick = () => pick(picked).catch(onError);
  element('explorer').hidden = false;
  await pick(0);
}
