// Where metrics that *sample* (FactorVAE, beta-VAE, ...) get their data: factor vectors drawn
// one way or another, and the representation of an observation with given factors. A trained
// model over a ground-truth dataset is one source; a fixed table of (factors, codes) replayed
// with numpy's RandomState stream, as disentanglement_lib's reference does, is another.
export interface FactorCodeSource {
  readonly factorSizes: readonly number[];
  /** Number of code dimensions D. */
  readonly numCodes: number;
  /** n factor vectors (indices), row-major n x K. */
  sampleFactors(n: number): Int32Array;
  /**
   * A uniform integer in [0, n), drawn from the same stream as `sampleFactors`. FactorVAE picks
   * the factor it holds fixed with it before sampling each batch's factors; sharing the stream is
   * what lets a replayed source reproduce disentanglement_lib's draws in order.
   */
  randomIndex(n: number): number;
  /** Codes (the encoder mean) of one observation per factor vector: row-major n x D. */
  representations(factors: Int32Array, n: number): Promise<Float64Array>;
}
