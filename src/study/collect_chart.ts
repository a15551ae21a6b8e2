// The picture of a collected results table: one panel per metric, one bar per group (its mean)
// with an error bar of ± std. A vega-lite spec compiled to vega and rendered headless to SVG (no
// DOM, no canvas), then drawn to PNG by resvg with the system fonts.
import type { TopLevelSpec } from 'vega-lite';
import { svgToPng } from '../viz/svg_png.js';
import { CHART_FONT, renderSvg, VEGA_LITE_SCHEMA } from '../viz/vega.js';
import type { Collection } from './collect.js';

/** One bar: a group's mean of one metric, with its error bar where the std exists. */
export interface ChartBar {
  group: string;
  metric: string;
  mean: number;
  low: number | null;
  high: number | null;
}

/** Panels wrap after this many, so a table of many metrics stays readable. */
const PANELS_PER_ROW = 3;
const PNG_ZOOM = 2;

/** The x-axis label of each group: its key values, in the table's row order. */
export function groupLabels(c: Collection): string[] {
  return c.groups.map((g) => g.values.join(' / '));
}

/** Every bar of the chart; a group whose mean of a metric is missing (or not finite) has no bar in that panel. */
export function chartBars(c: Collection): ChartBar[] {
  const labels = groupLabels(c);
  return c.groups.flatMap((g, i) => c.metrics.flatMap((metric, m) => {
    const { mean, std } = g.summaries[m];
    if (mean === null || !Number.isFinite(mean)) return [];
    const spread = std !== null && Number.isFinite(std) ? std : null;
    return [{ group: labels[i], metric, mean, low: spread === null ? null : mean - spread, high: spread === null ? null : mean + spread }];
  }));
}

export function chartSpec(c: Collection): TopLevelSpec {
  // vega-lite sorts nominal values as text; the table's order puts numbers in numeric order.
  const x = { field: 'group', type: 'nominal', sort: groupLabels(c), title: c.keys.join(' / '), axis: { labelAngle: -40, labelLimit: 400 } } as const;
  return {
    $schema: VEGA_LITE_SCHEMA,
    background: 'white',
    config: { font: CHART_FONT },
    data: { values: chartBars(c) as unknown as Record<string, unknown>[] },
    facet: { field: 'metric', type: 'nominal', sort: c.metrics, header: { title: null, labelFontSize: 12 } },
    columns: PANELS_PER_ROW,
    resolve: { scale: { y: 'independent' } },
    spec: {
      layer: [
        { mark: 'bar', encoding: { x, y: { field: 'mean', type: 'quantitative', title: `mean ± ${c.std} std` } } },
        {
          transform: [{ filter: 'isValid(datum.low)' }],
          mark: { type: 'rule', color: 'black' },
          encoding: { x, y: { field: 'low', type: 'quantitative' }, y2: { field: 'high' } },
        },
      ],
    },
  };
}

export async function renderChart(c: Collection): Promise<{ svg: string; png: Uint8Array }> {
  const svg = await renderSvg(chartSpec(c));
  return { svg, png: svgToPng(svg, PNG_ZOOM) };
}
