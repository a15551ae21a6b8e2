// A ground-truth run as the explorer shows it, rebuilt from a checkpoint's manifest and weight
// bytes without the file system, so the page in a browser and the CLI in Node run this same code:
// the model the run's config builds, its weights, and the run's dataset rendered procedurally.
// The page renders its inputs itself rather than the server rendering a batch for it, because
// every procedural dataset is plain TypeScript over typed arrays: the page opened alone, from a
// file picker with no server, then shows the same inputs; runs that read original files
// (`dataset.path`) are the ones it cannot show.
import * as tf from '@tensorflow/tfjs-core';
import { datasetSection } from '../config/dataset_section.js';
import type { Config } from '../config/schema.js';
import { renderBatch, sampleFactors, type GroundTruthData } from '../datasets/ground_truth.js';
import { createDataset } from '../datasets/registry.js';
import { CONVENTION_FILTERS, resizedTo } from '../datasets/resized.js';
import { decodedToImage, klPerDimension } from '../nn/losses.js';
import type { EncoderDecoder } from '../nn/model.js';
import { decodeWeightsGroup, parseManifest, type CheckpointManifest } from '../train/checkpoint_format.js';
import { restoreVariables } from '../train/restore.js';
import { createRunModel, runStreams } from '../train/run_model.js';
import { UserError } from '../util/errors.js';
import { Rng } from '../util/random.js';

export interface ExplorerRun {
  config: Config;
  step: number;
  model: EncoderDecoder;
  dataset: GroundTruthData;
  /** The run's evaluation seed, so the page shows the same inputs at every opening. */
  evalSeed: number;
}

/** The checkpoint manifest in `text` (read from `file`), checked to be a run the explorer can show. */
export function parseExplorerManifest(text: string, file: string): CheckpointManifest<Config> {
  const manifest = parseManifest<Config & { task?: unknown }>(text, file);
  const { task, dataset } = manifest.config;
  if (typeof task === 'string') {
    throw new UserError(`${file}: a ${task} run; the explorer shows the image VAEs of ground-truth runs only (not V3, DecVAE or its baseline)`);
  }
  if (dataset?.path !== undefined) {
    throw new UserError(`${file}: dataset.path: the explorer renders procedural datasets only, and this run reads ${dataset.path}`);
  }
  return manifest;
}

/** The weight files (relative to the manifest) the explorer needs: the model's, not the optimizer's. */
export function weightFiles(manifest: CheckpointManifest<Config>): string[] {
  return manifest.weightsManifest.flatMap((group) => group.paths);
}

/** The run of `manifest`, with the bytes of each file `weightFiles` names; `where` names the checkpoint in errors. */
export function openExplorerRun(manifest: CheckpointManifest<Config>, files: ReadonlyMap<string, Uint8Array>, where: string): ExplorerRun {
  const { config } = manifest;
  const { init, evalSeed, datasetSeed } = runStreams(config.seed);
  const { name, settings } = datasetSection(config.dataset);
  const rendered = createDataset(name, `${where}: dataset.name`, { seed: datasetSeed, settings });
  const dataset = resizedTo(rendered, config.dataset.image_size, CONVENTION_FILTERS[config.dataset.convention]);
  const weights = new Map<string, tf.Tensor>();
  for (const group of manifest.weightsManifest) {
    const parts = group.paths.map((p) => {
      const bytes = files.get(p);
      if (!bytes) throw new UserError(`${where}: ${p} is missing (the manifest lists it)`);
      return bytes;
    });
    const joined = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let offset = 0;
    for (const part of parts) {
      joined.set(part, offset);
      offset += part.length;
    }
    for (const [name, t] of decodeWeightsGroup(joined, group, `${where}/${group.paths[0]}`, 'weights')) weights.set(name, t);
  }
  const model = createRunModel(config, dataset.observationShape, init);
  try {
    restoreVariables(model.params, { step: manifest.step, config, rng: manifest.rng, weights, optimizers: new Map() }, where);
  } catch (e) {
    model.dispose();
    throw e;
  } finally {
    tf.dispose([...weights.values()]);
  }
  return { config, step: manifest.step, model, dataset, evalSeed };
}

/** `n` observations of the run's dataset, the same ones at every call: NHWC in [0, 1]. */
export function sampleInputs(run: ExplorerRun, n: number): Float32Array {
  const rng = Rng.fromSeed(run.evalSeed).fork('explorer');
  return renderBatch(run.dataset, sampleFactors(run.dataset.factorSizes, n, rng), n);
}

export interface EncodedInputs {
  /** The encoder means, n x zDim row-major. */
  means: Float32Array;
  /** Each latent's KL from the prior, averaged over the images. */
  meanKl: Float32Array;
  /** The latents from the largest mean KL to the smallest: the ones the model uses first. */
  latentsByKl: number[];
}

export function encodeInputs(run: ExplorerRun, images: Float32Array, n: number): EncodedInputs {
  const { model } = run;
  const [means, meanKl] = tf.tidy(() => {
    const q = model.encode(tf.tensor4d(images, [n, ...model.imageShape]));
    return [Float32Array.from(q.mu.dataSync()), Float32Array.from(klPerDimension(q).dataSync())];
  });
  return { means, meanKl, latentsByKl: Array.from(meanKl.keys()).sort((a, b) => meanKl[b] - meanKl[a]) };
}

/** The images `n` latent codes (n x zDim, row-major) decode to: NHWC in [0, 1]. */
export async function decodeLatents(run: ExplorerRun, latents: Float32Array, n: number): Promise<Float32Array> {
  const { model } = run;
  const pixels = tf.tidy(() => decodedToImage(run.config.framework.recon_loss, model.decode(tf.tensor2d(latents, [n, model.zDim]))));
  try {
    return (await pixels.data()) as Float32Array;
  } finally {
    pixels.dispose();
  }
}
