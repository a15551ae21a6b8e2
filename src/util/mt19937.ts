// numpy's legacy `np.random.RandomState(seed)`: the MT19937 generator seeded with the classic
// `init_genrand`, and its `randint` for bounds up to 2^32. It exists only to replay
// disentanglement_lib's sampling draw for draw (the reference FactorVAE / beta-VAE values depend
// on the exact stream); everything else in the project draws from `Rng`.

const STATE_SIZE = 624;
const SHIFT_SIZE = 397;
const UPPER_MASK = 0x80000000;
const LOWER_MASK = 0x7fffffff;
const MATRIX_A = 0x9908b0df;
const UINT32_RANGE = 0x100000000;

export class MT19937 {
  private readonly state = new Uint32Array(STATE_SIZE);
  private position: number;

  /** `np.random.RandomState(seed)` for an integer seed in [0, 2^32). */
  constructor(seed: number) {
    if (!Number.isInteger(seed) || seed < 0 || seed >= UINT32_RANGE) {
      throw new RangeError(`MT19937 seed must be an integer in [0, 2^32), got ${seed}`);
    }
    this.state[0] = seed;
    for (let i = 1; i < STATE_SIZE; i++) {
      const previous = this.state[i - 1];
      this.state[i] = Math.imul(1812433253, previous ^ (previous >>> 30)) + i;
    }
    this.position = STATE_SIZE;
  }

  /** The next tempered 32-bit output (`genrand_int32`). */
  nextUint32(): number {
    if (this.position >= STATE_SIZE) this.twist();
    let y = this.state[this.position++];
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /**
   * `randint(high)`: uniform in [0, high) by masked rejection sampling, as numpy's legacy
   * generator does it. `high = 1` returns 0 without consuming an output, which matters for
   * replaying streams that draw a single-valued factor.
   */
  randint(high: number): number {
    if (!Number.isInteger(high) || high < 1 || high > UINT32_RANGE) {
      throw new RangeError(`randint(high) needs an integer high in [1, 2^32], got ${high}`);
    }
    const largest = high - 1;
    if (largest === 0) return 0;
    const mask = maskCovering(largest);
    let value: number;
    do {
      value = (this.nextUint32() & mask) >>> 0;
    } while (value > largest);
    return value;
  }

  /** `randint(high, size=count)`: `count` draws one after another. */
  randintArray(high: number, count: number): Int32Array {
    if (high > 0x80000000) throw new RangeError(`randintArray returns int32 values, so high must be at most 2^31, got ${high}`);
    const out = new Int32Array(count);
    for (let i = 0; i < count; i++) out[i] = this.randint(high);
    return out;
  }

  private twist(): void {
    const mt = this.state;
    for (let i = 0; i < STATE_SIZE; i++) {
      const y = (mt[i] & UPPER_MASK) | (mt[(i + 1) % STATE_SIZE] & LOWER_MASK);
      mt[i] = mt[(i + SHIFT_SIZE) % STATE_SIZE] ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0);
    }
    this.position = 0;
  }
}

/** Smallest `2^k - 1` that is `>= value` (for 0 < value < 2^32). */
function maskCovering(value: number): number {
  let mask = value;
  mask |= mask >>> 1;
  mask |= mask >>> 2;
  mask |= mask >>> 4;
  mask |= mask >>> 8;
  mask |= mask >>> 16;
  return mask >>> 0;
}
