// Training batches drawn one step ahead and, when rendering is slow, rendered in a worker thread
// while the current step trains on this one: a procedural dSpritesImagenet batch of 64 takes ~20 ms
// to render, a tenth of a native training step that leaves the second core idle (overlapping them
// trains 8% faster: npm run bench -- --only pipeline). The factors are
// still drawn here, from the session's data stream in the same order, so the batches (and so the
// weights) are exactly those of rendering inline; the stream a checkpoint saves is the one after
// the batches trained on, not after the one drawn ahead.
import { parentPort, type Worker } from 'node:worker_threads';
import type { TrainingBatch } from '../frameworks/base.js';
import { renderBatch } from '../datasets/ground_truth.js';
import { openDataset, type OpenDatasetOptions } from '../datasets/open.js';
import { startWorkerService } from '../util/in_worker.js';
import { Rng, type RngState } from '../util/random.js';
import { batchOf, drawViews, viewSampler, type DrawnViews, type ViewSampler } from './batches.js';
import type { Session } from './session.js';

/** Rendering a batch slower than this moves it to a worker; starting one costs ~0.5 s of a core. */
const WORKER_THRESHOLD_MS = 5;

export type Prefetch = 'auto' | 'worker' | 'inline';

interface RenderRequest {
  id: number;
  n: number;
  factors: Int32Array[];
}

type WorkerMessage = { id: number; images: Float32Array[] } | { ok: false; message: string };

/** The worker's side: opens the session's dataset and renders the views of each request. */
export async function serveBatchRendering(name: string, options: OpenDatasetOptions): Promise<void> {
  const port = parentPort;
  if (!port) throw new Error('serveBatchRendering runs in a worker thread');
  const dataset = await openDataset(name, 'dataset.name', options);
  port.on('message', ({ id, n, factors }: RenderRequest) => {
    const images = factors.map((f) => renderBatch(dataset, f, n));
    port.postMessage({ id, images }, images.map((x) => x.buffer as ArrayBuffer));
  });
  await new Promise((resolve) => port.once('close', resolve));
}

/** A batch drawn ahead: its factors, its images to come, and the data stream after drawing it. */
interface Drawn {
  drawn: DrawnViews;
  images: Promise<Float32Array[]>;
  streamAfter: RngState;
}

export class BatchStream {
  private readonly draw: ViewSampler;
  private ahead: Drawn | null = null;
  private worker: Worker | null = null;
  private readonly waiting = new Map<number, { drawn: DrawnViews; resolve: (images: Float32Array[]) => void }>();
  private nextId = 0;

  constructor(private readonly session: Session, private readonly prefetch: Prefetch = 'auto') {
    this.draw = viewSampler(session.config.sampling, session.framework.views);
    // Original files are read into memory: a worker would hold a second copy for little gain.
    if (prefetch === 'worker' && !session.datasetSpec.options.path) this.startWorker();
  }

  /** The next batch to train on; `more` says whether another will follow, to be drawn ahead now. */
  async next(more: boolean): Promise<TrainingBatch> {
    const current = this.ahead ?? this.drawFrom(this.session.rngs.data.state());
    this.ahead = null;
    const images = await current.images;
    this.session.rngs.data = Rng.fromState(current.streamAfter);
    if (more) this.ahead = this.drawFrom(current.streamAfter);
    return batchOf(current.drawn, images, this.session.dataset.observationShape);
  }

  /** Whether batches are being rendered in a worker thread now. */
  get renderingInWorker(): boolean {
    return this.worker !== null;
  }

  /** Ends the worker, if one was started. */
  async close(): Promise<void> {
    this.ahead = null;
    await this.worker?.terminate();
    this.worker = null;
  }

  private drawFrom(stream: RngState): Drawn {
    const { dataset, framework, config } = this.session;
    const rng = Rng.fromState(stream);
    const drawn = drawViews(dataset.factorSizes, this.draw, framework.views, config.train.batch_size, rng);
    return { drawn, images: this.render(drawn), streamAfter: rng.state() };
  }

  private render(drawn: DrawnViews): Promise<Float32Array[]> {
    if (this.worker) {
      const id = this.nextId++;
      this.worker.postMessage({ id, n: drawn.n, factors: drawn.factors } satisfies RenderRequest);
      return new Promise((resolve) => this.waiting.set(id, { drawn, resolve }));
    }
    const started = performance.now();
    const images = this.renderHere(drawn);
    const slow = performance.now() - started > WORKER_THRESHOLD_MS;
    if (this.prefetch === 'auto' && slow && !this.session.datasetSpec.options.path) this.startWorker();
    return Promise.resolve(images);
  }

  private startWorker(): void {
    const { name, options } = this.session.datasetSpec;
    const worker = startWorkerService(new URL(import.meta.url), 'serveBatchRendering', [name, options]);
    worker.on('message', (message: WorkerMessage) => {
      if ('images' in message) {
        this.waiting.get(message.id)?.resolve(message.images);
        this.waiting.delete(message.id);
      } else {
        this.renderHereInstead(message.message);
      }
    });
    worker.on('error', (error) => this.renderHereInstead(error.message));
    this.worker = worker;
  }

  private renderHere(drawn: DrawnViews): Float32Array[] {
    return drawn.factors.map((f) => renderBatch(this.session.dataset, f, drawn.n));
  }

  /** The worker failed: what it was rendering, and every batch after, is rendered on this thread. */
  private renderHereInstead(reason: string): void {
    process.stderr.write(`warning: the batch-rendering worker failed (${reason.split('\n')[0]}); rendering on the training thread\n`);
    void this.worker?.terminate();
    this.worker = null;
    for (const { drawn, resolve } of this.waiting.values()) resolve(this.renderHere(drawn));
    this.waiting.clear();
  }
}
