// Adam (Kingma & Ba 2015) over named variables. We keep our own rather than tf.train.adam because
// its resume path recomputes beta^t with pow() where training multiplied step by step, so a
// resumed run drifts from an uninterrupted one in the last bits; here the bias corrections are
// computed in float64 from the step count alone, so resuming is exact. The update is PyTorch's and
// TensorFlow's: theta -= lr * m_hat / (sqrt(v_hat) + eps); with a weight decay it is PyTorch's
// AdamW (Loshchilov & Hutter 2019), the decay decoupled from the gradient: theta *= 1 - lr * wd first.
//
// On backends that keep tensors in JavaScript memory (cpu, and native, which extends it) the update
// runs as one loop per variable instead of fifteen tensor ops, whose per-call cost dominates for
// models of many small variables (V3's hundreds of convolutions and batch norms). The loop rounds
// every intermediate to float32 in the ops' order, so both paths give the same bits.
import * as tf from '@tensorflow/tfjs-core';

/** Backends whose tensors are JavaScript arrays: reading and writing them costs no copy. */
const HOST_MEMORY_BACKENDS = new Set(['cpu', 'native']);
const f32 = Math.fround;

export interface AdamSettings {
  lr: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  /** AdamW's decoupled weight decay (default 0: Adam). */
  weightDecay?: number;
}

export class Adam {
  private readonly first = new Map<string, tf.Variable>();
  private readonly second = new Map<string, tf.Variable>();
  private steps = 0;

  constructor(readonly settings: AdamSettings) {}

  get iterations(): number {
    return this.steps;
  }

  /**
   * Applies one update to `variables` (by name) from their gradients, at the configured learning
   * rate or at `lr` (a schedule's value for this step).
   */
  apply(variables: ReadonlyMap<string, tf.Variable>, grads: tf.NamedTensorMap, lr = this.settings.lr): void {
    const { beta1, beta2, epsilon, weightDecay = 0 } = this.settings;
    this.steps++;
    const stepSize = lr / (1 - beta1 ** this.steps);
    const secondCorrection = 1 - beta2 ** this.steps;
    const onHost = HOST_MEMORY_BACKENDS.has(tf.getBackend());
    tf.tidy(() => {
      for (const [name, variable] of variables) {
        const g = grads[name];
        if (!g) continue;
        const m = this.moment(this.first, name, variable);
        const v = this.moment(this.second, name, variable);
        if (onHost && g.dtype === 'float32') {
          const decay = weightDecay === 0 ? null : 1 - lr * weightDecay;
          updateOnHost(variable, g, m, v, { beta1, beta2, epsilon, stepSize, secondCorrection, decay });
          continue;
        }
        const m1 = tf.add(tf.mul(m, beta1), tf.mul(g, 1 - beta1));
        const v1 = tf.add(tf.mul(v, beta2), tf.mul(tf.square(g), 1 - beta2));
        m.assign(m1);
        v.assign(v1);
        const denom = tf.add(tf.sqrt(tf.div(v1, secondCorrection)), epsilon);
        const decayed = weightDecay === 0 ? variable : tf.mul(variable, 1 - lr * weightDecay);
        variable.assign(tf.sub(decayed, tf.mul(stepSize, tf.div(m1, denom))));
      }
    });
  }

  private moment(store: Map<string, tf.Variable>, name: string, like: tf.Variable): tf.Variable {
    let m = store.get(name);
    if (!m) {
      m = tf.variable(tf.zerosLike(like), false);
      store.set(name, m);
    }
    return m;
  }

  /** State for a checkpoint: moments keyed `<variable>/m` and `<variable>/v`, plus the step count. */
  state(): { iterations: number; tensors: Map<string, tf.Tensor> } {
    const tensors = new Map<string, tf.Tensor>();
    for (const [name, m] of this.first) tensors.set(`${name}/m`, m);
    for (const [name, v] of this.second) tensors.set(`${name}/v`, v);
    return { iterations: this.steps, tensors };
  }

  restore(iterations: number, tensors: ReadonlyMap<string, tf.Tensor>): void {
    this.dispose();
    this.steps = iterations;
    for (const [key, t] of tensors) {
      const store = key.endsWith('/m') ? this.first : key.endsWith('/v') ? this.second : null;
      if (!store) throw new Error(`optimizer state has an unexpected tensor '${key}'`);
      store.set(key.slice(0, -2), tf.variable(t, false));
    }
  }

  dispose(): void {
    for (const v of [...this.first.values(), ...this.second.values()]) v.dispose();
    this.first.clear();
    this.second.clear();
  }
}

interface StepConstants {
  beta1: number;
  beta2: number;
  epsilon: number;
  stepSize: number;
  secondCorrection: number;
  /** 1 - lr * weight decay, or null without decay. */
  decay: number | null;
}

/** The op path's update, element by element, each op's result rounded to float32 as its kernel's. */
function updateOnHost(variable: tf.Variable, grad: tf.Tensor, m: tf.Variable, v: tf.Variable, c: StepConstants): void {
  const [p0, g, m0, v0] = [variable, grad, m, v].map((t) => t.dataSync() as Float32Array);
  const [b1, oneMinusB1, b2, oneMinusB2] = [f32(c.beta1), f32(1 - c.beta1), f32(c.beta2), f32(1 - c.beta2)];
  const [eps, stepSize, correction] = [f32(c.epsilon), f32(c.stepSize), f32(c.secondCorrection)];
  const decay = c.decay === null ? null : f32(c.decay);
  const n = p0.length;
  const [p1, m1, v1] = [new Float32Array(n), new Float32Array(n), new Float32Array(n)];
  for (let i = 0; i < n; i++) {
    const gi = g[i];
    const mi = f32(f32(m0[i] * b1) + f32(gi * oneMinusB1));
    const vi = f32(f32(v0[i] * b2) + f32(f32(gi * gi) * oneMinusB2));
    const denom = f32(f32(Math.sqrt(f32(vi / correction))) + eps);
    const decayed = decay === null ? p0[i] : f32(p0[i] * decay);
    p1[i] = decayed - f32(stepSize * f32(mi / denom));
    m1[i] = mi;
    v1[i] = vi;
  }
  m.assign(tf.tensor(m1, m.shape, 'float32'));
  v.assign(tf.tensor(v1, v.shape, 'float32'));
  variable.assign(tf.tensor(p1, variable.shape, 'float32'));
}
