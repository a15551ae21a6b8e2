// The Commutative Lie Group VAE (Zhu, Xu & Tao, ICML 2021; spec lie_group_vae.md §3): a VAE whose
// decoder runs through the group element exp(sum_k z_k A_k) (the lie_group architecture), with
//  - R, the squared distance between the encoder's group features gE and the decoder's gG, weight hy_rec;
//  - H, the Hessian penalty (1/d^2) sum_{i != j} ||A_j A_i||_F^2 per subgroup, weight hy_hes;
//  - C, the "commutator" penalty, weight hy_commute (0 in every published command). The original
//    code computes ||A_j A_i - (A_j A_i)^T||_F^2, not the paper's ||A_i A_j - A_j A_i||_F^2; we
//    follow the code by default (`commutator: code`) and offer the paper's (`commutator: paper`);
//  - and, once per step with probability forward_eg_prob, the reconstruction taken of gE decoded
//    directly instead of gG (R, H, C and the KL stay in the loss).
import * as tf from '@tensorflow/tfjs-core';
import { z } from 'zod';
import { isLieGroupModel, type GroupPosterior, type LieGroupModel } from '../nn/lie_group_nets.js';
import type { Posterior } from '../nn/model.js';
import type { Rng } from '../util/random.js';
import { Framework, type Forward, type FrameworkSettings, type Terms } from './base.js';
import { defineFramework } from './definition.js';

const settings = z.strictObject({
  beta: z.number().nonnegative().default(1).describe('weight of the KL term'),
  hy_rec: z.number().nonnegative().default(0.1).describe('weight of ||gE - gG||^2, the group feature reconstruction'),
  hy_hes: z.number().nonnegative().default(40).describe('weight of the Hessian penalty on the Lie algebra basis'),
  hy_commute: z.number().nonnegative().default(0).describe('weight of the commutator penalty'),
  commutator: z.enum(['code', 'paper']).default('code')
    .describe("code: the original's ||A_j A_i - (A_j A_i)^T||^2; paper: ||A_i A_j - A_j A_i||^2"),
  forward_eg_prob: z.number().min(0).max(1).default(0.2)
    .describe('probability, drawn once per step, of reconstructing from the encoder features gE instead of gG'),
});

type LieGroupSettings = z.infer<typeof settings>;

/** Per subgroup: P[i][j] = A_j A_i for every pair, as [d*d, m, m] with (i, j) at i*d + j, and its i != j mask. */
function pairProducts(basis: tf.Tensor3D): { left: tf.Tensor3D; right: tf.Tensor3D; offDiagonal: tf.Tensor3D } {
  const [d, m] = basis.shape;
  const aj = tf.tile(basis, [d, 1, 1]) as tf.Tensor3D;
  const ai = tf.reshape(tf.tile(tf.expandDims(basis, 1), [1, d, 1, 1]), [d * d, m, m]) as tf.Tensor3D;
  const mask = Float32Array.from({ length: d * d }, (_, k) => (Math.floor(k / d) === k % d ? 0 : 1));
  return { left: aj, right: ai, offDiagonal: tf.tensor3d(mask, [d * d, 1, 1]) };
}

export class LieGroupVae extends Framework {
  declare readonly model: LieGroupModel;

  constructor(model: LieGroupModel, common: FrameworkSettings, private readonly own: LieGroupSettings) {
    super(model, common);
  }

  protected decodeForLoss(z: tf.Tensor2D, q: Posterior, _step: number, rng?: Rng): tf.Tensor4D {
    if (!rng) throw new Error('the Lie group VAE draws its forward_eg coin from the step\'s random stream');
    const fromEncoderFeatures = rng.float() < this.own.forward_eg_prob;
    return fromEncoderFeatures ? this.model.decodeFeatures((q as GroupPosterior).groupFeatures) : this.model.decode(z);
  }

  protected regularizer({ q, z, step }: Forward): Terms {
    const kl = this.kl(q[0]);
    const gE = (q[0] as GroupPosterior).groupFeatures;
    const groupRec = tf.mean(tf.sum(tf.squaredDifference(gE, this.model.groupRepresentation(z[0])), 1)) as tf.Scalar;
    const { hessian, commutator } = this.basisPenalties();
    const { hy_rec, hy_hes, hy_commute } = this.own;
    const loss = tf.addN([
      tf.mul(this.hyper('beta', this.own.beta, step), kl),
      tf.mul(hy_rec, groupRec), tf.mul(hy_hes, hessian), tf.mul(hy_commute, commutator),
    ]) as tf.Scalar;
    return { loss, logged: { kl, group_rec: groupRec, hessian, commutator } };
  }

  /** H and C summed over the subgroups with more than one latent. */
  private basisPenalties(): { hessian: tf.Scalar; commutator: tf.Scalar } {
    const parts = this.model.basis().filter((basis) => basis.shape[0] > 1).map((basis) => {
      const d = basis.shape[0];
      const { left, right, offDiagonal } = pairProducts(basis);
      const products = tf.matMul(left, right);
      const difference = this.own.commutator === 'code'
        ? tf.sub(products, tf.transpose(products, [0, 2, 1]))
        : tf.sub(tf.matMul(right, left), products);
      const meanSquares = (t: tf.Tensor) => tf.div(tf.sum(tf.mul(tf.square(t), offDiagonal)), d * d);
      return { hessian: meanSquares(products), commutator: meanSquares(difference) };
    });
    const total = (key: 'hessian' | 'commutator') => (parts.length === 0 ? tf.scalar(0) : tf.addN(parts.map((p) => p[key]))) as tf.Scalar;
    return { hessian: total('hessian'), commutator: total('commutator') };
  }
}

export const lieGroupVae = defineFramework({
  description: 'Commutative Lie Group VAE (Zhu et al. 2021): decoder through exp(sum z_k A_k), Hessian and group-reconstruction penalties',
  settings,
  architecture: 'lie_group',
  create: (model, common, own) => {
    if (!isLieGroupModel(model)) throw new Error(`lie_group_vae got a ${model.architecture} model`);
    return new LieGroupVae(model, common, own);
  },
});
