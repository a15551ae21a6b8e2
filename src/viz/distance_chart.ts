// Ground-truth against latent distances, the picture behind the MSc distance metrics (msc_research
// spec §8.2): random pairs of points, their ground-truth distance (L1 over raw factor indices) on
// x and their latent distance (L1 and L2 of the code difference) on y, as 2-D histograms of pair
// counts, so a representation that respects the ground truth shows a rising band.
import type { TopLevelSpec } from 'vega-lite';
import type { Rng } from '../util/random.js';
import { CHART_FONT, VEGA_LITE_SCHEMA } from './vega.js';

export interface PairDistances {
  ground: Float64Array;
  latentL1: Float64Array;
  latentL2: Float64Array;
}

const BINS = 30;
const PANEL = 280;

/** Distances of `pairs` random pairs of distinct rows of a table (n x numFactors factors, n x numCodes codes). */
export function pairDistances(
  factors: ArrayLike<number>, codes: ArrayLike<number>, n: number, numFactors: number, numCodes: number, pairs: number, rng: Rng,
): PairDistances {
  if (factors.length !== n * numFactors || codes.length !== n * numCodes) throw new RangeError(`the table must hold ${n} rows of factors and codes`);
  if (n < 2) throw new RangeError(`distances need at least 2 points, got ${n}`);
  const result = { ground: new Float64Array(pairs), latentL1: new Float64Array(pairs), latentL2: new Float64Array(pairs) };
  for (let p = 0; p < pairs; p++) {
    const i = rng.int(n);
    const j = (i + 1 + rng.int(n - 1)) % n;
    let ground = 0;
    for (let f = 0; f < numFactors; f++) ground += Math.abs(factors[i * numFactors + f] - factors[j * numFactors + f]);
    let l1 = 0;
    let squares = 0;
    for (let d = 0; d < numCodes; d++) {
      const difference = codes[i * numCodes + d] - codes[j * numCodes + d];
      l1 += Math.abs(difference);
      squares += difference * difference;
    }
    result.ground[p] = ground;
    result.latentL1[p] = l1;
    result.latentL2[p] = Math.sqrt(squares);
  }
  return result;
}

export function distanceChartSpec(distances: PairDistances): TopLevelSpec {
  const values = Array.from(distances.ground, (ground, p) => [
    { ground, latent: distances.latentL1[p], norm: 'L1' },
    { ground, latent: distances.latentL2[p], norm: 'L2' },
  ]).flat();
  return {
    $schema: VEGA_LITE_SCHEMA,
    background: 'white',
    config: { font: CHART_FONT },
    title: `ground-truth vs latent distance (${distances.ground.length} random pairs)`,
    data: { values },
    facet: { column: { field: 'norm', type: 'nominal', title: 'latent distance' } },
    resolve: { scale: { y: 'independent' } },
    spec: {
      width: PANEL,
      height: PANEL,
      mark: 'rect',
      encoding: {
        x: { field: 'ground', type: 'quantitative', bin: { maxbins: BINS }, title: 'ground-truth distance (L1 of factor indices)' },
        y: { field: 'latent', type: 'quantitative', bin: { maxbins: BINS }, title: 'latent distance' },
        color: { aggregate: 'count', type: 'quantitative', title: 'pairs', scale: { scheme: 'blues' } },
      },
    },
  };
}
