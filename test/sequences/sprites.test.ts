import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SEQUENCE_SPLITS, sampleSize } from '../../src/sequences/sequence_data.js';
import {
  characterId,
  characterIndex,
  renderSprite,
  SpritesData,
  type SpriteCharacter,
} from '../../src/sequences/sprites.js';
import { UserError } from '../../src/util/errors.js';
import { Rng } from '../../src/util/random.js';

const SIZE = 64;
const FRAME = SIZE * SIZE * 3;
const sprites = new SpritesData({ seed: 3 });

function render(character: SpriteCharacter, pose: number): Uint8Array {
  const bytes = new Uint8Array(FRAME);
  renderSprite(character, pose, bytes);
  return bytes;
}

/** Rows and columns of the pixels that differ: [top, bottom, left, right], or null when none do. */
function changedBounds(a: Uint8Array, b: Uint8Array): [number, number, number, number] | null {
  let bounds: [number, number, number, number] | null = null;
  for (let p = 0; p < SIZE * SIZE; p++) {
    if (a[3 * p] === b[3 * p] && a[3 * p + 1] === b[3 * p + 1] && a[3 * p + 2] === b[3 * p + 2]) continue;
    const [row, col] = [Math.floor(p / SIZE), p % SIZE];
    bounds = bounds
      ? [Math.min(bounds[0], row), Math.max(bounds[1], row), Math.min(bounds[2], col), Math.max(bounds[3], col)]
      : [row, row, col, col];
  }
  return bounds;
}

/** Non-black pixels: the silhouette survives the jitter, which maps black to black. */
function silhouette(frame: ArrayLike<number>): boolean[] {
  return Array.from({ length: SIZE * SIZE }, (_, p) => frame[3 * p] > 0 || frame[3 * p + 1] > 0 || frame[3 * p + 2] > 0);
}

function intersectionOverUnion(a: boolean[], b: boolean[]): number {
  let both = 0;
  let either = 0;
  for (let p = 0; p < a.length; p++) {
    if (a[p] && b[p]) both++;
    if (a[p] || b[p]) either++;
  }
  return both / either;
}

test('Sprites has 9 RGB 64x64 fragments, the original\'s pose names and 2160 characters', () => {
  assert.equal(sprites.name, 'sprites');
  assert.deepEqual(sprites.fragmentShape, [64, 64, 3]);
  assert.equal(sprites.fragmentsPerSample, 9);
  assert.deepEqual(sprites.contentNames.slice(0, 4), ['Walk (Front)', 'Walk (Left)', 'Walk (Right)', 'Spellcard (Front)']);
  assert.equal(sprites.contentNames[8], 'Slash (Right)');
  assert.equal(sprites.styleNames.length, 6 * 6 * 6 * 10);
  assert.equal(sampleSize(sprites), 9 * FRAME);
});

test('a style label indexes styleNames, whose entry is the original\'s id body bottom top hair as digits', () => {
  const character = { body: 0, bottom: 1, top: 2, hair: 0 };
  // ((0·6 + 1)·6 + 2)·10 + 0 = 80
  assert.equal(characterIndex(character), 80);
  assert.equal(characterId(character), 120);
  assert.equal(sprites.styleNames[80], '120');
  assert.equal(sprites.styleNames[characterIndex({ body: 5, bottom: 4, top: 3, hair: 9 })], '5439');
  assert.equal(new Set(sprites.styleNames).size, 2160);
});

test('splits by hair: train 0-7 (1728), val 8 (216), test 9 (216), every character exactly once', () => {
  const expectedHairs: Record<string, number[]> = { train: [0, 1, 2, 3, 4, 5, 6, 7], val: [8], test: [9] };
  const seen = new Set<number>();
  for (const split of SEQUENCE_SPLITS) {
    const count = sprites.count(split);
    assert.equal(count, 216 * expectedHairs[split].length);
    const hairs = new Set<number>();
    for (let index = 0; index < count; index++) {
      const character = sprites.character(split, index);
      hairs.add(character.hair);
      seen.add(characterIndex(character));
    }
    assert.deepEqual([...hairs].sort((a, b) => a - b), expectedHairs[split]);
  }
  assert.equal(seen.size, 2160);
  assert.equal(sprites.count('10_shot'), 0);
  assert.deepEqual(sprites.character('train', 9), { body: 0, bottom: 0, top: 1, hair: 1 });
  assert.throws(() => sprites.character('val', 216), RangeError);
});

test('a sample is its character\'s 9 poses in the stored order, each frame showing the pose its label names', () => {
  const out = new Float32Array(sampleSize(sprites));
  const character = sprites.character('val', 100);
  const labels = sprites.sample('val', 100, Rng.fromSeed(1), out, 0);
  assert.equal(labels.style, characterIndex(character));
  assert.equal(sprites.styleNames[labels.style].at(-1), '8');
  assert.deepEqual(Array.from(labels.content), sprites.storedPoseOrder(character));
  assert.deepEqual([...labels.content].sort(), [0, 1, 2, 3, 4, 5, 6, 7, 8]);
  const unjittered = Array.from({ length: 9 }, (_, pose) => silhouette(render(character, pose)));
  for (let k = 0; k < 9; k++) {
    const frame = silhouette(out.subarray(k * FRAME, (k + 1) * FRAME));
    const scores = unjittered.map((poseSilhouette) => intersectionOverUnion(frame, poseSilhouette));
    assert.equal(scores.indexOf(Math.max(...scores)), labels.content[k], `fragment ${k}`);
  }
  assert.ok(out.every((v) => v >= 0 && v <= 1));
  assert.deepEqual(Array.from(out.subarray(0, 3)), [0, 0, 0]);
});

test('the stored order is fixed by the dataset seed; the jitter comes from the caller\'s rng', () => {
  const size = sampleSize(sprites);
  const [a, b, c] = [new Float32Array(size), new Float32Array(size), new Float32Array(size)];
  const labelsA = sprites.sample('train', 500, Rng.fromSeed(7), a, 0);
  const labelsB = new SpritesData({ seed: 3 }).sample('train', 500, Rng.fromSeed(7), b, 0);
  assert.deepEqual(labelsA, labelsB);
  assert.deepEqual(a, b);
  const labelsC = sprites.sample('train', 500, Rng.fromSeed(8), c, 0);
  assert.deepEqual(labelsC, labelsA);
  assert.notDeepEqual(c, a);
  const other = new SpritesData({ seed: 4 });
  const orders = (data: SpritesData) => [0, 1, 2, 3].map((i) => data.storedPoseOrder(data.character('test', i)).join());
  // Four orders of 9! all equal by chance: negligible.
  assert.notDeepEqual(orders(other), orders(sprites));
  assert.equal(new Set(orders(sprites)).size, 4);
});

test('fewer fragments are a random subset of the stored frames, written at the offset and nowhere else', () => {
  const four = new SpritesData({ seed: 3, fragmentsPerSample: 4 });
  const character = four.character('test', 17);
  const stored = four.storedPoseOrder(character);
  const offset = 5;
  const subsets = new Set<string>();
  for (let draw = 0; draw < 8; draw++) {
    const out = new Float32Array(offset + 4 * FRAME + 5).fill(-1);
    const labels = four.sample('test', 17, Rng.fromSeed(draw), out, offset);
    assert.equal(labels.content.length, 4);
    assert.equal(new Set(labels.content).size, 4);
    for (const pose of labels.content) assert.ok(stored.includes(pose));
    assert.deepEqual(Array.from(out.subarray(0, offset)), [-1, -1, -1, -1, -1]);
    assert.deepEqual(Array.from(out.subarray(offset + 4 * FRAME)), [-1, -1, -1, -1, -1]);
    assert.ok(out.subarray(offset, offset + 4 * FRAME).every((v) => v >= 0 && v <= 1));
    subsets.add(Array.from(labels.content).join());
  }
  assert.ok(subsets.size > 1);
});

test('bad options are user errors naming the option', () => {
  for (const fragmentsPerSample of [0, 10, 2.5]) {
    assert.throws(() => new SpritesData({ fragmentsPerSample }), (e: unknown) => e instanceof UserError && /fragmentsPerSample/.test(e.message));
  }
  assert.throws(() => new SpritesData({ seed: 0.5 }), (e: unknown) => e instanceof UserError && /seed/.test(e.message));
  assert.throws(() => sprites.sample('train', 1728, Rng.fromSeed(0), new Float32Array(9 * FRAME), 0), RangeError);
  assert.throws(() => render({ body: 6, bottom: 0, top: 0, hair: 0 }, 0), RangeError);
  assert.throws(() => render({ body: 0, bottom: 0, top: 0, hair: 0 }, 9), RangeError);
});

test('the nine poses differ from one another, and each right view is its left view mirrored', () => {
  const character = { body: 2, bottom: 3, top: 4, hair: 5 };
  const frames = Array.from({ length: 9 }, (_, pose) => render(character, pose));
  for (let i = 0; i < 9; i++) {
    for (let j = i + 1; j < 9; j++) {
      let differing = 0;
      for (let p = 0; p < FRAME; p += 3) {
        const gap = Math.max(...[0, 1, 2].map((c) => Math.abs(frames[i][p + c] - frames[j][p + c])));
        if (gap > 25) differing++;
      }
      // A limb moved elsewhere uncovers and covers a few dozen pixels each; 200 is 5% of the image.
      assert.ok(differing >= 200, `poses ${i} and ${j} differ in ${differing} pixels`);
    }
  }
  for (const left of [1, 4, 7]) {
    for (let row = 0; row < SIZE; row++) {
      for (let col = 0; col < SIZE; col++) {
        const a = (row * SIZE + col) * 3;
        const b = (row * SIZE + SIZE - 1 - col) * 3;
        assert.deepEqual([...frames[left + 1].subarray(a, a + 3)], [...frames[left].subarray(b, b + 3)]);
      }
    }
  }
  for (let p = 0; p < 9; p++) assert.deepEqual(render(character, p), frames[p], 'rendering is deterministic');
});

test('each part changes only its own region: hair above the shoulders, trousers below the hips, shirt in between', () => {
  const base = { body: 1, bottom: 2, top: 3, hair: 4 };
  /** Rows each part may touch: the shoulders are at row 27, the hips at 39, the raised sleeves reach 19. */
  const regions = [
    { part: 'hair', values: 10, firstRow: 0, lastRow: 35 },
    { part: 'bottom', values: 6, firstRow: 36, lastRow: 63 },
    { part: 'top', values: 6, firstRow: 16, lastRow: 43 },
  ] as const;
  for (let pose = 0; pose < 9; pose++) {
    const baseFrame = render(base, pose);
    for (const { part, values, firstRow, lastRow } of regions) {
      for (let value = 0; value < values; value++) {
        if (value === base[part]) continue;
        const bounds = changedBounds(baseFrame, render({ ...base, [part]: value }, pose));
        assert.ok(bounds !== null, `${part} ${value} changes pose ${pose}`);
        assert.ok(bounds[0] >= firstRow && bounds[1] <= lastRow, `${part} ${value} in pose ${pose} changes rows ${bounds[0]}..${bounds[1]}`);
      }
    }
  }
  // The skin shows in the face: the front views' head centre is (32, 17.5).
  const face = (body: number) => Array.from(render({ ...base, body }, 0).subarray((18 * SIZE + 32) * 3, (18 * SIZE + 32) * 3 + 3));
  assert.notDeepEqual(face(0), face(3));
});
