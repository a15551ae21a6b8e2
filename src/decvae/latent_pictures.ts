// UMAP pictures of DecVAE's frame latents (spec decvae.md §9, the original's umap plots): a
// subset of frames embedded in 2-D by umap-js, drawn twice, coloured by vowel and by speaker, so a
// glance shows which factor the space sorts by.
import { UMAP } from 'umap-js';
import type { Rng } from '../util/random.js';
import { encodePng } from '../viz/png.js';
import { scatterPlot } from '../viz/scatter.js';
import type { LatentMatrix } from './embed.js';

/** `count` distinct rows of `rows` in increasing order (all when count >= rows). */
export function drawRows(rows: number, count: number, rng: Rng): Int32Array {
  const order = Int32Array.from({ length: rows }, (_, i) => i);
  const take = Math.min(rows, count);
  for (let i = 0; i < take; i++) {
    const j = i + rng.int(rows - i);
    [order[i], order[j]] = [order[j], order[i]];
  }
  return order.slice(0, take).sort();
}

/** The PNG of a UMAP embedding of `points` rows of `latents`, one panel per labelling. */
export function umapPicture(latents: LatentMatrix, labelings: readonly Int32Array[], points: number, rng: Rng): Uint8Array {
  const rows = drawRows(latents.rows, points, rng);
  const vectors = Array.from(rows, (r) => Array.from(latents.values.subarray(r * latents.dims, (r + 1) * latents.dims)));
  const embedding = new UMAP({ nComponents: 2, nNeighbors: Math.min(15, rows.length - 1), random: () => rng.float() }).fit(vectors);
  const flat = Float64Array.from(embedding.flat());
  return encodePng(scatterPlot(labelings.map((labels) => ({ points: flat, dims: 2 as const, labels: Int32Array.from(rows, (r) => labels[r]) }))));
}
