// Charts as vega-lite specs compiled to vega and rendered headless to SVG (no DOM, no canvas), so
// the same call draws them in Node and in a browser.
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

export const VEGA_LITE_SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';

/**
 * Named families before the generic one: resvg maps 'sans-serif' to Arial, and where Arial is
 * missing (a bare Linux) it falls back to a serif face.
 */
export const CHART_FONT = 'Helvetica, Arial, DejaVu Sans, Liberation Sans, sans-serif';

export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
