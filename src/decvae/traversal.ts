// DecVAE's latent response analysis (spec decvae.md §10): the 25-ms traversal stimuli (one frame
// per vowel and speaker) through the Z branch as one batch, and for each latent space (X, OC_1..
// OC_NoC, OCs_proj) the 7 dimensions whose means vary most over the stimuli and the 3 that vary
// least. Two experiments: fixed_speakers (each speaker, the vowels varied) and fixed_vowels (each
// vowel, the speakers varied), over every 8th of the 60 traversal speakers (40 stimuli each).
// Written as gzipped JSON and one heat map per experiment: rows the selected dimensions of each
// space, columns the stimuli, the means standardised over all selected values (as the original's
// R plots) and coloured over ±3.2.
//
// The stimuli are decomposed with the run's own method at frame level with the traversal
// config's high_freqs_first grouping; the original's traversal config names the filter
// decomposition and is reused, method changed, for models trained on the others.
import * as tf from '@tensorflow/tfjs-core';
import { gzipSync } from 'fflate';
import { traversalStimuli, type TraversalOrdering } from '../speech/simvowels.js';
import { zScore } from '../speech/frames.js';
import { Rng } from '../util/random.js';
import { heatmap } from '../viz/heatmap.js';
import { encodePng } from '../viz/png.js';
import { decompose } from './decomposition.js';
import { batchMelFeatures, pieceLogPower, PieceMelSpectrogram } from './mel_features.js';
import type { DecVaeSession } from './session.js';

export const TRAVERSAL_EXPERIMENTS: Record<string, TraversalOrdering> = { fixed_speakers: 'fixed_speakers', fixed_vowels: 'fixed_vowels' };
/** Every 8th of the 60 traversal speakers: 0.705, 0.785, ..., 1.265. */
export const SPEAKER_STEP = 8;
const MOST_VARIED = 7;
const LEAST_VARIED = 3;
const COLOUR_RANGE = 3.2;

export interface LatentSpaceResponse {
  /** The 7 most varied dimensions, then the 3 least varied. */
  dims: number[];
  /** [stimulus][selected dim] means and log-variances. */
  mu: number[][];
  logvar: number[][];
}

export interface TraversalExperiment {
  vowels: number[];
  speakers: number[];
  spaces: Record<string, LatentSpaceResponse>;
}

/** Indices of the `most` largest values, largest first, then of the `least` smallest, smallest first (ties by index). */
export function extremeDimensions(variances: readonly number[], most = MOST_VARIED, least = LEAST_VARIED): number[] {
  const order = variances.map((_, i) => i).sort((a, b) => variances[b] - variances[a] || a - b);
  return [...order.slice(0, most), ...order.slice(-least).reverse()];
}

function variance(column: readonly number[]): number {
  const mean = column.reduce((a, b) => a + b, 0) / column.length;
  return column.reduce((a, b) => a + (b - mean) ** 2, 0) / column.length;
}

/** The Z branch's responses to one experiment's stimuli. */
export function traversalExperiment(session: DecVaeSession, ordering: TraversalOrdering): TraversalExperiment {
  const { config, system } = session;
  const stimuli = traversalStimuli({ seed: config.dataset.seed, ordering })
    .filter((s) => Math.round((s.vocalTract - 0.705) * 100) % SPEAKER_STEP === 0);
  const rng = Rng.fromSeed(config.dataset.seed).fork(`traversal ${ordering}`);
  const options = { method: config.decomposition.method, noc: config.decomposition.noc, level: 'frame' as const, grouping: 'high_freqs_first' as const };
  const decomposed = stimuli.map((s, i) => decompose(zScore(s.audio), options, rng.fork(`${i}`)).components);
  const plan = new PieceMelSpectrogram();
  const levels = Array.from({ length: config.decomposition.noc + 1 }, (_, level) =>
    batchMelFeatures(decomposed.map((components) => pieceLogPower(components[level], plan))));
  const heads = tf.tidy(() => {
    const out = system.encoder.zBranch(levels.map((features) => tf.tensor2d(features.flatMap((f) => Array.from(f)), [features.length, features[0].length])));
    const named = { X: out.heads.original, ...Object.fromEntries(out.heads.components.map((g, k) => [`OC${k + 1}`, g])), OCs_proj: out.heads.projected };
    return Object.fromEntries(Object.entries(named).map(([name, g]) => [name, { mu: g.mu.arraySync(), logvar: g.logvar.arraySync() }]));
  });
  const spaces = Object.fromEntries(Object.entries(heads).map(([name, { mu, logvar }]) => {
    const dims = extremeDimensions(mu[0].map((_, d) => variance(mu.map((row) => row[d]))));
    return [name, { dims, mu: mu.map((row) => dims.map((d) => row[d])), logvar: logvar.map((row) => dims.map((d) => row[d])) }];
  }));
  return { vowels: stimuli.map((s) => s.vowel), speakers: stimuli.map((s) => s.vocalTract), spaces };
}

/** Rows: each space's selected dims; columns: the stimuli; means standardised over every entry. */
export function traversalHeatmap(experiment: TraversalExperiment): Uint8Array {
  const spaces = Object.values(experiment.spaces);
  const values = spaces.flatMap((s) => s.mu.flat());
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const sd = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, values.length - 1)) || 1;
  const rows = spaces.flatMap((s) => s.dims.map((_, k) => s.mu.map((row) => ((row[k] - mean) / sd + COLOUR_RANGE) / (2 * COLOUR_RANGE))));
  return encodePng(heatmap(rows.flat(), rows.length, experiment.vowels.length, {
    cellSize: 10, rowLabels: spaces.flatMap((s) => s.dims),
  }));
}

/** Both experiments: [file name, bytes] of the gzipped JSON and of each heat map. */
export function traversalFiles(session: DecVaeSession): [string, Uint8Array][] {
  const experiments = Object.fromEntries(Object.entries(TRAVERSAL_EXPERIMENTS).map(([name, ordering]) => [name, traversalExperiment(session, ordering)]));
  return [
    ['traversal.json.gz', gzipSync(new TextEncoder().encode(JSON.stringify(experiments)))],
    ...Object.entries(experiments).map(([name, e]): [string, Uint8Array] => [`traversal_${name}.png`, traversalHeatmap(e)]),
  ];
}
