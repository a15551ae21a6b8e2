// V3's content codebook (v3 spec §2.4): vector_quantize_pytorch 1.18's `VectorQuantize` with a
// Euclidean codebook, one head, k-means initialisation, EMA updates with Laplace smoothing, dead-code
// replacement and the plain straight-through estimator. The codebook and its EMA statistics are
// state, not parameters: non-trainable variables that tf.variableGrads never sees and checkpoints
// save through `state()`.
//
// A training step is `quantize` inside the loss (the output and the commitment loss), then, after the
// gradient step, `update` with the same pre-quantisation vectors and the indices `quantize` returned.
// Doing the EMA step apart from the forward pass keeps the codebook assignments off the gradient tape;
// the result is the library's, whose EMA update never touches the gradients of the step either, and
// this step's output still uses the pre-update codebook.
//
// Only the atom indices come back from the device in a step: the cluster sizes and the initialised
// flag are small enough to be kept on the host as well, and the EMA update computes them there.
import * as tf from '@tensorflow/tfjs-core';
import { UserError } from '../util/errors.js';
import type { Rng } from '../util/random.js';

export interface VectorQuantizerSettings {
  /** Variable names are `<scope>/codebook`, `<scope>/cluster_size`, `<scope>/embed_avg`, `<scope>/initialised`. */
  scope: string;
  /** K, the number of atoms. */
  codebookSize: number;
  /** d, the dimension of an atom. */
  dim: number;
  /** EMA decay of the cluster sizes and sums (0.98 in V3's configs). */
  decay: number;
  /** Scales the commitment loss (V3: 1). */
  commitmentWeight?: number;
  /** Atoms whose EMA cluster size falls below this are replaced by batch vectors; 0 never replaces. */
  deadCodeThreshold?: number;
  /** Lloyd iterations of the k-means initialisation. */
  kmeansIterations?: number;
  /** Laplace smoothing of the cluster sizes. */
  eps?: number;
  /** No EMA or dead-code updates (V3's few-shot adaptation); the output and commitment loss are unchanged. */
  frozen?: boolean;
}

export interface QuantizeOptions {
  /** Training: the straight-through output and the commitment loss; eval: the atoms and a zero loss. */
  training: boolean;
  /** Draws the k-means initialisation's starting atoms; needed only by the first call. */
  rng?: Rng;
}

export interface Quantized {
  /** [N, d]: forward value the nearest atoms; in training the gradient passes to the input unchanged. */
  quantized: tf.Tensor2D;
  /** The nearest atom of each input vector. */
  indices: Int32Array;
  /** mean((stop_gradient(q) - x)^2) * commitmentWeight in training, 0 in eval. */
  commitLoss: tf.Scalar;
}

const DEFAULTS = { commitmentWeight: 1, deadCodeThreshold: 0, kmeansIterations: 10, eps: 1e-5 };

/** x + stop_gradient(q - x): the forward value is (up to rounding) q, the gradient goes to x whole and none to q. */
const straightThrough = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const [input, atoms] = args as [tf.Tensor, tf.Tensor];
  return {
    value: tf.add(input, tf.sub(atoms, input)),
    gradFunc: (dy: tf.Tensor | tf.Tensor[]) => [dy as tf.Tensor, tf.zerosLike(atoms)],
  };
});

/** ‖x_i − e_k‖² for every pair, [N, K], as torch.cdist computes it for large inputs (before its square root). */
function squaredDistances(x: tf.Tensor2D, codebook: tf.Tensor2D): tf.Tensor2D {
  const cross = tf.matMul(x, codebook, false, true);
  return tf.add(tf.sub(tf.sum(tf.square(x), 1, true), tf.mul(cross, 2)), tf.sum(tf.square(codebook), 1));
}

/**
 * `count` row indices out of `n`, uniformly: distinct when n >= count (a partial Fisher-Yates
 * shuffle, the library's randperm(n)[:count]), drawn with replacement otherwise.
 */
function sampleRows(n: number, count: number, rng: Rng): Int32Array {
  const rows = new Int32Array(count);
  if (n < count) {
    for (let i = 0; i < count; i++) rows[i] = rng.int(n);
    return rows;
  }
  const order = Int32Array.from({ length: n }, (_, i) => i);
  for (let i = 0; i < count; i++) {
    const j = i + rng.int(n - i);
    [order[i], order[j]] = [order[j], order[i]];
    rows[i] = order[i];
  }
  return rows;
}

/**
 * Lloyd's k-means on the rows of `samples` ([n, dim], row-major), in float64, from `count` sampled
 * rows. As the library's `kmeans`: ties go to the lowest atom, an empty cluster keeps its centroid,
 * and the counts returned are those of the last assignment (made before the last centroid update).
 */
function kmeans(samples: Float32Array, n: number, dim: number, count: number, iterations: number, rng: Rng,
): { centroids: Float64Array; counts: Float64Array } {
  const centroids = new Float64Array(count * dim);
  sampleRows(n, count, rng).forEach((row, k) => centroids.set(samples.subarray(row * dim, (row + 1) * dim), k * dim));
  const counts = new Float64Array(count);
  const sums = new Float64Array(count * dim);
  for (let iteration = 0; iteration < iterations; iteration++) {
    counts.fill(0);
    sums.fill(0);
    for (let i = 0; i < n; i++) {
      let best = 0;
      let bestDistance = Infinity;
      for (let k = 0; k < count; k++) {
        let distance = 0;
        for (let j = 0; j < dim; j++) distance += (samples[i * dim + j] - centroids[k * dim + j]) ** 2;
        if (distance < bestDistance) [best, bestDistance] = [k, distance];
      }
      counts[best] += 1;
      for (let j = 0; j < dim; j++) sums[best * dim + j] += samples[i * dim + j];
    }
    for (let k = 0; k < count; k++) {
      if (counts[k] === 0) continue;
      for (let j = 0; j < dim; j++) centroids[k * dim + j] = sums[k * dim + j] / counts[k];
    }
  }
  return { centroids, counts };
}

/**
 * A small variable's values kept on the host too. They are re-read only when the variable has been
 * assigned from elsewhere (a checkpoint restore), which `assign` makes visible by giving it a new dataId.
 */
class HostMirror {
  private mirroredData: object;

  constructor(readonly variable: tf.Variable, private values: Float32Array) {
    this.mirroredData = variable.dataId;
  }

  get(): Float32Array {
    if (this.variable.dataId !== this.mirroredData) {
      this.values = Float32Array.from(this.variable.dataSync());
      this.mirroredData = this.variable.dataId;
    }
    return this.values;
  }

  set(values: Float32Array): void {
    tf.tidy(() => this.variable.assign(tf.tensor(values, this.variable.shape, 'float32')));
    this.values = values;
    this.mirroredData = this.variable.dataId;
  }
}

function checkSettings(settings: VectorQuantizerSettings): Required<VectorQuantizerSettings> {
  const resolved: Required<VectorQuantizerSettings> = {
    scope: settings.scope,
    codebookSize: settings.codebookSize,
    dim: settings.dim,
    decay: settings.decay,
    commitmentWeight: settings.commitmentWeight ?? DEFAULTS.commitmentWeight,
    deadCodeThreshold: settings.deadCodeThreshold ?? DEFAULTS.deadCodeThreshold,
    kmeansIterations: settings.kmeansIterations ?? DEFAULTS.kmeansIterations,
    eps: settings.eps ?? DEFAULTS.eps,
    frozen: settings.frozen ?? false,
  };
  const check = (ok: boolean, what: string, value: number) => {
    if (!ok) throw new UserError(`vector quantizer '${resolved.scope}': ${what}, got ${value}`);
  };
  check(Number.isInteger(resolved.codebookSize) && resolved.codebookSize >= 1, 'codebook size must be a positive integer', resolved.codebookSize);
  check(Number.isInteger(resolved.dim) && resolved.dim >= 1, 'dim must be a positive integer', resolved.dim);
  check(resolved.decay >= 0 && resolved.decay < 1, 'decay must be in [0, 1)', resolved.decay);
  check(Number.isFinite(resolved.commitmentWeight) && resolved.commitmentWeight >= 0, 'commitment weight must be finite and >= 0', resolved.commitmentWeight);
  check(Number.isFinite(resolved.deadCodeThreshold) && resolved.deadCodeThreshold >= 0, 'dead-code threshold must be finite and >= 0', resolved.deadCodeThreshold);
  check(Number.isInteger(resolved.kmeansIterations) && resolved.kmeansIterations >= 0, 'k-means iterations must be an integer >= 0', resolved.kmeansIterations);
  check(Number.isFinite(resolved.eps) && resolved.eps > 0, 'eps must be finite and > 0', resolved.eps);
  return resolved;
}

export class VectorQuantizer {
  readonly settings: Readonly<Required<Omit<VectorQuantizerSettings, 'frozen'>>>;
  /** While set, `update` changes nothing. */
  frozen: boolean;
  private readonly codebookVariable: tf.Variable<tf.Rank.R2>;
  private readonly embedAvg: tf.Variable<tf.Rank.R2>;
  private readonly clusterSize: HostMirror;
  private readonly initialisedFlag: HostMirror;

  constructor(settings: VectorQuantizerSettings) {
    const { frozen, ...resolved } = checkSettings(settings);
    this.settings = resolved;
    this.frozen = frozen;
    const { scope, codebookSize, dim } = resolved;
    // As the library before its k-means: zero atoms, zero statistics, not initialised.
    this.codebookVariable = tf.variable(tf.zeros([codebookSize, dim]), false, `${scope}/codebook`);
    this.embedAvg = tf.variable(tf.zeros([codebookSize, dim]), false, `${scope}/embed_avg`);
    this.clusterSize = new HostMirror(tf.variable(tf.zeros([codebookSize]), false, `${scope}/cluster_size`), new Float32Array(codebookSize));
    this.initialisedFlag = new HostMirror(tf.variable(tf.scalar(0), false, `${scope}/initialised`), new Float32Array(1));
  }

  /** The atoms, [K, d] (a live view: it changes with every update). */
  get codebook(): tf.Tensor2D {
    return this.codebookVariable;
  }

  get initialised(): boolean {
    return this.initialisedFlag.get()[0] !== 0;
  }

  /** Every variable a checkpoint must save and restore, by name. */
  state(): Map<string, tf.Variable> {
    return new Map([this.codebookVariable, this.clusterSize.variable, this.embedAvg, this.initialisedFlag.variable].map((v) => [v.name, v]));
  }

  /**
   * The nearest atom of every row of `x` ([N, d]). The first call, in training or eval as in the
   * library (whose first call is Lightning's validation sanity check), runs the k-means
   * initialisation on `x` first.
   */
  quantize(x: tf.Tensor2D, { training, rng }: QuantizeOptions): Quantized {
    this.checkBatch(x);
    if (!this.initialised) {
      if (!rng) throw new Error(`vector quantizer '${this.settings.scope}': the first call runs k-means and needs an rng`);
      this.initialise(x, rng);
    }
    return tf.tidy(() => {
      const { atoms, indices } = this.nearestAtoms(x);
      if (!training) return { quantized: atoms, indices, commitLoss: tf.scalar(0) };
      const commitLoss = tf.mul(tf.mean(tf.squaredDifference(atoms, x)), this.settings.commitmentWeight) as tf.Scalar;
      return { quantized: straightThrough(x, atoms) as tf.Tensor2D, indices, commitLoss };
    });
  }

  /**
   * The EMA step (and dead-code replacement when the threshold is > 0) on the batch `x` that
   * `quantize` assigned to `indices`; nothing when frozen. `rng` picks the replacement vectors.
   */
  update(x: tf.Tensor2D, indices: Int32Array, rng: Rng): void {
    if (this.frozen) return;
    this.checkBatch(x);
    const { scope, codebookSize, decay, eps, deadCodeThreshold } = this.settings;
    if (!this.initialised) throw new Error(`vector quantizer '${scope}': update before the first quantize`);
    const n = x.shape[0];
    if (indices.length !== n) throw new Error(`vector quantizer '${scope}': ${indices.length} indices for ${n} vectors`);

    const counts = new Float64Array(codebookSize);
    const assignment = new Float32Array(n * codebookSize);
    indices.forEach((k, i) => {
      if (!(k >= 0 && k < codebookSize)) throw new Error(`vector quantizer '${scope}': atom index ${k} outside [0, ${codebookSize})`);
      counts[k] += 1;
      assignment[i * codebookSize + k] = 1;
    });
    const previousSize = this.clusterSize.get();
    const clusterSize = Float32Array.from(previousSize, (size, k) => decay * size + (1 - decay) * counts[k]);
    const total = clusterSize.reduce((sum, size) => sum + size, 0);
    const smoothed = Float32Array.from(clusterSize, (size) => ((size + eps) / (total + codebookSize * eps)) * total);

    const dead = deadCodeThreshold > 0 ? [...clusterSize.keys()].filter((k) => clusterSize[k] < deadCodeThreshold) : [];
    const replacementRow = new Int32Array(codebookSize);
    const isDead = new Uint8Array(codebookSize);
    sampleRows(n, dead.length, rng).forEach((row, i) => {
      replacementRow[dead[i]] = row;
      isDead[dead[i]] = 1;
      clusterSize[dead[i]] = deadCodeThreshold;
    });

    tf.tidy(() => {
      const batchSums = tf.matMul(tf.tensor2d(assignment, [n, codebookSize]), x, true, false);
      let embedAvg = tf.add(tf.mul(this.embedAvg, decay), tf.mul(batchSums, 1 - decay)) as tf.Tensor2D;
      let codebook = tf.div(embedAvg, tf.tensor2d(smoothed, [codebookSize, 1])) as tf.Tensor2D;
      if (dead.length > 0) {
        const mask = tf.tensor2d(isDead, [codebookSize, 1], 'bool');
        const replacement = tf.gather(x, tf.tensor1d(replacementRow, 'int32')) as tf.Tensor2D;
        codebook = tf.where(mask, replacement, codebook);
        embedAvg = tf.where(mask, tf.mul(replacement, deadCodeThreshold) as tf.Tensor2D, embedAvg);
      }
      this.embedAvg.assign(embedAvg);
      this.codebookVariable.assign(codebook);
    });
    this.clusterSize.set(clusterSize);
  }

  dispose(): void {
    for (const variable of this.state().values()) variable.dispose();
  }

  private checkBatch(x: tf.Tensor2D): void {
    const { scope, dim } = this.settings;
    if (x.rank !== 2 || x.shape[1] !== dim || x.shape[0] < 1 || x.dtype !== 'float32') {
      throw new Error(`vector quantizer '${scope}': expected a non-empty float32 [N, ${dim}] batch, got ${x.dtype} [${x.shape}]`);
    }
  }

  /** k-means on the batch: atoms = centroids, cluster_size = counts, embed_avg = centroids * counts. */
  private initialise(x: tf.Tensor2D, rng: Rng): void {
    const { codebookSize, dim, kmeansIterations } = this.settings;
    const { centroids, counts } = kmeans(x.dataSync() as Float32Array, x.shape[0], dim, codebookSize, kmeansIterations, rng);
    const atoms = Float32Array.from(centroids);
    const sums = Float32Array.from(atoms, (value, i) => value * counts[Math.floor(i / dim)]);
    tf.tidy(() => {
      this.codebookVariable.assign(tf.tensor2d(atoms, [codebookSize, dim]));
      this.embedAvg.assign(tf.tensor2d(sums, [codebookSize, dim]));
    });
    this.clusterSize.set(Float32Array.from(counts));
    this.initialisedFlag.set(Float32Array.of(1));
  }

  /**
   * The nearest atoms as a constant of the graph (the codebook takes no gradient and the arg-min
   * none either), computed inside one custom-gradient op so that the tape records a single node
   * instead of the distance computation; the indices are read back from inside it.
   */
  private nearestAtoms(x: tf.Tensor2D): { atoms: tf.Tensor2D; indices: Int32Array } {
    let indices = new Int32Array(0);
    const select = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
      const input = args[0] as tf.Tensor2D;
      const atoms = tf.tidy(() => {
        const nearest = tf.argMin(squaredDistances(input, this.codebookVariable), 1);
        indices = Int32Array.from(nearest.dataSync());
        return tf.gather(this.codebookVariable, nearest);
      });
      return { value: atoms, gradFunc: () => tf.zerosLike(input) };
    });
    return { atoms: select(x) as tf.Tensor2D, indices };
  }
}
