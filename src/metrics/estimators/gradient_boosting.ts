// Gradient-boosted classification trees with scikit-learn 1.2's GradientBoostingClassifier
// semantics, as disentanglement_lib's DCI uses them (metrics spec §2.4): log-loss boosting of
// depth-limited friedman_mse regression trees, Newton-step leaf values, impurity-based feature
// importances.
//
// Parity details that change results, all from scikit-learn:
// * inputs are cast to float32 before fitting and predicting; thresholds stay float64;
// * a feature whose node values span at most 1e-7 (float32 arithmetic) is constant there, and
//   split candidates only lie between sorted neighbours more than 1e-7 apart;
// * the threshold is the midpoint of the two float32 neighbours (the lower one if the midpoint
//   rounds up to the upper one); samples go left iff x <= threshold;
// * features are examined in a random order at each node (Fisher-Yates with scikit-learn's
//   xorshift generator, one seed per tree drawn from numpy's RandomState(randomState)); a later
//   feature replaces the best split only if strictly better, so the order decides exact ties;
// * the criterion's running sums are updated from whichever end is nearer, as scikit-learn does,
//   so that near-tie comparisons see the same rounding.
// Instead of re-sorting every node's samples per feature (scikit-learn's unstable introsort), each
// feature is sorted once per fit and every split partitions those orders stably. What differs is
// only the order in which tied samples (and a child's samples) enter the running sums: rounding,
// which can flip a near-exact tie between splits the way another unseeded library run would.

import { MT19937 } from '../../util/mt19937.js';
import { pairwiseSum } from '../numpy_reductions.js';

export interface GradientBoostingSettings {
  /** Boosting stages (scikit-learn: 100). */
  nEstimators?: number;
  /** Shrinkage of every tree's contribution (scikit-learn: 0.1). */
  learningRate?: number;
  /** Depth limit of every regression tree (scikit-learn: 3). */
  maxDepth?: number;
  /** A node with fewer samples is a leaf (scikit-learn: 2). */
  minSamplesSplit?: number;
  /** Splits leaving fewer samples on one side are rejected (scikit-learn: 1). */
  minSamplesLeaf?: number;
  /** Seed of numpy's RandomState that seeds every tree (the DCI reference used 0). */
  randomState?: number;
}

export interface GradientBoostingModel {
  /** Sorted distinct training labels; class index c in the raw scores is classes[c]. */
  readonly classes: Int32Array;
  /** Number of input features d. */
  readonly numFeatures: number;
  /**
   * Impurity decrease per feature, averaged over the trees that split at least once and
   * normalised to sum to 1; all zeros when no tree ever split.
   */
  readonly featureImportances: Float64Array;
  /**
   * Raw scores (log-odds): n values for 2 classes (positive = classes[1]), otherwise row-major
   * n x classes. `x` is row-major n x d.
   */
  decisionFunction(x: Float64Array, n: number): Float64Array;
  /** The most probable class for every row of `x` (first class on ties), as an original label. */
  predict(x: Float64Array, n: number): Int32Array;
}

/** A fitted regression tree in scikit-learn's layout; `feature[node] < 0` marks a leaf. */
interface RegressionTree {
  readonly feature: Int32Array;
  readonly threshold: Float64Array;
  readonly left: Int32Array;
  readonly right: Int32Array;
  readonly value: Float64Array;
}

const DEFAULTS: Required<GradientBoostingSettings> = {
  nEstimators: 100,
  learningRate: 0.1,
  maxDepth: 3,
  minSamplesSplit: 2,
  minSamplesLeaf: 1,
  randomState: 0,
};

/** scikit-learn's `FEATURE_THRESHOLD`, a float32 constant added in float32 arithmetic. */
const FEATURE_THRESHOLD = Math.fround(1e-7);
/** Node impurity at or below this is treated as pure (numpy's float64 eps). */
const PURE_IMPURITY = 2.220446049250313e-16;
/** Prior probabilities are clipped to [eps, 1 - eps] with numpy's float32 eps. */
const FLOAT32_EPS = 1.1920928955078125e-7;
/** The tree seeds are `randint(0, RAND_R_MAX)` draws (scikit-learn's RAND_R_MAX = 2^31 - 1). */
const RAND_R_MAX = 0x7fffffff;
/** Newton denominators smaller than this give a zero leaf value (scikit-learn's overflow guard). */
const TINY_DENOMINATOR = 1e-150;

/**
 * Fits the classifier on `x` (row-major n x d) and labels `y`. Throws, as scikit-learn does, when
 * `y` has a single class.
 */
export function fitGradientBoosting(
  x: Float64Array,
  n: number,
  d: number,
  y: Int32Array,
  settings: GradientBoostingSettings = {},
): GradientBoostingModel {
  const config = resolveSettings(settings);
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`gradient boosting needs at least one sample, got n = ${n}`);
  if (!Number.isInteger(d) || d < 1) throw new RangeError(`gradient boosting needs at least one feature, got d = ${d}`);
  if (x.length !== n * d) throw new RangeError(`x has ${x.length} values, expected n * d = ${n * d}`);
  if (y.length !== n) throw new RangeError(`y has ${y.length} labels, expected n = ${n}`);

  const classes = Int32Array.from(new Set(y)).sort();
  if (classes.length < 2) {
    throw new Error(
      `y contains ${classes.length} class after sample_weight trimmed classes with zero weights, while a minimum of 2 classes are required.`,
    );
  }
  const encoded = encodeLabels(y, classes);
  const columns = float32Columns(x, n, d);
  const numClasses = classes.length;
  const treesPerStage = numClasses === 2 ? 1 : numClasses;

  const initialRaw = initialRawScores(encoded, numClasses);
  const raw = new Float64Array(n * treesPerStage);
  for (let i = 0; i < n; i++) raw.set(initialRaw, i * treesPerStage);

  const grower = new TreeGrower(columns, n, d, config);
  const seeds = new MT19937(config.randomState);
  const trees: RegressionTree[] = [];
  const importanceSum = new Float64Array(d);
  let splittingTrees = 0;

  const target = new Float64Array(n);
  const residual = new Float64Array(n);
  const logSumExp = new Float64Array(treesPerStage === 1 ? 0 : n);
  const rowScratch = new Float64Array(treesPerStage);
  const leafShrinkage = config.learningRate;
  // Multiclass leaves get scikit-learn's (K - 1) / K factor on the Newton numerator.
  const newtonScale = treesPerStage === 1 ? 1 : (numClasses - 1) / numClasses;
  const newtonScratch = { numerators: new Float64Array(n), denominators: new Float64Array(n) };

  for (let stage = 0; stage < config.nEstimators; stage++) {
    // Every class's residuals come from the scores at the start of the stage; class k's own
    // column is untouched until its tree is fitted, so only the normaliser needs freezing.
    if (treesPerStage > 1) stageLogSumExp(raw, n, treesPerStage, rowScratch, logSumExp);
    for (let k = 0; k < treesPerStage; k++) {
      for (let i = 0; i < n; i++) {
        const t = treesPerStage === 1 ? encoded[i] : encoded[i] === k ? 1 : 0;
        target[i] = t;
        const probability = treesPerStage === 1
          ? expit(raw[i])
          : finiteOrZero(Math.exp(raw[i * treesPerStage + k] - logSumExp[i]));
        residual[i] = t - probability;
      }
      const grown = grower.grow(residual, seeds.randint(RAND_R_MAX));
      setNewtonLeafValues(grown.tree, grown.leafOfSample, target, residual, newtonScale, newtonScratch);
      const leafValue = grown.tree.value;
      for (let i = 0; i < n; i++) raw[i * treesPerStage + k] += leafShrinkage * leafValue[grown.leafOfSample[i]];
      trees.push(grown.tree);
      if (grown.tree.feature.length > 1) {
        splittingTrees++;
        for (let f = 0; f < d; f++) importanceSum[f] += grown.importance[f];
      }
    }
  }

  const featureImportances = new Float64Array(d);
  if (splittingTrees > 0) {
    const average = importanceSum.map((total) => total / splittingTrees);
    const normaliser = pairwiseSum(average);
    for (let f = 0; f < d; f++) featureImportances[f] = average[f] / normaliser;
  }

  const decisionFunction = (input: Float64Array, rows: number): Float64Array => {
    const input32 = rowsToFloat32(input, rows, d);
    const scores = new Float64Array(rows * treesPerStage);
    for (let i = 0; i < rows; i++) scores.set(initialRaw, i * treesPerStage);
    // Tree by tree: every score still receives its trees' contributions in fitting order.
    trees.forEach(({ feature, threshold, left, right, value }, t) => {
      const k = t % treesPerStage;
      for (let i = 0; i < rows; i++) {
        const row = i * d;
        let node = 0;
        while (feature[node] >= 0) node = input32[row + feature[node]] <= threshold[node] ? left[node] : right[node];
        scores[i * treesPerStage + k] += leafShrinkage * value[node];
      }
    });
    return scores;
  };

  const predict = (input: Float64Array, rows: number): Int32Array => {
    const scores = decisionFunction(input, rows);
    const labels = new Int32Array(rows);
    for (let i = 0; i < rows; i++) {
      labels[i] = classes[treesPerStage === 1 ? binaryDecision(scores[i]) : multiclassDecision(scores, i, treesPerStage, rowScratch)];
    }
    return labels;
  };

  return { classes, numFeatures: d, featureImportances, decisionFunction, predict };
}

function resolveSettings(settings: GradientBoostingSettings): Required<GradientBoostingSettings> {
  const config = { ...DEFAULTS, ...settings };
  const positiveInteger = (name: string, value: number, least: number): void => {
    if (!Number.isInteger(value) || value < least) throw new RangeError(`${name} must be an integer >= ${least}, got ${value}`);
  };
  positiveInteger('nEstimators', config.nEstimators, 1);
  positiveInteger('maxDepth', config.maxDepth, 1);
  positiveInteger('minSamplesSplit', config.minSamplesSplit, 2);
  positiveInteger('minSamplesLeaf', config.minSamplesLeaf, 1);
  if (!(config.learningRate > 0 && Number.isFinite(config.learningRate))) {
    throw new RangeError(`learningRate must be a positive finite number, got ${config.learningRate}`);
  }
  if (!Number.isInteger(config.randomState) || config.randomState < 0 || config.randomState >= 2 ** 32) {
    throw new RangeError(`randomState must be an integer in [0, 2^32), got ${config.randomState}`);
  }
  return config;
}

function encodeLabels(y: Int32Array, classes: Int32Array): Int32Array {
  const index = new Map<number, number>();
  classes.forEach((label, c) => index.set(label, c));
  return y.map((label) => index.get(label) as number);
}

/** Casts to float32 as scikit-learn's input validation does, rejecting what it rejects. */
function rowsToFloat32(x: Float64Array, n: number, d: number): Float32Array {
  if (!Number.isInteger(n) || n < 0 || x.length !== n * d) {
    throw new RangeError(`x has ${x.length} values, expected ${n} rows of ${d} features`);
  }
  const out = Float32Array.from(x);
  for (let p = 0; p < out.length; p++) {
    if (!Number.isFinite(out[p])) {
      throw new RangeError(`x[${Math.floor(p / d)}][${p % d}] = ${x[p]} is NaN, infinite or too large for float32`);
    }
  }
  return out;
}

/** Feature-major float32 copy: column f occupies [f * n, (f + 1) * n). */
function float32Columns(x: Float64Array, n: number, d: number): Float32Array {
  const rows = rowsToFloat32(x, n, d);
  const columns = new Float32Array(n * d);
  for (let i = 0; i < n; i++) for (let f = 0; f < d; f++) columns[f * n + i] = rows[i * d + f];
  return columns;
}

/** scikit-learn's 'prior' init: log-odds of classes[1] for 2 classes, else log class priors. */
function initialRawScores(encoded: Int32Array, numClasses: number): Float64Array {
  const counts = new Float64Array(numClasses);
  for (const c of encoded) counts[c]++;
  const clip = (p: number): number => Math.min(Math.max(p, FLOAT32_EPS), 1 - FLOAT32_EPS);
  const n = encoded.length;
  if (numClasses === 2) {
    const positive = clip(counts[1] / n);
    return Float64Array.of(Math.log(positive / (1 - positive)));
  }
  return counts.map((count) => Math.log(clip(count / n)));
}

/** scipy's `expit`. */
function expit(value: number): number {
  return 1 / (1 + Math.exp(-value));
}

/** numpy's `nan_to_num` for the probabilities (NaN becomes 0; they are never infinite). */
function finiteOrZero(value: number): number {
  return Number.isNaN(value) ? 0 : value;
}

/** scipy's `logsumexp` of every row of the n x width score matrix. */
function stageLogSumExp(raw: Float64Array, n: number, width: number, scratch: Float64Array, out: Float64Array): void {
  for (let i = 0; i < n; i++) {
    const base = i * width;
    let largest = -Infinity;
    for (let c = 0; c < width; c++) largest = Math.max(largest, raw[base + c]);
    if (!Number.isFinite(largest)) largest = 0;
    for (let c = 0; c < width; c++) scratch[c] = Math.exp(raw[base + c] - largest);
    out[i] = Math.log(pairwiseSum(scratch)) + largest;
  }
}

/** Binary prediction: argmax over [1 - p, p], so an exact tie goes to class 0. */
function binaryDecision(score: number): number {
  const positive = expit(score);
  return positive > 1 - positive ? 1 : 0;
}

/** argmax of the softmax probabilities (not of the raw scores: rounding can merge them). */
function multiclassDecision(scores: Float64Array, row: number, width: number, scratch: Float64Array): number {
  const base = row * width;
  let largest = -Infinity;
  for (let c = 0; c < width; c++) largest = Math.max(largest, scores[base + c]);
  if (!Number.isFinite(largest)) largest = 0;
  for (let c = 0; c < width; c++) scratch[c] = Math.exp(scores[base + c] - largest);
  const normaliser = Math.log(pairwiseSum(scratch)) + largest;
  let best = 0;
  let bestProbability = -Infinity;
  for (let c = 0; c < width; c++) {
    const probability = finiteOrZero(Math.exp(scores[base + c] - normaliser));
    if (probability > bestProbability) {
      bestProbability = probability;
      best = c;
    }
  }
  return best;
}

/**
 * One Newton step on the deviance per leaf: sum(r) / sum((y - r)(1 - y + r)), times `scale`
 * ((K-1)/K for K > 2 classes). Sums run over the leaf's samples in index order with numpy's
 * pairwise summation, as scikit-learn's np.sum over `np.where(leaf)` does.
 */
function setNewtonLeafValues(
  tree: RegressionTree,
  leafOfSample: Int32Array,
  target: Float64Array,
  residual: Float64Array,
  scale: number,
  { numerators, denominators }: { numerators: Float64Array; denominators: Float64Array },
): void {
  const n = leafOfSample.length;
  const nodeCount = tree.feature.length;
  const offsets = new Int32Array(nodeCount + 1);
  for (let i = 0; i < n; i++) offsets[leafOfSample[i] + 1]++;
  for (let node = 0; node < nodeCount; node++) offsets[node + 1] += offsets[node];
  const cursor = offsets.slice(0, nodeCount);
  for (let i = 0; i < n; i++) {
    const slot = cursor[leafOfSample[i]]++;
    const r = residual[i];
    const t = target[i];
    numerators[slot] = r;
    denominators[slot] = (t - r) * (1 - t + r);
  }
  for (let node = 0; node < nodeCount; node++) {
    if (tree.feature[node] >= 0) continue;
    const start = offsets[node];
    const count = offsets[node + 1] - start;
    const numerator = pairwiseSum(numerators, start, count) * scale;
    const denominator = pairwiseSum(denominators, start, count);
    tree.value[node] = Math.abs(denominator) < TINY_DENOMINATOR ? 0 : numerator / denominator;
  }
}

interface GrownTree {
  tree: RegressionTree;
  /** The leaf (node id) every training sample falls into; overwritten by the next grow. */
  leafOfSample: Int32Array;
  /** This tree's impurity decrease per feature divided by the number of samples. */
  importance: Float64Array;
}

/**
 * Grows friedman_mse regression trees on one fixed float32 design matrix. Holds, for every
 * feature, the sample indices sorted by that feature; a node owns the same range [start, end) of
 * every feature's order, and a split partitions each range stably, so children stay sorted.
 */
class TreeGrower {
  private readonly presorted: Int32Array;
  private readonly order: Int32Array;
  private readonly identity: Int32Array;
  private readonly partitionScratch: Int32Array;
  private readonly goesLeft: Uint8Array;
  // scikit-learn's splitter state, carried from node to node within a tree: the feature
  // permutation, the constant features known to each node's ancestors, and the xorshift state.
  private readonly features: Int32Array;
  private readonly constantFeatures: Int32Array;
  private randomState = 0;

  private residual: Float64Array = new Float64Array(0);
  private readonly leafOfSample: Int32Array;
  private importance = new Float64Array(0);
  private nodeFeature: number[] = [];
  private nodeThreshold: number[] = [];
  private nodeLeft: number[] = [];
  private nodeRight: number[] = [];

  // The best split of the node being searched (valid when bestProxy > -Infinity).
  private bestProxy = -Infinity;
  private bestFeature = 0;
  private bestPosition = 0;
  private bestThreshold = 0;
  private constantsAfterSplit = 0;

  constructor(
    private readonly columns: Float32Array,
    private readonly n: number,
    private readonly d: number,
    private readonly config: Required<GradientBoostingSettings>,
  ) {
    this.presorted = new Int32Array(n * d);
    for (let f = 0; f < d; f++) {
      const column = columns.subarray(f * n, (f + 1) * n);
      const sorted = Int32Array.from({ length: n }, (_, i) => i).sort((a, b) => column[a] - column[b] || a - b);
      this.presorted.set(sorted, f * n);
    }
    this.order = new Int32Array(n * d);
    this.identity = Int32Array.from({ length: n }, (_, i) => i);
    this.partitionScratch = new Int32Array(n);
    this.goesLeft = new Uint8Array(n);
    this.leafOfSample = new Int32Array(n);
    this.features = new Int32Array(d);
    this.constantFeatures = new Int32Array(d);
  }

  grow(residual: Float64Array, seed: number): GrownTree {
    this.residual = residual;
    this.randomState = seed;
    this.order.set(this.presorted);
    for (let f = 0; f < this.d; f++) this.features[f] = f;
    this.importance = new Float64Array(this.d);
    this.nodeFeature = [];
    this.nodeThreshold = [];
    this.nodeLeft = [];
    this.nodeRight = [];

    // The root's sums run over the samples in index order, as scikit-learn's do.
    this.buildNode(0, this.n, 0, NaN, 0, this.identity, 0);

    const nodeCount = this.nodeFeature.length;
    for (let f = 0; f < this.d; f++) this.importance[f] /= this.n;
    return {
      tree: {
        feature: Int32Array.from(this.nodeFeature),
        threshold: Float64Array.from(this.nodeThreshold),
        left: Int32Array.from(this.nodeLeft),
        right: Int32Array.from(this.nodeRight),
        value: new Float64Array(nodeCount),
      },
      leafOfSample: this.leafOfSample,
      importance: this.importance,
    };
  }

  /** Whether a node of this size and depth is a leaf whatever its samples. */
  private mustBeLeaf(count: number, depth: number): boolean {
    const { maxDepth, minSamplesSplit, minSamplesLeaf } = this.config;
    return depth >= maxDepth || count < minSamplesSplit || count < 2 * minSamplesLeaf;
  }

  /**
   * Adds the node for samples [start, end) and, depth first with the left child first (the order
   * in which scikit-learn draws feature orders), its subtree. `impurity` is NaN for the root,
   * whose impurity is computed here; children get theirs from the parent's split. `members`
   * from `membersOffset` lists the node's samples, in the order its sums take them.
   */
  private buildNode(start: number, end: number, depth: number, impurity: number, knownConstants: number, members: Int32Array, membersOffset: number): number {
    const count = end - start;
    const node = this.nodeFeature.length;
    this.nodeFeature.push(-1);
    this.nodeThreshold.push(-2);
    this.nodeLeft.push(-1);
    this.nodeRight.push(-1);

    const isRoot = Number.isNaN(impurity);
    const structuralLeaf = this.mustBeLeaf(count, depth);
    let sumTotal = 0;
    let squareSumTotal = 0;
    if (isRoot || !structuralLeaf) {
      for (let p = membersOffset + start; p < membersOffset + end; p++) {
        const value = this.residual[members[p]];
        sumTotal += value;
        squareSumTotal += value * value;
      }
    }
    const mean = sumTotal / count;
    const nodeImpurity = isRoot ? squareSumTotal / count - mean * mean : impurity;
    if (structuralLeaf || nodeImpurity <= PURE_IMPURITY || !this.findBestSplit(start, end, sumTotal, knownConstants)) {
      for (let p = membersOffset + start; p < membersOffset + end; p++) this.leafOfSample[members[p]] = node;
      return node;
    }

    const feature = this.bestFeature;
    const position = this.bestPosition;
    const constants = this.constantsAfterSplit;
    const { left: leftImpurity, right: rightImpurity } = this.childImpurities(feature, start, position, end, sumTotal, squareSumTotal);
    this.nodeFeature[node] = feature;
    this.nodeThreshold[node] = this.bestThreshold;
    this.importance[feature] += count * nodeImpurity - (position - start) * leftImpurity - (end - position) * rightImpurity;

    // The split feature's range is already partitioned (it is sorted); the others only need it
    // when a child will be split in turn.
    if (!this.mustBeLeaf(position - start, depth + 1) || !this.mustBeLeaf(end - position, depth + 1)) {
      this.partition(start, end, position, feature);
    }
    const splitOffset = feature * this.n;
    this.nodeLeft[node] = this.buildNode(start, position, depth + 1, leftImpurity, constants, this.order, splitOffset);
    this.nodeRight[node] = this.buildNode(position, end, depth + 1, rightImpurity, constants, this.order, splitOffset);
    return node;
  }

  /**
   * scikit-learn's BestSplitter.node_split: draws features without replacement, skipping those
   * known to be constant from an ancestor, and keeps the split with the largest Friedman proxy.
   * Leaves it in the best* fields; false when every feature is constant in the node.
   */
  private findBestSplit(start: number, end: number, sumTotal: number, knownConstants: number): boolean {
    const { n, d, columns, order, features, constantFeatures } = this;
    this.bestProxy = -Infinity;
    let unvisitedEnd = d;
    let foundConstants = 0;
    let drawnConstants = 0;
    let totalConstants = knownConstants;
    while (unvisitedEnd > totalConstants) {
      let drawn = drawnConstants + this.nextRandom() % (unvisitedEnd - foundConstants - drawnConstants);
      if (drawn < knownConstants) {
        swap(features, drawnConstants, drawn);
        drawnConstants++;
        continue;
      }
      drawn += foundConstants;
      const feature = features[drawn];
      const offset = feature * n;
      if (columns[offset + order[offset + end - 1]] <= Math.fround(columns[offset + order[offset + start]] + FEATURE_THRESHOLD)) {
        swap(features, drawn, totalConstants);
        foundConstants++;
        totalConstants++;
        continue;
      }
      unvisitedEnd--;
      swap(features, unvisitedEnd, drawn);
      this.scanFeature(feature, start, end, sumTotal);
    }

    // Restore the ancestors' constant features at the front for siblings and descendants, and
    // record the ones found here for this node's descendants.
    features.set(constantFeatures.subarray(0, knownConstants), 0);
    constantFeatures.set(features.subarray(knownConstants, knownConstants + foundConstants), knownConstants);
    this.constantsAfterSplit = totalConstants;
    return this.bestProxy > -Infinity;
  }

  /**
   * Evaluates every split of one feature in one pass over the node's sorted samples. A position
   * p (between sorted samples p-1 and p) is a candidate iff the values differ by more than 1e-7
   * and both sides keep minSamplesLeaf samples.
   * The left sum replays scikit-learn's criterion: added forward from the last evaluated position,
   * or, when the end is nearer, subtracted from the node total backwards from the end.
   */
  private scanFeature(feature: number, start: number, end: number, sumTotal: number): void {
    const { columns, order, residual } = this;
    const offset = feature * this.n;
    const count = end - start;
    // Positions leaving fewer than minSamplesLeaf samples on a side are never candidates.
    const firstCandidate = start + this.config.minSamplesLeaf;
    const lastCandidate = end - this.config.minSamplesLeaf;
    let bestProxy = this.bestProxy;
    let position = start;
    let forwardSum = 0;
    let p = start;
    for (; p < firstCandidate - 1; p++) forwardSum += residual[order[offset + p]];
    let previousSample = order[offset + p];
    let previousValue = columns[offset + previousSample];
    for (p++; p <= lastCandidate; p++) {
      forwardSum += residual[previousSample];
      const sample = order[offset + p];
      const value = columns[offset + sample];
      if (value > Math.fround(previousValue + FEATURE_THRESHOLD)) {
        if (p - position > end - p) {
          forwardSum = sumTotal;
          for (let q = offset + end - 1; q >= offset + p; q--) forwardSum -= residual[order[q]];
        }
        position = p;
        const countLeft = p - start;
        const countRight = count - countLeft;
        const diff = countRight * forwardSum - countLeft * (sumTotal - forwardSum);
        const proxy = (diff * diff) / (countLeft * countRight);
        if (proxy > bestProxy) {
          bestProxy = proxy;
          this.bestFeature = feature;
          this.bestPosition = p;
          const midpoint = previousValue / 2 + value / 2;
          this.bestThreshold = midpoint === value || !Number.isFinite(midpoint) ? previousValue : midpoint;
        }
      }
      previousSample = sample;
      previousValue = value;
    }
    this.bestProxy = bestProxy;
  }

  /**
   * Children's variances (E[y^2] - mean^2) as scikit-learn's criterion computes them after the
   * split: the left sum updated from whichever end is nearer, the left square sum forward.
   */
  private childImpurities(feature: number, start: number, position: number, end: number, sumTotal: number, squareSumTotal: number): { left: number; right: number } {
    const { order, residual } = this;
    const offset = feature * this.n;
    let sumLeft = 0;
    if (position - start <= end - position) {
      for (let p = offset + start; p < offset + position; p++) sumLeft += residual[order[p]];
    } else {
      sumLeft = sumTotal;
      for (let p = offset + end - 1; p >= offset + position; p--) sumLeft -= residual[order[p]];
    }
    let squareSumLeft = 0;
    for (let p = offset + start; p < offset + position; p++) {
      const value = residual[order[p]];
      squareSumLeft += value * value;
    }
    const countLeft = position - start;
    const countRight = end - position;
    const meanLeft = sumLeft / countLeft;
    const meanRight = (sumTotal - sumLeft) / countRight;
    return {
      left: squareSumLeft / countLeft - meanLeft * meanLeft,
      right: (squareSumTotal - squareSumLeft) / countRight - meanRight * meanRight,
    };
  }

  /** Splits [start, end) of every feature's order at `position`, keeping each side sorted. */
  private partition(start: number, end: number, position: number, splitFeature: number): void {
    const { n, order, goesLeft } = this;
    const splitOffset = splitFeature * n;
    for (let p = start; p < end; p++) goesLeft[order[splitOffset + p]] = p < position ? 1 : 0;
    const scratch = this.partitionScratch;
    for (let f = 0; f < this.d; f++) {
      if (f === splitFeature) continue;
      const offset = f * n;
      let left = offset + start;
      let right = 0;
      for (let p = offset + start; p < offset + end; p++) {
        const sample = order[p];
        if (goesLeft[sample]) order[left++] = sample;
        else scratch[right++] = sample;
      }
      order.set(scratch.subarray(0, right), left);
    }
  }

  /** scikit-learn's `our_rand_r`: 32-bit xorshift, reduced to [0, 2^31). */
  private nextRandom(): number {
    let state = this.randomState === 0 ? 1 : this.randomState;
    state = (state ^ (state << 13)) >>> 0;
    state = (state ^ (state >>> 17)) >>> 0;
    state = (state ^ (state << 5)) >>> 0;
    this.randomState = state;
    return state % 0x80000000;
  }
}

function swap(array: Int32Array, i: number, j: number): void {
  const held = array[i];
  array[i] = array[j];
  array[j] = held;
}
