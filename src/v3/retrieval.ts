// V3's precision/recall@k retrieval evaluation (spec v3.md §6.1; `tester.py`,
// `utils/eval_utils.py` and, for the paper-era variant, `utils/eval_utils_original_backup.py`).
// Every row of an embedding matrix queries its Euclidean nearest neighbours; a neighbour is a hit
// when it has the query's label. Per k: precision TP/k, recall TP/#positives, F1, each averaged
// over the queries; then the PR-AUC by the rectangle rule over the k-list and the best F1.
//
// Neighbours are ranked by exact float64 distance with ties broken by row index (the backup file's
// stable sort does the same; HEAD's torch.topk leaves tie order unspecified). Each query's
// distances are computed once, the largest k needed is selected in linear time and only that
// prefix is sorted, so one pass serves every k.
import { UserError } from '../util/errors.js';
import { roundHalfEven } from '../util/rounding.js';

export interface EmbeddingMatrix {
  /** Row-major rows x cols. */
  values: Float32Array | Float64Array;
  rows: number;
  cols: number;
}

export interface RetrievalSettings {
  /**
   * The version the paper was published with: the fixed PAPER_ERA_K_LIST, and the query itself
   * ranked among its neighbours (at distance 0) as a non-positive; a k above N retrieves all N rows
   * and still divides by k. Otherwise HEAD's: self excluded, the adaptive k-list.
   */
  paper_era?: boolean;
}

export interface RetrievalResult {
  /** The k-list, increasing. */
  k: number[];
  /** Mean precision@k over the queries, one per k. */
  precision: number[];
  recall: number[];
  f1: number[];
  /** Σ_{i≥1} (recall_i − recall_{i−1}) · precision_i over the k-list (no (0, 1) anchor). */
  pr_auc: number;
  best_f1: number;
}

export const PAPER_ERA_K_LIST: readonly number[] = [1, 2, 5, 10, 20, 50, 75, 100, 200, 300, 400, 500, 750, 1000, 1500, 2000, 2500, 3000];
const BASE_K_LIST = [1, 2, 5, 10, 20, 50, 100, 200, 500];
const POSITIVE_FRACTIONS = [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.075, 0.1, 0.2, 0.3, 0.4, 0.5, 0.75, 1.0];
const F1_EPS = 1e-8;

function classSizes(labels: ArrayLike<number>): Map<number, number> {
  const sizes = new Map<number, number>();
  for (let i = 0; i < labels.length; i++) sizes.set(labels[i], (sizes.get(labels[i]) ?? 0) + 1);
  return sizes;
}

/**
 * HEAD's adaptive k-list (`Tester._build_adaptive_k_list`): with max_pos = (largest class size) − 1,
 * the base list plus min(max_pos, round(max_pos · f)) for each fraction f where that is ≥ 1,
 * sorted and deduplicated; [1] when no class has two members.
 */
export function adaptiveKList(labels: ArrayLike<number>): number[] {
  const maxPositives = Math.max(...classSizes(labels).values()) - 1;
  if (maxPositives < 1) return [1];
  const ks = new Set(BASE_K_LIST);
  for (const fraction of POSITIVE_FRACTIONS) {
    const k = roundHalfEven(maxPositives * fraction);
    if (k >= 1) ks.add(Math.min(k, maxPositives));
  }
  return [...ks].sort((a, b) => a - b);
}

/**
 * The k-list an evaluation of N rows uses. HEAD clamps every k ≥ N to N − 1 (a query has N − 1
 * others); the clamped duplicates are merged here, where the original would add their sums
 * twice. The paper-era list is fixed and unclamped.
 */
export function retrievalKList(labels: ArrayLike<number>, paperEra: boolean): number[] {
  if (paperEra) return [...PAPER_ERA_K_LIST];
  const n = labels.length;
  return [...new Set(adaptiveKList(labels).map((k) => Math.min(k, n - 1)))];
}

function checkInputs(embeddings: EmbeddingMatrix, labels: ArrayLike<number>): void {
  const { values, rows, cols } = embeddings;
  if (!(Number.isInteger(rows) && Number.isInteger(cols) && cols >= 1 && values.length === rows * cols)) {
    throw new UserError(`retrieval: the embedding matrix has ${values.length} values, not rows x cols = ${rows} x ${cols}`);
  }
  if (rows < 2) throw new UserError(`retrieval: needs at least 2 embeddings to retrieve from, got ${rows}`);
  if (labels.length !== rows) throw new UserError(`retrieval: ${labels.length} labels for ${rows} embeddings`);
  for (let i = 0; i < labels.length; i++) {
    if (!Number.isInteger(labels[i])) throw new UserError(`retrieval: label ${i} is ${labels[i]}, not an integer`);
  }
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) {
      throw new UserError(`retrieval: embedding row ${Math.floor(i / cols)}, column ${i % cols} is ${values[i]}`);
    }
  }
}

/**
 * Rearranges `order[0, length)` so that its first `count` entries are the `count` smallest by
 * (distance, index), in increasing order (quickselect, then a sort of that prefix only).
 */
function selectNearest(order: Int32Array, length: number, count: number, distance: Float64Array): void {
  const before = (a: number, b: number) => distance[a] < distance[b] || (distance[a] === distance[b] && a < b);
  let lo = 0;
  let hi = length - 1;
  while (hi > lo && count < length) {
    const pivot = order[(lo + hi) >>> 1];
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (before(order[i], pivot)) i++;
      while (before(pivot, order[j])) j--;
      if (i <= j) {
        const swap = order[i];
        order[i] = order[j];
        order[j] = swap;
        i++;
        j--;
      }
    }
    if (count - 1 <= j) hi = j;
    else if (count - 1 >= i) lo = i;
    else break;
  }
  order.subarray(0, count).sort((a, b) => (before(a, b) ? -1 : before(b, a) ? 1 : 0));
}

/** Queries per block: their rows stay in cache while every other row streams past once. */
const QUERY_BLOCK = 16;

/**
 * The `count` nearest rows of every row, nearest first (rows x count, row-major), self excluded
 * or, with `includeSelf`, ranked among the others at distance 0.
 */
export function nearestNeighbours(embeddings: EmbeddingMatrix, count: number, includeSelf: boolean): Int32Array {
  const { rows, cols } = embeddings;
  const values = Float64Array.from(embeddings.values);
  const candidates = includeSelf ? rows : rows - 1;
  if (!(Number.isInteger(count) && count >= 1 && count <= candidates)) {
    throw new RangeError(`nearestNeighbours: count ${count} is outside [1, ${candidates}]`);
  }
  const neighbours = new Int32Array(rows * count);
  const blockDistances = Array.from({ length: QUERY_BLOCK }, () => new Float64Array(rows));
  const order = new Int32Array(rows);
  for (let start = 0; start < rows; start += QUERY_BLOCK) {
    const end = Math.min(start + QUERY_BLOCK, rows);
    for (let other = 0; other < rows; other++) {
      const otherOffset = other * cols;
      for (let query = start; query < end; query++) {
        const queryOffset = query * cols;
        let sum = 0;
        for (let c = 0; c < cols; c++) {
          const delta = values[queryOffset + c] - values[otherOffset + c];
          sum += delta * delta;
        }
        blockDistances[query - start][other] = sum;
      }
    }
    for (let query = start; query < end; query++) {
      let length = 0;
      for (let other = 0; other < rows; other++) if (includeSelf || other !== query) order[length++] = other;
      selectNearest(order, length, count, blockDistances[query - start]);
      neighbours.set(order.subarray(0, count), query * count);
    }
  }
  return neighbours;
}

/**
 * Mean precision, recall and F1 at every k of `kList` (increasing) from each row's ranked
 * neighbours (rows x count, count ≥ the largest k that can be retrieved); a query found among its
 * own neighbours is never a hit. Recall divides by max(1, #same label − 1), as HEAD does (the
 * backup divides by zero for a singleton class).
 */
export function precisionRecallFromNeighbours(neighbours: Int32Array, count: number, labels: ArrayLike<number>, kList: readonly number[]): RetrievalResult {
  const rows = labels.length;
  const sizes = classSizes(labels);
  const precisionSum = new Float64Array(kList.length);
  const recallSum = new Float64Array(kList.length);
  const f1Sum = new Float64Array(kList.length);
  for (let query = 0; query < rows; query++) {
    const label = labels[query];
    const positives = Math.max(1, (sizes.get(label) ?? 0) - 1);
    let hits = 0;
    let rank = 0;
    for (let i = 0; i < kList.length; i++) {
      const retrieved = Math.min(kList[i], count);
      for (; rank < retrieved; rank++) {
        const neighbour = neighbours[query * count + rank];
        if (neighbour !== query && labels[neighbour] === label) hits++;
      }
      const precision = hits / kList[i];
      const recall = hits / positives;
      precisionSum[i] += precision;
      recallSum[i] += recall;
      f1Sum[i] += (2 * precision * recall) / (precision + recall + F1_EPS);
    }
  }
  const precision = Array.from(precisionSum, (s) => s / rows);
  const recall = Array.from(recallSum, (s) => s / rows);
  const f1 = Array.from(f1Sum, (s) => s / rows);
  let prAuc = 0;
  for (let i = 1; i < kList.length; i++) prAuc += (recall[i] - recall[i - 1]) * precision[i];
  return { k: [...kList], precision, recall, f1, pr_auc: prAuc, best_f1: Math.max(...f1) };
}

/** Precision/recall@k, PR-AUC and best F1 of an embedding matrix against integer labels. */
export function retrievalMetrics(embeddings: EmbeddingMatrix, labels: ArrayLike<number>, settings: RetrievalSettings = {}): RetrievalResult {
  checkInputs(embeddings, labels);
  const paperEra = settings.paper_era ?? false;
  const kList = retrievalKList(labels, paperEra);
  const count = Math.min(kList[kList.length - 1], paperEra ? embeddings.rows : embeddings.rows - 1);
  return precisionRecallFromNeighbours(nearestNeighbours(embeddings, count, paperEra), count, labels, kList);
}
