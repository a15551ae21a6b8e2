import { test } from 'node:test';
import assert from 'node:assert/strict';
import { embeddingChartSpec, umapEmbedding } from '../../src/viz/embedding_chart.js';
import { Rng } from '../../src/util/random.js';

// Two well separated clusters of 12 codes each in 3-D.
const codes = Float64Array.from({ length: 24 * 3 }, (_, i) => (Math.floor(i / 3) < 12 ? 0 : 10) + Math.sin(i * 1.7) * 0.3);

test('UMAP is seeded by our generator: the same seed gives the same embedding, another seed another', () => {
  const a = umapEmbedding(codes, 24, 3, Rng.fromSeed(7));
  assert.equal(a.length, 48);
  assert.deepEqual(a, umapEmbedding(codes, 24, 3, Rng.fromSeed(7)));
  assert.notDeepEqual(a, umapEmbedding(codes, 24, 3, Rng.fromSeed(8)));
});

test('the embedding chart colours by the factor: categories for few values, a continuous scale for many', () => {
  const points = Float64Array.of(0, 0, 1, 1, 2, 2);
  const few = embeddingChartSpec(points, [0, 1, 2], 'shape', 3) as { encoding: { color: { type: string; field: string } }; data: { values: Record<string, number>[] } };
  assert.equal(few.encoding.color.type, 'ordinal');
  assert.deepEqual(few.data.values.map((v) => v.shape), [0, 1, 2]);
  const many = embeddingChartSpec(points, [0, 20, 39], 'orientation', 40) as { encoding: { color: { type: string } } };
  assert.equal(many.encoding.color.type, 'quantitative');
});
