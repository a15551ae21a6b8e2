// DecVAE's β-VAE baseline as a run (spec decvae.md §11): every frame of a batch of utterances as
// one 80-band mel vector (frame_mel.ts, combined per batch as DecVAE's features are), the FC VAE
// trained on all of them, and DecVAE's frame-level evaluation on its μ (aggregation "z"). The
// frame log powers are cheap to compute but need the utterance's audio, so they are kept in memory.
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { stringify } from 'yaml';
import { parseConfigWith } from '../config/load.js';
import { FRAMES_PER_UTTERANCE, frameSignal, zScore } from '../speech/frames.js';
import { SimVowels, type SimVowelsSplit } from '../speech/simvowels.js';
import { latestCheckpoint, loadCheckpoint, saveCheckpoint, type CheckpointState } from '../train/checkpoint.js';
import { checkTermsFinite, checkVariablesFinite } from '../train/divergence.js';
import { epochBatches } from '../train/epochs.js';
import { disposeCheckpointState, restoreOptimizers, restoreVariables } from '../train/restore.js';
import { prepareRunDir, withRunWriter, type RunHooks } from '../train/run.js';
import { writeFileAtomic } from '../util/files.js';
import { Rng } from '../util/random.js';
import { BASELINE_VAE_DEFAULTS, BaselineVaeSystem, baselineLearningRate } from './baseline_vae.js';
import { BaselineConfigSchema, type BaselineConfig } from './baseline_config.js';
import { utteranceLabels } from './data.js';
import { evaluateFrameLatents, type DecVaeEvaluation, type FrameLatents } from './evaluate.js';
import { FRAME_MEL_BANDS, frameLogPower, FrameMelSpectrum } from './frame_mel.js';
import { batchMelFeatures } from './mel_features.js';
import { loadEvaluatedWeights, writeEvaluation, type DecVaeRunResult } from './run.js';

class FrameMelData {
  readonly vowels: SimVowels;
  private readonly plan = new FrameMelSpectrum();
  private readonly logPowers = new Map<string, Float32Array>();

  constructor(readonly config: BaselineConfig) {
    this.vowels = new SimVowels({ seed: config.dataset.seed, size: config.dataset.size });
  }

  count(split: SimVowelsSplit): number {
    return Math.min(this.vowels.count(split), this.config.dataset.limit ?? Infinity);
  }

  /** [U·T, 80]: every frame of the utterances `indices`, the batch's dB reference and standardisation applied. */
  batch(split: SimVowelsSplit, indices: readonly number[]): tf.Tensor2D {
    const features = batchMelFeatures(indices.map((i) => this.utteranceLogPower(split, i)));
    const joined = new Float32Array(indices.length * FRAMES_PER_UTTERANCE * FRAME_MEL_BANDS);
    features.forEach((f, u) => joined.set(f, u * f.length));
    return tf.tensor2d(joined, [indices.length * FRAMES_PER_UTTERANCE, FRAME_MEL_BANDS]);
  }

  private utteranceLogPower(split: SimVowelsSplit, index: number): Float32Array {
    const key = `${split}-${index}`;
    let values = this.logPowers.get(key);
    if (!values) {
      values = frameLogPower(frameSignal(zScore(this.vowels.utterance(split, index).audio)), this.plan);
      this.logPowers.set(key, values);
    }
    return values;
  }
}

interface BaselineSession {
  config: BaselineConfig;
  data: FrameMelData;
  system: BaselineVaeSystem;
  step: number;
  rng: Rng;
  evalSeed: number;
}

function createSession(config: BaselineConfig): BaselineSession {
  const root = Rng.fromSeed(config.seed);
  const { model: m, train: t } = config;
  const system = new BaselineVaeSystem({
    ...BASELINE_VAE_DEFAULTS, beta: m.beta, widths: { input: FRAME_MEL_BANDS, encoder: m.encoder, latent: m.latent },
    lr: t.lr, beta1: t.adam_beta1, beta2: t.adam_beta2, epsilon: t.adam_epsilon, weightDecay: t.weight_decay,
    warmupSteps: t.warmup_steps, maxGradNorm: t.max_grad_norm,
  }, root.fork('init'));
  return { config, data: new FrameMelData(config), system, step: 0, rng: root.fork('data'), evalSeed: root.fork('eval').uint32() };
}

function sessionState(session: BaselineSession): CheckpointState<BaselineConfig> {
  return {
    step: session.step, config: session.config, rng: { data: session.rng.state(), noise: session.system.noiseState() },
    weights: session.system.variables(), optimizers: new Map([['model', session.system.optimizer.state()]]),
  };
}

function restoreSession(checkpointDir: string, overrides: readonly string[]): BaselineSession {
  const state = loadCheckpoint<BaselineConfig>(checkpointDir);
  try {
    const config = parseConfigWith(BaselineConfigSchema, stringify(state.config), `${checkpointDir}/manifest.json`, overrides);
    const session = createSession(config);
    restoreVariables(session.system.variables(), state, checkpointDir);
    restoreOptimizers(new Map([['model', session.system.optimizer]]), state, checkpointDir);
    session.step = state.step;
    session.rng = Rng.fromState(state.rng.data);
    session.system.restoreNoise(state.rng.noise);
    return session;
  } finally {
    disposeCheckpointState(state);
  }
}

/** Mean loss per frame over the first `batches` dev batches, in evaluation mode. */
function validationLoss(session: BaselineSession): number {
  const { data, config, system } = session;
  const size = config.train.batch_size;
  let loss = 0;
  let frames = 0;
  for (let start = 0; start < Math.min(data.count('dev'), config.train.val_batches * size); start += size) {
    const batch = data.batch('dev', Array.from({ length: Math.min(size, data.count('dev') - start) }, (_, i) => start + i));
    const terms = system.evalTerms(batch);
    batch.dispose();
    loss += terms.loss;
    frames += terms.frames;
  }
  return frames === 0 ? Number.NaN : loss / frames;
}

async function train(session: BaselineSession, runDir: string, hooks: RunHooks): Promise<void> {
  const { config, data, system } = session;
  const perEpoch = Math.ceil(data.count('train') / config.train.batch_size);
  const totalSteps = perEpoch * config.train.epochs;
  const started = performance.now();
  const firstStep = session.step;
  await withRunWriter(runDir, session.step, async (writer) => {
    for (let epoch = Math.floor(session.step / perEpoch); epoch < config.train.epochs; epoch++) {
      for (const indices of epochBatches(data.count('train'), config.train.batch_size, session.rng)) {
        const lr = baselineLearningRate(system.settings, session.step, totalSteps);
        const batch = data.batch('train', Array.from(indices));
        const { frames, ...terms } = system.trainStep(batch, lr);
        batch.dispose();
        const step = session.step + 1;
        checkTermsFinite(terms, step, runDir);
        session.step = step;
        const stepsPerSecond = (step - firstStep) / ((performance.now() - started) / 1000);
        if (step % config.train.log_every === 0) {
          for (const [name, value] of Object.entries(terms)) writer.scalar(`train/${name}`, value / (name === 'grad_norm' ? 1 : frames), step);
          writer.scalar('train/lr', lr, step);
        }
        hooks.onProgress?.({ step, totalSteps, terms: { loss: terms.loss / frames }, stepsPerSecond });
        await new Promise((resolve) => setImmediate(resolve));
      }
      const valLoss = validationLoss(session);
      writer.scalar('val/loss_per_frame', valLoss, session.step);
      if ((epoch + 1) % config.train.checkpoint_every === 0 || epoch + 1 === config.train.epochs) {
        checkVariablesFinite(system.variables(), `epoch ${epoch + 1}`, runDir);
        await saveCheckpoint(runDir, { ...sessionState(session), validationLoss: valLoss }, config.train.keep_checkpoints);
      }
    }
  });
}

/** μ of every frame not straddling two vowels, with its vowel and speaker. */
function embed(session: BaselineSession, split: SimVowelsSplit): FrameLatents {
  const { data, system } = session;
  const latent = session.config.model.latent;
  const values: number[] = [];
  const vowels: number[] = [];
  const speakers: number[] = [];
  for (let start = 0; start < data.count(split); start += session.config.train.batch_size) {
    const indices = Array.from({ length: Math.min(session.config.train.batch_size, data.count(split) - start) }, (_, i) => start + i);
    const batch = data.batch(split, indices);
    const mu = system.encodeMeans(batch);
    const means = mu.dataSync();
    tf.dispose([batch, mu]);
    indices.forEach((index, u) => {
      const labels = utteranceLabels(data.vowels, split, index);
      labels.overlap.forEach((overlap, t) => {
        if (overlap) return;
        const row = (u * FRAMES_PER_UTTERANCE + t) * latent;
        values.push(...means.subarray(row, row + latent));
        vowels.push(labels.vowels[t]);
        speakers.push(labels.speaker);
      });
    });
  }
  return { aggregations: { z: { values: Float64Array.from(values), rows: vowels.length, dims: latent } }, vowels: Int32Array.from(vowels), speakers: Int32Array.from(speakers) };
}

async function evaluateAndWrite(session: BaselineSession, runDir: string, hooks: RunHooks): Promise<DecVaeRunResult> {
  const { config } = session;
  const checkpoint = loadEvaluatedWeights(runDir, config.eval.checkpoint, session.system.variables(), session.step);
  hooks.log?.(`evaluating the checkpoint of step ${checkpoint.step} (${config.eval.checkpoint})`);
  const evaluation: DecVaeEvaluation = { metrics: {}, errors: {}, files: [] };
  const rng = Rng.fromSeed(session.evalSeed).fork('evaluate');
  evaluateFrameLatents(evaluation, [embed(session, 'dev'), embed(session, 'test')], config.eval, runDir, rng, hooks.log);
  const header = { task: 'decvae_baseline', dataset: config.dataset.name, seed: config.seed, rule: config.eval.checkpoint, trainedSteps: session.step };
  return writeEvaluation(runDir, header, checkpoint, evaluation, hooks);
}

async function using<T>(session: BaselineSession, work: (session: BaselineSession) => Promise<T>): Promise<T> {
  try {
    return await work(session);
  } finally {
    session.system.dispose();
  }
}

function start(config: BaselineConfig, runDir: string, overwrite: boolean): BaselineSession {
  prepareRunDir(runDir, overwrite, ['umap_z.png']);
  writeFileAtomic(path.join(runDir, 'config.yaml'), stringify(config));
  return createSession(config);
}

export function runBaseline(config: BaselineConfig, runDir: string, opts: RunHooks & { overwrite?: boolean } = {}): Promise<DecVaeRunResult> {
  return using(start(config, runDir, opts.overwrite ?? false), async (session) => {
    await train(session, runDir, opts);
    return evaluateAndWrite(session, runDir, opts);
  });
}

export function trainOnlyBaseline(config: BaselineConfig, runDir: string, opts: RunHooks & { overwrite?: boolean } = {}): Promise<number> {
  return using(start(config, runDir, opts.overwrite ?? false), async (session) => {
    await train(session, runDir, opts);
    return session.step;
  });
}

export function resumeBaselineRun(runDir: string, overrides: readonly string[] = [], hooks: RunHooks = {}): Promise<number> {
  return using(restoreSession(latestCheckpoint(runDir), overrides), async (session) => {
    writeFileAtomic(path.join(runDir, 'config.yaml'), stringify(session.config));
    await train(session, runDir, hooks);
    return session.step;
  });
}

export function evaluateBaselineRun(runDir: string, overrides: readonly string[] = [], hooks: RunHooks = {}): Promise<DecVaeRunResult> {
  return using(restoreSession(latestCheckpoint(runDir), overrides), (session) => evaluateAndWrite(session, runDir, hooks));
}
