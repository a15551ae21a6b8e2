// The matrix exponential of a batch of square matrices, for the Commutative Lie Group VAE's decoder
// exp(Σ_k z_k A_k) (lie_group_vae spec §2.2, §2.4): tfjs has no such op. Scaling and squaring with
// a degree-12 Taylor core, built only from tfjs ops so that tf.grad and tf.variableGrads
// differentiate it. Each matrix is scaled by its own power of two 2^-s, with s the smallest for
// which ‖A / 2^s‖₁ ≤ 1/2 (capped), and squared s times. The s are read from the data and are
// constants to autodiff, as in torch.matrix_exp.
//
// Scaling per matrix rather than by the batch's largest norm matters in float32: each squaring
// doubles the rounding error of exp(A) − I, so a matrix near 0 squared as often as the batch's
// largest would lose most of its digits (the CLG-VAE's basis starts at entries ~1e-3).
import * as tf from '@tensorflow/tfjs-core';

export interface ExpmOptions {
  /** Most squarings any matrix gets (default 20); beyond ‖A‖₁ = 2^(cap−1) the Taylor core loses accuracy. */
  maxSquarings?: number;
}

const DEFAULT_MAX_SQUARINGS = 20;
const TAYLOR_DEGREE = 12;
/** The Taylor core is accurate to float32 rounding for ‖X‖₁ ≤ 1/2: the first omitted term is ≤ 0.5^13 / 13! ≈ 2e-14. */
const TAYLOR_NORM_BOUND = 0.5;

/** 1/j! for j = 0..TAYLOR_DEGREE. */
const TAYLOR_COEFFICIENTS = Array.from({ length: TAYLOR_DEGREE + 1 }, (_, j) => {
  let factorial = 1;
  for (let i = 2; i <= j; i++) factorial *= i;
  return 1 / factorial;
});

/** Squarings that bring a matrix of 1-norm `norm` within the Taylor core's bound; 0 for NaN. */
function squaringsFor(norm: number, maxSquarings: number): number {
  if (!(norm > TAYLOR_NORM_BOUND)) return 0;
  return Math.min(maxSquarings, Math.ceil(Math.log2(norm / TAYLOR_NORM_BOUND)));
}

/** c·I as a constant uploaded from JS, so that it costs no kernel. */
function scaledIdentity(size: number, c: number): tf.Tensor2D {
  const values = new Float32Array(size * size);
  for (let i = 0; i < size; i++) values[i * size + i] = c;
  return tf.tensor2d(values, [size, size]);
}

/** Σ_{j≤12} X^j / j! in Horner form: R ← I/j! + X R, 11 batched matMuls in all. */
function taylorCore(x: tf.Tensor3D): tf.Tensor3D {
  const size = x.shape[1];
  let r: tf.Tensor3D = tf.add(scaledIdentity(size, TAYLOR_COEFFICIENTS[TAYLOR_DEGREE - 1]), tf.mul(x, TAYLOR_COEFFICIENTS[TAYLOR_DEGREE]));
  for (let j = TAYLOR_DEGREE - 2; j >= 0; j--) {
    r = tf.add(scaledIdentity(size, TAYLOR_COEFFICIENTS[j]), tf.matMul(x, r));
  }
  return r;
}

/**
 * exp(A) of every matrix of `a` [B, m, m], differentiable. The squaring counts come from the
 * data (one dataSync of B norms), so each call synchronises with the backend once.
 */
export function expm(a: tf.Tensor3D, options: ExpmOptions = {}): tf.Tensor3D {
  const maxSquarings = options.maxSquarings ?? DEFAULT_MAX_SQUARINGS;
  if (!(Number.isInteger(maxSquarings) && maxSquarings >= 0)) {
    throw new RangeError(`expm: maxSquarings must be a non-negative integer, got ${maxSquarings}`);
  }
  const [batch, rows, cols] = a.shape;
  if (rows !== cols) throw new RangeError(`expm: matrices must be square, got shape [${a.shape.join(', ')}]`);

  return tf.tidy(() => {
    // The 1-norm is the largest column sum of |a_ij|: sum over rows (axis 1), then max over columns.
    const norms = tf.max(tf.sum(tf.abs(a), 1), 1).dataSync();
    const squarings = Array.from(norms, (norm) => squaringsFor(norm, maxSquarings));
    const mostSquarings = Math.max(0, ...squarings);

    const x = mostSquarings === 0 ? a : tf.mul<tf.Tensor3D>(a, tf.tensor3d(squarings.map((s) => 2 ** -s), [batch, 1, 1]));
    let e = taylorCore(x);
    for (let step = 0; step < mostSquarings; step++) {
      const squared = tf.matMul<tf.Tensor3D>(e, e);
      const squares = squarings.map((s) => s > step);
      e = squares.every(Boolean) ? squared : tf.where(tf.tensor3d(squares, [batch, 1, 1], 'bool'), squared, e);
    }
    return e;
  });
}
