// One DecVAE training step (spec decvae.md §7.3, §8): both branches encode the batch, the
// dual-branch loss is differentiated with respect to every parameter, the gradients are divided by
// the weighted number of Z divergence terms and clipped together at the global norm 2, and each
// branch's parameters are updated by their own AdamW at their own scheduled rate.
//
// Z encodes every frame of the batch, since its normalisation statistics are over all of them,
// while the losses read only the frames selected for this step. The selected frames are placed
// first (utterance by utterance, then every other frame), so the loss's rows are one slice: the
// statistics do not depend on the order, and a slice's gradient exists on every backend where a
// gather's does not (wasm lacks UnsortedSegmentSum).
import * as tf from '@tensorflow/tfjs-core';
import { DecVaeEncoder, type BranchOutputs, type DecVaeWidths, type Gaussian } from '../nn/decvae_nets.js';
import { Adam, type AdamSettings } from '../train/adam.js';
import { decVaeLoss, normaliseAndClipGradients, type BranchLossInputs, type DecVaeLoss, type DecVaeLossSettings } from './loss.js';
import { PIECE_LENGTH } from './mel_features.js';
import type { Rng } from '../util/random.js';

export interface DecVaeBatch {
  /** Per level (X, OC_1..OC_NoC): [U·T, 400] frame features, the selected frames first (assembleFrames). */
  frames: tf.Tensor2D[];
  /** Per level: [U, length] sequence features. */
  sequences: tf.Tensor2D[];
  utterances: number;
  /** Frames per utterance the losses read: the first utterances·selected rows of `frames`. */
  selected: number;
}

/**
 * One level's frame features for the batch, `features[u]` holding utterance u's T frames of 400
 * values: utterance by utterance its `selected[u]` frames (sorted), then all the others.
 */
export function assembleFrames(features: readonly Float32Array[], selected: readonly (readonly number[])[]): Float32Array {
  const counts = new Set(selected.map((s) => s.length));
  if (counts.size !== 1) throw new RangeError(`every utterance needs as many selected frames, got ${[...counts]}`);
  const total = features.reduce((n, f) => n + f.length, 0);
  const out = new Float32Array(total);
  let at = 0;
  const copy = (u: number, frame: number) => {
    out.set(features[u].subarray(frame * PIECE_LENGTH, (frame + 1) * PIECE_LENGTH), at);
    at += PIECE_LENGTH;
  };
  selected.forEach((frames, u) => frames.forEach((f) => copy(u, f)));
  features.forEach((f, u) => {
    const chosen = new Set(selected[u]);
    for (let frame = 0; frame < f.length / PIECE_LENGTH; frame++) if (!chosen.has(frame)) copy(u, frame);
  });
  return out;
}

export interface DecVaeOptimiserSettings {
  z: AdamSettings;
  s: AdamSettings;
}

export class DecVaeSystem {
  readonly encoder: DecVaeEncoder;
  readonly optimizers: { z: Adam; s: Adam };

  constructor(rng: Rng, widths: Partial<DecVaeWidths>, readonly loss: DecVaeLossSettings, optimisers: DecVaeOptimiserSettings) {
    this.encoder = new DecVaeEncoder(rng.fork('encoder'), widths);
    this.optimizers = { z: new Adam(optimisers.z), s: new Adam(optimisers.s) };
  }

  /** The dual-branch loss of a batch (differentiable; call inside a tidy or a gradient). */
  lossOf(batch: DecVaeBatch): DecVaeLoss {
    const rows = batch.utterances * batch.selected;
    const z = branchInputs(this.encoder.zBranch(batch.frames), rows, batch.utterances, batch.selected);
    const s = branchInputs(this.encoder.sBranch(batch.sequences), batch.utterances, batch.utterances, 1);
    return decVaeLoss({ z, s }, this.loss);
  }

  /** One optimisation step at the given learning rates; returns the logged values and the gradient norm before clipping. */
  trainStep(batch: DecVaeBatch, lr: { z: number; s: number }): Record<string, number> {
    let result: DecVaeLoss | undefined;
    const variables = this.encoder.variables();
    const { value, grads } = tf.variableGrads(() => {
      result = this.lossOf(batch);
      return result.total;
    }, [...variables.values()]);
    const { logs, gradientNormaliser } = result as DecVaeLoss;
    const clipped = normaliseAndClipGradients(grads, gradientNormaliser, this.loss.max_grad_norm);
    try {
      this.optimizers.z.apply(this.encoder.branchVariables('z'), clipped.grads, lr.z);
      this.optimizers.s.apply(this.encoder.branchVariables('s'), clipped.grads, lr.s);
    } finally {
      tf.dispose([value, ...Object.values(grads), ...Object.values(clipped.grads)]);
    }
    return { ...logs, grad_norm: clipped.norm };
  }

  dispose(): void {
    this.encoder.dispose();
    this.optimizers.z.dispose();
    this.optimizers.s.dispose();
  }
}

/** The loss's view of one branch: the first `rows` rows as [U, n, d], components stacked component-major. */
function branchInputs(out: BranchOutputs, rows: number, utterances: number, n: number): BranchLossInputs {
  const take = (t: tf.Tensor2D) => tf.reshape(tf.slice(t, [0, 0], [rows, t.shape[1]]), [utterances, n, t.shape[1]]) as tf.Tensor3D;
  const head = (g: Gaussian) => ({ mu: tf.slice(g.mu, [0, 0], [rows, g.mu.shape[1]]), logvar: tf.slice(g.logvar, [0, 0], [rows, g.logvar.shape[1]]) });
  return {
    original: take(out.original),
    components: tf.stack(out.components.map(take)) as tf.Tensor4D,
    heads: { components: out.heads.components.map(head), projected: head(out.heads.projected) },
  };
}
