import { test } from 'node:test';
import assert from 'node:assert/strict';
import { matrixChartSpec } from '../../src/viz/matrix_chart.js';
import { renderSvg } from '../../src/viz/vega.js';

test('the heat-map SVG has one cell per matrix entry, at its latent and factor, carrying its value', async () => {
  const matrix = [[0.1, 0.5, 0.25], [0.75, 0, 0.125]];
  const factorNames = ['shape', 'scale', 'x'];
  const svg = await renderSvg(matrixChartSpec({ title: 'MI', matrix, factorNames, valueTitle: 'MI (nats)' }));
  const cells = [...svg.matchAll(/aria-roledescription="rect mark"/g)];
  assert.equal(cells.length, 6);
  const found = new Map([...svg.matchAll(/aria-label="factor: (\w+); latent: (z\d+); MI \(nats\): ([\d.]+)"/g)].map((m) => [`${m[2]}/${m[1]}`, Number(m[3])]));
  assert.equal(found.size, 6);
  matrix.forEach((row, code) => row.forEach((value, f) => assert.equal(found.get(`z${code}/${factorNames[f]}`), value)));
  const labels = [...svg.matchAll(/aria-roledescription="text mark"[^>]*>([\d.]+)<\/text>/g)].map((m) => m[1]);
  assert.deepEqual(labels.sort(), ['0.00', '0.10', '0.13', '0.25', '0.50', '0.75']);
});

test('a matrix row with the wrong number of factors is refused', () => {
  assert.throws(() => matrixChartSpec({ title: 'MI', matrix: [[1, 2]], factorNames: ['a', 'b', 'c'], valueTitle: 'MI' }), /row 0 has 2 entries for 3 factors/);
});
