// Distances between factor vectors, compared exactly. The scaled variants divide each factor's
// difference by max(1, size - 1); comparing such sums in floating point can call a tie unequal
// (1/10 + 2/10 > 3/10 in doubles) and so swap a triplet that must stay in order. Both sides share
// the per-factor denominators, so the sign of Σ (dx_i - dy_i) / m_i is computed over the common
// denominator lcm(m_i) in BigInt.

export type FactorMetric = 'factors' | 'manhattan' | 'manhattan_scaled' | 'euclidean' | 'euclidean_scaled';

export type Comparison = -1 | 0 | 1;

function gcd(a: bigint, b: bigint): bigint {
  while (b !== 0n) [a, b] = [b, a % b];
  return a;
}

function sign(x: bigint): Comparison {
  return x > 0n ? 1 : x < 0n ? -1 : 0;
}

/** Per-factor difference of the two distances' terms, as integers before any scaling. */
function termDifferences(metric: FactorMetric, anchor: ArrayLike<number>, x: ArrayLike<number>, y: ArrayLike<number>): number[] {
  const out: number[] = [];
  for (let i = 0; i < anchor.length; i++) {
    const dx = Math.abs(x[i] - anchor[i]);
    const dy = Math.abs(y[i] - anchor[i]);
    if (metric === 'factors') out.push(Number(dx !== 0) - Number(dy !== 0));
    else if (metric === 'manhattan' || metric === 'manhattan_scaled') out.push(dx - dy);
    else out.push(dx * dx - dy * dy);
  }
  return out;
}

/** Sign of dist(anchor, x) - dist(anchor, y) under `metric`, with no rounding anywhere. */
export function compareFactorDistances(
  sizes: readonly number[],
  metric: FactorMetric,
  anchor: ArrayLike<number>,
  x: ArrayLike<number>,
  y: ArrayLike<number>,
): Comparison {
  const differences = termDifferences(metric, anchor, x, y);
  const scaled = metric === 'manhattan_scaled' || metric === 'euclidean_scaled';
  if (!scaled) return sign(BigInt(differences.reduce((a, b) => a + b, 0)));

  // Euclidean terms are squared differences, so their scale is squared too.
  const denominators = sizes.map((size) => {
    const m = BigInt(Math.max(1, size - 1));
    return metric === 'euclidean_scaled' ? m * m : m;
  });
  const common = denominators.reduce((l, m) => (l / gcd(l, m)) * m, 1n);
  let total = 0n;
  for (let i = 0; i < differences.length; i++) total += BigInt(differences[i]) * (common / denominators[i]);
  return sign(total);
}
