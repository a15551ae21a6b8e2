// The one seeded generator type of the project. Every random choice (data, initialisation,
// sampling, metrics) draws from an Rng; its whole state is four 32-bit words, so it goes into
// checkpoint manifests and resumes bit for bit.
import { xoroshiro128plus, xoroshiro128plusFromState } from 'pure-rand/generator/xoroshiro128plus';
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';

type Generator = ReturnType<typeof xoroshiro128plus>;
export type RngState = [number, number, number, number];

/** splitmix32 finaliser: xoroshiro's first outputs are poor for small seeds, so seeds are mixed first. */
function mix32(x: number): number {
  let z = (x + 0x9e3779b9) | 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) | 0;
}

function hashLabel(label: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < label.length; i++) h = Math.imul(h ^ label.charCodeAt(i), 0x01000193);
  return h | 0;
}

export class Rng {
  private constructor(private gen: Generator) {}

  static fromSeed(seed: number): Rng {
    if (!Number.isSafeInteger(seed)) throw new RangeError(`seed must be an integer, got ${seed}`);
    const lo = seed % 0x100000000;
    const hi = Math.floor(seed / 0x100000000);
    const gen = xoroshiro128plus(mix32(lo ^ mix32(hi)));
    for (let i = 0; i < 4; i++) gen.next();
    return new Rng(gen);
  }

  static fromState(state: RngState): Rng {
    return new Rng(xoroshiro128plusFromState(state));
  }

  state(): RngState {
    return this.gen.getState() as RngState;
  }

  /** An independent stream named by `label`, derived from (and advancing) this one. */
  fork(label: string): Rng {
    return Rng.fromSeed((this.uint32() ^ hashLabel(label)) >>> 0);
  }

  uint32(): number {
    return this.gen.next() >>> 0;
  }

  /** A seed for tfjs ops that take one (tf.randomNormal and friends). */
  tfSeed(): number {
    return this.uint32() % 2147483647;
  }

  /** Uniform float in [0, 1) with 53 random bits. */
  float(): number {
    return uniformFloat64(this.gen);
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    if (!(n >= 1) || !Number.isInteger(n)) throw new RangeError(`int(n) needs a positive integer, got ${n}`);
    return uniformInt(this.gen, 0, n - 1);
  }

  /** Standard normal draw (Box-Muller, one value per call). */
  normal(): number {
    const u = 1 - this.float();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.float());
  }

  /** In-place Fisher-Yates shuffle. */
  shuffle<T>(xs: T[]): T[] {
    for (let i = xs.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      [xs[i], xs[j]] = [xs[j], xs[i]];
    }
    return xs;
  }
}
