// Evaluates a session's model with the configured metrics: the representation is the encoder
// mean, observations are rendered from the ground-truth dataset on demand, and every draw comes
// from the session's evaluation seed, so a run and its resumed copy report the same numbers.
import * as tf from '@tensorflow/tfjs-core';
import type { EncoderDecoder } from '../nn/model.js';
import { datasetSource } from '../metrics/dataset_source.js';
import { computeFactorVae } from '../metrics/factor_vae.js';
import { computeMig } from '../metrics/mig.js';
import type { FactorCodeSource } from '../metrics/source.js';
import { Rng } from '../util/random.js';
import type { Session } from './session.js';

export type MetricResults = Record<string, Record<string, number>>;

/** The encoder mean of a batch of NHWC images, as float64 rows. */
export function meanEncoder(model: EncoderDecoder): (images: Float32Array, n: number) => Promise<Float64Array> {
  return async (images, n) => {
    const mu = tf.tidy(() => model.encode(tf.tensor4d(images, [n, ...model.imageShape])).mu);
    const values = await mu.data();
    mu.dispose();
    return Float64Array.from(values);
  };
}

async function mig(source: FactorCodeSource, settings: Session['config']['eval']['mig']): Promise<Record<string, number>> {
  const n = settings.num_train;
  const factors = source.sampleFactors(n);
  const codes = await source.representations(factors, n);
  const table = { n, numFactors: source.factorSizes.length, numCodes: source.numCodes, factors, codes };
  return { discrete_mig: computeMig(table, { numBins: settings.num_bins }).discrete_mig };
}

async function factorVae(source: FactorCodeSource, settings: Session['config']['eval']['factor_vae']): Promise<Record<string, number>> {
  const result = await computeFactorVae(source, {
    batchSize: settings.batch_size,
    numTrain: settings.num_train,
    numEval: settings.num_eval,
    numVarianceEstimate: settings.num_variance_estimate,
    pruneThreshold: settings.prune_threshold,
  });
  return { train_accuracy: result.train_accuracy, eval_accuracy: result.eval_accuracy, num_active_dims: result.num_active_dims };
}

export async function evaluateSession(session: Session, log?: (line: string) => void): Promise<MetricResults> {
  const { config, dataset, framework } = session;
  const encode = meanEncoder(framework.model);
  const sourceFor = (metric: string) => datasetSource({
    data: dataset, encode, numCodes: framework.model.zDim, rng: Rng.fromSeed(session.evalSeed).fork(metric), batchSize: config.eval.batch_size,
  });
  const results: MetricResults = {};
  for (const metric of config.eval.metrics) {
    log?.(`evaluating ${metric}`);
    const started = performance.now();
    results[metric] = metric === 'mig'
      ? await mig(sourceFor(metric), config.eval.mig)
      : await factorVae(sourceFor(metric), config.eval.factor_vae);
    log?.(`${metric}: ${JSON.stringify(results[metric])} (${((performance.now() - started) / 1000).toFixed(1)} s)`);
  }
  return results;
}
