// DecVAE's evaluation suite (spec decvae.md §9): the dev and test sets encoded, the frame (Z) and
// sequence (S) latents in the "all" and "OCs_joint" aggregations scored by the disentanglement
// metrics on a speaker-stratified 80/20 re-split of dev ∪ test (§9.2-§9.3), the supervised and
// k-means classification tasks (§9.4: vowel and speaker per frame, speaker per utterance), and
// UMAP pictures of the frame latents, and the latent response analysis (§10). The frame part
// also scores the β-VAE baseline (§11).
import * as path from 'node:path';
import type { FactorCodeTable } from '../metrics/table.js';
import { UserError } from '../util/errors.js';
import { writeFileAtomic } from '../util/files.js';
import { Rng } from '../util/random.js';
import { supervisedClassification, unsupervisedClustering } from './classification.js';
import { embedSplit, type LatentMatrix, type SplitEmbedding } from './embed.js';
import { drawRows, umapPicture } from './latent_pictures.js';
import { decVaeDisentanglement, resplitBySpeaker } from './metrics/suite.js';
import type { DecVaeSession } from './session.js';
import { traversalFiles } from './traversal.js';

export interface DecVaeEvaluation {
  metrics: Record<string, Record<string, number>>;
  /** Groups that could not be computed on this data (e.g. a speaker with one utterance), and why. */
  errors: Record<string, string>;
  files: string[];
}

/** Runs one group of metrics; a UserError (data too small for it) is recorded instead of ending the evaluation. */
function attempt(evaluation: DecVaeEvaluation, group: string, compute: () => Record<string, number>): void {
  try {
    evaluation.metrics[group] = compute();
  } catch (error) {
    if (!(error instanceof UserError)) throw error;
    evaluation.errors[group] = error.message;
  }
}

/** A table of the rows `rows` of `latents` with the given factor columns. */
function tableOf(latents: LatentMatrix, factors: readonly Int32Array[], rows: Int32Array): FactorCodeTable {
  const { dims } = latents;
  const codes = new Float64Array(rows.length * dims);
  const values = new Int32Array(rows.length * factors.length);
  rows.forEach((r, i) => {
    codes.set(latents.values.subarray(r * dims, (r + 1) * dims), i * dims);
    factors.forEach((f, k) => (values[i * factors.length + k] = f[r]));
  });
  return { n: rows.length, numFactors: factors.length, numCodes: dims, factors: values, codes };
}

/** The metrics of one latent space, nested results flattened to `group.key` names. */
function disentanglement(dev: FactorCodeTable, test: FactorCodeTable, speakerFactor: number): Record<string, number> {
  const split = resplitBySpeaker(dev, test, speakerFactor);
  const { dci, ...rest } = decVaeDisentanglement(split.train, split.test);
  return { ...rest, ...Object.fromEntries(Object.entries(dci).map(([k, v]) => [`dci_${k}`, v])) };
}

function classification(latents: readonly LatentMatrix[], labels: readonly Int32Array[], settings: EvalSettings): Record<string, number> {
  const { classification_random_states: randomStates, kmeans_seeds: kmeansSeeds, classifiers } = settings;
  const merged = { values: new Float64Array(latents[0].values.length + latents[1].values.length), rows: latents[0].rows + latents[1].rows };
  merged.values.set(latents[0].values);
  merged.values.set(latents[1].values, latents[0].values.length);
  const all = new Int32Array(labels[0].length + labels[1].length);
  all.set(labels[0]);
  all.set(labels[1], labels[0].length);
  const supervised = supervisedClassification(merged.values, merged.rows, latents[0].dims, all, { randomStates, classifiers });
  const clustering = unsupervisedClustering(latents[0].values, labels[0], latents[1].values, labels[1], Array.from({ length: kmeansSeeds }, (_, s) => s));
  return {
    best_accuracy: supervised.bestAccuracy,
    ...Object.fromEntries(Object.entries(supervised.classifiers).map(([name, scores]) => [`${name}_accuracy`, scores.accuracy.mean])),
    kmeans_accuracy_dev: clustering.train.accuracy,
    kmeans_accuracy_test: clustering.test.accuracy,
  };
}

/** One split's frame latents by metrics group (z_all, ...: the first is the one classified and drawn), with labels. */
export interface FrameLatents {
  aggregations: Record<string, LatentMatrix>;
  vowels: Int32Array;
  speakers: Int32Array;
}

type EvalSettings = DecVaeSession['config']['eval'];

/**
 * The frame-level part of the suite, shared with the β-VAE baseline: per aggregation the
 * disentanglement metrics (factors vowel and speaker), then vowel and speaker classification
 * on the first aggregation and its UMAP picture of test frames.
 */
export function evaluateFrameLatents(evaluation: DecVaeEvaluation, splits: [FrameLatents, FrameLatents], settings: EvalSettings,
  runDir: string, rng: Rng, log?: (line: string) => void): void {
  const names = Object.keys(splits[0].aggregations);
  const rows = splits.map((s, i) => {
    const count = s.vowels.length;
    return drawRows(count, settings.metric_frames || count, rng.fork(`frames ${i}`));
  });
  const tables = (name: string) => splits.map((s, i) => tableOf(s.aggregations[name], [s.vowels, s.speakers], rows[i]));
  for (const name of names) {
    log?.(`disentanglement metrics of the frame latents (${name})`);
    const [dev, test] = tables(name);
    attempt(evaluation, name, () => disentanglement(dev, test, 1));
  }
  log?.('classification: vowel and speaker per frame');
  const frames = tables(names[0]);
  const latents = frames.map((t) => ({ values: t.codes, rows: t.n, dims: t.numCodes }));
  const column = (t: FactorCodeTable, k: number) => Int32Array.from({ length: t.n }, (_, r) => t.factors[r * t.numFactors + k]);
  attempt(evaluation, 'vowel', () => classification(latents, frames.map((t) => column(t, 0)), settings));
  attempt(evaluation, 'speaker_frame', () => classification(latents, frames.map((t) => column(t, 1)), settings));
  if (settings.umap_points > 0) {
    log?.(`UMAP of ${Math.min(settings.umap_points, splits[1].vowels.length)} test frames`);
    const file = path.join(runDir, 'umap_z.png');
    writeFileAtomic(file, umapPicture(splits[1].aggregations[names[0]], [splits[1].vowels, splits[1].speakers], settings.umap_points, rng.fork('umap')));
    evaluation.files.push(file);
  }
}

export async function evaluateDecVae(session: DecVaeSession, runDir: string, log?: (line: string) => void): Promise<DecVaeEvaluation> {
  const { eval: settings } = session.config;
  const rng = Rng.fromSeed(session.evalSeed).fork('evaluate');
  log?.('encoding the dev and test utterances');
  const splits: SplitEmbedding[] = [embedSplit(session, 'dev'), embedSplit(session, 'test')];
  const evaluation: DecVaeEvaluation = { metrics: {}, errors: {}, files: [] };
  const frameLatents = (s: SplitEmbedding): FrameLatents => ({ aggregations: { z_all: s.z.all, z_ocs_joint: s.z.ocsJoint }, vowels: s.vowels, speakers: s.frameSpeakers });
  evaluateFrameLatents(evaluation, [frameLatents(splits[0]), frameLatents(splits[1])], settings, runDir, rng, log);
  log?.('disentanglement metrics of the sequence latents, speaker per utterance');
  const utteranceRows = splits.map((s) => Int32Array.from({ length: s.speakers.length }, (_, i) => i));
  for (const aggregation of ['all', 'ocsJoint'] as const) {
    const tables = splits.map((split, i) => tableOf(split.s[aggregation], [split.speakers], utteranceRows[i]));
    attempt(evaluation, `s_${aggregation === 'all' ? 'all' : 'ocs_joint'}`, () => disentanglement(tables[0], tables[1], 0));
  }
  attempt(evaluation, 'speaker_seq', () => classification(splits.map((s) => s.s.all), splits.map((s) => s.speakers), settings));
  if (settings.traversal) {
    log?.('latent responses to the traversal stimuli');
    for (const [name, bytes] of traversalFiles(session)) {
      const file = path.join(runDir, name);
      writeFileAtomic(file, bytes);
      evaluation.files.push(file);
    }
  }
  return evaluation;
}
