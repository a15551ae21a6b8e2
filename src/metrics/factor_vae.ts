// The FactorVAE score (Kim & Mnih 2018) as disentanglement_lib's `factor_vae.compute_factor_vae`:
// each vote holds one factor fixed over a batch and names the active code dimension whose
// variance, relative to its global variance, shrinks most; a majority-vote classifier maps code
// positions to factors and its accuracy is the score. Draws from the source happen in the
// library's order, so a replayed source reproduces the library's votes exactly.
import { columnVariances } from './numpy_reductions.js';
import type { FactorCodeSource } from './source.js';

export interface FactorVaeSettings {
  /** Points per vote (library: 64). */
  batchSize?: number;
  /** Votes used to build the classifier (library: 10000). */
  numTrain?: number;
  /** Votes used to score it (library: 5000). */
  numEval?: number;
  /** Points for the global variance estimate (library: 10000). */
  numVarianceEstimate?: number;
  /** Code dimensions whose global standard deviation is below this are pruned (library: 0.05). */
  pruneThreshold?: number;
}

export interface FactorVaeResult {
  train_accuracy: number;
  /** The published FactorVAE score. */
  eval_accuracy: number;
  /** How many code dimensions are active. */
  num_active_dims: number;
  /** What the library reports as `num_active_dims`: D whenever any dimension is active (a library bug). */
  num_active_dims_library_literal: number;
  details: {
    /** Variance (ddof=1) of every code dimension over the variance-estimate points. */
    global_variances: number[];
    active_mask: boolean[];
    /** K x D vote counts, factor x position among the active dimensions (columns past the active count stay 0). */
    training_votes: number[][];
    eval_votes: number[][];
    /** Factor predicted for each active-dimension position (argmax of its training-vote column, 0 when empty). */
    classifier: number[];
  };
}

function positiveInteger(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) throw new RangeError(`FactorVAE ${name} must be a positive integer, got ${value}`);
  return value;
}

/** Original indices of the dimensions whose standard deviation reaches the threshold (NaN never does). */
export function activeDimensions(globalVariances: ArrayLike<number>, pruneThreshold: number): Int32Array {
  const active: number[] = [];
  for (let i = 0; i < globalVariances.length; i++) if (Math.sqrt(globalVariances[i]) >= pruneThreshold) active.push(i);
  return Int32Array.from(active);
}

/**
 * numpy's `argmin(local[active] / global[active])`: the position (within `activeDims`) of the
 * smallest ratio, the first one on ties, and the first NaN if any ratio is NaN.
 */
export function leastVaryingActivePosition(localVariances: ArrayLike<number>, globalVariances: ArrayLike<number>, activeDims: Int32Array): number {
  let best = 0;
  let bestRatio = Infinity;
  for (let p = 0; p < activeDims.length; p++) {
    const ratio = localVariances[activeDims[p]] / globalVariances[activeDims[p]];
    if (Number.isNaN(ratio)) return p;
    if (p === 0 || ratio < bestRatio) {
      best = p;
      bestRatio = ratio;
    }
  }
  return best;
}

/** One vote: the factor held fixed and the active position with the least relative variance. */
async function drawVote(
  source: FactorCodeSource,
  batchSize: number,
  globalVariances: Float64Array,
  activeDims: Int32Array,
): Promise<{ factor: number; position: number }> {
  const numFactors = source.factorSizes.length;
  const factor = source.randomIndex(numFactors);
  const factors = source.sampleFactors(batchSize);
  // The library fixes the factor at the value drawn for the batch's first point.
  const fixedValue = factors[factor];
  for (let r = 1; r < batchSize; r++) factors[r * numFactors + factor] = fixedValue;
  const codes = await source.representations(factors, batchSize);
  const localVariances = columnVariances(codes, batchSize, source.numCodes, 1);
  return { factor, position: leastVaryingActivePosition(localVariances, globalVariances, activeDims) };
}

async function collectVotes(
  source: FactorCodeSource,
  numVotes: number,
  batchSize: number,
  globalVariances: Float64Array,
  activeDims: Int32Array,
): Promise<number[][]> {
  const votes = source.factorSizes.map(() => new Array<number>(source.numCodes).fill(0));
  for (let v = 0; v < numVotes; v++) {
    const { factor, position } = await drawVote(source, batchSize, globalVariances, activeDims);
    votes[factor][position]++;
  }
  return votes;
}

/** Majority factor of every vote column (first on ties, so an empty column maps to factor 0). */
function majorityClassifier(votes: number[][], numColumns: number): number[] {
  return Array.from({ length: numColumns }, (_, c) => {
    let best = 0;
    for (let k = 1; k < votes.length; k++) if (votes[k][c] > votes[best][c]) best = k;
    return best;
  });
}

function accuracy(votes: number[][], classifier: number[]): number {
  let correct = 0;
  let total = 0;
  for (const row of votes) for (const count of row) total += count;
  classifier.forEach((factor, c) => {
    correct += votes[factor][c];
  });
  return correct / total;
}

export async function computeFactorVae(source: FactorCodeSource, settings: FactorVaeSettings = {}): Promise<FactorVaeResult> {
  const batchSize = positiveInteger('batchSize', settings.batchSize ?? 64);
  const numTrain = positiveInteger('numTrain', settings.numTrain ?? 10000);
  const numEval = positiveInteger('numEval', settings.numEval ?? 5000);
  const numVarianceEstimate = positiveInteger('numVarianceEstimate', settings.numVarianceEstimate ?? 10000);
  const pruneThreshold = settings.pruneThreshold ?? 0.05;
  const numFactors = source.factorSizes.length;
  const numCodes = source.numCodes;
  if (numFactors < 1) throw new Error('FactorVAE needs at least one factor');
  if (numCodes < 1) throw new Error('FactorVAE needs at least one code dimension');

  // All factors of the variance sample are drawn before any observation, as the library does.
  const varianceFactors = source.sampleFactors(numVarianceEstimate);
  const varianceCodes = await source.representations(varianceFactors, numVarianceEstimate);
  const globalVariances = columnVariances(varianceCodes, numVarianceEstimate, numCodes, 1);
  const activeDims = activeDimensions(globalVariances, pruneThreshold);
  const activeMask = Array.from(globalVariances, (_, i) => activeDims.includes(i));

  if (activeDims.length === 0) {
    const noVotes = source.factorSizes.map(() => new Array<number>(numCodes).fill(0));
    return {
      train_accuracy: 0,
      eval_accuracy: 0,
      num_active_dims: 0,
      num_active_dims_library_literal: 0,
      details: {
        global_variances: Array.from(globalVariances),
        active_mask: activeMask,
        training_votes: noVotes,
        eval_votes: noVotes.map((row) => row.slice()),
        classifier: new Array<number>(numCodes).fill(0),
      },
    };
  }

  const trainingVotes = await collectVotes(source, numTrain, batchSize, globalVariances, activeDims);
  const classifier = majorityClassifier(trainingVotes, numCodes);
  const trainAccuracy = accuracy(trainingVotes, classifier);
  const evalVotes = await collectVotes(source, numEval, batchSize, globalVariances, activeDims);

  return {
    train_accuracy: trainAccuracy,
    eval_accuracy: accuracy(evalVotes, classifier),
    num_active_dims: activeDims.length,
    num_active_dims_library_literal: numCodes,
    details: {
      global_variances: Array.from(globalVariances),
      active_mask: activeMask,
      training_votes: trainingVotes,
      eval_votes: evalVotes,
      classifier,
    },
  };
}
