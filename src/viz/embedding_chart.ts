// 2-D UMAP embeddings of the codes, coloured by one ground-truth factor per picture, so a glance
// shows which factors the representation keeps apart. umap-js draws from our seeded generator
// (its `random` option), never from Math.random, so the same codes and seed give the same picture.
import { UMAP } from 'umap-js';
import type { TopLevelSpec } from 'vega-lite';
import type { Rng } from '../util/random.js';
import { CHART_FONT, VEGA_LITE_SCHEMA } from './vega.js';

/** umap-js's default neighbourhood; fewer points than this need a smaller one. */
const NEIGHBOURS = 15;
/** Factors with at most this many values get one colour each; more get a continuous scale. */
const MAX_CATEGORIES = 10;
const SIZE = 320;

/** Row-major n x 2 coordinates of the n rows of `codes` (n x dims). */
export function umapEmbedding(codes: ArrayLike<number>, n: number, dims: number, rng: Rng): Float64Array {
  if (codes.length !== n * dims) throw new RangeError(`${codes.length} values do not form ${n} codes of ${dims}`);
  if (n < 3) throw new RangeError(`a UMAP embedding needs at least 3 points, got ${n}`);
  const rows = Array.from({ length: n }, (_, i) => Array.from({ length: dims }, (_, d) => codes[i * dims + d]));
  const umap = new UMAP({ nComponents: 2, nNeighbors: Math.min(NEIGHBOURS, n - 1), random: () => rng.float() });
  return Float64Array.from(umap.fit(rows).flat());
}

export function embeddingChartSpec(points: Float64Array, factorValues: ArrayLike<number>, factorName: string, factorSize: number): TopLevelSpec {
  const n = points.length / 2;
  if (factorValues.length !== n) throw new RangeError(`${factorValues.length} factor values for ${n} points`);
  const values = Array.from({ length: n }, (_, i) => ({ x: points[2 * i], y: points[2 * i + 1], [factorName]: factorValues[i] }));
  const categorical = factorSize <= MAX_CATEGORIES;
  return {
    $schema: VEGA_LITE_SCHEMA,
    background: 'white',
    config: { font: CHART_FONT },
    title: `UMAP of the codes, coloured by ${factorName}`,
    data: { values },
    width: SIZE,
    height: SIZE,
    mark: { type: 'circle', size: 14, opacity: 0.75 },
    encoding: {
      x: { field: 'x', type: 'quantitative', title: 'UMAP 1', scale: { zero: false } },
      y: { field: 'y', type: 'quantitative', title: 'UMAP 2', scale: { zero: false } },
      color: categorical
        ? { field: factorName, type: 'ordinal', scale: { scheme: 'category10' } }
        : { field: factorName, type: 'quantitative', scale: { scheme: 'viridis' } },
    },
  };
}
