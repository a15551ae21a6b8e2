// The pictures of a trained model: reconstructions (inputs above, reconstructions below), a still
// latent traversal and an animated one (one row per latent, several base images per row, the
// latent swept across its range and back). Rows are ordered by each latent's mean KL, so the
// latents the model uses come first and the collapsed ones (KL ~ 0) last. All draws come from
// the session's evaluation seed.
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { renderBatch, sampleFactors } from '../datasets/ground_truth.js';
import { decodedToImage, klPerDimension } from '../nn/losses.js';
import { representationEncoder } from '../train/evaluate.js';
import type { Session } from '../train/session.js';
import { Rng } from '../util/random.js';
import type { SummaryWriter } from '../util/tensorboard.js';
import { writeGif } from './gif.js';
import type { Image } from './image.js';
import { encodePng, writePng } from './png.js';
import { pingPong, reconstructionGrid, traversalFrames, traversalGrid, traversalLatents, traversalValues } from './traversal.js';

const TRAVERSAL_BASES = 4;
/** Images whose posteriors rank the latents by KL. */
const KL_SAMPLE = 256;

function splitImages(pixels: Float32Array, n: number, [height, width, channels]: readonly [number, number, number]): Image[] {
  const size = height * width * channels;
  return Array.from({ length: n }, (_, i) => ({
    width, height, channels: channels as 1 | 3, data: pixels.slice(i * size, (i + 1) * size),
  }));
}

function decodeToImages(session: Session, latents: Float32Array, n: number): Image[] {
  const { model } = session.framework;
  const pixels = tf.tidy(() => decodedToImage(session.config.framework.recon_loss, model.decode(tf.tensor2d(latents, [n, model.zDim]))).dataSync());
  return splitImages(pixels as Float32Array, n, model.imageShape);
}

/** Latent dimensions from the largest mean KL to the smallest. */
function latentsByKl(session: Session, rng: Rng): number[] {
  const { dataset } = session;
  const { model } = session.framework;
  const images = renderBatch(dataset, sampleFactors(dataset.factorSizes, KL_SAMPLE, rng), KL_SAMPLE);
  const kl = tf.tidy(() => klPerDimension(model.encode(tf.tensor4d(images, [KL_SAMPLE, ...model.imageShape]))).dataSync());
  return Array.from(kl.keys()).sort((a, b) => kl[b] - kl[a]);
}

/** Writes the pictures into `runDir` (and the reconstructions to TensorBoard); returns the paths. */
export async function writeModelPictures(session: Session, runDir: string, writer?: SummaryWriter): Promise<string[]> {
  const { dataset, config, framework } = session;
  const zDim = framework.model.zDim;
  const rng = Rng.fromSeed(session.evalSeed).fork('pictures');
  const n = Math.max(config.viz.num_reconstructions, TRAVERSAL_BASES);
  const inputs = renderBatch(dataset, sampleFactors(dataset.factorSizes, n, rng), n);
  const means = Float32Array.from(await representationEncoder(framework.model)(inputs, n));

  const shown = config.viz.num_reconstructions;
  const recon = reconstructionGrid(
    splitImages(inputs, shown, dataset.observationShape),
    decodeToImages(session, means.slice(0, shown * zDim), shown),
  );
  const reconFile = path.join(runDir, 'reconstructions.png');
  writePng(reconFile, recon);
  writer?.image('reconstructions', encodePng(recon), recon.width, recon.height, recon.channels, session.step);

  const values = traversalValues(config.viz.traversal_steps, config.viz.traversal_limit);
  const rows: Image[][] = [];
  for (const d of latentsByKl(session, rng)) {
    for (let b = 0; b < TRAVERSAL_BASES; b++) {
      const base = means.slice(b * zDim, (b + 1) * zDim);
      rows.push(decodeToImages(session, traversalLatents(base, d, values), values.length));
    }
  }
  const stillFile = path.join(runDir, 'traversals.png');
  writePng(stillFile, traversalGrid(rows.filter((_, i) => i % TRAVERSAL_BASES === 0)));
  const gifFile = path.join(runDir, 'traversals.gif');
  writeGif(gifFile, pingPong(traversalFrames(rows, TRAVERSAL_BASES)), { delayMs: config.viz.gif_delay_ms });
  return [reconFile, stillFile, gifFile];
}
