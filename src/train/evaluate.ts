// Evaluates a session's model with the configured metrics, as disentanglement_lib's study does:
// each metric draws fresh points from the ground-truth dataset with its own defaults (10000 train,
// 5000 test, ...), for the encoder mean and for a sample of q(z|x). Observations are rendered on
// demand, and every draw comes from the session's evaluation seed, so a run and its resumed copy
// report the same numbers. A metric that cannot be computed is reported with its reason.
import * as tf from '@tensorflow/tfjs-core';
import { withInferenceThreads } from '../backends/select.js';
import type { Config } from '../config/schema.js';
import type { EncoderDecoder } from '../nn/model.js';
import { computeBetaVae } from '../metrics/beta_vae.js';
import { datasetSource } from '../metrics/dataset_source.js';
import { computeDci } from '../metrics/dci.js';
import { computeDistanceCorrelation } from '../metrics/distance_correlation.js';
import { datasetSubject } from '../metrics/factor_traversal.js';
import { computeFlatness } from '../metrics/flatness.js';
import { computeLinearity } from '../metrics/linearity.js';
import { computeFactorVae } from '../metrics/factor_vae.js';
import { computeIrs } from '../metrics/irs.js';
import { computeMig } from '../metrics/mig.js';
import { computeModularityExplicitness } from '../metrics/modularity_explicitness.js';
import { computeLieGroupEval } from '../metrics/presets/lie_group.js';
import { computeSap } from '../metrics/sap.js';
import type { FactorCodeSource } from '../metrics/source.js';
import type { FactorCodeTable } from '../metrics/table.js';
import { computeUnsupervised } from '../metrics/unsupervised.js';
import { Rng } from '../util/random.js';
import type { Session } from './session.js';

type Values = Record<string, number>;
type Representation = Config['eval']['representations'][number];
type Encoder = (images: Float32Array, n: number) => Promise<Float64Array>;

export interface MetricResults {
  /** representation -> metric -> the library's keys */
  values: Record<string, Record<string, Values>>;
  /** representation -> metric -> why it could not be computed */
  errors: Record<string, Record<string, string>>;
}

/** The encoder's representation of a batch of NHWC images, as float64 rows: its mean, or one sample. */
export function representationEncoder(model: EncoderDecoder, kind: Representation = 'mean', rng?: Rng): Encoder {
  return async (images, n) => {
    const z = withInferenceThreads(() => tf.tidy(() => {
      const { mu, logvar } = model.encode(tf.tensor4d(images, [n, ...model.imageShape]));
      if (kind === 'mean') return mu;
      if (!rng) throw new Error('a sampled representation needs a random stream');
      const eps = Float32Array.from({ length: n * model.zDim }, () => rng.normal());
      return tf.add(mu, tf.mul(tf.tensor2d(eps, [n, model.zDim]), tf.exp(tf.mul(0.5, logvar))));
    }));
    const values = await z.data();
    z.dispose();
    return Float64Array.from(values);
  };
}

/** n points drawn as the library's generate_batch_factor_code does. */
export async function drawTable(source: FactorCodeSource, n: number): Promise<FactorCodeTable> {
  const factors = source.sampleFactors(n);
  const codes = await source.representations(factors, n);
  return { n, numFactors: source.factorSizes.length, numCodes: source.numCodes, factors, codes };
}

function valuesOf(result: object): Values {
  return Object.fromEntries(Object.entries(result).filter(([, v]) => typeof v === 'number'));
}

/** What a metric draws from: a dataset source (factors -> codes), plus observations for the MSc distances. */
export interface MetricInputs {
  source: FactorCodeSource;
  subject: ReturnType<typeof datasetSubject>;
  rng: Rng;
}

const METRICS: Record<Config['eval']['metrics'][number], (inputs: MetricInputs, settings: Config['eval']) => Promise<Values>> = {
  mig: async ({ source }, { mig }) => valuesOf(computeMig(await drawTable(source, mig.num_train), { numBins: mig.num_bins })),
  factor_vae: async ({ source }, { factor_vae: s }) => valuesOf(await computeFactorVae(source, {
    batchSize: s.batch_size, numTrain: s.num_train, numEval: s.num_eval,
    numVarianceEstimate: s.num_variance_estimate, pruneThreshold: s.prune_threshold,
  })),
  beta_vae: async ({ source }, { beta_vae: s }) => valuesOf(await computeBetaVae(source, {
    batchSize: s.batch_size, numTrain: s.num_train, numEval: s.num_eval,
  })),
  dci: async ({ source }, { dci }) => valuesOf(computeDci(await drawTable(source, dci.num_train), await drawTable(source, dci.num_test))),
  sap: async ({ source }, { sap }) => valuesOf(computeSap(await drawTable(source, sap.num_train), await drawTable(source, sap.num_test),
    { continuousFactors: sap.continuous_factors })),
  modularity_explicitness: async ({ source }, { modularity_explicitness: s }) => valuesOf(computeModularityExplicitness(
    await drawTable(source, s.num_train), await drawTable(source, s.num_test), { numBins: s.num_bins })),
  irs: async ({ source }, { irs }) => valuesOf(computeIrs(await drawTable(source, irs.num_train),
    { diffQuantile: irs.diff_quantile, numBins: irs.num_bins })),
  unsupervised: async ({ source }, { unsupervised: s }) => valuesOf(computeUnsupervised(await drawTable(source, s.num_train),
    { numBins: s.num_bins })),
  linearity: async ({ subject, rng }, { linearity, batch_size }) => valuesOf(await computeLinearity(subject, rng,
    { repeats: linearity.repeats, batchSize: batch_size })),
  flatness: async ({ subject, rng }, { flatness, batch_size }) => valuesOf(await computeFlatness(subject, rng,
    { repeats: flatness.repeats, batchSize: batch_size })),
  distances: async ({ subject, rng }, { distances: s, batch_size }) => valuesOf(await computeDistanceCorrelation(subject, rng, {
    repeats: s.repeats, numSamples: s.num_samples, globalSubsetSize: s.global_subset_size, batchSize: batch_size,
  })),
  lie_group: async ({ source }, { lie_group }) => valuesOf(await computeLieGroupEval(source, lie_group)),
};

/**
 * The streams and sources one metric of one representation draws from. Each metric has its own,
 * named, so adding or reordering metrics changes no other value, and a picture of a metric's
 * matrix can draw exactly the points its score was computed on.
 */
export function metricInputs(session: Session, representation: Representation, metric: string): MetricInputs {
  const { config, dataset, framework } = session;
  const streams = Rng.fromSeed(session.evalSeed).fork(`${representation}/${metric}`);
  const encode = representationEncoder(framework.model, representation, streams.fork('representation'));
  const numCodes = framework.model.zDim;
  const batchSize = config.eval.batch_size;
  return {
    source: datasetSource({ data: dataset, encode, numCodes, rng: streams.fork('data'), batchSize }),
    subject: datasetSubject({ data: dataset, encode, numCodes, batchSize }),
    rng: streams.fork('traversals'),
  };
}

export async function evaluateSession(session: Session, log?: (line: string) => void): Promise<MetricResults> {
  const { config } = session;
  const results: MetricResults = { values: {}, errors: {} };
  for (const representation of config.eval.representations) {
    results.values[representation] = {};
    results.errors[representation] = {};
    for (const metric of config.eval.metrics) {
      const inputs = metricInputs(session, representation, metric);
      log?.(`evaluating ${metric} (${representation})`);
      const started = performance.now();
      try {
        results.values[representation][metric] = await METRICS[metric](inputs, config.eval);
        log?.(`${metric} (${representation}): ${JSON.stringify(results.values[representation][metric])} (${((performance.now() - started) / 1000).toFixed(1)} s)`);
      } catch (e) {
        const reason = (e instanceof Error ? e.message : String(e)).split('\n')[0];
        results.errors[representation][metric] = reason;
        log?.(`${metric} (${representation}): not computable (${reason})`);
      }
    }
  }
  return results;
}
