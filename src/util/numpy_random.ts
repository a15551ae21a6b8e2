// A bit-exact replay of numpy's default `Generator`:
// `np.random.Generator(np.random.PCG64(seed))`, restricted to what the project needs, which is
// `choice(n, size=m, replace=True)` (that is, `integers(0, n, size=m, dtype=np.int64)`).
//
// Why hand-written: the dSpritesImagenet dataset assigns a Tiny-ImageNet photo to every dSprites
// index with `Generator(PCG64(42)).choice(100000, size=737280, replace=True)`, and we want that
// assignment bit for bit. No npm package replays numpy's SeedSequence + PCG64 + Lemire stream, so
// this file re-implements the three pieces from their published algorithms:
//
// 1. `SeedSequence(entropy)` (numpy/random/bit_generator.pyx): the integer entropy is split into
//    little-endian uint32 words, hashed into a pool of 4 uint32 words (hashmix / mix), and
//    `generate_state(4, uint64)` expands the pool into 8 uint32 words read as 4 little-endian
//    uint64 words.
// 2. `PCG64` (numpy/random/src/pcg64): a 128-bit LCG with the XSL-RR 64-bit output. Word 0 / 1 of
//    the seed state are the high / low halves of the initial state, words 2 / 3 the high / low
//    halves of the stream selector. Seeding is PCG's `srandom_r`: state = 0, inc = (seq << 1) | 1,
//    step, state += initstate, step. `next32` returns the LOW half of a 64-bit draw and keeps the
//    high half for the following `next32` call (the buffer survives across calls to `integers`).
//    128-bit arithmetic here uses eight 16-bit limbs held in doubles, so no BigInt is needed on the
//    hot path.
// 3. The bounded integers (numpy/random/src/distributions/distributions.c,
//    `random_bounded_uint64_fill`): for rng = n - 1 < 2^32 - 1 numpy uses Lemire's 32-bit method
//    on `next32` (`buffered_bounded_lemire_uint32`); rng = 0 returns the offset without drawing;
//    rng = 2^32 - 1 returns raw `next32` values. Generator always uses Lemire, never the masked
//    method.
//
// Version notes (checked in numpy's git history): `Generator.choice(n, replace=True, p=None)` has
// called `self.integers(0, n, size, dtype=np.int64)` since Generator first shipped in numpy 1.17.0,
// SeedSequence / PCG64 seeding and the PCG64 next32 buffering are unchanged since then, and the
// 32-bit Lemire method is the same. The one difference: before numpy 1.19.0, n = 2^32 exactly
// went through the 32-bit Lemire path and always returned 0 (numpy bug gh-16066, fixed in 1.19.0);
// this file follows the fixed behaviour. Populations above 2^32 (numpy's 64-bit Lemire path) are
// not implemented. The reference values in test/util/numpy_random.test.ts were checked against
// numpy 1.24.2 and numpy 2.4.6.

const UINT32 = 0x100000000;

// ---------------------------------------------------------------------------------------------
// SeedSequence
// ---------------------------------------------------------------------------------------------

const INIT_A = 0x43b0d7e5;
const MULT_A = 0x931e8875;
const INIT_B = 0x8b51f9dd;
const MULT_B = 0x58f38ded;
const MIX_MULT_L = 0xca01f9dd;
const MIX_MULT_R = 0x4973f715;
const POOL_SIZE = 4;

/** A non-negative integer entropy split into uint32 words, lowest first (0 gives [0]). */
function entropyWords(entropy: number | bigint): number[] {
  let value: bigint;
  if (typeof entropy === 'bigint') {
    value = entropy;
  } else {
    if (!Number.isSafeInteger(entropy)) {
      throw new RangeError(`SeedSequence entropy must be a safe integer, got ${entropy}`);
    }
    value = BigInt(entropy);
  }
  if (value < 0n) throw new RangeError(`SeedSequence entropy must be non-negative, got ${entropy}`);
  if (value === 0n) return [0];
  const words: number[] = [];
  while (value > 0n) {
    words.push(Number(value & 0xffffffffn));
    value >>= 32n;
  }
  return words;
}

/**
 * numpy's `SeedSequence(entropy)` for an integer entropy, without spawn keys and with the default
 * pool size of 4 words.
 */
export class SeedSequence {
  /** The mixed entropy pool (4 uint32 words). */
  readonly pool: Uint32Array;

  constructor(entropy: number | bigint) {
    const words = entropyWords(entropy);
    const pool = new Uint32Array(POOL_SIZE);
    let hashConst = INIT_A;
    const hashmix = (input: number): number => {
      let value = (input ^ hashConst) >>> 0;
      hashConst = Math.imul(hashConst, MULT_A) >>> 0;
      value = Math.imul(value, hashConst) >>> 0;
      return (value ^ (value >>> 16)) >>> 0;
    };
    const mix = (x: number, y: number): number => {
      const result = (Math.imul(MIX_MULT_L, x) - Math.imul(MIX_MULT_R, y)) >>> 0;
      return (result ^ (result >>> 16)) >>> 0;
    };
    for (let i = 0; i < POOL_SIZE; i++) pool[i] = hashmix(i < words.length ? words[i] : 0);
    for (let src = 0; src < POOL_SIZE; src++) {
      for (let dst = 0; dst < POOL_SIZE; dst++) {
        if (src !== dst) pool[dst] = mix(pool[dst], hashmix(pool[src]));
      }
    }
    for (let src = POOL_SIZE; src < words.length; src++) {
      for (let dst = 0; dst < POOL_SIZE; dst++) pool[dst] = mix(pool[dst], hashmix(words[src]));
    }
    this.pool = pool;
  }

  /** `generate_state(nWords, np.uint32)`. */
  generateState32(nWords: number): Uint32Array {
    const out = new Uint32Array(nWords);
    let hashConst = INIT_B;
    for (let i = 0; i < nWords; i++) {
      let value = (this.pool[i % POOL_SIZE] ^ hashConst) >>> 0;
      hashConst = Math.imul(hashConst, MULT_B) >>> 0;
      value = Math.imul(value, hashConst) >>> 0;
      out[i] = (value ^ (value >>> 16)) >>> 0;
    }
    return out;
  }

  /** `generate_state(nWords, np.uint64)`: pairs of uint32 words read little-endian. */
  generateState64(nWords: number): bigint[] {
    const words = this.generateState32(2 * nWords);
    return Array.from(
      { length: nWords },
      (_, i) => (BigInt(words[2 * i + 1]) << 32n) | BigInt(words[2 * i]),
    );
  }
}

// ---------------------------------------------------------------------------------------------
// PCG64
// ---------------------------------------------------------------------------------------------

const LIMBS = 8; // 8 x 16 bits = 128 bits, least significant limb first.
const LIMB = 0x10000;

function limbsFromBigInt(value: bigint): Float64Array {
  const limbs = new Float64Array(LIMBS);
  for (let i = 0; i < LIMBS; i++) limbs[i] = Number((value >> BigInt(16 * i)) & 0xffffn);
  return limbs;
}

// PCG's default 128-bit multiplier (PCG_DEFAULT_MULTIPLIER_HIGH << 64 | PCG_DEFAULT_MULTIPLIER_LOW).
const MULTIPLIER = limbsFromBigInt((2549297995355413924n << 64n) | 4865540595714422341n);

function limbsToBigInt(limbs: Float64Array): bigint {
  let value = 0n;
  for (let i = LIMBS - 1; i >= 0; i--) value = (value << 16n) | BigInt(limbs[i]);
  return value;
}

/**
 * numpy's `PCG64` bit generator (XSL-RR 128/64), seeded the way `PCG64(seed)` seeds it.
 */
export class PCG64 {
  private readonly state = new Float64Array(LIMBS);
  private readonly inc = new Float64Array(LIMBS);
  private readonly product = new Float64Array(LIMBS);
  /** High and low 32 bits of the latest 64-bit output. */
  private outHi = 0;
  private outLo = 0;
  private hasUint32 = false;
  private uinteger = 0;

  /** `PCG64(seed)` for a non-negative integer seed (through `SeedSequence(seed)`). */
  constructor(seed: number | bigint | SeedSequence) {
    const sequence = seed instanceof SeedSequence ? seed : new SeedSequence(seed);
    const [stateHi, stateLo, seqHi, seqLo] = sequence.generateState64(4);
    this.setSeed((stateHi << 64n) | stateLo, (seqHi << 64n) | seqLo);
  }

  /** `pcg64_set_seed` / `pcg_setseq_128_srandom_r`, which also clears the next32 buffer. */
  private setSeed(initState: bigint, initSeq: bigint): void {
    const mask128 = (1n << 128n) - 1n;
    this.inc.set(limbsFromBigInt(((initSeq << 1n) | 1n) & mask128));
    this.state.fill(0);
    this.step();
    const withInit = (limbsToBigInt(this.state) + initState) & mask128;
    this.state.set(limbsFromBigInt(withInit));
    this.step();
    this.hasUint32 = false;
    this.uinteger = 0;
  }

  /** The 128-bit state as a BigInt (for tests and debugging). */
  get stateValue(): bigint {
    return limbsToBigInt(this.state);
  }

  /** The 128-bit increment as a BigInt (for tests and debugging). */
  get incrementValue(): bigint {
    return limbsToBigInt(this.inc);
  }

  /** state = state * MULTIPLIER + inc (mod 2^128). */
  private step(): void {
    const s = this.state;
    const p = this.product;
    const m = MULTIPLIER;
    const inc = this.inc;
    let carry = 0;
    for (let k = 0; k < LIMBS; k++) {
      // At most 8 products below 2^32 plus a carry below 2^37: exact in a double.
      let sum = carry + inc[k];
      for (let i = 0; i <= k; i++) sum += s[i] * m[k - i];
      const low = sum % LIMB;
      p[k] = low;
      carry = (sum - low) / LIMB;
    }
    s.set(p);
  }

  /** Advance and compute the XSL-RR output into outHi / outLo. */
  private advance(): void {
    this.step();
    const s = this.state;
    const lo0 = s[0] + s[1] * LIMB;
    const lo1 = s[2] + s[3] * LIMB;
    const hi0 = s[4] + s[5] * LIMB;
    const hi1 = s[6] + s[7] * LIMB;
    // x = hi64 ^ lo64, rotated right by the top 6 bits of the state.
    let xHi = (hi1 ^ lo1) >>> 0;
    let xLo = (hi0 ^ lo0) >>> 0;
    let rot = hi1 >>> 26;
    if (rot >= 32) {
      const t = xHi;
      xHi = xLo;
      xLo = t;
      rot -= 32;
    }
    if (rot > 0) {
      const newLo = ((xLo >>> rot) | (xHi << (32 - rot))) >>> 0;
      const newHi = ((xHi >>> rot) | (xLo << (32 - rot))) >>> 0;
      xLo = newLo;
      xHi = newHi;
    }
    this.outHi = xHi;
    this.outLo = xLo;
  }

  /** The next 64-bit output (`random_raw`), as a BigInt. */
  nextUint64(): bigint {
    this.advance();
    return (BigInt(this.outHi) << 32n) | BigInt(this.outLo);
  }

  /** The next 32-bit output: the low half of a fresh 64-bit draw, then its buffered high half. */
  nextUint32(): number {
    if (this.hasUint32) {
      this.hasUint32 = false;
      return this.uinteger;
    }
    this.advance();
    this.hasUint32 = true;
    this.uinteger = this.outHi;
    return this.outLo;
  }

  /**
   * `integers(0, n, size=count, dtype=np.int64)` for 1 <= n <= 2^32, i.e. numpy's
   * `random_bounded_uint64_fill` with rng = n - 1 on its 32-bit paths. Continues this
   * generator's stream (including a buffered half from a previous call).
   */
  integers(n: number, count: number): Float64Array {
    if (!Number.isInteger(n) || n < 1 || n > UINT32) {
      throw new RangeError(`integers: n must be an integer in [1, 2^32], got ${n}`);
    }
    if (!Number.isInteger(count) || count < 0) {
      throw new RangeError(`integers: count must be a non-negative integer, got ${count}`);
    }
    const out = new Float64Array(count);
    if (n === 1) return out; // rng = 0: numpy draws nothing.
    if (n === UINT32) {
      for (let i = 0; i < count; i++) out[i] = this.nextUint32();
      return out;
    }
    // Lemire: m = u * n (64 bits); accept unless the low word is below (2^32 - n) mod n.
    const threshold = (UINT32 - n) % n;
    for (let i = 0; i < count; i++) {
      let high: number;
      let low: number;
      do {
        const u = this.nextUint32();
        // u * n split so every partial product stays below 2^53.
        const a = (u & 0xffff) * n; // < 2^48
        const b = (u >>> 16) * n; // < 2^48
        const bLow = b % LIMB;
        const t = bLow * LIMB + a; // < 2^49
        low = t % UINT32;
        high = (b - bLow) / LIMB + (t - low) / UINT32;
      } while (low < threshold);
      out[i] = high;
    }
    return out;
  }
}

/**
 * `np.random.Generator(np.random.PCG64(seed)).choice(populationSize, size=count, replace=True)`,
 * bit for bit, for a population of at most 2^31 - 1 (so the values fit an Int32Array).
 */
export function numpyChoiceWithReplacement(
  seed: number | bigint,
  populationSize: number,
  count: number,
): Int32Array {
  if (!Number.isInteger(populationSize) || populationSize < 1 || populationSize > 0x7fffffff) {
    throw new RangeError(
      `numpyChoiceWithReplacement: populationSize must be an integer in [1, 2^31 - 1], got ${populationSize}`,
    );
  }
  return Int32Array.from(new PCG64(seed).integers(populationSize, count));
}
