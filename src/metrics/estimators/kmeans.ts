// k-means clustering after scikit-learn's KMeans (k-means++ initialisation with 2 + floor(ln k) local
// trials, Lloyd iterations, tol = 1e-4 x mean feature variance on the squared centre shift, empty
// clusters re-seeded with the points farthest from their centres, best of `nInit` runs by inertia;
// sklearn 1.2's default is nInit = 10, 1.4+ uses 1 for k-means++), and the greedy cluster -> label
// mapping of DecVAE spec §9.4 "unsup_eval". Random draws come from an Rng, so runs follow sklearn's
// rules but not its random stream.
import { UserError } from '../../util/errors.js';
import type { Rng } from '../../util/random.js';

export interface KMeansSettings {
  nInit?: number;
  maxIter?: number;
  /** Relative tolerance; the absolute one is tol x the mean per-feature variance. */
  tol?: number;
}

export interface KMeansResult {
  /** Row-major (k x d) centres. */
  readonly centers: Float64Array;
  /** Cluster 0..k-1 of every sample. */
  readonly assignments: Int32Array;
  /** Sum of squared distances of the samples to their centres. */
  readonly inertia: number;
  readonly iterations: number;
}

function squaredDistance(x: Float64Array, row: number, centers: Float64Array, center: number, d: number): number {
  let total = 0;
  for (let j = 0; j < d; j++) total += (x[row * d + j] - centers[center * d + j]) ** 2;
  return total;
}

/** Nearest centre per sample (first on ties) and the squared distance to it. */
function assign(x: Float64Array, n: number, d: number, centers: Float64Array, k: number): { assignments: Int32Array; distances: Float64Array } {
  const assignments = new Int32Array(n);
  const distances = new Float64Array(n).fill(Infinity);
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < k; c++) {
      const distance = squaredDistance(x, r, centers, c, d);
      if (distance < distances[r]) {
        distances[r] = distance;
        assignments[r] = c;
      }
    }
  }
  return { assignments, distances };
}

function kMeansPlusPlus(x: Float64Array, n: number, d: number, k: number, rng: Rng): Float64Array {
  const centers = new Float64Array(k * d);
  const localTrials = 2 + Math.floor(Math.log(k));
  const first = rng.int(n);
  centers.set(x.subarray(first * d, (first + 1) * d), 0);
  let closest = Float64Array.from({ length: n }, (_, r) => squaredDistance(x, r, centers, 0, d));
  for (let c = 1; c < k; c++) {
    const cumulative = new Float64Array(n);
    let running = 0;
    for (let r = 0; r < n; r++) cumulative[r] = running += closest[r];
    let bestPotential = Infinity;
    let bestCandidate = 0;
    let bestDistances = closest;
    for (let trial = 0; trial < localTrials; trial++) {
      const target = rng.float() * running;
      let candidate = cumulative.findIndex((value) => value >= target);
      if (candidate < 0) candidate = n - 1;
      const distances = Float64Array.from({ length: n }, (_, r) => Math.min(closest[r], squaredDistance(x, r, x, candidate, d)));
      const potential = distances.reduce((a, b) => a + b, 0);
      if (potential < bestPotential) [bestPotential, bestCandidate, bestDistances] = [potential, candidate, distances];
    }
    centers.set(x.subarray(bestCandidate * d, (bestCandidate + 1) * d), c * d);
    closest = bestDistances;
  }
  return centers;
}

function lloyd(x: Float64Array, n: number, d: number, k: number, centers: Float64Array, maxIter: number, tolerance: number): KMeansResult {
  let assignments: Int32Array = new Int32Array(n).fill(-1);
  let iterations = 0;
  let strictlyConverged = false;
  while (iterations < maxIter) {
    iterations++;
    const current = assign(x, n, d, centers, k);
    const sums = new Float64Array(k * d);
    const counts = new Float64Array(k);
    for (let r = 0; r < n; r++) {
      counts[current.assignments[r]]++;
      for (let j = 0; j < d; j++) sums[current.assignments[r] * d + j] += x[r * d + j];
    }
    const farthestFirst = Array.from(current.distances.keys()).sort((a, b) => current.distances[b] - current.distances[a]);
    for (let c = 0; c < k; c++) {
      if (counts[c] > 0) continue;
      // A point alone in its cluster would leave that one empty instead.
      const position = farthestFirst.findIndex((r) => counts[current.assignments[r]] > 1);
      const [point] = farthestFirst.splice(position, 1);
      const old = current.assignments[point];
      counts[old]--;
      counts[c] = 1;
      for (let j = 0; j < d; j++) {
        sums[old * d + j] -= x[point * d + j];
        sums[c * d + j] = x[point * d + j];
      }
    }
    let shift = 0;
    for (let c = 0; c < k; c++) {
      for (let j = 0; j < d; j++) {
        const updated = sums[c * d + j] / counts[c];
        shift += (updated - centers[c * d + j]) ** 2;
        centers[c * d + j] = updated;
      }
    }
    const unchanged = current.assignments.every((a, r) => a === assignments[r]);
    assignments = current.assignments;
    if (unchanged) {
      strictlyConverged = true;
      break;
    }
    if (shift <= tolerance) break;
  }
  const final = assign(x, n, d, centers, k);
  if (!strictlyConverged) assignments = final.assignments;
  return { centers, assignments, inertia: final.distances.reduce((a, b) => a + b, 0), iterations };
}

export function fitKMeans(x: Float64Array, n: number, d: number, k: number, rng: Rng, settings: KMeansSettings = {}): KMeansResult {
  const nInit = settings.nInit ?? 10;
  const maxIter = settings.maxIter ?? 300;
  const tol = settings.tol ?? 1e-4;
  if (x.length !== n * d || n < 1 || d < 1) throw new UserError(`KMeans: x has ${x.length} values, expected ${n} x ${d}`);
  if (!(Number.isInteger(k) && k >= 1 && k <= n)) throw new UserError(`KMeans: k must be an integer in 1..${n}, got ${k}`);
  if (!(Number.isInteger(nInit) && nInit >= 1)) throw new UserError(`KMeans: nInit must be a positive integer, got ${nInit}`);
  let meanVariance = 0;
  for (let j = 0; j < d; j++) {
    let mean = 0;
    for (let r = 0; r < n; r++) mean += x[r * d + j];
    mean /= n;
    for (let r = 0; r < n; r++) meanVariance += (x[r * d + j] - mean) ** 2 / n;
  }
  meanVariance /= d;
  let best: KMeansResult | null = null;
  for (let run = 0; run < nInit; run++) {
    const result = lloyd(x, n, d, k, kMeansPlusPlus(x, n, d, k, rng), maxIter, tol * meanVariance);
    if (!best || result.inertia < best.inertia) best = result;
  }
  return best as KMeansResult;
}

/**
 * Greedy cluster -> label mapping (§9.4): repeatedly take the largest entry of the cluster x label
 * contingency matrix (the first in row-major order of sorted ids on ties), map that cluster to that
 * label and remove its row and column. Returns every sample's mapped label; clusters left over
 * when there are more clusters than labels map to -1.
 */
export function greedyClusterMapping(clusters: Int32Array, labels: Int32Array): Int32Array {
  if (clusters.length !== labels.length) throw new UserError(`greedyClusterMapping: ${clusters.length} cluster ids but ${labels.length} labels`);
  const clusterIds = Int32Array.from(new Set(clusters)).sort();
  const labelIds = Int32Array.from(new Set(labels)).sort();
  const rowOf = new Map(Array.from(clusterIds, (id, i) => [id, i]));
  const columnOf = new Map(Array.from(labelIds, (id, i) => [id, i]));
  const table = new Float64Array(clusterIds.length * labelIds.length);
  for (let i = 0; i < clusters.length; i++) table[(rowOf.get(clusters[i]) as number) * labelIds.length + (columnOf.get(labels[i]) as number)]++;
  const mapping = new Map<number, number>();
  const rowTaken = new Uint8Array(clusterIds.length);
  const columnTaken = new Uint8Array(labelIds.length);
  for (let step = 0; step < Math.min(clusterIds.length, labelIds.length); step++) {
    let best = -1;
    for (let r = 0; r < clusterIds.length; r++) {
      if (rowTaken[r]) continue;
      for (let c = 0; c < labelIds.length; c++) {
        if (!columnTaken[c] && (best < 0 || table[r * labelIds.length + c] > table[best])) best = r * labelIds.length + c;
      }
    }
    const row = Math.floor(best / labelIds.length);
    const column = best % labelIds.length;
    rowTaken[row] = columnTaken[column] = 1;
    mapping.set(clusterIds[row], labelIds[column]);
  }
  return Int32Array.from(clusters, (cluster) => mapping.get(cluster) ?? -1);
}
