// V3's per-fragment auto-encoder networks (Wu et al., ICLR 2025; spec v3.md §2.1-§2.3): a residual
// CNN encoder of two stages, one linear layer split into a content and a style embedding, and the
// mirrored decoder from (quantised content, style) back to the fragment. The vector quantiser
// between them is not here. Fragments are NHWC, [H = n_feature, W = fragment_len, C]; every
// per-axis pair below (kernels, strides, upsampling) is [along H, along W], the spec's
// "n_feature x fragment_len" order, so InsNotes' 9x3 kernel spans 9 frequency bins and 3 frames.
//
// Departures from the PyTorch original, none of which changes what the network computes:
//  - Flattening is NHWC here and NCHW in torch (a fixed permutation of the dense weights).
//  - The decoder's transposed convolutions are stride 1 with padding k//2, which equals a "same"
//    convolution by the spatially flipped kernel with in/out swapped; each is one here, with its
//    own weights, drawn with the transposed conv's torch bounds (fan-in c_out * kh * kw).
//  - LibriSpeech: the original's size helper floors 80 mel bins to 0 after seven halvings and
//    cannot build the model (spec §2.3 note). We take the spec's proposed fix: the real encoder
//    output [1, 8, 256] (F = 2048), a decoder starting from it, and its 128 x 64 output cropped to
//    the first 80 mel rows. The same rule (start from the encoder's real map, crop the decoder's
//    output to the input) applies to any geometry whose sizes do not divide evenly.
import * as tf from '@tensorflow/tfjs-core';
import { lookupByName, UserError } from '../util/errors.js';
import type { Rng } from '../util/random.js';
import { gelu } from '../backends/fused_kernels.js';
import { BatchNorm2d, BatchNormUpdates } from './batch_norm.js';
import { torchDefaultBias, torchDefaultKernel } from './init.js';

/** [along H (n_feature), along W (fragment_len)]. */
export type AxisPair = readonly [number, number];
export type FragmentShape = readonly [number, number, number];

/** One encoder stage, makeCNN(c_in, channels, layers, blocks, kernel, stride); the decoder mirrors it. */
export interface V3Stage {
  /** C: output channels of the encoder stage. */
  channels: number;
  /** L: down-sampling layers. */
  layers: number;
  /** nb: residual blocks per layer. */
  blocks: number;
  kernel: AxisPair;
  /** The encoder's strides, and the decoder's nearest-upsampling factors. */
  stride: AxisPair;
}

export interface V3Geometry {
  name: string;
  /** [H, W, C] of one fragment. */
  inputShape: FragmentShape;
  stages: readonly [V3Stage, V3Stage];
}

/** Spec §2.3's table (model_config of each cfg_v3_*.yaml). */
export const V3_GEOMETRIES: Readonly<Record<string, V3Geometry>> = {
  phonenums: {
    name: 'phonenums', inputShape: [48, 32, 3],
    stages: [
      { channels: 64, layers: 2, blocks: 2, kernel: [5, 5], stride: [2, 2] },
      { channels: 256, layers: 2, blocks: 2, kernel: [5, 5], stride: [2, 2] },
    ],
  },
  insnotes: {
    name: 'insnotes', inputShape: [512, 32, 1],
    stages: [
      { channels: 32, layers: 3, blocks: 2, kernel: [9, 3], stride: [2, 2] },
      { channels: 512, layers: 4, blocks: 2, kernel: [5, 3], stride: [2, 1] },
    ],
  },
  sprites: {
    name: 'sprites', inputShape: [64, 64, 3],
    stages: [
      { channels: 64, layers: 2, blocks: 2, kernel: [5, 5], stride: [2, 2] },
      { channels: 256, layers: 2, blocks: 2, kernel: [5, 5], stride: [2, 2] },
    ],
  },
  svhn: {
    name: 'svhn', inputShape: [48, 32, 3],
    stages: [
      { channels: 128, layers: 2, blocks: 3, kernel: [5, 5], stride: [2, 2] },
      { channels: 512, layers: 2, blocks: 3, kernel: [5, 5], stride: [2, 2] },
    ],
  },
  librispeech: {
    name: 'librispeech', inputShape: [80, 64, 1],
    stages: [
      { channels: 16, layers: 3, blocks: 4, kernel: [9, 3], stride: [2, 2] },
      { channels: 256, layers: 4, blocks: 4, kernel: [5, 3], stride: [2, 1] },
    ],
  },
};

export function v3Geometry(name: string, where?: string): V3Geometry {
  return lookupByName('V3 geometry', name, V3_GEOMETRIES, where);
}

/** The original's d_emb_c = d_emb_s. */
export const V3_EMBEDDING_SIZE = 512;

export interface V3ModelOptions {
  /** Size of the content and of the style embedding (the encoder's hidden layer is twice it). */
  embeddingSize?: number;
  /** Multiplies both stages' channel counts, to shrink the model for small configs. */
  widthMultiplier?: number;
}

/** A trainable map transform; `updates` null is eval mode, a collector training mode (see batch_norm.ts). */
export type Block = (x: tf.Tensor4D, updates: BatchNormUpdates | null) => tf.Tensor4D;


/** Output size of a torch conv with padding k//2 (odd k) and stride s, and of the 1x1 skip conv. */
function downsampled(size: number, stride: number): number {
  return Math.ceil(size / stride);
}

/** The variables of a V3 network in creation order, each layer's drawn from one Rng. */
export class V3Parameters {
  readonly params = new Map<string, tf.Variable>();
  readonly state = new Map<string, tf.Variable>();
  constructor(private readonly rng: Rng) {}

  /**
   * A conv with torch's padding k//2 per axis. `fanIn` is what torch's init bounds divide by:
   * c_in * kh * kw for a Conv2d, c_out * kh * kw for the ConvTranspose2d it stands for.
   */
  conv(scope: string, kernel: AxisPair, inChannels: number, outChannels: number, stride: AxisPair, fanIn: number): Block {
    const [kh, kw] = kernel;
    const filter = this.add(torchDefaultKernel(this.rng, [kh, kw, inChannels, outChannels], fanIn, `${scope}/kernel`)) as tf.Tensor as tf.Tensor4D;
    const bias = this.add(torchDefaultBias(this.rng, outChannels, fanIn, `${scope}/bias`)) as tf.Tensor as tf.Tensor1D;
    const unitStride = stride[0] === 1 && stride[1] === 1;
    return (x) => {
      // With stride 1 TF's 'same' pads k//2 on both sides like torch; with a stride it would pad
      // less before than after, so torch's symmetric padding is explicit then.
      const input = unitStride ? x : tf.pad(x, [[0, 0], [kh >> 1, kh >> 1], [kw >> 1, kw >> 1], [0, 0]]);
      return tf.fused.conv2d({ x: input, filter, bias, strides: [stride[0], stride[1]], pad: unitStride ? 'same' : 'valid' });
    };
  }

  dense(scope: string, inputs: number, units: number): (x: tf.Tensor2D) => tf.Tensor2D {
    const kernel = this.add(torchDefaultKernel(this.rng, [inputs, units], inputs, `${scope}/kernel`)) as tf.Tensor as tf.Tensor2D;
    const bias = this.add(torchDefaultBias(this.rng, units, inputs, `${scope}/bias`)) as tf.Tensor as tf.Tensor1D;
    return (x) => tf.fused.matMul({ a: x, b: kernel, bias }) as tf.Tensor2D;
  }

  batchNorm(scope: string, channels: number): Block {
    const norm = new BatchNorm2d(scope, channels);
    for (const [name, v] of norm.params()) this.params.set(name, v);
    for (const [name, v] of norm.state()) this.state.set(name, v);
    return (x, updates) => norm.apply(x, updates);
  }

  dispose(): void {
    for (const v of this.params.values()) v.dispose();
    for (const v of this.state.values()) v.dispose();
  }

  private add(v: tf.Variable): tf.Variable {
    this.params.set(v.name, v);
    return v;
  }
}

function convTransposeFanIn(kernel: AxisPair, outChannels: number): number {
  return outChannels * kernel[0] * kernel[1];
}

/** Encoder block: GELU(BN(conv2(GELU(BN(conv1(x))))) + skip), skip = BN(1x1 conv) on a channel change. */
export function resBlock(p: V3Parameters, scope: string, inChannels: number, outChannels: number, kernel: AxisPair, stride: AxisPair): Block {
  const conv1 = p.conv(`${scope}/conv1`, kernel, inChannels, outChannels, stride, inChannels * kernel[0] * kernel[1]);
  const bn1 = p.batchNorm(`${scope}/bn1`, outChannels);
  const conv2 = p.conv(`${scope}/conv2`, kernel, outChannels, outChannels, [1, 1], outChannels * kernel[0] * kernel[1]);
  const bn2 = p.batchNorm(`${scope}/bn2`, outChannels);
  const skip = inChannels === outChannels ? null : projection(p, scope, inChannels, outChannels, stride, inChannels);
  return (x, updates) => {
    const h = bn2(conv2(gelu(bn1(conv1(x, updates), updates)), updates), updates);
    return gelu(tf.add(h, skip ? skip(x, updates) : x));
  };
}

/** Decoder block: resBlock's structure with stride-1 "transposed" convs, c_in -> c_in then c_in -> c_out. */
export function resBlockT(p: V3Parameters, scope: string, inChannels: number, outChannels: number, kernel: AxisPair): Block {
  const conv1 = p.conv(`${scope}/conv1`, kernel, inChannels, inChannels, [1, 1], convTransposeFanIn(kernel, inChannels));
  const bn1 = p.batchNorm(`${scope}/bn1`, inChannels);
  const conv2 = p.conv(`${scope}/conv2`, kernel, inChannels, outChannels, [1, 1], convTransposeFanIn(kernel, outChannels));
  const bn2 = p.batchNorm(`${scope}/bn2`, outChannels);
  const skip = inChannels === outChannels ? null : projection(p, scope, inChannels, outChannels, [1, 1], outChannels);
  return (x, updates) => {
    const h = bn2(conv2(gelu(bn1(conv1(x, updates), updates)), updates), updates);
    return gelu(tf.add(h, skip ? skip(x, updates) : x));
  };
}

function projection(p: V3Parameters, scope: string, inChannels: number, outChannels: number, stride: AxisPair, fanIn: number): Block {
  const conv = p.conv(`${scope}/skip_conv`, [1, 1], inChannels, outChannels, stride, fanIn);
  const bn = p.batchNorm(`${scope}/skip_bn`, outChannels);
  return (x, updates) => bn(conv(x, updates), updates);
}

function sequence(blocks: Block[]): Block {
  return (x, updates) => blocks.reduce((h, block) => block(h, updates), x);
}

function baseChannels(channels: number, layers: number, where: string): number {
  const c0 = channels / 2 ** layers;
  if (!Number.isInteger(c0)) throw new UserError(`${where}: ${channels} channels do not halve ${layers} times into whole channels`);
  return c0;
}

/** Encoder stage makeCNN(c_in, C, L, nb, k, s) of spec §2.2; blocks are numbered in order within `scope`. */
export function makeCNN(p: V3Parameters, scope: string, inChannels: number, channels: number, layers: number, blocks: number,
  kernel: AxisPair, stride: AxisPair): Block {
  const c0 = baseChannels(channels, layers, scope);
  const stem = p.conv(`${scope}/stem/conv`, kernel, inChannels, c0, [1, 1], inChannels * kernel[0] * kernel[1]);
  const stemBn = p.batchNorm(`${scope}/stem/bn`, c0);
  const chain: Block[] = [(x, updates) => gelu(stemBn(stem(x, updates), updates))];
  const next = () => `${scope}/block${chain.length}`;
  for (let b = 0; b < blocks; b++) chain.push(resBlock(p, next(), c0, c0, kernel, [1, 1]));
  for (let i = 0; i < layers; i++) {
    const width = c0 * 2 ** (i + 1);
    chain.push(resBlock(p, next(), width / 2, width, kernel, stride));
    for (let b = 1; b < blocks; b++) chain.push(resBlock(p, next(), width, width, kernel, [1, 1]));
  }
  return sequence(chain);
}

function upsampleNearest(factor: AxisPair): Block {
  return (x) => {
    if (factor[0] === 1 && factor[1] === 1) return x;
    const [, height, width] = x.shape;
    return tf.image.resizeNearestNeighbor(x, [height * factor[0], width * factor[1]]);
  };
}

/** Decoder stage makeCNNT(C, c_out, L, nb, k, u) of spec §2.2: ends in a linear "same" conv to c_out. */
export function makeCNNT(p: V3Parameters, scope: string, channels: number, outChannels: number, layers: number, blocks: number,
  kernel: AxisPair, upsample: AxisPair): Block {
  const narrowest = baseChannels(channels, layers, scope);
  const chain: Block[] = [];
  let blockCount = 0;
  const next = () => `${scope}/block${++blockCount}`;
  for (let i = 0; i < layers; i++) {
    const width = channels / 2 ** i;
    for (let b = 1; b < blocks; b++) chain.push(resBlockT(p, next(), width, width, kernel));
    chain.push(resBlockT(p, next(), width, width / 2, kernel));
    chain.push(upsampleNearest(upsample));
  }
  for (let b = 0; b < blocks; b++) chain.push(resBlockT(p, next(), narrowest, narrowest, kernel));
  chain.push(p.conv(`${scope}/out`, kernel, narrowest, outChannels, [1, 1], convTransposeFanIn(kernel, outChannels)));
  return sequence(chain);
}

/** A geometry at a width multiplier: both stages' channel counts scaled, checked to halve evenly. */
function scaledStages(geometry: V3Geometry, widthMultiplier: number): [V3Stage, V3Stage] {
  return geometry.stages.map((stage, i) => {
    const channels = stage.channels * widthMultiplier;
    const where = `${geometry.name} stage ${i + 1} at width multiplier ${widthMultiplier}`;
    if (!Number.isInteger(channels) || channels < 1) throw new UserError(`${where}: ${stage.channels} channels become ${channels}, not a whole number`);
    baseChannels(channels, stage.layers, where);
    for (const k of stage.kernel) {
      if (!(Number.isInteger(k) && k % 2 === 1)) throw new UserError(`${where}: kernel size ${k} is not odd, so padding k//2 would not keep the size`);
    }
    return { ...stage, channels };
  }) as [V3Stage, V3Stage];
}

function checkedOptions(geometry: V3Geometry, options: V3ModelOptions): { embeddingSize: number; stages: [V3Stage, V3Stage] } {
  const embeddingSize = options.embeddingSize ?? V3_EMBEDDING_SIZE;
  const widthMultiplier = options.widthMultiplier ?? 1;
  if (!(Number.isInteger(embeddingSize) && embeddingSize >= 1)) {
    throw new UserError(`${geometry.name}: embedding size must be a positive integer, got ${embeddingSize}`);
  }
  if (!(widthMultiplier > 0)) throw new UserError(`${geometry.name}: width multiplier must be positive, got ${widthMultiplier}`);
  return { embeddingSize, stages: scaledStages(geometry, widthMultiplier) };
}

export interface V3Shapes {
  /** [H, W, C] after each encoder stage. */
  encoderStages: [FragmentShape, FragmentShape];
  /** F: the flattened final encoder map, the encoder head's input size. */
  features: number;
  /** [H, W, C] after each decoder stage, before any crop. */
  decoderStages: [FragmentShape, FragmentShape];
  output: FragmentShape;
}

/** Every stage's map size, worked out from the geometry without building the network. */
export function v3Shapes(geometry: V3Geometry, options: V3ModelOptions = {}): V3Shapes {
  const { stages } = checkedOptions(geometry, options);
  const [height, width, inChannels] = geometry.inputShape;
  const down = ([h, w]: FragmentShape, stage: V3Stage): FragmentShape => {
    for (let i = 0; i < stage.layers; i++) [h, w] = [downsampled(h, stage.stride[0]), downsampled(w, stage.stride[1])];
    return [h, w, stage.channels];
  };
  const up = ([h, w]: FragmentShape, stage: V3Stage, channels: number): FragmentShape =>
    [h * stage.stride[0] ** stage.layers, w * stage.stride[1] ** stage.layers, channels];
  const first = down([height, width, inChannels], stages[0]);
  const second = down(first, stages[1]);
  const decoderFirst = up(second, stages[1], stages[0].channels);
  const decoderSecond = up(decoderFirst, stages[0], inChannels);
  if (decoderSecond[0] < height || decoderSecond[1] < width) {
    throw new UserError(`${geometry.name}: the decoder's ${decoderSecond[0]}x${decoderSecond[1]} output is smaller than the ${height}x${width} input`);
  }
  return {
    encoderStages: [first, second],
    features: second[0] * second[1] * second[2],
    decoderStages: [decoderFirst, decoderSecond],
    output: [height, width, inChannels],
  };
}

export interface V3Embeddings {
  content: tf.Tensor2D;
  style: tf.Tensor2D;
}

export interface V3Model {
  readonly geometry: V3Geometry;
  readonly embeddingSize: number;
  readonly shapes: V3Shapes;
  /** Trainable variables by stable name (checkpoint keys). */
  readonly params: ReadonlyMap<string, tf.Variable>;
  /** BatchNorm running statistics by stable name: non-trainable, checkpointed beside params. */
  readonly state: ReadonlyMap<string, tf.Variable>;
  /** Fragments [N, H, W, C] to their content and style embeddings, [N, E] each. */
  encode(x: tf.Tensor4D, training: boolean): V3Embeddings;
  /** (quantised content, style) to reconstructed fragments [N, H, W, C], no output non-linearity. */
  decode(content: tf.Tensor2D, style: tf.Tensor2D, training: boolean): tf.Tensor4D;
  /**
   * Training-mode passes leave their BatchNorm batch statistics pending; this folds them into the
   * running statistics (call it after the optimizer step), discardRunningStatistics drops them.
   */
  applyRunningStatistics(): void;
  discardRunningStatistics(): void;
  dispose(): void;
}

/** Builds V3's encoder and decoder for a geometry, drawing every initial weight from `rng` in creation order. */
export function createV3Model(geometry: V3Geometry, rng: Rng, options: V3ModelOptions = {}): V3Model {
  const { embeddingSize, stages } = checkedOptions(geometry, options);
  const shapes = v3Shapes(geometry, options);
  const [height, width, inChannels] = geometry.inputShape;
  const [first, second] = stages;
  const p = new V3Parameters(rng);
  const pending = new BatchNormUpdates();

  const encoderStage1 = makeCNN(p, 'encoder/stage1', inChannels, first.channels, first.layers, first.blocks, first.kernel, first.stride);
  const encoderStage2 = makeCNN(p, 'encoder/stage2', first.channels, second.channels, second.layers, second.blocks, second.kernel, second.stride);
  const encoderHidden = p.dense('encoder/fc', shapes.features, 2 * embeddingSize);
  const contentHead = p.dense('encoder/content', embeddingSize, embeddingSize);
  const styleHead = p.dense('encoder/style', embeddingSize, embeddingSize);

  const decoderContent = p.dense('decoder/content', embeddingSize, embeddingSize);
  const decoderStyle = p.dense('decoder/style', embeddingSize, embeddingSize);
  const decoderHidden = p.dense('decoder/fc', 2 * embeddingSize, shapes.features);
  const decoderStage1 = makeCNNT(p, 'decoder/stage1', second.channels, first.channels, second.layers, second.blocks, second.kernel, second.stride);
  const decoderStage2 = makeCNNT(p, 'decoder/stage2', first.channels, inChannels, first.layers, first.blocks, first.kernel, first.stride);
  const cropped = shapes.decoderStages[1][0] !== height || shapes.decoderStages[1][1] !== width;

  return {
    geometry,
    embeddingSize,
    shapes,
    params: p.params,
    state: p.state,
    encode(x, training) {
      const updates = training ? pending : null;
      const batch = x.shape[0];
      const map = encoderStage2(encoderStage1(x, updates), updates);
      const hidden = gelu(encoderHidden(tf.reshape(map, [batch, shapes.features])));
      return {
        content: contentHead(tf.slice(hidden, [0, 0], [batch, embeddingSize])),
        style: styleHead(tf.slice(hidden, [0, embeddingSize], [batch, embeddingSize])),
      };
    },
    decode(content, style, training) {
      const updates = training ? pending : null;
      const batch = content.shape[0];
      const joint = tf.concat([gelu(decoderContent(content)), gelu(decoderStyle(style))], 1);
      const map = tf.reshape(gelu(decoderHidden(joint)), [batch, ...shapes.encoderStages[1]]) as tf.Tensor4D;
      const output = decoderStage2(decoderStage1(map, updates), updates);
      return cropped ? tf.slice(output, [0, 0, 0, 0], [batch, height, width, inChannels]) : output;
    },
    applyRunningStatistics: () => pending.apply(),
    discardRunningStatistics: () => pending.discard(),
    dispose() {
      pending.discard();
      p.dispose();
    },
  };
}
