// The 3-D t-SNE pictures of V3's evaluation (spec §6.2): z_c of a subset of test fragments fitted
// together with the codebook's atoms (only the fragments drawn), and z_s fitted on its own; each
// drawn twice, coloured by content and by style, so a glance shows which labels each space sorts by.
import { encodePng } from '../viz/png.js';
import { scatterPlot } from '../viz/scatter.js';
import { tsne } from '../viz/tsne.js';
import type { Rng } from '../util/random.js';
import type { SplitEmbeddings } from './embed.js';

/** `count` distinct rows of `rows`, in increasing order. */
function subset(rows: number, count: number, rng: Rng): Int32Array {
  const order = Int32Array.from({ length: rows }, (_, i) => i);
  for (let i = 0; i < count; i++) {
    const j = i + rng.int(rows - i);
    [order[i], order[j]] = [order[j], order[i]];
  }
  return order.slice(0, count).sort();
}

function gather(values: Float32Array, dim: number, rows: Int32Array, extra: Float32Array = new Float32Array(0)): Float64Array {
  const out = new Float64Array(rows.length * dim + extra.length);
  rows.forEach((r, i) => out.set(values.subarray(r * dim, (r + 1) * dim), i * dim));
  out.set(extra, rows.length * dim);
  return out;
}

/** [file name, PNG] of the content-space and the style-space pictures. */
export function tsnePictures(test: SplitEmbeddings, atoms: Float32Array, points: number, rng: Rng): [string, Uint8Array][] {
  const rows = subset(test.rows, Math.min(points, test.rows), rng);
  const content = Int32Array.from(rows, (r) => test.contentLabels[r]);
  const style = Int32Array.from(rows, (r) => test.styleLabels[r]);
  const picture = (embedding: Float64Array) => {
    const drawn = embedding.subarray(0, rows.length * 3);
    return encodePng(scatterPlot([{ points: drawn, dims: 3, labels: content }, { points: drawn, dims: 3, labels: style }]));
  };
  const withAtoms = gather(test.content, test.dim, rows, atoms);
  const contentSpace = tsne(withAtoms, rows.length + atoms.length / test.dim, test.dim, { rng: rng.fork('content'), components: 3 });
  const styleSpace = tsne(gather(test.style, test.dim, rows), rows.length, test.dim, { rng: rng.fork('style'), components: 3 });
  return [['tsne_content.png', picture(contentSpace)], ['tsne_style.png', picture(styleSpace)]];
}
