// disent's networks (disent/model/ae/_vae_conv64.py, _vae_fc.py), initialised by its default
// `init_model_weights(mode='xavier_normal')`: Glorot-normal kernels (gain 1), zero biases.
//  - disent_conv64: `EncoderConv64` reverts disentanglement_lib's k2 layers to the paper's k4 and
//    uses torch padding 2, so sizes go 64 -> 33 -> 17 -> 9 -> 5 and the flatten is 64*5*5 = 1600;
//    dense 256 ReLU -> one dense 2z head (first z = mu, last z = log variance). `DecoderConv64` is
//    disentanglement_lib's deconv_decoder (ConvTranspose2d k4 s2 p1 = TF 'same').
//  - disent_fc: `EncoderFC`/`DecoderFC`, the same layers as dlib_fc but one 2z head and Glorot-normal.
// Flattening is NHWC here and NCHW in torch: a fixed permutation of the dense weights, irrelevant
// when training from our own initialisation.
import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../util/random.js';
import { LayerStack, requireImageSize, splitPosterior } from './layers.js';
import type { EncoderDecoder, Posterior } from './model.js';

type ImageShape = readonly [number, number, number];

const KERNEL = 4;
const TORCH_PADDING = 2;
const ENCODER_CHANNELS = [32, 32, 64, 64];
const ENCODER_OUT: [number, number, number] = [5, 5, 64];
const HIDDEN = 256;
const BOTTLENECK: [number, number, number] = [4, 4, 64];
const DECODER_CHANNELS = [64, 32, 32];
const FC_HIDDEN = 1200;
const FC_DECODER_TANH_LAYERS = 3;

export function createDisentConv64(zDim: number, imageShape: ImageShape, rng: Rng): EncoderDecoder {
  requireImageSize('disent_conv64', imageShape, 64);
  const channels = imageShape[2];
  const layers = new LayerStack(rng, 'glorot_normal');
  const encoderFlat = ENCODER_OUT[0] * ENCODER_OUT[1] * ENCODER_OUT[2];
  const decoderFlat = BOTTLENECK[0] * BOTTLENECK[1] * BOTTLENECK[2];
  let cin = channels;
  ENCODER_CHANNELS.forEach((cout, i) => {
    layers.addConv(`encoder/conv${i + 1}`, KERNEL, cin, cout);
    cin = cout;
  });
  layers.addDense('encoder/fc1', encoderFlat, HIDDEN);
  layers.addDense('encoder/fc2', HIDDEN, 2 * zDim);

  layers.addDense('decoder/fc1', zDim, HIDDEN);
  layers.addDense('decoder/fc2', HIDDEN, decoderFlat);
  const decoderChannels = [...DECODER_CHANNELS, channels];
  cin = BOTTLENECK[2];
  decoderChannels.forEach((cout, i) => {
    layers.addDeconv(`decoder/deconv${i + 1}`, KERNEL, cin, cout);
    cin = cout;
  });

  return {
    architecture: 'disent_conv64',
    zDim,
    imageShape: [...imageShape],
    params: layers.params,
    encode(x: tf.Tensor4D): Posterior {
      let h = x;
      for (let i = 1; i <= ENCODER_CHANNELS.length; i++) h = tf.relu(layers.conv(h, `encoder/conv${i}`, 2, TORCH_PADDING));
      const features = tf.relu(layers.dense(tf.reshape(h, [x.shape[0], encoderFlat]), 'encoder/fc1'));
      return splitPosterior(layers.dense(features, 'encoder/fc2'), zDim);
    },
    decode(z: tf.Tensor2D): tf.Tensor4D {
      const hidden = tf.relu(layers.dense(tf.relu(layers.dense(z, 'decoder/fc1')), 'decoder/fc2'));
      return layers.deconvChain(tf.reshape(hidden, [z.shape[0], ...BOTTLENECK]) as tf.Tensor4D,
        decoderChannels.map((_, i) => `decoder/deconv${i + 1}`));
    },
    dispose: () => layers.dispose(),
  };
}

export function createDisentFc(zDim: number, imageShape: ImageShape, rng: Rng): EncoderDecoder {
  const pixels = imageShape[0] * imageShape[1] * imageShape[2];
  const layers = new LayerStack(rng, 'glorot_normal');
  layers.addDense('encoder/fc1', pixels, FC_HIDDEN);
  layers.addDense('encoder/fc2', FC_HIDDEN, FC_HIDDEN);
  layers.addDense('encoder/fc3', FC_HIDDEN, 2 * zDim);
  for (let i = 1; i <= FC_DECODER_TANH_LAYERS; i++) layers.addDense(`decoder/fc${i}`, i === 1 ? zDim : FC_HIDDEN, FC_HIDDEN);
  layers.addDense(`decoder/fc${FC_DECODER_TANH_LAYERS + 1}`, FC_HIDDEN, pixels);

  return {
    architecture: 'disent_fc',
    zDim,
    imageShape: [...imageShape],
    params: layers.params,
    encode(x: tf.Tensor4D): Posterior {
      const h1 = tf.relu(layers.dense(tf.reshape(x, [x.shape[0], pixels]), 'encoder/fc1'));
      return splitPosterior(layers.dense(tf.relu(layers.dense(h1, 'encoder/fc2')), 'encoder/fc3'), zDim);
    },
    decode(z: tf.Tensor2D): tf.Tensor4D {
      let h = z;
      for (let i = 1; i <= FC_DECODER_TANH_LAYERS; i++) h = tf.tanh(layers.dense(h, `decoder/fc${i}`));
      return tf.reshape(layers.dense(h, `decoder/fc${FC_DECODER_TANH_LAYERS + 1}`), [z.shape[0], ...imageShape]);
    },
    dispose: () => layers.dispose(),
  };
}
