// Layout of latent traversals and reconstructions: which latent codes to decode, and how decoded
// images are arranged. Decoding itself belongs to the model, so everything here is pure.
import { imageGrid, type GridOptions, type Image } from './image.js';

/**
 * `steps` evenly spaced values from -limit to +limit. Computed as limit * k / (steps - 1) with
 * k = -(steps - 1), -(steps - 3), ..., steps - 1, so the sequence is exactly symmetric about 0 and
 * includes 0 itself when `steps` is odd.
 */
export function traversalValues(steps: number, limit = 2): Float64Array {
  if (!(Number.isSafeInteger(steps) && steps > 0)) throw new RangeError(`traversal steps must be a positive integer, got ${steps}`);
  if (!(Number.isFinite(limit) && limit > 0)) throw new RangeError(`traversal limit must be positive, got ${limit}`);
  if (steps === 1) return Float64Array.of(0);
  return Float64Array.from({ length: steps }, (_, i) => (limit * (2 * i - (steps - 1))) / (steps - 1));
}

/**
 * The sequence forward then back again without repeating either end, e.g. [a, b, c, d] becomes
 * [a, b, c, d, c, b]: a looping animation then returns to `a` without showing it twice in a row.
 */
export function pingPong<T>(sequence: ArrayLike<T>): T[] {
  const forward = Array.from(sequence);
  return forward.concat(forward.slice(1, -1).reverse());
}

/**
 * One latent code per value, each a copy of `base` with dimension `dim` set to that value.
 * Returned row-major as values.length × base.length, ready to become a [n, D] tensor.
 */
export function traversalLatents(base: Float32Array, dim: number, values: ArrayLike<number>): Float32Array {
  if (!(Number.isSafeInteger(dim) && dim >= 0 && dim < base.length)) {
    throw new RangeError(`latent dimension ${dim} is outside 0..${base.length - 1}`);
  }
  const latents = new Float32Array(values.length * base.length);
  for (let i = 0; i < values.length; i++) {
    latents.set(base, i * base.length);
    latents[i * base.length + dim] = values[i];
  }
  return latents;
}

function checkRectangular(decoded: readonly (readonly Image[])[]): number {
  if (decoded.length === 0) throw new RangeError('a traversal needs at least one latent');
  const steps = decoded[0].length;
  if (steps === 0) throw new RangeError('a traversal needs at least one step');
  decoded.forEach((row, latent) => {
    if (row.length !== steps) throw new RangeError(`latent ${latent} has ${row.length} steps, latent 0 has ${steps}`);
  });
  return steps;
}

/** The still picture of a traversal: row = latent, column = step. */
export function traversalGrid(decoded: readonly (readonly Image[])[], opts?: GridOptions): Image {
  const steps = checkRectangular(decoded);
  return imageGrid(decoded.flat(), steps, opts);
}

/**
 * One animation frame per step: frame s tiles every latent's image at step s in latent order,
 * `cols` to a row (cols = 1 stacks them, one latent per row). Pass the frames through pingPong
 * for an animation that sweeps back and forth.
 */
export function traversalFrames(decoded: readonly (readonly Image[])[], cols: number, opts?: GridOptions): Image[] {
  const steps = checkRectangular(decoded);
  return Array.from({ length: steps }, (_, step) => imageGrid(decoded.map((row) => row[step]), cols, opts));
}

/**
 * Inputs and their reconstructions in pairs of rows, `cols` images wide: a row of inputs, then the
 * row of their reconstructions directly below it, so each reconstruction sits under its input.
 * By default all inputs fit one row, giving inputs on top and reconstructions underneath.
 */
export function reconstructionGrid(
  inputs: readonly Image[],
  recons: readonly Image[],
  opts: GridOptions & { cols?: number } = {},
): Image {
  if (inputs.length !== recons.length) {
    throw new RangeError(`${inputs.length} inputs but ${recons.length} reconstructions`);
  }
  if (inputs.length === 0) throw new RangeError('a reconstruction grid needs at least one input');
  const { cols = inputs.length, ...gridOptions } = opts;
  const cells: (Image | null)[] = [];
  for (let start = 0; start < inputs.length; start += cols) {
    const rowOf = (images: readonly Image[]): (Image | null)[] =>
      Array.from({ length: cols }, (_, i) => images[start + i] ?? null);
    cells.push(...rowOf(inputs), ...rowOf(recons));
  }
  return imageGrid(cells, cols, gridOptions);
}
