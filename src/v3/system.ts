// V3's whole model as one trainable system: every fragment of a batch goes through the shared
// encoder to (z_c, z_s), z_c through the EMA codebook, and (q(z_c), z_s) through the decoder; the
// V3 loss (loss.ts) is taken over the batch's [B, n] grouping. A training step is AdamW on the
// trainable weights, then the state updates that are not gradient steps: BatchNorm's running
// statistics and the codebook's EMA (and dead-code) update, both on the step's own batch.
import * as tf from '@tensorflow/tfjs-core';
import { createV3Model, v3Geometry, type V3Model } from '../nn/v3_nets.js';
import { VectorQuantizer } from '../nn/vector_quantizer.js';
import { Adam } from '../train/adam.js';
import type { Rng } from '../util/random.js';
import type { V3Config } from './config.js';
import { v3Loss, type V3LossTerms } from './loss.js';

/** A batch of B samples of n fragments, fragment-major: x is [B * n, H, W, C]. */
export interface FragmentBatch {
  x: tf.Tensor4D;
  samples: number;
  fragments: number;
}

export interface V3Forward {
  recon: tf.Tensor4D;
  /** z_c, z_q (atoms; straight-through in training) and z_s, [B * n, E] each. */
  content: tf.Tensor2D;
  quantized: tf.Tensor2D;
  style: tf.Tensor2D;
  /** The atom of every fragment. */
  indices: Int32Array;
  commit: tf.Scalar;
}

export class V3System {
  readonly model: V3Model;
  readonly quantizer: VectorQuantizer;
  readonly optimizer: Adam;

  constructor(readonly config: V3Config, rng: Rng) {
    const { model: m, train: t, dataset } = config;
    this.model = createV3Model(v3Geometry(m.geometry ?? dataset.name, 'model.geometry'), rng.fork('model'), {
      embeddingSize: m.embedding_size, widthMultiplier: m.width_multiplier,
    });
    this.quantizer = new VectorQuantizer({
      scope: 'content_vq', codebookSize: m.n_atoms, dim: m.embedding_size, decay: m.vq_decay,
      commitmentWeight: m.commitment_weight, deadCodeThreshold: m.dead_code_threshold, kmeansIterations: m.kmeans_iterations,
    });
    this.optimizer = new Adam({ lr: t.lr, beta1: t.adam_beta1, beta2: t.adam_beta2, epsilon: t.adam_epsilon, weightDecay: t.weight_decay });
  }

  /** `rng` seeds the codebook's k-means on the first call. */
  forward({ x }: FragmentBatch, training: boolean, rng?: Rng): V3Forward {
    const { content, style } = this.model.encode(x, training);
    const { quantized, indices, commitLoss } = this.quantizer.quantize(content, { training, rng });
    const recon = this.model.decode(quantized, style, training);
    return { recon, content, quantized, style, indices, commit: commitLoss };
  }

  /** Every V3 loss term of a forward pass. */
  lossTerms(batch: FragmentBatch, f: V3Forward): V3LossTerms {
    const grouped = (z: tf.Tensor2D) => tf.reshape(z, [batch.samples, batch.fragments, z.shape[1]]) as tf.Tensor3D;
    return v3Loss({
      x: batch.x, recon: f.recon, zContent: grouped(f.content), zQuantized: grouped(f.quantized), zStyle: grouped(f.style), commit: f.commit,
    }, this.config.loss);
  }

  /**
   * One AdamW step at learning rate `lr` (by the run's optimizer, or another: the few-shot
   * adaptation's), then the BatchNorm and codebook updates; returns every term.
   */
  trainStep(batch: FragmentBatch, rng: Rng, lr: number, optimizer = this.optimizer): Record<string, number> {
    // What the codebook's update needs from inside the gradient tape: z_c and its atoms.
    const assigned: { content?: tf.Tensor2D; indices?: Int32Array } = {};
    const kept: Record<string, tf.Scalar> = {};
    try {
      const { grads, value } = tf.variableGrads(() => {
        const f = this.forward(batch, true, rng);
        assigned.content = tf.keep(f.content);
        assigned.indices = f.indices;
        const terms = this.lossTerms(batch, f);
        for (const [name, t] of Object.entries(terms)) kept[name] = tf.keep(t);
        return terms.total;
      }, [...this.model.params.values()]);
      optimizer.apply(this.model.params, grads, lr);
      // `value` is the kept total: it is disposed with the other terms once they are read.
      tf.dispose(Object.values(grads));
      this.model.applyRunningStatistics();
      if (assigned.content && assigned.indices) this.quantizer.update(assigned.content, assigned.indices, rng);
      const names = Object.keys(kept);
      const values = tf.tidy(() => tf.stack(names.map((n) => kept[n])).dataSync());
      tf.dispose(value);
      return Object.fromEntries(names.map((n, i) => [n, values[i]]));
    } finally {
      this.model.discardRunningStatistics();
      tf.dispose([...(assigned.content ? [assigned.content] : []), ...Object.values(kept)]);
    }
  }

  /** The total loss in eval mode (BatchNorm's running statistics, the codebook as it is). */
  evalLoss(batch: FragmentBatch): number {
    return tf.tidy(() => this.lossTerms(batch, this.forward(batch, false)).total.dataSync()[0]);
  }

  /** Every variable a checkpoint holds: the trainable weights, BatchNorm's statistics, the codebook. */
  variables(): Map<string, tf.Variable> {
    return new Map([...this.model.params, ...this.model.state, ...this.quantizer.state()]);
  }

  dispose(): void {
    this.optimizer.dispose();
    this.quantizer.dispose();
    this.model.dispose();
  }
}
