// The pictures of a trained model: reconstructions (inputs above, reconstructions below), a still
// latent traversal and an animated one (one row per latent, several base images per row, the
// latent swept across its range and back). Rows are ordered by each latent's mean KL, so the
// latents the model uses come first and the collapsed ones (KL ~ 0) last. All draws come from
// the session's evaluation seed. During training the same reconstructions and still traversal
// (one base image) go to TensorBoard every viz.image_every steps, from the same inputs, so the
// pictures of one run are comparable from step to step.
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

export function splitImages(pixels: Float32Array, n: number, [height, width, channels]: readonly [number, number, number]): Image[] {
  const size = height * width * channels;
  return Array.from({ length: n }, (_, i) => ({
    width, height, channels: channels as 1 | 3, data: pixels.slice(i * size, (i + 1) * size),
  }));
}

/** The decoder's images of n latent codes (row-major n x zDim). */
export function decodeToImages(session: Session, latents: Float32Array, n: number): Image[] {
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

interface Pictures {
  reconstructions: Image;
  /** Per latent (by KL), per base image, the decoded traversal values. */
  rows: Image[][];
}

/** The reconstructions and the traversal rows of the first `bases` inputs, from the evaluation seed's inputs. */
async function drawPictures(session: Session, bases: number): Promise<Pictures> {
  const { dataset, config, framework } = session;
  const zDim = framework.model.zDim;
  const rng = Rng.fromSeed(session.evalSeed).fork('pictures');
  const n = Math.max(config.viz.num_reconstructions, TRAVERSAL_BASES);
  const inputs = renderBatch(dataset, sampleFactors(dataset.factorSizes, n, rng), n);
  const means = Float32Array.from(await representationEncoder(framework.model)(inputs, n));

  const shown = config.viz.num_reconstructions;
  const reconstructions = reconstructionGrid(
    splitImages(inputs, shown, dataset.observationShape),
    decodeToImages(session, means.slice(0, shown * zDim), shown),
  );
  const values = traversalValues(config.viz.traversal_steps, config.viz.traversal_limit);
  const rows: Image[][] = [];
  for (const d of latentsByKl(session, rng)) {
    for (let b = 0; b < bases; b++) {
      const base = means.slice(b * zDim, (b + 1) * zDim);
      rows.push(decodeToImages(session, traversalLatents(base, d, values), values.length));
    }
  }
  return { reconstructions, rows };
}

/** Writes the pictures into `runDir` (and the reconstructions to TensorBoard); returns the paths. */
export async function writeModelPictures(session: Session, runDir: string, writer?: SummaryWriter): Promise<string[]> {
  const { reconstructions, rows } = await drawPictures(session, TRAVERSAL_BASES);
  const reconFile = path.join(runDir, 'reconstructions.png');
  writePng(reconFile, reconstructions);
  writer?.image('reconstructions', encodePng(reconstructions), reconstructions.width, reconstructions.height, reconstructions.channels, session.step);
  const stillFile = path.join(runDir, 'traversals.png');
  writePng(stillFile, traversalGrid(rows.filter((_, i) => i % TRAVERSAL_BASES === 0)));
  const gifFile = path.join(runDir, 'traversals.gif');
  writeGif(gifFile, pingPong(traversalFrames(rows, TRAVERSAL_BASES)), { delayMs: session.config.viz.gif_delay_ms });
  return [reconFile, stillFile, gifFile];
}

/** TensorBoard image tags of the pictures logged during training. */
export const TRAINING_IMAGE_TAGS = { reconstructions: 'train/reconstructions', traversals: 'train/traversals' } as const;

/** Logs the reconstructions and the still traversal of the first input at the session's step. */
export async function logTrainingImages(session: Session, writer: SummaryWriter): Promise<void> {
  const { reconstructions, rows } = await drawPictures(session, 1);
  const traversals = traversalGrid(rows);
  for (const [tag, image] of [[TRAINING_IMAGE_TAGS.reconstructions, reconstructions], [TRAINING_IMAGE_TAGS.traversals, traversals]] as const) {
    writer.image(tag, encodePng(image), image.width, image.height, image.channels, session.step);
  }
}
