// DecVAE-small's training step (configs/decvae/simvowels-small.yaml: 4 utterances of 199 frames,
// X and 3 components, 50 frames a step for the Z losses) on the native backend, one thread, as
// scripts/decvae_small.sh trains it: steps/s with the fused normalisation kernels, then in the
// same run with them unregistered so that the same layers run as composite tfjs ops (the
// reference), then the time the training loop spends assembling a batch's features (the per-batch
// part of the mel features, batchMelFeatures, for every level of 4 utterances), and the minutes the
// config's steps take at the fused rate with that assembly. The batch is synthetic (normal noise of
// the real shapes): neither cost depends on the values. Prints one JSON line.
import * as fs from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../src/backends/select.js';
import { FUSED_KERNELS } from '../src/backends/fused_kernels.js';
import { parseConfigWith } from '../src/config/load.js';
import { DecVaeConfigSchema } from '../src/decvae/config.js';
import { createDecVaeSession, stepsPerEpoch } from '../src/decvae/session.js';
import { timedWindows } from '../src/bench/timing.js';
import { FRAMES_PER_UTTERANCE } from '../src/speech/frames.js';
import { UTTERANCE_SAMPLES } from '../src/speech/simvowels.js';
import { batchMelFeatures, PIECE_LENGTH } from '../src/decvae/mel_features.js';
import { Rng } from '../src/util/random.js';

const CONFIG_FILE = 'configs/decvae/simvowels-small.yaml';
const backend = await initBackend('native', { threads: 1 });
const config = parseConfigWith(DecVaeConfigSchema, fs.readFileSync(CONFIG_FILE, 'utf8'), CONFIG_FILE);
const session = createDecVaeSession(config);
const utterances = config.train.batch_size;
const levels = config.decomposition.noc + 1;
const frames = Array.from({ length: levels }, () => tf.randomNormal([utterances * FRAMES_PER_UTTERANCE, PIECE_LENGTH], 0, 1, 'float32', 1) as tf.Tensor2D);
const sequences = Array.from({ length: levels }, () => tf.randomNormal([utterances, UTTERANCE_SAMPLES], 0, 1, 'float32', 2) as tf.Tensor2D);
const maxFrames = config.loss.max_frames_per_batch;
const batch = { frames, sequences, utterances, selected: maxFrames === 'all' ? FRAMES_PER_UTTERANCE : Math.min(maxFrames, FRAMES_PER_UTTERANCE) };
const lr = { z: config.train.lr_z, s: config.train.lr_s };
// Timed in utterances/s (timedWindows keeps one decimal), reported per step.
const stepsPerSecond = async () => {
  const { median } = await timedWindows(async () => { session.system.trainStep(batch, lr); }, utterances, { warmup: 2, windows: 3, windowSeconds: 15 });
  return Math.round((median / utterances) * 1000) / 1000;
};

const features = (length: number, seed: number) => {
  const rng = Rng.fromSeed(seed);
  return Array.from({ length: utterances }, () => Float32Array.from({ length }, () => rng.normal()));
};
const frameLogPowers = features(FRAMES_PER_UTTERANCE * PIECE_LENGTH, 3);
const sequenceLogPowers = features(UTTERANCE_SAMPLES, 4);
const { median: assembliesPerSecond } = await timedWindows(async () => {
  for (let level = 0; level < levels; level++) {
    batchMelFeatures(frameLogPowers);
    batchMelFeatures(sequenceLogPowers);
  }
}, 1, { warmup: 2, windows: 3, windowSeconds: 5 });
const assemblySeconds = 1 / assembliesPerSecond;

const fused = await stepsPerSecond();
const normKernels = [FUSED_KERNELS.batchNorm, FUSED_KERNELS.batchNormGrad, FUSED_KERNELS.layerNorm, FUSED_KERNELS.layerNormGrad];
for (const name of normKernels) tf.unregisterKernel(name, backend.name);
const composite = await stepsPerSecond();
const steps = stepsPerEpoch({ config, data: session.data }) * config.train.epochs;
console.log(JSON.stringify({
  config: CONFIG_FILE, backend: backend.name, threads: 1, fused_steps_per_s: fused, composite_steps_per_s: composite,
  speedup: Math.round((fused / composite) * 100) / 100, batch_assembly_ms: Math.round(assemblySeconds * 1000), steps,
  training_minutes: Math.round(((steps * (1 / fused + assemblySeconds)) / 60) * 10) / 10,
}));
