// disent feeds its networks standardised images, (x − mean_c) / std_c, and compares the decoder's
// raw output with the standardised target (msc_research.md §1, §3). This wrapper keeps the rest of
// the project in image space: it standardises what it encodes, turns the decoder's raw output back
// into an image (raw · std_c + mean_c), and lends the loss the same map into network scale, so the
// reconstruction term, its gradients and hence training are disent's while pictures, metrics and
// the explorer read and show images as they always do. It adds no variables: checkpoints are the
// inner model's.
import * as tf from '@tensorflow/tfjs-core';
import type { ChannelStatistics } from '../datasets/channel_statistics.js';
import type { EncoderDecoder, Posterior } from './model.js';

export class StandardisedModel implements EncoderDecoder {
  readonly architecture: string;
  readonly zDim: number;
  readonly imageShape: readonly [number, number, number];
  readonly params: ReadonlyMap<string, tf.Variable>;
  private readonly mean: tf.Tensor4D;
  private readonly std: tf.Tensor4D;

  constructor(private readonly inner: EncoderDecoder, readonly statistics: ChannelStatistics) {
    const channels = inner.imageShape[2];
    if (statistics.mean.length !== channels || statistics.std.length !== channels) {
      throw new RangeError(`channel statistics for ${statistics.mean.length} channel(s), the images have ${channels}`);
    }
    if (statistics.std.some((s) => !(s > 0))) throw new RangeError('every channel std must be positive');
    this.architecture = inner.architecture;
    this.zDim = inner.zDim;
    this.imageShape = inner.imageShape;
    this.params = inner.params;
    this.mean = tf.tensor4d(statistics.mean, [1, 1, 1, channels]);
    this.std = tf.tensor4d(statistics.std, [1, 1, 1, channels]);
  }

  toNetworkScale(images: tf.Tensor4D): tf.Tensor4D {
    return tf.div(tf.sub(images, this.mean), this.std);
  }

  encode(x: tf.Tensor4D): Posterior {
    return this.inner.encode(this.toNetworkScale(x));
  }

  decode(z: tf.Tensor2D): tf.Tensor4D {
    return tf.add(tf.mul(this.inner.decode(z), this.std), this.mean);
  }

  dispose(): void {
    this.inner.dispose();
    tf.dispose([this.mean, this.std]);
  }
}
