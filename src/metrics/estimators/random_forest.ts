// Random forest classifier after scikit-learn's RandomForestClassifier with the settings of DecVAE
// spec §9.4: 200 trees, each grown on a bootstrap sample (n draws with replacement, kept as sample
// weights) to unlimited depth with Gini impurity, min_samples_split 2, min_samples_leaf 1, and
// floor(sqrt(d)) features tried per node. Trees split like sklearn's BestSplitter: at the midpoint
// between consecutive distinct values of the best feature, where "best" maximises the Gini proxy
// sum_k left_k^2 / w_left + sum_k right_k^2 / w_right; features are drawn without replacement and the
// draw goes on past max_features until one non-constant feature was seen. The forest predicts the
// class with the largest mean of the trees' leaf class fractions. Random draws come from an Rng, so
// trees differ from sklearn's while following the same rules.
import { UserError } from '../../util/errors.js';
import type { Rng } from '../../util/random.js';
import { checkFinite, encodeClasses } from './linear_model.js';

export interface RandomForestSettings {
  nEstimators?: number;
  /** Features tried per split: 'sqrt' = max(1, floor(sqrt(d))), 'all' = d, or a count. */
  maxFeatures?: 'sqrt' | 'all' | number;
  /** Grow each tree on a bootstrap sample (true) or on all samples (false). */
  bootstrap?: boolean;
}

/** One fitted tree; nodes in preorder (a node, then its left subtree, then its right subtree). */
export interface DecisionTree {
  /** Split feature per node; -1 for leaves. */
  readonly feature: Int32Array;
  /** Samples with x[feature] <= threshold go left. */
  readonly threshold: Float64Array;
  readonly left: Int32Array;
  readonly right: Int32Array;
  /** Row-major (nodes x classes) weighted class fractions of the training samples in each node. */
  readonly value: Float64Array;
}

export interface RandomForestModel {
  readonly classes: Int32Array;
  readonly trees: readonly DecisionTree[];
  /** Row-major (count x classes) mean over the trees of the leaf class fractions. */
  predictProba(x: Float64Array, count: number): Float64Array;
  predict(x: Float64Array, count: number): Int32Array;
}

// sklearn's tolerances: values closer than FEATURE_THRESHOLD are not split apart, and a node whose
// impurity is at most EPSILON is pure.
const FEATURE_THRESHOLD = 1e-7;
const EPSILON = Number.EPSILON;

interface TrainingSet {
  readonly x: Float64Array;
  readonly d: number;
  readonly codes: Int32Array;
  readonly numClasses: number;
  readonly weights: Float64Array;
  readonly maxFeatures: number;
}

interface Split {
  feature: number;
  threshold: number;
}

function weightedClassCounts(set: TrainingSet, samples: Int32Array): Float64Array {
  const counts = new Float64Array(set.numClasses);
  for (const s of samples) counts[set.codes[s]] += set.weights[s];
  return counts;
}

function sumOfSquaresOver(counts: Float64Array, total: number): number {
  let sum = 0;
  for (const c of counts) sum += c * c;
  return sum / total;
}

function bestSplit(set: TrainingSet, samples: Int32Array, nodeCounts: Float64Array, rng: Rng): Split | null {
  const { x, d, codes, weights, numClasses } = set;
  const candidates = Array.from({ length: d }, (_, j) => j);
  let best: Split | null = null;
  let bestProxy = -Infinity;
  let drawn = 0;
  let foundNonConstant = false;
  const values = new Float64Array(samples.length);
  const left = new Float64Array(numClasses);
  const right = new Float64Array(numClasses);
  for (let remaining = d; remaining > 0 && (drawn < set.maxFeatures || !foundNonConstant); remaining--) {
    drawn++;
    const pick = rng.int(remaining);
    const feature = candidates[pick];
    candidates[pick] = candidates[remaining - 1];
    const order = Array.from(samples).sort((a, b) => x[a * d + feature] - x[b * d + feature]);
    order.forEach((s, i) => (values[i] = x[s * d + feature]));
    if (values[order.length - 1] <= values[0] + FEATURE_THRESHOLD) continue;
    foundNonConstant = true;
    left.fill(0);
    right.set(nodeCounts);
    let leftWeight = 0;
    let rightWeight = nodeCounts.reduce((a, b) => a + b, 0);
    for (let p = 1; p < order.length; p++) {
      const moved = order[p - 1];
      left[codes[moved]] += weights[moved];
      right[codes[moved]] -= weights[moved];
      leftWeight += weights[moved];
      rightWeight -= weights[moved];
      if (values[p] <= values[p - 1] + FEATURE_THRESHOLD) continue;
      const proxy = sumOfSquaresOver(left, leftWeight) + sumOfSquaresOver(right, rightWeight);
      if (proxy > bestProxy) {
        bestProxy = proxy;
        let threshold = values[p - 1] / 2 + values[p] / 2;
        if (threshold === values[p] || !Number.isFinite(threshold)) threshold = values[p - 1];
        best = { feature, threshold };
      }
    }
  }
  return best;
}

function growTree(set: TrainingSet, rng: Rng): DecisionTree {
  const feature: number[] = [];
  const threshold: number[] = [];
  const left: number[] = [];
  const right: number[] = [];
  const value: number[] = [];
  const inBag = Int32Array.from(set.weights.keys()).filter((s) => set.weights[s] > 0);
  // Right children are pushed first so that left subtrees are numbered first (preorder).
  const stack: { samples: Int32Array; parent: number; isLeft: boolean }[] = [{ samples: inBag, parent: -1, isLeft: true }];
  while (stack.length > 0) {
    const { samples, parent, isLeft } = stack.pop()!;
    const node = feature.length;
    if (parent >= 0) (isLeft ? left : right)[parent] = node;
    const counts = weightedClassCounts(set, samples);
    const total = counts.reduce((a, b) => a + b, 0);
    value.push(...counts.map((c) => c / total));
    const impurity = 1 - sumOfSquaresOver(counts, total) / total;
    const split = samples.length < 2 || impurity <= EPSILON ? null : bestSplit(set, samples, counts, rng);
    feature.push(split ? split.feature : -1);
    threshold.push(split ? split.threshold : -2);
    left.push(-1);
    right.push(-1);
    if (!split) continue;
    const goesLeft = (s: number): boolean => set.x[s * set.d + split.feature] <= split.threshold;
    stack.push({ samples: samples.filter((s) => !goesLeft(s)), parent: node, isLeft: false });
    stack.push({ samples: samples.filter(goesLeft), parent: node, isLeft: true });
  }
  return {
    feature: Int32Array.from(feature),
    threshold: Float64Array.from(threshold),
    left: Int32Array.from(left),
    right: Int32Array.from(right),
    value: Float64Array.from(value),
  };
}

function resolveMaxFeatures(setting: RandomForestSettings['maxFeatures'], d: number): number {
  if (setting === undefined || setting === 'sqrt') return Math.max(1, Math.floor(Math.sqrt(d)));
  if (setting === 'all') return d;
  if (!(Number.isInteger(setting) && setting >= 1 && setting <= d)) {
    throw new UserError(`RandomForest: maxFeatures must be 'sqrt', 'all' or an integer in 1..${d}, got ${setting}`);
  }
  return setting;
}

export function fitRandomForest(
  x: Float64Array,
  n: number,
  d: number,
  y: Int32Array,
  rng: Rng,
  settings: RandomForestSettings = {},
): RandomForestModel {
  const nEstimators = settings.nEstimators ?? 200;
  const bootstrap = settings.bootstrap ?? true;
  if (!(Number.isInteger(n) && n > 0 && Number.isInteger(d) && d > 0)) throw new UserError(`RandomForest: needs n >= 1 and d >= 1, got n=${n}, d=${d}`);
  if (x.length !== n * d || y.length !== n) throw new UserError(`RandomForest: x has ${x.length} values and y ${y.length} labels, expected ${n} x ${d} and ${n}`);
  if (!(Number.isInteger(nEstimators) && nEstimators >= 1)) throw new UserError(`RandomForest: nEstimators must be a positive integer, got ${nEstimators}`);
  checkFinite(x, 'RandomForest');
  const maxFeatures = resolveMaxFeatures(settings.maxFeatures, d);
  const { classes, labelIndices } = encodeClasses(y);
  const numClasses = classes.length;

  const trees: DecisionTree[] = [];
  for (let t = 0; t < nEstimators; t++) {
    const weights = new Float64Array(n);
    if (bootstrap) for (let i = 0; i < n; i++) weights[rng.int(n)]++;
    else weights.fill(1);
    trees.push(growTree({ x, d, codes: labelIndices, numClasses, weights, maxFeatures }, rng));
  }

  const predictProba = (input: Float64Array, count: number): Float64Array => {
    if (input.length !== count * d) throw new UserError(`RandomForest: x has ${input.length} values, expected ${count} x ${d}`);
    checkFinite(input, 'RandomForest');
    const proba = new Float64Array(count * numClasses);
    for (const tree of trees) {
      for (let r = 0; r < count; r++) {
        let node = 0;
        while (tree.feature[node] >= 0) node = input[r * d + tree.feature[node]] <= tree.threshold[node] ? tree.left[node] : tree.right[node];
        for (let c = 0; c < numClasses; c++) proba[r * numClasses + c] += tree.value[node * numClasses + c];
      }
    }
    return proba.map((p) => p / nEstimators);
  };

  const predict = (input: Float64Array, count: number): Int32Array => {
    const proba = predictProba(input, count);
    return Int32Array.from({ length: count }, (_, r) => {
      let best = 0;
      for (let c = 1; c < numClasses; c++) if (proba[r * numClasses + c] > proba[r * numClasses + best]) best = c;
      return classes[best];
    });
  };

  return { classes, trees, predictProba, predict };
}
