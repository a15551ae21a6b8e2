// Adam (Kingma & Ba 2015) over named variables. We keep our own rather than tf.train.adam because
// its resume path recomputes beta^t with pow() where training multiplied step by step, so a
// resumed run drifts from an uninterrupted one in the last bits; here the bias corrections are
// computed in float64 from the step count alone, so resuming is exact. The update is PyTorch's and
// TensorFlow's: theta -= lr * m_hat / (sqrt(v_hat) + eps); with a weight decay it is PyTorch's
// AdamW (Loshchilov & Hutter 2019), the decay decoupled from the gradient: theta *= 1 - lr * wd first.
import * as tf from '@tensorflow/tfjs-core';

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
    tf.tidy(() => {
      for (const [name, variable] of variables) {
        const g = grads[name];
        if (!g) continue;
        const m = this.moment(this.first, name, variable);
        const v = this.moment(this.second, name, variable);
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
