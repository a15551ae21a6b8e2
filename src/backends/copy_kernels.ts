// Slice and PadV2 for the native backend as copies of contiguous runs. tfjs-backend-cpu computes a
// strided slice or a pad element by element with index arithmetic; here the innermost axes that
// are taken whole merge with the last partial one into runs copied with TypedArray.set, so the
// explicit conv padding and its gradient (a slice) of V3's networks cost a memcpy per row instead
// of seconds per step. Float32 only; anything else returns null and goes to the cpu kernel.
import { util } from '@tensorflow/tfjs-core';

/** A block of `shape` at `begin` inside `outer`, as `count` runs of `run` values and their offsets. */
function runsOf(outer: readonly number[], begin: readonly number[], shape: readonly number[]): { run: number; starts: Int32Array } | null {
  const rank = outer.length;
  if (rank === 0) return null;
  // The run: the innermost axes the block spans whole, plus the first one it does not.
  let axis = rank - 1;
  let run = shape[axis];
  while (axis > 0 && shape[axis] === outer[axis] && begin[axis] === 0) {
    axis--;
    run *= shape[axis];
  }
  const strides = util.computeStrides(outer as number[]);
  const outerAxes = axis;
  const count = util.sizeFromShape(shape.slice(0, outerAxes) as number[]);
  const starts = new Int32Array(count);
  const index = new Array<number>(outerAxes).fill(0);
  for (let r = 0; r < count; r++) {
    let offset = begin[outerAxes] * (outerAxes < rank - 1 ? strides[outerAxes] : 1);
    for (let a = 0; a < outerAxes; a++) offset += (begin[a] + index[a]) * strides[a];
    starts[r] = offset;
    for (let a = outerAxes - 1; a >= 0; a--) {
      if (++index[a] < shape[a]) break;
      index[a] = 0;
    }
  }
  return { run, starts };
}

/** values[begin : begin + size] of a float32 tensor of `shape`, or null to leave it to the cpu. */
export function sliceRuns(values: Float32Array, shape: readonly number[], begin: readonly number[], size: readonly number[]): Float32Array | null {
  const runs = runsOf(shape, begin, size);
  if (!runs) return null;
  const out = new Float32Array(util.sizeFromShape(size as number[]));
  runs.starts.forEach((start, r) => out.set(values.subarray(start, start + runs.run), r * runs.run));
  return out;
}

/** `values` of `shape` inside a block padded by `paddings` ([before, after] per axis) with `constant`. */
export function padRuns(values: Float32Array, shape: readonly number[], paddings: readonly (readonly [number, number])[], constant: number): Float32Array | null {
  if (paddings.some(([before, after]) => before < 0 || after < 0)) return null;
  const outShape = shape.map((d, a) => d + paddings[a][0] + paddings[a][1]);
  const runs = runsOf(outShape, paddings.map(([before]) => before), shape);
  if (!runs) return null;
  const out = new Float32Array(util.sizeFromShape(outShape));
  if (constant !== 0) out.fill(constant);
  runs.starts.forEach((start, r) => out.set(values.subarray(r * runs.run, (r + 1) * runs.run), start));
  return out;
}
