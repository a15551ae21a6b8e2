// Score matrices of the metrics as heat maps: MIG's mutual information, DCI's importance and SAP's
// score matrix, each codes x factors (disentanglement_lib's orientation), one cell per entry with
// its value written in it, so a glance shows which latent carries which factor.
import type { TopLevelSpec } from 'vega-lite';
import { CHART_FONT, VEGA_LITE_SCHEMA } from './vega.js';

export interface MatrixChart {
  title: string;
  /** Rows are codes (latents), columns factors. */
  matrix: readonly (readonly number[])[];
  factorNames: readonly string[];
  /** What the colour encodes, e.g. 'MI (nats)'. */
  valueTitle: string;
}

/** A cell of the chart; `label` is the value as it is written in the cell. */
export interface MatrixCell {
  latent: string;
  factor: string;
  value: number;
  label: string;
}

const CELL = 28;
const DIGITS = 2;

export function matrixCells({ matrix, factorNames }: MatrixChart): MatrixCell[] {
  return matrix.flatMap((row, code) => {
    if (row.length !== factorNames.length) throw new RangeError(`row ${code} has ${row.length} entries for ${factorNames.length} factors`);
    return row.map((value, f) => ({ latent: `z${code}`, factor: factorNames[f], value, label: Number.isFinite(value) ? value.toFixed(DIGITS) : String(value) }));
  });
}

export function matrixChartSpec(chart: MatrixChart): TopLevelSpec {
  const cells = matrixCells(chart);
  const latents = chart.matrix.map((_, code) => `z${code}`);
  const x = { field: 'factor', type: 'nominal', sort: [...chart.factorNames], title: 'factor', axis: { labelAngle: -30 } } as const;
  const y = { field: 'latent', type: 'nominal', sort: latents, title: 'latent' } as const;
  const finite = cells.map((cell) => cell.value).filter(Number.isFinite);
  const high = Math.max(0, ...finite);
  return {
    $schema: VEGA_LITE_SCHEMA,
    background: 'white',
    config: { font: CHART_FONT, view: { strokeWidth: 0 } },
    title: chart.title,
    data: { values: cells as unknown as Record<string, unknown>[] },
    width: CELL * chart.factorNames.length,
    height: CELL * latents.length,
    layer: [
      {
        mark: { type: 'rect', stroke: 'white', strokeWidth: 1 },
        encoding: { x, y, color: { field: 'value', type: 'quantitative', title: chart.valueTitle, scale: { scheme: 'purples', domain: [0, high > 0 ? high : 1] } } },
      },
      {
        mark: { type: 'text', fontSize: 9 },
        encoding: {
          x, y, text: { field: 'label' },
          // Dark cells take white text, light ones black.
          color: { condition: { test: `datum.value > ${high / 2}`, value: 'white' }, value: 'black' },
        },
      },
    ],
  };
}
