// Every metric on a fixed table of (factors, codes), the way disentanglement_lib's reference
// harness drives the library (metrics spec §6): point metrics read all rows or a train/test
// split of them, and beta-VAE / FactorVAE sample a lookup dataset built from the rows while
// replaying numpy's RandomState stream, so their accuracies match the library's exactly.
// A metric the library cannot compute on the input is reported under `errors` with the reason,
// never thrown, so one bad metric does not hide the others. DCI, by far the heaviest, runs in a
// worker thread alongside the others.
import { computeBetaVae } from './beta_vae.js';
import { runInWorker } from '../util/in_worker.js';
import type { DciResult } from './dci.js';
import { computeFactorVae } from './factor_vae.js';
import { computeIrs } from './irs.js';
import { LookupSource } from './lookup_source.js';
import { computeMig } from './mig.js';
import { computeModularity, computeModularityExplicitness } from './modularity_explicitness.js';
import { computeSap } from './sap.js';
import { splitTrainTest, tableFromRows, type FactorCodeTable } from './table.js';
import { computeUnsupervised } from './unsupervised.js';

export const FIXED_DATA_METRICS = [
  'mig', 'dci', 'sap', 'modularity_explicitness', 'irs', 'unsupervised', 'beta_vae', 'factor_vae',
] as const;
export type FixedDataMetric = (typeof FIXED_DATA_METRICS)[number];

export interface CodesInput {
  /** N x K integer factor values. */
  factors: number[][];
  /** N x D codes. */
  codes: number[][];
  /** Train fraction for DCI, SAP and modularity/explicitness (library default 0.8). */
  train_frac?: number;
  /** numpy RandomState seed for beta-VAE and FactorVAE (library default 0). */
  seed?: number;
}

export interface EvaluateOptions {
  metrics?: readonly FixedDataMetric[];
}

type Values = Record<string, number>;

export interface CodesEvaluation {
  metrics: Record<string, Values>;
  /** The library's other settings, reported as informational variants. */
  variants: Record<string, Values>;
  details: Record<string, unknown>;
  /** Metrics the library cannot compute on this input, with the reason. */
  errors: Record<string, string>;
}

interface Prepared {
  table: FactorCodeTable;
  train: FactorCodeTable;
  test: FactorCodeTable;
  seed: number;
}

type MetricRun = (data: Prepared, out: CodesEvaluation) => Promise<void> | void;

function withoutDetails(result: object): { values: Values; details: unknown } {
  const { details, ...values } = result as { details?: unknown };
  return { values: values as Values, details };
}

const RUNS: Record<FixedDataMetric, MetricRun> = {
  mig: ({ table }, out) => record(out, 'mig', computeMig(table)),
  dci: async ({ train, test }, out) => record(out, 'dci', await runInWorker<DciResult>(new URL('./dci.js', import.meta.url), 'computeDci', [train, test])),
  sap: ({ train, test }, out) => {
    try {
      const continuous = withoutDetails(computeSap(train, test, { continuousFactors: true }));
      out.variants.sap_continuous_factors_True = continuous.values;
      out.details.sap_continuous_factors_True = continuous.details;
    } catch (e) {
      out.errors.sap_continuous_factors_True = messageOf(e);
    }
    record(out, 'sap', computeSap(train, test));
  },
  modularity_explicitness: ({ train, test }, out) => {
    try {
      record(out, 'modularity_explicitness', computeModularityExplicitness(train, test));
    } catch (e) {
      // The library raises for the pair and for its pre-0.22 variant alike; modularity alone is
      // still defined (the reference's debug.modularity_alone).
      out.errors.explicitness_sklearn_pre_0_22 = messageOf(e);
      const alone = withoutDetails(computeModularity(train));
      out.variants.modularity_alone = alone.values;
      out.details.modularity_alone = alone.details;
      throw e;
    }
    const { explicitness_score_train, explicitness_score_test } =
      computeModularityExplicitness(train, test, { classifierDefaults: 'sklearn_pre_0_22' });
    out.variants.explicitness_sklearn_pre_0_22_defaults = { explicitness_score_train, explicitness_score_test };
  },
  irs: ({ table }, out) => record(out, 'irs', computeIrs(table)),
  unsupervised: ({ table }, out) => record(out, 'unsupervised', computeUnsupervised(table)),
  beta_vae: async ({ table, seed }, out) => {
    record(out, 'beta_vae', await computeBetaVae(new LookupSource(table, seed)));
    out.variants.beta_vae_sklearn_pre_0_22_defaults = withoutDetails(
      await computeBetaVae(new LookupSource(table, seed), { classifierDefaults: 'sklearn_pre_0_22' })).values;
  },
  factor_vae: async ({ table, seed }, out) => record(out, 'factor_vae', await computeFactorVae(new LookupSource(table, seed))),
};

function record(out: CodesEvaluation, name: string, result: object): void {
  const { values, details } = withoutDetails(result);
  out.metrics[name] = values;
  if (details !== undefined) out.details[name] = details;
}

function messageOf(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split('\n')[0];
}

/** Puts the metrics in the order asked for, whichever finished first. */
function order(out: CodesEvaluation, wanted: readonly FixedDataMetric[]): CodesEvaluation {
  const metrics: Record<string, Values> = {};
  for (const metric of wanted) if (out.metrics[metric]) metrics[metric] = out.metrics[metric];
  return { ...out, metrics };
}

/** Validates the input and splits it; throws an Error naming the problem (ragged rows, NaN codes, ...). */
export function prepareCodes(input: CodesInput): Prepared {
  if (!Array.isArray(input?.factors) || !Array.isArray(input?.codes)) {
    throw new Error("the input needs 'factors' (N x K integers) and 'codes' (N x D numbers)");
  }
  const table = tableFromRows(input.factors, input.codes);
  const trainFraction = input.train_frac ?? 0.8;
  if (typeof trainFraction !== 'number' || !(trainFraction > 0 && trainFraction < 1)) {
    throw new Error(`train_frac must be a number in (0, 1), got ${JSON.stringify(input.train_frac)}`);
  }
  const seed = input.seed ?? 0;
  if (!Number.isInteger(seed) || seed < 0 || seed >= 2 ** 32) throw new Error(`seed must be an integer in [0, 2^32), got ${JSON.stringify(input.seed)}`);
  const { train, test } = splitTrainTest(table, trainFraction);
  return { table, train, test, seed };
}

export async function evaluateCodes(input: CodesInput, options: EvaluateOptions = {}): Promise<CodesEvaluation> {
  const data = prepareCodes(input);
  const out: CodesEvaluation = { metrics: {}, variants: {}, details: {}, errors: {} };
  const run = async (metric: FixedDataMetric) => {
    try {
      await RUNS[metric](data, out);
    } catch (e) {
      out.errors[metric] = messageOf(e);
    }
  };
  const wanted = options.metrics ?? FIXED_DATA_METRICS;
  const inWorker = wanted.includes('dci') ? run('dci') : Promise.resolve();
  for (const metric of wanted) if (metric !== 'dci') await run(metric);
  await inWorker;
  return order(out, wanted);
}
