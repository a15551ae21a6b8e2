// Sprites-synthetic (V3 spec §5.3): the original composes Liberated Pixel Cup sprite sheets that
// are not redistributable, so the characters are drawn here instead, keeping everything else of
// V3's Sprites: a character is (body 0..5, bottom 0..5, top 0..5, hair 0..9), i.e. skin colour,
// trouser colour, shirt colour and one of ten hair styles, each in its own colour; it is seen in 9
// poses (walk, spellcast, slash x front, left, right; the right view is the left one mirrored) on
// a black 64x64 canvas. A sample is one character's 9 frames in a random order fixed per character
// by the dataset seed, with one colour jitter for the whole sequence drawn per sample.
//
// Labels: content = pose id 0..8 in the original's order; style = the character's index in
// `styleNames`, the 2160 characters in (body, bottom, top, hair) order, so the label is
// ((body·6 + bottom)·6 + top)·10 + hair, and `styleNames[label]` is the original's style label,
// the digits body bottom top hair read as a number (0,1,2,0 -> "120"). Splits by hair as the
// original: train 0-7, val 8, test 9, each in (body, bottom, top, hair) order.
//
// Frames are drawn with anti-aliased shapes (coverage from signed distances, painted back to front)
// and stored as bytes, as the original's PNG frames, so the jitter runs on uint8 as there.
import { UserError } from '../util/errors.js';
import { Rng } from '../util/random.js';
import { applyColourJitter, drawColourJitter } from './colour_jitter.js';
import { checkSampleIndex, type SequenceDataset, type SequenceLabels, type SequenceSplit } from './sequence_data.js';

export const SPRITE_SIZE = 64;
const CHANNELS = 3;
const FRAME_BYTES = SPRITE_SIZE * SPRITE_SIZE * CHANNELS;

export const NUM_BODIES = 6;
export const NUM_BOTTOMS = 6;
export const NUM_TOPS = 6;
export const NUM_HAIRS = 10;
export const NUM_CHARACTERS = NUM_BODIES * NUM_BOTTOMS * NUM_TOPS * NUM_HAIRS;

/** The original loader's C_LIST: content id = 3·action + direction. */
export const POSE_NAMES = [
  'Walk (Front)',
  'Walk (Left)',
  'Walk (Right)',
  'Spellcard (Front)',
  'Spellcard (Left)',
  'Spellcard (Right)',
  'Slash (Front)',
  'Slash (Left)',
  'Slash (Right)',
] as const;
export const NUM_POSES = POSE_NAMES.length;

const SPLIT_HAIRS: Readonly<Record<SequenceSplit, readonly number[]>> = {
  train: [0, 1, 2, 3, 4, 5, 6, 7],
  val: [8],
  test: [9],
  // No out-of-distribution characters: no few-shot sets.
  '1_shot': [],
  '5_shot': [],
  '10_shot': [],
};

export interface SpriteCharacter {
  body: number;
  bottom: number;
  top: number;
  hair: number;
}

/** The original's style label: the four part indices as the digits of one number. */
export function characterId(character: SpriteCharacter): number {
  return character.body * 1000 + character.bottom * 100 + character.top * 10 + character.hair;
}

/** Index in `styleNames` (our style label). */
export function characterIndex(character: SpriteCharacter): number {
  const { body, bottom, top, hair } = character;
  checkPart('body', body, NUM_BODIES);
  checkPart('bottom', bottom, NUM_BOTTOMS);
  checkPart('top', top, NUM_TOPS);
  checkPart('hair', hair, NUM_HAIRS);
  return ((body * NUM_BOTTOMS + bottom) * NUM_TOPS + top) * NUM_HAIRS + hair;
}

function checkPart(part: string, value: number, size: number): void {
  if (!(Number.isInteger(value) && value >= 0 && value < size)) {
    throw new RangeError(`sprite ${part} must be an integer in [0, ${size}), got ${value}`);
  }
}

type Rgb = readonly [number, number, number];

const SKIN_COLOURS: readonly Rgb[] = [
  [255, 222, 186],
  [236, 184, 138],
  [198, 134, 88],
  [141, 88, 56],
  [96, 62, 44],
  [132, 186, 108],
];
const BOTTOM_COLOURS: readonly Rgb[] = [
  [52, 70, 140],
  [120, 80, 44],
  [128, 128, 136],
  [28, 138, 132],
  [196, 174, 120],
  [140, 40, 56],
];
const TOP_COLOURS: readonly Rgb[] = [
  [200, 44, 44],
  [48, 96, 210],
  [44, 150, 70],
  [228, 196, 52],
  [232, 232, 232],
  [128, 56, 164],
];
const HAIR_COLOURS: readonly Rgb[] = [
  [78, 60, 52],
  [242, 208, 104],
  [134, 82, 40],
  [214, 54, 36],
  [206, 206, 218],
  [242, 132, 40],
  [72, 184, 84],
  [64, 104, 226],
  [246, 134, 194],
  [152, 84, 206],
];
const SHOE_COLOUR: Rgb = [92, 60, 38];
const EYE_COLOUR: Rgb = [24, 20, 26];
/** Limbs on the far side of a side view are shaded, so they read as behind the body. */
const FAR_SIDE_SHADE = 0.72;
const MOUTH_SHADE = 0.62;

// ---- anti-aliased shapes ---------------------------------------------------------------------

/** A filled region: signed distance in pixels (negative inside) and a box outside which it is empty. */
interface Shape {
  distance(x: number, y: number): number;
  left: number;
  top: number;
  right: number;
  bottom: number;
}

function ellipse(cx: number, cy: number, rx: number, ry: number): Shape {
  const rx2 = rx * rx;
  const ry2 = ry * ry;
  return {
    // First-order distance, k - 1 over |grad k| with k the normalised radius: exact enough within
    // the pixel of the boundary, which is all anti-aliasing looks at.
    distance(x, y) {
      const dx = x - cx;
      const dy = y - cy;
      const k = Math.sqrt((dx * dx) / rx2 + (dy * dy) / ry2);
      const gradient = Math.sqrt((dx * dx) / (rx2 * rx2) + (dy * dy) / (ry2 * ry2));
      return gradient < 1e-9 ? -Math.min(rx, ry) : ((k - 1) * k) / gradient;
    },
    left: cx - rx,
    top: cy - ry,
    right: cx + rx,
    bottom: cy + ry,
  };
}

function circle(cx: number, cy: number, r: number): Shape {
  return ellipse(cx, cy, r, r);
}

/** A box of half-sizes (hw, hh) around (cx, cy) with corners rounded to `radius`. */
function roundedBox(cx: number, cy: number, hw: number, hh: number, radius: number): Shape {
  return {
    distance(x, y) {
      const qx = Math.abs(x - cx) - (hw - radius);
      const qy = Math.abs(y - cy) - (hh - radius);
      return Math.hypot(Math.max(qx, 0), Math.max(qy, 0)) + Math.min(Math.max(qx, qy), 0) - radius;
    },
    left: cx - hw,
    top: cy - hh,
    right: cx + hw,
    bottom: cy + hh,
  };
}

type Point = readonly [number, number];

/** A thick line segment with round ends: limbs, strands. */
function capsule(a: Point, b: Point, radius: number): Shape {
  const [ax, ay] = a;
  const abx = b[0] - ax;
  const aby = b[1] - ay;
  const length2 = abx * abx + aby * aby;
  return {
    distance(x, y) {
      const t = length2 === 0 ? 0 : Math.min(1, Math.max(0, ((x - ax) * abx + (y - ay) * aby) / length2));
      return Math.hypot(x - ax - t * abx, y - ay - t * aby) - radius;
    },
    left: Math.min(ax, b[0]) - radius,
    top: Math.min(ay, b[1]) - radius,
    right: Math.max(ax, b[0]) + radius,
    bottom: Math.max(ay, b[1]) + radius,
  };
}

/** `shape` where `keep(x, y)` (a signed distance, negative = kept) allows it; the box is unchanged. */
function clipped(shape: Shape, keep: (x: number, y: number) => number): Shape {
  return { ...shape, distance: (x, y) => Math.max(shape.distance(x, y), keep(x, y)) };
}

/** Float RGB (0..255) canvas painted back to front. */
class Canvas {
  readonly rgb = new Float32Array(FRAME_BYTES);

  /** Covers each pixel in proportion to how much of it lies inside `shape` (distance at its centre, 1-px ramp). */
  paint(shape: Shape, colour: Rgb): void {
    const firstRow = Math.max(0, Math.floor(shape.top - 1));
    const lastRow = Math.min(SPRITE_SIZE - 1, Math.ceil(shape.bottom + 1));
    const firstCol = Math.max(0, Math.floor(shape.left - 1));
    const lastCol = Math.min(SPRITE_SIZE - 1, Math.ceil(shape.right + 1));
    for (let row = firstRow; row <= lastRow; row++) {
      for (let col = firstCol; col <= lastCol; col++) {
        const coverage = Math.min(1, Math.max(0, 0.5 - shape.distance(col + 0.5, row + 0.5)));
        if (coverage === 0) continue;
        const pixel = (row * SPRITE_SIZE + col) * CHANNELS;
        for (let c = 0; c < CHANNELS; c++) this.rgb[pixel + c] += coverage * (colour[c] - this.rgb[pixel + c]);
      }
    }
  }

  toBytes(out: Uint8Array, offset: number, mirror: boolean): void {
    for (let row = 0; row < SPRITE_SIZE; row++) {
      for (let col = 0; col < SPRITE_SIZE; col++) {
        const source = (row * SPRITE_SIZE + (mirror ? SPRITE_SIZE - 1 - col : col)) * CHANNELS;
        const target = offset + (row * SPRITE_SIZE + col) * CHANNELS;
        for (let c = 0; c < CHANNELS; c++) out[target + c] = Math.round(Math.min(255, Math.max(0, this.rgb[source + c])));
      }
    }
  }
}

function shade(colour: Rgb, factor: number): Rgb {
  return [colour[0] * factor, colour[1] * factor, colour[2] * factor];
}

// ---- the figure --------------------------------------------------------------------------------

/** Shoulder or hip, elbow or knee, hand or ankle. */
interface Limb {
  root: Point;
  joint: Point;
  end: Point;
}

type View = 'front' | 'side';

/** Joint positions of one pose; side views face left (-x), and the right view is their mirror. */
interface Skeleton {
  view: View;
  head: Point;
  /** Front view: the arm and leg on the image's left; side view: the near ones. */
  arms: readonly [Limb, Limb];
  legs: readonly [Limb, Limb];
}

const FRONT_HEAD: Point = [32, 17.5];
const SIDE_HEAD: Point = [31.5, 17.5];
const HEAD_RADII = { front: [6.6, 7], side: [6.2, 7] } as const;
const TORSO = { front: { cx: 32, hw: 6.6 }, side: { cx: 32.5, hw: 4.6 } } as const;
const TORSO_TOP = 24.5;
const TORSO_BOTTOM = 40.5;
const SLEEVE_RADIUS = 2.4;
const FOREARM_RADIUS = 2;
const HAND_RADIUS = 2.1;
const LEG_RADIUS = 2.7;

const limb = (root: Point, joint: Point, end: Point): Limb => ({ root, joint, end });

/** Indexed by action (walk, spellcast, slash), then view. */
const SKELETONS: readonly Record<View, Skeleton>[] = [
  {
    front: {
      view: 'front',
      head: FRONT_HEAD,
      arms: [limb([24.6, 27], [22.6, 33.5], [22.8, 39.5]), limb([39.4, 27], [40.2, 32], [38.6, 36.2])],
      legs: [limb([28.8, 39], [28.4, 48], [28.4, 56.5]), limb([35.2, 39], [36.4, 46.5], [35.6, 53])],
    },
    side: {
      view: 'side',
      head: SIDE_HEAD,
      arms: [limb([33, 27], [36, 33], [39, 37.5]), limb([32, 27], [28.8, 32.8], [26, 37])],
      legs: [limb([31.5, 39], [28.6, 47.5], [25.8, 56]), limb([33.4, 39], [35.6, 47.5], [39, 55.6])],
    },
  },
  {
    front: {
      view: 'front',
      head: FRONT_HEAD,
      arms: [limb([24.6, 27], [19.4, 21.5], [17.6, 13.5]), limb([39.4, 27], [44.6, 21.5], [46.4, 13.5])],
      legs: [limb([28.8, 39], [27.8, 48], [27, 56.5]), limb([35.2, 39], [36.2, 48], [37, 56.5])],
    },
    side: {
      view: 'side',
      head: SIDE_HEAD,
      arms: [limb([32, 27], [26.5, 25.5], [20.5, 20]), limb([33.2, 27], [28, 24.2], [22.5, 18.5])],
      legs: [limb([31.4, 39], [31, 48], [30.4, 56.5]), limb([33.4, 39], [33.8, 48], [34.4, 56.5])],
    },
  },
  {
    front: {
      view: 'front',
      head: [31.5, 17.8],
      arms: [limb([24.6, 27], [20.5, 33], [25.5, 37.5]), limb([39.4, 27], [46, 27.6], [53, 26.5])],
      legs: [limb([28.6, 39], [25.6, 47.5], [23.6, 56.5]), limb([35.4, 39], [38.6, 47.5], [40.6, 56.5])],
    },
    side: {
      view: 'side',
      head: [30.5, 18],
      arms: [limb([31.6, 27], [25.4, 28.8], [18.6, 29.6]), limb([33.6, 27], [37.2, 32], [40.4, 35.4])],
      legs: [limb([31, 39], [26.6, 46.2], [24, 56.5]), limb([33.6, 39], [37.6, 47], [42, 56.5])],
    },
  },
];

interface HairLayers {
  /** Drawn before the body and head: hair hanging behind them. */
  back: Shape[];
  /** Drawn after the face. */
  front: Shape[];
}

/** Hair over the crown down to the brow; in a side view also over the back of the head. */
function hairCap(view: View, hx: number, hy: number, rx: number, ry: number, brow = hy - 2.6): Shape {
  if (view === 'front') {
    return clipped(ellipse(hx, hy - 1.2, rx + 0.8, ry + 0.5), (_x, y) => y - brow);
  }
  return clipped(ellipse(hx + 0.6, hy - 1, rx + 0.9, ry + 0.6), (x, y) =>
    Math.max(Math.min(y - brow, hx + 1.2 - x), y - (hy + 4.5)),
  );
}

/** The ten hair styles; the side view's back of the head is +x. */
function hairLayers(hair: number, view: View, head: Point): HairLayers {
  const [hx, hy] = head;
  const [rx, ry] = HEAD_RADII[view];
  const cap = hairCap(view, hx, hy, rx, ry);
  const front = view === 'front';
  switch (hair) {
    case 0: // short
      return { back: [], front: [cap] };
    case 1: // long, to the shoulder blades
      return {
        back: [front ? roundedBox(hx, hy + 5, rx + 2.2, 11.5, 4) : roundedBox(hx + 3.4, hy + 4.6, 4.6, 11, 3.5)],
        front: [cap],
      };
    case 2: // ponytail
      return {
        back: front
          ? [capsule([hx + 5.5, hy - 3], [hx + 9, hy + 8], 2.4)]
          : [capsule([hx + 6, hy - 3], [hx + 10.5, hy + 9], 2.6), circle(hx + 6.4, hy - 2.4, 2.4)],
        front: [cap],
      };
    case 3: {
      // spiky
      const tips: Point[] = front
        ? [[hx - 8.5, hy - 8.5], [hx - 4.5, hy - 12.5], [hx, hy - 14], [hx + 4.5, hy - 12.5], [hx + 8.5, hy - 8.5]]
        : [[hx - 3, hy - 13.5], [hx + 2, hy - 13.5], [hx + 6.5, hy - 11], [hx + 9.5, hy - 6]];
      const crown: Point = [hx + (front ? 0 : 1.5), hy - 4];
      return { back: [], front: [cap, ...tips.map((tip) => capsule(crown, tip, 1.6))] };
    }
    case 4: // bob, to the chin
      return {
        back: [front ? roundedBox(hx, hy + 0.5, rx + 2.2, ry + 1.5, 5) : roundedBox(hx + 2, hy + 0.5, rx + 1.4, ry + 1.5, 4.5)],
        front: [hairCap(view, hx, hy, rx, ry, hy - 1.6)],
      };
    case 5: // bun on top
      return { back: [], front: [cap, front ? circle(hx, hy - ry - 2, 3.6) : circle(hx + 3.6, hy - ry - 1, 3.6)] };
    case 6: // mohawk over a shaved head
      return {
        back: [],
        front: front
          ? [ellipse(hx, hy - 7.5, 2.3, 6)]
          : [
              capsule([hx - 4, hy - 8.5], [hx, hy - 11.5], 1.9),
              capsule([hx, hy - 11.5], [hx + 5, hy - 9.5], 1.9),
              capsule([hx + 5, hy - 9.5], [hx + 7.5, hy - 5], 1.9),
            ],
      };
    case 7: // afro
      return {
        back: [front ? ellipse(hx, hy - 2.5, rx + 4.6, ry + 3.6) : ellipse(hx + 2, hy - 2.5, rx + 4.4, ry + 3.6)],
        front: [cap],
      };
    case 8: // pigtails
      return {
        back: front
          ? [circle(hx - rx - 2.6, hy + 2.5, 3.2), circle(hx + rx + 2.6, hy + 2.5, 3.2)]
          : [circle(hx + rx + 2.4, hy + 2.5, 3.2)],
        front: [cap],
      };
    default: // 9: side-swept fringe over one eye, hair to the neck
      return {
        back: [front ? roundedBox(hx, hy + 3, rx + 1.8, 9.5, 4) : roundedBox(hx + 3, hy + 3, 4.6, 9, 3.5)],
        front: [cap, front ? ellipse(hx - 2.8, hy - 2.6, 5, 3.4) : ellipse(hx - 2.6, hy - 3.2, 4, 2.4)],
      };
  }
}

function paintArm(canvas: Canvas, arm: Limb, skin: Rgb, shirt: Rgb): void {
  canvas.paint(capsule(arm.joint, arm.end, FOREARM_RADIUS), skin);
  canvas.paint(circle(arm.end[0], arm.end[1], HAND_RADIUS), skin);
  canvas.paint(capsule(arm.root, arm.joint, SLEEVE_RADIUS), shirt);
}

function paintLeg(canvas: Canvas, leg: Limb, trousers: Rgb, shoes: Rgb, view: View): void {
  canvas.paint(capsule(leg.root, leg.joint, LEG_RADIUS), trousers);
  canvas.paint(capsule(leg.joint, leg.end, LEG_RADIUS - 0.2), trousers);
  const [ax, ay] = leg.end;
  // Side views look left, so the foot points to -x.
  canvas.paint(view === 'front' ? ellipse(ax, ay + 1.4, 3, 2) : ellipse(ax - 1.6, ay + 1.4, 3.8, 2), shoes);
}

function paintFace(canvas: Canvas, view: View, head: Point, skin: Rgb): void {
  const [hx, hy] = head;
  if (view === 'front') {
    canvas.paint(ellipse(hx - 2.6, hy + 0.6, 0.9, 1.2), EYE_COLOUR);
    canvas.paint(ellipse(hx + 2.6, hy + 0.6, 0.9, 1.2), EYE_COLOUR);
    canvas.paint(capsule([hx - 1.3, hy + 4], [hx + 1.3, hy + 4], 0.5), shade(skin, MOUTH_SHADE));
  } else {
    canvas.paint(ellipse(hx - 5.8, hy + 1.4, 1.4, 1.1), skin);
    canvas.paint(ellipse(hx - 3.6, hy + 0.6, 0.8, 1.2), EYE_COLOUR);
    canvas.paint(capsule([hx - 4.6, hy + 4], [hx - 3, hy + 4], 0.45), shade(skin, MOUTH_SHADE));
  }
}

/**
 * Draws `character` in pose `pose` (0..8, POSE_NAMES) as RGB bytes (HWC, 64x64x3) into `out` at
 * `offset`: black background, no jitter.
 */
export function renderSprite(character: SpriteCharacter, pose: number, out: Uint8Array, offset = 0): void {
  characterIndex(character); // throws RangeError for a part outside its range
  if (!(Number.isInteger(pose) && pose >= 0 && pose < NUM_POSES)) {
    throw new RangeError(`sprite pose must be an integer in [0, ${NUM_POSES}), got ${pose}`);
  }
  const action = Math.floor(pose / 3);
  const direction = pose % 3;
  const skeleton = SKELETONS[action][direction === 0 ? 'front' : 'side'];
  const { view, head, arms, legs } = skeleton;
  const skin = SKIN_COLOURS[character.body];
  const trousers = BOTTOM_COLOURS[character.bottom];
  const shirt = TOP_COLOURS[character.top];
  const hairColour = HAIR_COLOURS[character.hair];
  const hair = hairLayers(character.hair, view, head);
  const [rx, ry] = HEAD_RADII[view];
  const torso = TORSO[view];

  const canvas = new Canvas();
  for (const shape of hair.back) canvas.paint(shape, hairColour);
  if (view === 'side') {
    paintArm(canvas, arms[1], shade(skin, FAR_SIDE_SHADE), shade(shirt, FAR_SIDE_SHADE));
    paintLeg(canvas, legs[1], shade(trousers, FAR_SIDE_SHADE), shade(SHOE_COLOUR, FAR_SIDE_SHADE), view);
    paintLeg(canvas, legs[0], trousers, SHOE_COLOUR, view);
  } else {
    for (const leg of legs) paintLeg(canvas, leg, trousers, SHOE_COLOUR, view);
  }
  canvas.paint(roundedBox(head[0] + (view === 'side' ? 1 : 0), TORSO_TOP - 0.5, 2.2, 2.5, 1), skin);
  const torsoHalfHeight = (TORSO_BOTTOM - TORSO_TOP) / 2;
  canvas.paint(roundedBox(torso.cx, TORSO_TOP + torsoHalfHeight, torso.hw, torsoHalfHeight, 3), shirt);
  canvas.paint(ellipse(head[0], head[1], rx, ry), skin);
  paintFace(canvas, view, head, skin);
  for (const shape of hair.front) canvas.paint(shape, hairColour);
  if (view === 'side') paintArm(canvas, arms[0], skin, shirt);
  else for (const arm of arms) paintArm(canvas, arm, skin, shirt);
  canvas.toBytes(out, offset, direction === 2);
}

// ---- the dataset -------------------------------------------------------------------------------

export interface SpritesOptions {
  /** Fixes each character's frame order. */
  seed?: number;
  /** Frames per sample, 1..9; fewer than 9 are a random subset per draw, as the original loader. */
  fragmentsPerSample?: number;
}

export class SpritesData implements SequenceDataset {
  readonly name = 'sprites';
  readonly fragmentShape = [SPRITE_SIZE, SPRITE_SIZE, CHANNELS] as const;
  readonly fragmentsPerSample: number;
  readonly contentNames: readonly string[] = POSE_NAMES;
  readonly styleNames: readonly string[];
  private readonly seed: number;
  private readonly frames = new Uint8Array(NUM_POSES * FRAME_BYTES);

  constructor(options: SpritesOptions = {}) {
    const { seed = 0, fragmentsPerSample = NUM_POSES } = options;
    if (!Number.isSafeInteger(seed)) throw new UserError(`sprites: seed must be an integer, got ${seed}`);
    if (!(Number.isInteger(fragmentsPerSample) && fragmentsPerSample >= 1 && fragmentsPerSample <= NUM_POSES)) {
      throw new UserError(`sprites: fragmentsPerSample must be an integer in 1..${NUM_POSES}, got ${fragmentsPerSample}`);
    }
    this.seed = seed;
    this.fragmentsPerSample = fragmentsPerSample;
    const names: string[] = [];
    for (let index = 0; index < NUM_CHARACTERS; index++) names.push(String(characterId(characterAt(index))));
    this.styleNames = names;
  }

  count(split: SequenceSplit): number {
    return NUM_BODIES * NUM_BOTTOMS * NUM_TOPS * SPLIT_HAIRS[split].length;
  }

  /** The character shown by sample `index` of `split`. */
  character(split: SequenceSplit, index: number): SpriteCharacter {
    checkSampleIndex(this, split, index);
    const hairs = SPLIT_HAIRS[split];
    const withoutHair = Math.floor(index / hairs.length);
    return {
      body: Math.floor(withoutHair / (NUM_BOTTOMS * NUM_TOPS)),
      bottom: Math.floor(withoutHair / NUM_TOPS) % NUM_BOTTOMS,
      top: withoutHair % NUM_TOPS,
      hair: hairs[index % hairs.length],
    };
  }

  /** The character's 9 pose ids in their stored order: a permutation fixed by the seed. */
  storedPoseOrder(character: SpriteCharacter): number[] {
    const order = Array.from({ length: NUM_POSES }, (_, pose) => pose);
    return Rng.fromSeed(this.seed).fork(`sprites/${characterId(character)}`).shuffle(order);
  }

  sample(split: SequenceSplit, index: number, rng: Rng, out: Float32Array, offset: number): SequenceLabels {
    const character = this.character(split, index);
    const stored = this.storedPoseOrder(character);
    const poses = this.fragmentsPerSample < NUM_POSES ? randomSubset(stored, this.fragmentsPerSample, rng) : stored;
    const jitter = drawColourJitter(rng);
    const frames = this.frames;
    poses.forEach((pose, k) => {
      const frame = frames.subarray(k * FRAME_BYTES, (k + 1) * FRAME_BYTES);
      renderSprite(character, pose, frame);
      applyColourJitter(frame, jitter);
    });
    const size = poses.length * FRAME_BYTES;
    for (let i = 0; i < size; i++) out[offset + i] = frames[i] / 255;
    return { content: Int32Array.from(poses), style: characterIndex(character) };
  }
}

/** The character with style label `index`. */
function characterAt(index: number): SpriteCharacter {
  return {
    body: Math.floor(index / (NUM_BOTTOMS * NUM_TOPS * NUM_HAIRS)),
    bottom: Math.floor(index / (NUM_TOPS * NUM_HAIRS)) % NUM_BOTTOMS,
    top: Math.floor(index / NUM_HAIRS) % NUM_TOPS,
    hair: index % NUM_HAIRS,
  };
}

/** Python's random.sample(items, k): k distinct items in the order drawn. */
function randomSubset<T>(items: readonly T[], k: number, rng: Rng): T[] {
  const pool = items.slice();
  for (let i = 0; i < k; i++) {
    const j = i + rng.int(pool.length - i);
    [pool[i], pool[j]] = [pool[j], pool[i]];
  }
  return pool.slice(0, k);
}
