// PNG copies of SVG charts, drawn by resvg with the system fonts (Node only: resvg-js is native).
import { Resvg } from '@resvg/resvg-js';

export function svgToPng(svg: string, zoom = 2): Uint8Array {
  return new Uint8Array(new Resvg(svg, { background: 'white', fitTo: { mode: 'zoom', value: zoom } }).render().asPng());
}
