// disentanglement_lib's networks (methods/shared/architectures.py), Glorot-uniform kernels and zero
// biases as TF's tf.layers give them; variable scopes are the original's layer names (e1.., d1..).
//  - dlib_conv: `conv_encoder` + `deconv_decoder` ("chairs" model of beta-VAE, Higgins et al. 2017,
//    Table 1): convs 32k4, 32k4, 64k2, 64k2 (stride 2, 'same', ReLU) -> 4x4x64 -> dense 256 ReLU ->
//    separate `means` and `log_var` heads; decoder dense 256, 1024 (ReLU) -> 4x4x64 -> transposed
//    convs 64, 32, 32, C (k4 s2 'same', ReLU except the last). The k2 in e3/e4 is the library's own
//    departure from the paper, kept because this is its model.
//  - dlib_fc: `fc_encoder` (dense 1200, 1200 ReLU, linear heads) + `fc_decoder` (dense 1200 x3 tanh,
//    linear to every pixel): the beta-VAE paper's dSprites model.
import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../util/random.js';
import { LayerStack, requireImageSize } from './layers.js';
import type { EncoderDecoder, Posterior } from './model.js';

type ImageShape = readonly [number, number, number];

const CONV_ENCODER: ReadonlyArray<{ scope: string; kernel: number; channels: number }> = [
  { scope: 'e1', kernel: 4, channels: 32 },
  { scope: 'e2', kernel: 4, channels: 32 },
  { scope: 'e3', kernel: 2, channels: 64 },
  { scope: 'e4', kernel: 2, channels: 64 },
];
const CONV_HIDDEN = 256;
const BOTTLENECK: [number, number, number] = [4, 4, 64];
const DECONV_SCOPES = ['d3', 'd4', 'd5', 'd6'];
const DECONV_CHANNELS = [64, 32, 32];
const DECONV_KERNEL = 4;
const FC_HIDDEN = 1200;

/** Means and log variances from two linear heads on the same features, as the original does. */
function gaussianHeads(layers: LayerStack, features: tf.Tensor2D): Posterior {
  return { mu: layers.dense(features, 'encoder/means'), logvar: layers.dense(features, 'encoder/log_var') };
}

function addGaussianHeads(layers: LayerStack, features: number, zDim: number): void {
  layers.addDense('encoder/means', features, zDim);
  layers.addDense('encoder/log_var', features, zDim);
}

export function createDlibConv(zDim: number, imageShape: ImageShape, rng: Rng): EncoderDecoder {
  requireImageSize('dlib_conv', imageShape, 64);
  const channels = imageShape[2];
  const layers = new LayerStack(rng, 'glorot_uniform');
  const flat = BOTTLENECK[0] * BOTTLENECK[1] * BOTTLENECK[2];
  let cin = channels;
  for (const { scope, kernel, channels: cout } of CONV_ENCODER) {
    layers.addConv(`encoder/${scope}`, kernel, cin, cout);
    cin = cout;
  }
  layers.addDense('encoder/e5', flat, CONV_HIDDEN);
  addGaussianHeads(layers, CONV_HIDDEN, zDim);

  layers.addDense('decoder/d1', zDim, CONV_HIDDEN);
  layers.addDense('decoder/d2', CONV_HIDDEN, flat);
  const deconvChannels = [...DECONV_CHANNELS, channels];
  cin = BOTTLENECK[2];
  deconvChannels.forEach((cout, i) => {
    layers.addDeconv(`decoder/${DECONV_SCOPES[i]}`, DECONV_KERNEL, cin, cout);
    cin = cout;
  });

  return {
    architecture: 'dlib_conv',
    zDim,
    imageShape: [...imageShape],
    params: layers.params,
    encode(x: tf.Tensor4D): Posterior {
      let h = x;
      for (const { scope } of CONV_ENCODER) h = tf.relu(layers.conv(h, `encoder/${scope}`, 2, 'same'));
      const features = tf.relu(layers.dense(tf.reshape(h, [x.shape[0], flat]), 'encoder/e5'));
      return gaussianHeads(layers, features);
    },
    decode(z: tf.Tensor2D): tf.Tensor4D {
      const hidden = tf.relu(layers.dense(tf.relu(layers.dense(z, 'decoder/d1')), 'decoder/d2'));
      return layers.deconvChain(tf.reshape(hidden, [z.shape[0], ...BOTTLENECK]) as tf.Tensor4D,
        DECONV_SCOPES.map((scope) => `decoder/${scope}`));
    },
    dispose: () => layers.dispose(),
  };
}

export function createDlibFc(zDim: number, imageShape: ImageShape, rng: Rng): EncoderDecoder {
  const pixels = imageShape[0] * imageShape[1] * imageShape[2];
  const layers = new LayerStack(rng, 'glorot_uniform');
  layers.addDense('encoder/e1', pixels, FC_HIDDEN);
  layers.addDense('encoder/e2', FC_HIDDEN, FC_HIDDEN);
  addGaussianHeads(layers, FC_HIDDEN, zDim);
  layers.addDense('decoder/d1', zDim, FC_HIDDEN);
  layers.addDense('decoder/d2', FC_HIDDEN, FC_HIDDEN);
  layers.addDense('decoder/d3', FC_HIDDEN, FC_HIDDEN);
  layers.addDense('decoder/d4', FC_HIDDEN, pixels);

  return {
    architecture: 'dlib_fc',
    zDim,
    imageShape: [...imageShape],
    params: layers.params,
    encode(x: tf.Tensor4D): Posterior {
      const h1 = tf.relu(layers.dense(tf.reshape(x, [x.shape[0], pixels]), 'encoder/e1'));
      return gaussianHeads(layers, tf.relu(layers.dense(h1, 'encoder/e2')));
    },
    decode(z: tf.Tensor2D): tf.Tensor4D {
      let h = z;
      for (const scope of ['d1', 'd2', 'd3']) h = tf.tanh(layers.dense(h, `decoder/${scope}`));
      return tf.reshape(layers.dense(h, 'decoder/d4'), [z.shape[0], ...imageShape]);
    },
    dispose: () => layers.dispose(),
  };
}
