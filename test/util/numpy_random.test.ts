import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { PCG64, SeedSequence, numpyChoiceWithReplacement } from '../../src/util/numpy_random.js';

// Every expected value below was computed independently with real numpy; the same script gave
// identical output under numpy 1.24.2 (Debian's /usr/bin/python3) and numpy 2.4.6. The commands
// (all `import numpy as np`) are quoted next to each value.

test('SeedSequence(42).generate_state matches numpy', () => {
  // np.random.SeedSequence(42).generate_state(8, np.uint32)
  assert.deepEqual(
    Array.from(new SeedSequence(42).generateState32(8)),
    [3444837047, 2669555309, 2046530742, 3581440988, 1691623607, 2099784219, 1184028159, 862288241],
  );
  // np.random.SeedSequence(42).generate_state(4, np.uint64)
  assert.deepEqual(new SeedSequence(42).generateState64(4), [
    11465652750463011511n,
    15382171918060459190n,
    9018504550953525431n,
    3703499796004394495n,
  ]);
});

test('SeedSequence handles zero and multi-word entropy', () => {
  // np.random.SeedSequence(0).generate_state(4, np.uint32)
  assert.deepEqual(
    Array.from(new SeedSequence(0).generateState32(4)),
    [2968811710, 3677149159, 745650761, 2884920346],
  );
  // np.random.SeedSequence(2**130 + 12345).generate_state(4, np.uint32)  (5 entropy words)
  assert.deepEqual(
    Array.from(new SeedSequence(2n ** 130n + 12345n).generateState32(4)),
    [1067841243, 1074700622, 4277799263, 207906991],
  );
});

test('PCG64(42) state, increment and raw outputs match numpy', () => {
  const bitGenerator = new PCG64(42);
  // np.random.PCG64(42).state['state']
  assert.equal(bitGenerator.stateValue, 274674114334540486603088602300644985544n);
  assert.equal(bitGenerator.incrementValue, 332724090758049132448979897138935081983n);
  // np.random.PCG64(42).random_raw(5)
  const raw = Array.from({ length: 5 }, () => bitGenerator.nextUint64());
  assert.deepEqual(raw, [
    14276969152011380360n,
    8095878257575067585n,
    15838336090824644132n,
    12864169557245331597n,
    1737265434024182251n,
  ]);
});

test('next32 gives the low half of a 64-bit draw first, then its high half', () => {
  const raw = new PCG64(42);
  const halves = new PCG64(42);
  for (let i = 0; i < 3; i++) {
    const value = raw.nextUint64();
    assert.equal(BigInt(halves.nextUint32()), value & 0xffffffffn);
    assert.equal(BigInt(halves.nextUint32()), value >> 32n);
  }
});

test('choice(100000, size=737280) for seed 42 matches numpy (dSpritesImagenet order)', () => {
  // o = np.random.Generator(np.random.PCG64(42)).choice(100000, size=737280, replace=True)
  const order = numpyChoiceWithReplacement(42, 100000, 737280);
  assert.equal(order.length, 737280);
  // o[:20].tolist()
  assert.deepEqual(
    Array.from(order.subarray(0, 20)),
    [
      8925, 77395, 65457, 43887, 43301, 85859, 8594, 69736, 20146, 9417, 52647, 97562, 73575,
      76113, 71747, 78606, 51322, 12811, 83974, 45038,
    ],
  );
  // int(o[1000]), int(o[737279]), int(o.sum())
  assert.equal(order[1000], 80830);
  assert.equal(order[737279], 13872);
  assert.equal(
    order.reduce((sum, value) => sum + value, 0),
    36851917703,
  );
  // hashlib.sha256(o.astype('<i4').tobytes()).hexdigest()  (this is a little-endian host)
  const bytes = new Uint8Array(order.buffer, order.byteOffset, order.byteLength);
  assert.equal(
    createHash('sha256').update(bytes).digest('hex'),
    '5e7121d42f893d27caa8b6bf4b03b388c8a5e76f43cc09be8de75aeba775955e',
  );
});

test('small populations and other seeds match numpy', () => {
  // np.random.Generator(np.random.PCG64(0)).choice(7, size=20).tolist()
  assert.deepEqual(
    Array.from(numpyChoiceWithReplacement(0, 7, 20)),
    [5, 4, 3, 1, 2, 0, 0, 0, 1, 5, 4, 6, 3, 4, 6, 5, 4, 3, 3, 6],
  );
  // np.random.Generator(np.random.PCG64(12345)).choice(7, size=20).tolist()
  assert.deepEqual(
    Array.from(numpyChoiceWithReplacement(12345, 7, 20)),
    [4, 1, 5, 2, 1, 5, 4, 4, 6, 2, 5, 2, 3, 4, 1, 1, 1, 4, 4, 6],
  );
  // np.random.Generator(np.random.PCG64(1)).choice(1, size=3).tolist()
  assert.deepEqual(Array.from(numpyChoiceWithReplacement(1, 1, 3)), [0, 0, 0]);
});

test('the next32 buffer carries over between calls on one generator', () => {
  // g = np.random.Generator(np.random.PCG64(5)); g.choice(10, size=3).tolist(); g.choice(10, size=4).tolist()
  const generator = new PCG64(5);
  assert.deepEqual(Array.from(generator.integers(10, 3)), [6, 8, 0]);
  assert.deepEqual(Array.from(generator.integers(10, 4)), [8, 4, 5, 6]);
});

test('large ranges: Lemire rejection, values above 2^31, and n = 2^32', () => {
  // n = 2^31 + 1 rejects about half of the 32-bit draws:
  // np.random.Generator(np.random.PCG64(3)).choice(2**31 + 1, size=10).tolist()
  assert.deepEqual(
    Array.from(new PCG64(3).integers(2 ** 31 + 1, 10)),
    [
      1742692732, 183930185, 385346042, 508546690, 1866662802, 713397379, 930133021, 1334076657,
      568628368, 1484806553,
    ],
  );
  // np.random.Generator(np.random.PCG64(1)).choice(3000000000, size=6).tolist()
  assert.deepEqual(
    Array.from(new PCG64(1).integers(3000000000, 6)),
    [1535464873, 2851391088, 104557657, 2845948340, 935494355, 2607075741],
  );
  // np.random.Generator(np.random.PCG64(1)).integers(0, 2**32, size=5).tolist()  (raw next32)
  assert.deepEqual(
    Array.from(new PCG64(1).integers(2 ** 32, 5)),
    [2032329983, 2198257139, 3243419750, 4082210491, 149690573],
  );
});

test('rejects arguments outside the implemented range', () => {
  assert.throws(() => new PCG64(-1), RangeError);
  assert.throws(() => new PCG64(1.5), RangeError);
  assert.throws(() => new PCG64(1).integers(0, 3), RangeError);
  assert.throws(() => new PCG64(1).integers(2 ** 32 + 1, 3), RangeError);
  assert.throws(() => numpyChoiceWithReplacement(1, 2 ** 31, 3), RangeError);
});
