// Barnes-Hut t-SNE (van der Maaten 2014) into 2 or 3 dimensions, following scikit-learn 1.2's
// TSNE(method='barnes_hut') step by step, because V3's embedding pictures (spec §6.2) were made
// with it: exact k nearest neighbours, a per-point binary search for the perplexity, symmetrised
// sparse P, PCA initialisation, early exaggeration, momentum and gains. Every t-SNE on npm is the
// exact O(N^2) method (minutes per thousand points), hence this one: O(N log N) per iteration.
import { UserError } from '../util/errors.js';
import type { Rng } from '../util/random.js';

export interface TsneProgress {
  /** Iterations done so far (1-based). */
  iteration: number;
  iterations: number;
  /** KL(P || Q) as scikit-learn reports it (with the exaggerated P during the first 250 iterations). */
  kl: number;
  gradientNorm: number;
}

export interface TsneOptions {
  rng: Rng;
  components?: 2 | 3;
  perplexity?: number;
  earlyExaggeration?: number;
  learningRate?: number | 'auto';
  iterations?: number;
  /** Barnes-Hut opening angle; 0 computes the exact repulsive forces. */
  theta?: number;
  init?: 'pca' | 'random';
  /** Called every 50 iterations and after the last one. */
  onProgress?: (progress: TsneProgress) => void;
}

/** The symmetric joint probabilities P in compressed sparse rows, summing to 1. */
export interface SparseProbabilities {
  n: number;
  rowStart: Int32Array;
  columns: Int32Array;
  values: Float64Array;
}

/** p(j | i) for each point's k nearest neighbours, row-major n x k. */
export interface ConditionalProbabilities {
  n: number;
  k: number;
  neighbours: Int32Array;
  values: Float64Array;
}

/** scikit-learn's fixed schedule: exaggeration and momentum 0.5 for this many iterations. */
const EXPLORATION_ITERATIONS = 250;
const CHECK_EVERY = 50;
const ITERATIONS_WITHOUT_PROGRESS = 300;
const MIN_GRADIENT_NORM = 1e-7;
const MIN_GAIN = 0.01;
const PERPLEXITY_TOLERANCE = 1e-5;
const BINARY_SEARCH_STEPS = 100;
const FLOAT32_TINY = 1.1754943508222875e-38;
/** Points closer than this in every coordinate share a tree leaf (scikit-learn's quad tree EPSILON). */
const DUPLICATE_EPSILON = 1e-6;
/** scikit-learn's randomized_svd for a few components: extra vectors beyond the components, power iterations. */
const PCA_OVERSAMPLES = 10;
const PCA_POWER_ITERATIONS = 7;

/** Embeds n points of `d` dimensions (row-major `data`) into n x components, row-major. */
export function tsne(data: Float64Array, n: number, d: number, options: TsneOptions): Float64Array {
  const {
    rng,
    components = 2,
    perplexity = 30,
    earlyExaggeration = 12,
    learningRate = 'auto',
    iterations = 1000,
    theta = 0.5,
    init = 'pca',
    onProgress,
  } = options;
  checkData(data, n, d);
  if (components !== 2 && components !== 3) throw new UserError(`t-SNE: components must be 2 or 3, got ${components}`);
  if (!(Number.isSafeInteger(iterations) && iterations > 0)) throw new UserError(`t-SNE: iterations must be a positive integer, got ${iterations}`);
  if (!(earlyExaggeration >= 1)) throw new UserError(`t-SNE: early exaggeration must be at least 1, got ${earlyExaggeration}`);
  if (!(theta >= 0 && theta <= 1)) throw new UserError(`t-SNE: theta must be in [0, 1], got ${theta}`);
  if (learningRate !== 'auto' && !(learningRate > 0)) throw new UserError(`t-SNE: learning rate must be positive or 'auto', got ${learningRate}`);
  const rate = learningRate === 'auto' ? Math.max(n / earlyExaggeration / 4, 50) : learningRate;

  const joint = jointProbabilities(conditionalProbabilities(data, n, d, perplexity));
  const embedding = init === 'pca' ? pcaInitialisation(data, n, d, components, rng) : randomInitialisation(n, components, rng);
  const descend = (start: number, end: number, momentum: number, exaggeration: number, patience: number) =>
    gradientDescent({ joint, embedding, components, theta, rate, momentum, exaggeration, patience, start, end, iterations, onProgress });
  const last = descend(0, Math.min(EXPLORATION_ITERATIONS, iterations), 0.5, earlyExaggeration, EXPLORATION_ITERATIONS);
  if (last + 1 < iterations) descend(last + 1, iterations, 0.8, 1, ITERATIONS_WITHOUT_PROGRESS);
  return embedding;
}

function checkData(data: Float64Array, n: number, d: number): void {
  if (!(Number.isSafeInteger(n) && n >= 2 && Number.isSafeInteger(d) && d >= 1)) {
    throw new UserError(`t-SNE needs at least 2 points of at least 1 dimension, got ${n} x ${d}`);
  }
  if (data.length !== n * d) throw new UserError(`t-SNE: ${data.length} values do not form ${n} x ${d} points`);
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i])) throw new UserError(`t-SNE: point ${Math.floor(i / d)}, dimension ${i % d} is ${data[i]}`);
  }
}

/**
 * p(j | i) over each point's min(n - 1, floor(3 * perplexity + 1)) nearest neighbours (squared
 * Euclidean distances), with the Gaussian's precision found by scikit-learn's binary search so
 * that every row's entropy is log(perplexity) to 1e-5 nats.
 */
export function conditionalProbabilities(data: Float64Array, n: number, d: number, perplexity = 30): ConditionalProbabilities {
  checkData(data, n, d);
  if (!(perplexity > 0 && perplexity < n)) throw new UserError(`t-SNE: perplexity must be in (0, ${n}) for ${n} points, got ${perplexity}`);
  const k = Math.min(n - 1, Math.floor(3 * perplexity + 1));
  const { neighbours, squaredDistances } = nearestNeighbours(data, n, d, k);
  const values = new Float64Array(n * k);
  const desiredEntropy = Math.log(perplexity);
  for (let i = 0; i < n; i++) {
    const distances = squaredDistances.subarray(i * k, (i + 1) * k);
    const row = values.subarray(i * k, (i + 1) * k);
    let beta = 1;
    let betaMin = -Infinity;
    let betaMax = Infinity;
    for (let step = 0; step < BINARY_SEARCH_STEPS; step++) {
      let sum = 0;
      for (let j = 0; j < k; j++) sum += row[j] = Math.exp(-distances[j] * beta);
      if (sum === 0) sum = 1e-8;
      let weightedDistance = 0;
      for (let j = 0; j < k; j++) {
        row[j] /= sum;
        weightedDistance += distances[j] * row[j];
      }
      const entropyExcess = Math.log(sum) + beta * weightedDistance - desiredEntropy;
      if (Math.abs(entropyExcess) <= PERPLEXITY_TOLERANCE) break;
      if (entropyExcess > 0) {
        betaMin = beta;
        beta = betaMax === Infinity ? beta * 2 : (beta + betaMax) / 2;
      } else {
        betaMax = beta;
        beta = betaMin === -Infinity ? beta / 2 : (beta + betaMin) / 2;
      }
    }
  }
  return { n, k, neighbours, values };
}

/** P = (C + C^T) / sum, C the conditional probabilities, as scikit-learn's sparse symmetrisation. */
export function jointProbabilities(conditional: ConditionalProbabilities): SparseProbabilities {
  const { n, k, neighbours, values } = conditional;
  const counts = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) {
    counts[i] += k;
    for (let m = 0; m < k; m++) counts[neighbours[i * k + m]]++;
  }
  const entryStart = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) entryStart[i + 1] = entryStart[i] + counts[i];
  const fill = entryStart.slice(0, n);
  const entryColumns = new Int32Array(entryStart[n]);
  const entryValues = new Float64Array(entryStart[n]);
  for (let i = 0; i < n; i++) {
    for (let m = 0; m < k; m++) {
      const j = neighbours[i * k + m];
      const value = values[i * k + m];
      entryColumns[fill[i]] = j;
      entryValues[fill[i]++] = value;
      entryColumns[fill[j]] = i;
      entryValues[fill[j]++] = value;
    }
  }
  // Each row's entries sorted by column, then equal columns (a mutual neighbour pair) summed.
  const rowStart = new Int32Array(n + 1);
  const columns: number[] = [];
  const merged: number[] = [];
  let total = 0;
  for (let i = 0; i < n; i++) {
    const order = Array.from({ length: entryStart[i + 1] - entryStart[i] }, (_, m) => entryStart[i] + m);
    order.sort((a, b) => entryColumns[a] - entryColumns[b]);
    for (const entry of order) {
      const last = columns.length - 1;
      if (last >= rowStart[i] && columns[last] === entryColumns[entry]) merged[last] += entryValues[entry];
      else {
        columns.push(entryColumns[entry]);
        merged.push(entryValues[entry]);
      }
      total += entryValues[entry];
    }
    rowStart[i + 1] = columns.length;
  }
  const normaliser = Math.max(total, Number.EPSILON);
  return { n, rowStart, columns: Int32Array.from(columns), values: Float64Array.from(merged, (value) => value / normaliser) };
}

/**
 * The k nearest other points of every point, nearest first, by brute force over all pairs in
 * cache-sized blocks: exact like scikit-learn's tree search, and faster than a tree for the
 * 512-dimensional embeddings V3 pictures, where vantage-point trees prune almost nothing.
 */
function nearestNeighbours(data: Float64Array, n: number, d: number, k: number): { neighbours: Int32Array; squaredDistances: Float64Array } {
  const heapDistances = new Float64Array(n * k).fill(Infinity);
  const heapIndices = new Int32Array(n * k).fill(-1);
  const offer = (row: number, distance: number, index: number) => {
    const base = row * k;
    if (distance >= heapDistances[base]) return;
    // Replace the root (the farthest kept) and sift down: a max-heap of the k nearest so far.
    let slot = 0;
    for (;;) {
      const left = 2 * slot + 1;
      if (left >= k) break;
      const right = left + 1;
      const larger = right < k && heapDistances[base + right] > heapDistances[base + left] ? right : left;
      if (heapDistances[base + larger] <= distance) break;
      heapDistances[base + slot] = heapDistances[base + larger];
      heapIndices[base + slot] = heapIndices[base + larger];
      slot = larger;
    }
    heapDistances[base + slot] = distance;
    heapIndices[base + slot] = index;
  };
  const block = 32;
  for (let rowBlock = 0; rowBlock < n; rowBlock += block) {
    const rowEnd = Math.min(n, rowBlock + block);
    for (let columnBlock = rowBlock; columnBlock < n; columnBlock += block) {
      const columnEnd = Math.min(n, columnBlock + block);
      for (let i = rowBlock; i < rowEnd; i++) {
        const a = i * d;
        for (let j = Math.max(columnBlock, i + 1); j < columnEnd; j++) {
          const b = j * d;
          const distance = squaredDistance(data, a, b, d);
          offer(i, distance, j);
          offer(j, distance, i);
        }
      }
    }
  }
  const neighbours = new Int32Array(n * k);
  const squaredDistances = new Float64Array(n * k);
  for (let i = 0; i < n; i++) {
    const order = Array.from({ length: k }, (_, m) => i * k + m);
    order.sort((a, b) => heapDistances[a] - heapDistances[b] || heapIndices[a] - heapIndices[b]);
    order.forEach((slot, m) => {
      neighbours[i * k + m] = heapIndices[slot];
      squaredDistances[i * k + m] = heapDistances[slot];
    });
  }
  return { neighbours, squaredDistances };
}

/** |x_a - x_b|^2 over `d` coordinates from offsets a and b, four independent sums for instruction-level parallelism. */
function squaredDistance(data: Float64Array, a: number, b: number, d: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let c = 0;
  for (; c + 3 < d; c += 4) {
    const d0 = data[a + c] - data[b + c];
    const d1 = data[a + c + 1] - data[b + c + 1];
    const d2 = data[a + c + 2] - data[b + c + 2];
    const d3 = data[a + c + 3] - data[b + c + 3];
    s0 += d0 * d0;
    s1 += d1 * d1;
    s2 += d2 * d2;
    s3 += d3 * d3;
  }
  for (; c < d; c++) s0 += (data[a + c] - data[b + c]) ** 2;
  return s0 + s1 + (s2 + s3);
}

/**
 * scikit-learn 1.2's init='pca': the leading principal components by randomized subspace
 * iteration as its PCA(svd_solver='randomized') (components + 10 vectors, 7 power iterations, then
 * Rayleigh-Ritz), each sign chosen so its largest-magnitude score is positive, then all scaled so
 * the first has std 1e-4.
 */
function pcaInitialisation(data: Float64Array, n: number, d: number, components: number, rng: Rng): Float64Array {
  if (d < components) throw new UserError(`t-SNE: PCA initialisation needs at least ${components} input dimensions, got ${d}`);
  const mean = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let c = 0; c < d; c++) mean[c] += data[i * d + c] / n;
  const centred = Float64Array.from(data, (value, index) => value - mean[index % d]);
  const width = Math.min(components + PCA_OVERSAMPLES, d);
  const scoresOf = (basis: Float64Array) => {
    const scores = new Float64Array(n * width);
    for (let i = 0; i < n; i++) {
      for (let m = 0; m < width; m++) {
        let dot = 0;
        for (let c = 0; c < d; c++) dot += centred[i * d + c] * basis[m * d + c];
        scores[i * width + m] = dot;
      }
    }
    return scores;
  };
  const basis = Float64Array.from({ length: width * d }, () => rng.normal());
  orthonormaliseRows(basis, width, d);
  for (let iteration = 0; iteration < PCA_POWER_ITERATIONS; iteration++) {
    const scores = scoresOf(basis);
    basis.fill(0);
    for (let i = 0; i < n; i++) {
      for (let m = 0; m < width; m++) {
        const score = scores[i * width + m];
        for (let c = 0; c < d; c++) basis[m * d + c] += score * centred[i * d + c];
      }
    }
    orthonormaliseRows(basis, width, d);
  }
  const scores = scoresOf(basis);
  const gram = new Float64Array(width * width);
  for (let i = 0; i < n; i++) {
    for (let a = 0; a < width; a++) for (let b = 0; b < width; b++) gram[a * width + b] += scores[i * width + a] * scores[i * width + b];
  }
  const rotation = leadingEigenvectors(gram, width, components);
  const embedding = new Float64Array(n * components);
  for (let i = 0; i < n; i++) {
    for (let m = 0; m < components; m++) {
      let value = 0;
      for (let a = 0; a < width; a++) value += scores[i * width + a] * rotation[a * components + m];
      embedding[i * components + m] = value;
    }
  }
  for (let m = 0; m < components; m++) {
    let largest = 0;
    for (let i = 0; i < n; i++) if (Math.abs(embedding[i * components + m]) > Math.abs(largest)) largest = embedding[i * components + m];
    if (largest < 0) for (let i = 0; i < n; i++) embedding[i * components + m] = -embedding[i * components + m];
  }
  let mean0 = 0;
  for (let i = 0; i < n; i++) mean0 += embedding[i * components] / n;
  let variance0 = 0;
  for (let i = 0; i < n; i++) variance0 += (embedding[i * components] - mean0) ** 2 / n;
  // Constant data has no first component to scale by; its embedding stays at the origin.
  const scale = variance0 > 0 ? 1e-4 / Math.sqrt(variance0) : 1;
  for (let i = 0; i < embedding.length; i++) embedding[i] *= scale;
  return embedding;
}

/**
 * The eigenvectors of the `count` largest eigenvalues of a small symmetric matrix (cyclic Jacobi
 * rotations), as the columns of a size x count matrix.
 */
function leadingEigenvectors(matrix: Float64Array, size: number, count: number): Float64Array {
  const a = matrix.slice();
  const vectors = new Float64Array(size * size);
  for (let p = 0; p < size; p++) vectors[p * size + p] = 1;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    let diagonal = 0;
    for (let p = 0; p < size; p++) {
      diagonal += a[p * size + p] ** 2;
      for (let q = p + 1; q < size; q++) off += a[p * size + q] ** 2;
    }
    if (off <= 1e-30 * diagonal) break;
    for (let p = 0; p < size; p++) {
      for (let q = p + 1; q < size; q++) {
        const apq = a[p * size + q];
        if (apq === 0) continue;
        const tau = (a[q * size + q] - a[p * size + p]) / (2 * apq);
        const t = Math.sign(tau || 1) / (Math.abs(tau) + Math.sqrt(1 + tau * tau));
        const cos = 1 / Math.sqrt(1 + t * t);
        const sin = t * cos;
        for (let r = 0; r < size; r++) {
          const arp = a[r * size + p];
          const arq = a[r * size + q];
          a[r * size + p] = cos * arp - sin * arq;
          a[r * size + q] = sin * arp + cos * arq;
        }
        for (let r = 0; r < size; r++) {
          const apr = a[p * size + r];
          const aqr = a[q * size + r];
          a[p * size + r] = cos * apr - sin * aqr;
          a[q * size + r] = sin * apr + cos * aqr;
        }
        for (let r = 0; r < size; r++) {
          const vrp = vectors[r * size + p];
          const vrq = vectors[r * size + q];
          vectors[r * size + p] = cos * vrp - sin * vrq;
          vectors[r * size + q] = sin * vrp + cos * vrq;
        }
      }
    }
  }
  const order = Array.from({ length: size }, (_, p) => p).sort((p, q) => a[q * size + q] - a[p * size + p]);
  const leading = new Float64Array(size * count);
  for (let m = 0; m < count; m++) for (let r = 0; r < size; r++) leading[r * count + m] = vectors[r * size + order[m]];
  return leading;
}

/** Modified Gram-Schmidt on the rows of a rows x cols matrix; a dependent row becomes zero. */
function orthonormaliseRows(matrix: Float64Array, rows: number, cols: number): void {
  for (let r = 0; r < rows; r++) {
    const row = matrix.subarray(r * cols, (r + 1) * cols);
    for (let s = 0; s < r; s++) {
      const previous = matrix.subarray(s * cols, (s + 1) * cols);
      let dot = 0;
      for (let c = 0; c < cols; c++) dot += row[c] * previous[c];
      for (let c = 0; c < cols; c++) row[c] -= dot * previous[c];
    }
    let norm = 0;
    for (let c = 0; c < cols; c++) norm += row[c] * row[c];
    norm = Math.sqrt(norm);
    for (let c = 0; c < cols; c++) row[c] = norm > 1e-300 ? row[c] / norm : 0;
  }
}

function randomInitialisation(n: number, components: number, rng: Rng): Float64Array {
  return Float64Array.from({ length: n * components }, () => 1e-4 * rng.normal());
}

interface DescentSettings {
  joint: SparseProbabilities;
  embedding: Float64Array;
  components: 2 | 3;
  theta: number;
  rate: number;
  momentum: number;
  exaggeration: number;
  /** Stop when the KL has not improved for more than this many iterations. */
  patience: number;
  start: number;
  end: number;
  iterations: number;
  onProgress?: (progress: TsneProgress) => void;
}

/** scikit-learn's _gradient_descent: momentum with per-coordinate gains (delta-bar-delta). Returns the last iteration run. */
function gradientDescent(settings: DescentSettings): number {
  const { joint, embedding, components, theta, rate, momentum, exaggeration, patience, start, end, iterations, onProgress } = settings;
  const update = new Float64Array(embedding.length);
  const gains = new Float64Array(embedding.length).fill(1);
  let bestKl = Infinity;
  let bestIteration = start;
  let iteration = start;
  for (; iteration < end; iteration++) {
    const check = (iteration + 1) % CHECK_EVERY === 0 || iteration === end - 1;
    const { gradient, kl } = barnesHutGradient(joint, embedding, components, theta, exaggeration);
    let squaredNorm = 0;
    for (let c = 0; c < embedding.length; c++) {
      if (update[c] * gradient[c] < 0) gains[c] += 0.2;
      else gains[c] *= 0.8;
      if (gains[c] < MIN_GAIN) gains[c] = MIN_GAIN;
      const step = gradient[c] * gains[c];
      squaredNorm += step * step;
      update[c] = momentum * update[c] - rate * step;
      embedding[c] += update[c];
    }
    if (!check) continue;
    const gradientNorm = Math.sqrt(squaredNorm);
    onProgress?.({ iteration: iteration + 1, iterations, kl, gradientNorm });
    if ((iteration + 1) % CHECK_EVERY !== 0) continue;
    if (kl < bestKl) {
      bestKl = kl;
      bestIteration = iteration;
    } else if (iteration - bestIteration > patience) break;
    if (gradientNorm <= MIN_GRADIENT_NORM) break;
  }
  return Math.min(iteration, end - 1);
}

/**
 * The t-SNE gradient with respect to the embedding and KL(P || Q), repulsion by Barnes-Hut over a
 * 2^components-ary space-partitioning tree. As scikit-learn, the Student-t has
 * max(components - 1, 1) degrees of freedom and the gradient is its formula
 * (2 (dof + 1) / dof) * sum_j (p_ij - q_ij) w_ij (y_i - y_j), w_ij = (1 + |y_i - y_j|^2 / dof)^(-(dof + 1) / 2),
 * which is the exact gradient of the KL only for dof = 1 (2 components); kept for parity.
 * `exaggeration` multiplies P.
 */
export function barnesHutGradient(
  joint: SparseProbabilities,
  embedding: Float64Array,
  components: 2 | 3,
  theta: number,
  exaggeration = 1,
): { gradient: Float64Array; kl: number } {
  const { n, rowStart, columns, values } = joint;
  const dof = Math.max(components - 1, 1);
  const tree = buildTree(embedding, n, components);
  const repulsion = new Float64Array(n * components);
  let sumQ = 0;
  for (let i = 0; i < n; i++) sumQ += tree.repel(embedding, i, theta * theta, dof, repulsion);
  sumQ = Math.max(sumQ, Number.EPSILON);
  const gradient = new Float64Array(n * components);
  const scale = (2 * (dof + 1)) / dof;
  let kl = 0;
  for (let i = 0; i < n; i++) {
    for (let entry = rowStart[i]; entry < rowStart[i + 1]; entry++) {
      const j = columns[entry];
      const p = exaggeration * values[entry];
      let distance = 0;
      for (let c = 0; c < components; c++) distance += (embedding[i * components + c] - embedding[j * components + c]) ** 2;
      const w = studentT(distance, dof);
      kl += p * Math.log(Math.max(p, FLOAT32_TINY) / Math.max(w / sumQ, FLOAT32_TINY));
      for (let c = 0; c < components; c++) gradient[i * components + c] += p * w * (embedding[i * components + c] - embedding[j * components + c]);
    }
    for (let c = 0; c < components; c++) {
      const index = i * components + c;
      gradient[index] = scale * (gradient[index] - repulsion[index] / sumQ);
    }
  }
  return { gradient, kl };
}

/** (dof / (dof + d2))^((dof + 1) / 2): the unnormalised Student-t similarity at squared distance d2. */
function studentT(distance2: number, dof: number): number {
  const base = dof / (dof + distance2);
  return dof === 1 ? base : dof === 2 ? base * Math.sqrt(base) : base ** ((dof + 1) / 2);
}

/**
 * Quadtree (2-D) or octree (3-D) over the embedding: each cell holds its points' count and
 * barycentre and the square of its widest side; children of a cell are stored contiguously.
 */
class SpaceTree {
  private cellCount = 0;
  private barycentres: Float64Array;
  private sizes: Float64Array;
  private squaredWidths: Float64Array;
  private childStart: Int32Array;
  private childCount: Int32Array;
  private stack: Int32Array;
  private readonly delta: Float64Array;

  constructor(private readonly dims: number, capacity: number) {
    this.barycentres = new Float64Array(capacity * dims);
    this.sizes = new Float64Array(capacity);
    this.squaredWidths = new Float64Array(capacity);
    this.childStart = new Int32Array(capacity);
    this.childCount = new Int32Array(capacity);
    this.stack = new Int32Array(64);
    this.delta = new Float64Array(dims);
  }

  /** Reserves `count` consecutive cells and returns the first. */
  allocate(count: number): number {
    const first = this.cellCount;
    this.cellCount += count;
    if (this.cellCount > this.sizes.length) {
      const capacity = Math.max(2 * this.sizes.length, this.cellCount);
      const grow = <T extends Float64Array | Int32Array>(array: T, per: number): T => {
        const bigger = new (array.constructor as new (length: number) => T)(capacity * per);
        bigger.set(array);
        return bigger;
      };
      this.barycentres = grow(this.barycentres, this.dims);
      this.sizes = grow(this.sizes, 1);
      this.squaredWidths = grow(this.squaredWidths, 1);
      this.childStart = grow(this.childStart, 1);
      this.childCount = grow(this.childCount, 1);
    }
    return first;
  }

  setCell(cell: number, size: number, barycentre: ArrayLike<number>, squaredWidth: number): void {
    this.sizes[cell] = size;
    this.squaredWidths[cell] = squaredWidth;
    for (let c = 0; c < this.dims; c++) this.barycentres[cell * this.dims + c] = barycentre[c];
    this.childCount[cell] = 0;
  }

  setChildren(cell: number, first: number, count: number): void {
    this.childStart[cell] = first;
    this.childCount[cell] = count;
  }

  /**
   * Adds point i's unnormalised repulsive force sum_cells size * w^2 * (y_i - barycentre) to
   * `forces` and returns its sum_cells size * w. A cell stands in for its points when it is a leaf or
   * its squared width is below theta^2 times its squared distance; the leaf holding i itself (and
   * any exact duplicates of i) is skipped, as in scikit-learn.
   */
  repel(embedding: Float64Array, i: number, squaredTheta: number, dof: number, forces: Float64Array): number {
    const { dims, delta, barycentres, sizes, squaredWidths, childStart, childCount } = this;
    let stack = this.stack;
    let top = 0;
    stack[top++] = 0;
    let sumQ = 0;
    while (top > 0) {
      const cell = stack[--top];
      let distance = 0;
      let duplicate = true;
      for (let c = 0; c < dims; c++) {
        const diff = embedding[i * dims + c] - barycentres[cell * dims + c];
        delta[c] = diff;
        distance += diff * diff;
        if (Math.abs(diff) > DUPLICATE_EPSILON) duplicate = false;
      }
      const leaf = childCount[cell] === 0;
      if (leaf && duplicate) continue;
      if (leaf || squaredWidths[cell] < squaredTheta * distance) {
        const w = studentT(distance, dof);
        const size = sizes[cell];
        sumQ += size * w;
        const weight = size * w * w;
        for (let c = 0; c < dims; c++) forces[i * dims + c] += weight * delta[c];
        continue;
      }
      if (top + childCount[cell] > stack.length) {
        const bigger = new Int32Array(2 * stack.length + childCount[cell]);
        bigger.set(stack);
        this.stack = stack = bigger;
      }
      for (let child = childStart[cell]; child < childStart[cell] + childCount[cell]; child++) stack[top++] = child;
    }
    return sumQ;
  }
}

/** Cells split at their centre until each leaf holds one point or points equal within DUPLICATE_EPSILON. */
function buildTree(embedding: Float64Array, n: number, dims: number): SpaceTree {
  const tree = new SpaceTree(dims, 2 * n + 1);
  const lower = new Float64Array(dims).fill(Infinity);
  const upper = new Float64Array(dims).fill(-Infinity);
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < dims; c++) {
      lower[c] = Math.min(lower[c], embedding[i * dims + c]);
      upper[c] = Math.max(upper[c], embedding[i * dims + c]);
    }
  }
  // Widened as scikit-learn does, so the largest coordinate falls strictly inside the root.
  for (let c = 0; c < dims; c++) upper[c] += 1e-3 * Math.max(Math.abs(upper[c]), 1);
  const order = Int32Array.from({ length: n }, (_, i) => i);
  const scratch = new Int32Array(n);
  const octants = new Uint8Array(n);
  const childCells = 1 << dims;
  const barycentre = new Float64Array(dims);

  const build = (cell: number, start: number, end: number, low: Float64Array, high: Float64Array): void => {
    barycentre.fill(0);
    let duplicates = true;
    const first = order[start];
    for (let m = start; m < end; m++) {
      const point = order[m];
      for (let c = 0; c < dims; c++) {
        const value = embedding[point * dims + c];
        barycentre[c] += value;
        if (Math.abs(value - embedding[first * dims + c]) > DUPLICATE_EPSILON) duplicates = false;
      }
    }
    let squaredWidth = 0;
    for (let c = 0; c < dims; c++) {
      barycentre[c] /= end - start;
      squaredWidth = Math.max(squaredWidth, (high[c] - low[c]) ** 2);
    }
    tree.setCell(cell, end - start, barycentre, squaredWidth);
    if (end - start === 1 || duplicates) return;

    const counts = new Int32Array(childCells + 1);
    for (let m = start; m < end; m++) {
      const point = order[m];
      let octant = 0;
      for (let c = 0; c < dims; c++) if (embedding[point * dims + c] >= (low[c] + high[c]) / 2) octant |= 1 << c;
      octants[point] = octant;
      counts[octant + 1]++;
    }
    for (let o = 0; o < childCells; o++) counts[o + 1] += counts[o];
    const next = counts.slice(0, childCells);
    for (let m = start; m < end; m++) scratch[start + next[octants[order[m]]]++] = order[m];
    order.set(scratch.subarray(start, end), start);

    const occupied: number[] = [];
    for (let o = 0; o < childCells; o++) if (counts[o + 1] > counts[o]) occupied.push(o);
    const firstChild = tree.allocate(occupied.length);
    tree.setChildren(cell, firstChild, occupied.length);
    occupied.forEach((o, index) => {
      const childLow = new Float64Array(dims);
      const childHigh = new Float64Array(dims);
      for (let c = 0; c < dims; c++) {
        const middle = (low[c] + high[c]) / 2;
        childLow[c] = o & (1 << c) ? middle : low[c];
        childHigh[c] = o & (1 << c) ? high[c] : middle;
      }
      build(firstChild + index, start + counts[o], start + counts[o + 1], childLow, childHigh);
    });
  };
  build(tree.allocate(1), 0, n, lower, upper);
  return tree;
}
