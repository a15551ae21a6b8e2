// Procedural Shapes3D / 3D Shapes (datasets.md §3.2): the original MuJoCo/GQN renderer and its
// parameters are not published, so the scene is re-created by per-pixel ray casting, laid out
// after the published sample images: a fixed light-blue sky above a box room (a back wall facing
// the camera, side walls at x = ±const), one object primitive standing on the floor at the
// origin, and a camera orbiting the object at azimuth = orientation. The room stays fixed while
// the camera orbits, so orientation slides the wall corners across the image and turns the cube.
// Factor order, sizes and C-order enumeration match the original `3dshapes.h5`, so factor
// vectors and indices mean the same thing there.
//
// Approximations, all tuned by eye against the originals: room and camera dimensions, object
// proportions (the capsule stands upright like the original's pill, not lying as §3.2 says), a
// Lambert headlight plus one key light that reaches only the object and floor, fades toward the
// far right of the room and casts a soft shadow on the floor. Not modelled: the walls' faint
// texture, specular highlights, anti-aliasing, and MuJoCo's actual light set-up.
//
// Speed: the geometry depends only on (scale, shape, orientation) — 480 combinations — and the
// three hues only recolour fixed regions. Each combination's per-pixel region (floor, wall,
// object or sky) and shading, shadow included, are ray-cast once and cached as a palette of
// distinct (region, shading) pairs; rendering an image colours the palette and copies entries.
import { factorsToIndex, type GroundTruthData } from './ground_truth.js';

const IMAGE_SIZE = 64;
const NUM_PIXELS = IMAGE_SIZE * IMAGE_SIZE;
const NUM_HUES = 10;
const NUM_SCALES = 8;
const NUM_SHAPES = 4;
const NUM_ORIENTATIONS = 15;
const FACTOR_SIZES = [NUM_HUES, NUM_HUES, NUM_HUES, NUM_SCALES, NUM_SHAPES, NUM_ORIENTATIONS] as const;

export const SHAPES3D_SHAPES = ['cube', 'cylinder', 'sphere', 'capsule'] as const;

/** hue values 0.0, 0.1, …, 0.9. */
function hueValue(index: number): number {
  return index / NUM_HUES;
}

/** scale values linspace(0.75, 1.25, 8). */
function scaleValue(index: number): number {
  return 0.75 + (0.5 * index) / (NUM_SCALES - 1);
}

/** orientation values linspace(−30, 30, 15), in degrees. */
function orientationDegrees(index: number): number {
  return -30 + (60 * index) / (NUM_ORIENTATIONS - 1);
}

/**
 * Lighting and colour constants. A surface of hue h with unit normal n, hit by a ray of direction
 * d, gets per channel c
 *   min(1, HSV→RGB(h, saturation, value)_c · lightColour_c
 *          · (ambient + headlight · max(0, −n·d) + keyLight · falloff · visibility · max(0, n·l)))
 * where l is the key light's direction (0 on the walls), falloff its fading with position (see
 * KEY_LIGHT_REACH) and visibility the unoccluded fraction of its disc (soft shadows; only the
 * floor can be shadowed, the object being convex).
 * The sky is a fixed colour for every factor value.
 *
 * The originals' colours are fully saturated hues lit to (and often clipped at) full value, and
 * their sky alone lifts the green and blue means above red; lightColour adds the small per-channel
 * gain that brings the dataset channel means to [0.503, 0.579, 0.603] (datasets.md §3.2).
 * Measured over 20 000 seeded uniform samples: means [0.506, 0.581, 0.600] and mean per-image
 * stds [0.304, 0.349, 0.370] against the original's [0.294, 0.344, 0.366]; the contrast of sky,
 * lit wall, dark shadow and shaded object sides needed no further tuning.
 */
export interface Shapes3dAppearance {
  saturation: number;
  value: number;
  ambient: number;
  /** Diffuse light from the camera (MuJoCo's headlight): lights what faces the viewer. */
  headlight: number;
  /** Light from above, behind and left of the object: lights it and the floor, casts the shadow. */
  keyLight: number;
  /** Multiplies each RGB channel of the light: the tint the original's channel means need. */
  lightColour: readonly [number, number, number];
}

export const SHAPES3D_APPEARANCE: Shapes3dAppearance = {
  saturation: 1,
  value: 1,
  ambient: 0.15,
  headlight: 0.85,
  keyLight: 1.2,
  lightColour: [1.083, 1.189, 1.154],
};

/** Measured in the published original samples: the same light blue above the walls in each. */
const SKY_RGB = [153 / 255, 226 / 255, 249 / 255] as const;

// Camera and room geometry, in units of the object size at scale 1 (measured off the originals'
// layout: sky ≈ the top quarter at the image sides, back wall to ≈ 0.64 of the height, a
// mid-scale cube ≈ a third of the width with its top near the image centre).
const CAMERA_DISTANCE = 3.9;
const CAMERA_HEIGHT = 1.1;
const CAMERA_TARGET_HEIGHT = 1.0;
const VERTICAL_FOV_DEGREES = 45;
/** Back wall z = −BACK_WALL_DISTANCE; side walls x = ±SIDE_WALL_OFFSET; all WALL_HEIGHT tall. */
const BACK_WALL_DISTANCE = 3.6;
const SIDE_WALL_OFFSET = 2.8;
const WALL_HEIGHT = 2.4;
const KEY_LIGHT_DIRECTION = normalise([-0.28, 1.0, -0.32]);
/**
 * The key light fades as 1 / (1 + (r / KEY_LIGHT_REACH)²) with the horizontal distance r from
 * (KEY_LIGHT_CENTRE_X, ·, 0), left of the object: the originals' floor is brightest on the left
 * and darkens toward the far right corner.
 */
const KEY_LIGHT_CENTRE_X = -3;
const KEY_LIGHT_REACH = 4;
/** Angular radius (radians) of the key light's disc: the width of the shadow's penumbra. */
const KEY_LIGHT_SPREAD = 0.06;
const SHADOW_SAMPLES = 16;

type Vec3 = [number, number, number];

function normalise([x, y, z]: Vec3): Vec3 {
  const length = Math.hypot(x, y, z);
  return [x / length, y / length, z / length];
}

function dot(a: Vec3, b: Vec3): number {
  return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
}

function cross(a: Vec3, b: Vec3): Vec3 {
  return [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
}

/** Which colour a pixel takes: the floor's, the walls' or the object's hue, or the fixed sky. */
const enum Region {
  Floor = 0,
  Wall = 1,
  Object = 2,
  Sky = 3,
}

/** A ray's nearest surface: distance along the (unit) direction and outward unit normal. */
interface Hit {
  t: number;
  normal: Vec3;
}

/** Smaller positive root of a·t² + 2·halfB·t + c = 0, or Infinity. */
function nearestRoot(a: number, halfB: number, c: number): number {
  const discriminant = halfB * halfB - a * c;
  if (discriminant < 0) return Infinity;
  const t = (-halfB - Math.sqrt(discriminant)) / a;
  return t > 0 ? t : Infinity;
}

function nearer(a: Hit | undefined, b: Hit | undefined): Hit | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return a.t <= b.t ? a : b;
}

function intersectSphere(origin: Vec3, dir: Vec3, centre: Vec3, radius: number): Hit | undefined {
  const oc: Vec3 = [origin[0] - centre[0], origin[1] - centre[1], origin[2] - centre[2]];
  const t = nearestRoot(1, dot(oc, dir), dot(oc, oc) - radius * radius);
  if (t === Infinity) return undefined;
  const normal: Vec3 = [(oc[0] + t * dir[0]) / radius, (oc[1] + t * dir[1]) / radius, (oc[2] + t * dir[2]) / radius];
  return { t, normal };
}

/** Axis-aligned box [lo, hi] by the slab method; the normal is that of the last slab entered. */
function intersectBox(origin: Vec3, dir: Vec3, lo: Vec3, hi: Vec3): Hit | undefined {
  let tEnter = -Infinity;
  let tExit = Infinity;
  let enterAxis = 0;
  for (let axis = 0; axis < 3; axis++) {
    const t1 = (lo[axis] - origin[axis]) / dir[axis];
    const t2 = (hi[axis] - origin[axis]) / dir[axis];
    const near = Math.min(t1, t2);
    if (near > tEnter) {
      tEnter = near;
      enterAxis = axis;
    }
    tExit = Math.min(tExit, Math.max(t1, t2));
  }
  if (tEnter > tExit || tEnter <= 0) return undefined;
  const normal: Vec3 = [0, 0, 0];
  normal[enterAxis] = dir[enterAxis] > 0 ? -1 : 1;
  return { t: tEnter, normal };
}

/** The side of a vertical cylinder of `radius` around the y axis, between heights y0 and y1. */
function intersectTube(origin: Vec3, dir: Vec3, radius: number, y0: number, y1: number): Hit | undefined {
  const t = nearestRoot(
    dir[0] * dir[0] + dir[2] * dir[2],
    origin[0] * dir[0] + origin[2] * dir[2],
    origin[0] * origin[0] + origin[2] * origin[2] - radius * radius,
  );
  const y = origin[1] + t * dir[1];
  if (t === Infinity || y < y0 || y > y1) return undefined;
  return { t, normal: [(origin[0] + t * dir[0]) / radius, 0, (origin[2] + t * dir[2]) / radius] };
}

/**
 * Vertical cylinder standing on the floor, with its top cap. The bottom cap lies on the floor and
 * every ray starts above it, so none can enter there.
 */
function intersectCylinder(origin: Vec3, dir: Vec3, radius: number, height: number): Hit | undefined {
  let top: Hit | undefined;
  const tTop = (height - origin[1]) / dir[1];
  if (tTop > 0) {
    const x = origin[0] + tTop * dir[0];
    const z = origin[2] + tTop * dir[2];
    if (x * x + z * z <= radius * radius) top = { t: tTop, normal: [0, 1, 0] };
  }
  return nearer(intersectTube(origin, dir, radius, 0, height), top);
}

/** Upright capsule (a pill standing on the floor, as in the original): tube plus two hemispheres. */
function intersectCapsule(origin: Vec3, dir: Vec3, radius: number, height: number): Hit | undefined {
  const tube = intersectTube(origin, dir, radius, radius, height - radius);
  const bottom = intersectSphere(origin, dir, [0, radius, 0], radius);
  const top = intersectSphere(origin, dir, [0, height - radius, 0], radius);
  return nearer(tube, nearer(bottom, top));
}

/** Object proportions relative to its size s (the scale value), estimated from the originals. */
const CYLINDER_RADIUS = 0.5;
const CYLINDER_HEIGHT = 1.0;
const SPHERE_RADIUS = 0.55;
const CAPSULE_RADIUS = 0.42;
const CAPSULE_HEIGHT = 1.9;

/** The object primitive of `shape` with size s, resting on the floor at the origin. */
function intersectObject(shape: number, size: number, origin: Vec3, dir: Vec3): Hit | undefined {
  const half = size / 2;
  switch (SHAPES3D_SHAPES[shape]) {
    case 'cube':
      return intersectBox(origin, dir, [-half, 0, -half], [half, size, half]);
    case 'cylinder':
      return intersectCylinder(origin, dir, CYLINDER_RADIUS * size, CYLINDER_HEIGHT * size);
    case 'sphere':
      return intersectSphere(origin, dir, [0, SPHERE_RADIUS * size, 0], SPHERE_RADIUS * size);
    case 'capsule':
      return intersectCapsule(origin, dir, CAPSULE_RADIUS * size, CAPSULE_HEIGHT * size);
    default:
      throw new RangeError(`shape ${shape} is outside [0, ${NUM_SHAPES})`);
  }
}

/** Ray distance to the plane n·p = offset, seen from its front side, or Infinity. */
function planeDistance(origin: Vec3, dir: Vec3, normal: Vec3, offset: number): number {
  const facing = dot(normal, dir);
  if (facing >= 0) return Infinity;
  const t = (offset - dot(normal, origin)) / facing;
  return t > 0 ? t : Infinity;
}

const FLOOR_NORMAL: Vec3 = [0, 1, 0];
/** Inward normals n and offsets n·p of the back, left and right walls. */
const WALLS: readonly { normal: Vec3; offset: number }[] = [
  { normal: [0, 0, 1], offset: -BACK_WALL_DISTANCE },
  { normal: [1, 0, 0], offset: -SIDE_WALL_OFFSET },
  { normal: [-1, 0, 0], offset: -SIDE_WALL_OFFSET },
];

/** The room's nearest surface along a ray from inside it: floor, a wall, or sky over the walls. */
function intersectRoom(origin: Vec3, dir: Vec3): { region: Region; t: number; normal: Vec3 } {
  let best = { region: Region.Sky, t: Infinity, normal: FLOOR_NORMAL };
  const tFloor = planeDistance(origin, dir, FLOOR_NORMAL, 0);
  if (tFloor < best.t) best = { region: Region.Floor, t: tFloor, normal: FLOOR_NORMAL };
  for (const wall of WALLS) {
    const t = planeDistance(origin, dir, wall.normal, wall.offset);
    if (t < best.t) best = { region: Region.Wall, t, normal: wall.normal };
  }
  if (best.region === Region.Wall && origin[1] + best.t * dir[1] > WALL_HEIGHT) best.region = Region.Sky;
  return best;
}

/** Directions spread evenly (golden-angle spiral) over the key light's disc. */
const SHADOW_DIRECTIONS: readonly Vec3[] = (() => {
  const side = normalise(cross(KEY_LIGHT_DIRECTION, [0, 0, 1]));
  const other = cross(side, KEY_LIGHT_DIRECTION);
  const directions: Vec3[] = [];
  for (let i = 0; i < SHADOW_SAMPLES; i++) {
    const radius = KEY_LIGHT_SPREAD * Math.sqrt((i + 0.5) / SHADOW_SAMPLES);
    const angle = i * Math.PI * (3 - Math.sqrt(5));
    const a = radius * Math.cos(angle);
    const b = radius * Math.sin(angle);
    directions.push(normalise([
      KEY_LIGHT_DIRECTION[0] + a * side[0] + b * other[0],
      KEY_LIGHT_DIRECTION[1] + a * side[1] + b * other[1],
      KEY_LIGHT_DIRECTION[2] + a * side[2] + b * other[2],
    ]));
  }
  return directions;
})();

/** Fraction of the key light's disc that the object leaves visible from floor point `point`. */
function keyLightVisibility(shape: number, size: number, point: Vec3): number {
  let visible = 0;
  for (const direction of SHADOW_DIRECTIONS) if (intersectObject(shape, size, point, direction) === undefined) visible++;
  return visible / SHADOW_SAMPLES;
}

/**
 * One (scale, shape, orientation) view as a palette of its distinct (region, shading) pairs and
 * each pixel's palette entry: an image then costs one colour computation per entry (a few hundred)
 * and a copy per pixel.
 */
interface SceneView {
  pixelEntries: Uint16Array;
  entryRegions: Uint8Array;
  entryShading: Float32Array;
}

/** Shading is rounded to 1/SHADING_STEPS, below a sixth of a uint8 output level, to share entries. */
const SHADING_STEPS = 1024;

function paletteView(regions: Uint8Array, shading: Float32Array): SceneView {
  const entryOf = new Map<number, number>();
  const entryRegions: number[] = [];
  const entryShading: number[] = [];
  const pixelEntries = new Uint16Array(NUM_PIXELS);
  for (let pixel = 0; pixel < NUM_PIXELS; pixel++) {
    const level = Math.round(shading[pixel] * SHADING_STEPS);
    const key = level * 4 + regions[pixel];
    let entry = entryOf.get(key);
    if (entry === undefined) {
      entry = entryRegions.length;
      entryOf.set(key, entry);
      entryRegions.push(regions[pixel]);
      entryShading.push(level / SHADING_STEPS);
    }
    pixelEntries[pixel] = entry;
  }
  return { pixelEntries, entryRegions: Uint8Array.from(entryRegions), entryShading: Float32Array.from(entryShading) };
}

function castView(scaleIndex: number, shape: number, orientationIndex: number, appearance: Shapes3dAppearance): SceneView {
  // φ = 0 puts the camera on +z looking toward −z; positive φ turns it about the vertical axis.
  const azimuth = (orientationDegrees(orientationIndex) * Math.PI) / 180;
  const eye: Vec3 = [CAMERA_DISTANCE * Math.sin(azimuth), CAMERA_HEIGHT, CAMERA_DISTANCE * Math.cos(azimuth)];
  const forward = normalise([-eye[0], CAMERA_TARGET_HEIGHT - eye[1], -eye[2]]);
  const right = normalise(cross(forward, [0, 1, 0]));
  const up = cross(right, forward);
  const halfExtent = Math.tan((VERTICAL_FOV_DEGREES * Math.PI) / 360);
  const size = scaleValue(scaleIndex);

  const regions = new Uint8Array(NUM_PIXELS);
  const shading = new Float32Array(NUM_PIXELS);
  for (let row = 0; row < IMAGE_SIZE; row++) {
    const v = (1 - (2 * (row + 0.5)) / IMAGE_SIZE) * halfExtent;
    for (let col = 0; col < IMAGE_SIZE; col++) {
      const u = ((2 * (col + 0.5)) / IMAGE_SIZE - 1) * halfExtent;
      const dir = normalise([
        forward[0] + u * right[0] + v * up[0],
        forward[1] + u * right[1] + v * up[1],
        forward[2] + u * right[2] + v * up[2],
      ]);
      const objectHit = intersectObject(shape, size, eye, dir);
      const surface = objectHit ? { region: Region.Object, t: objectHit.t, normal: objectHit.normal } : intersectRoom(eye, dir);
      const pixel = row * IMAGE_SIZE + col;
      regions[pixel] = surface.region;
      if (surface.region === Region.Sky) {
        shading[pixel] = 1;
        continue;
      }
      const { normal } = surface;
      // The key light is a spot on the object, as the originals' evenly lit walls suggest: it
      // lights the floor and the object but not the walls, whose corners therefore always show.
      let key = surface.region === Region.Wall ? 0 : Math.max(0, dot(normal, KEY_LIGHT_DIRECTION));
      const x = eye[0] + surface.t * dir[0];
      const z = eye[2] + surface.t * dir[2];
      key /= 1 + ((x - KEY_LIGHT_CENTRE_X) ** 2 + z * z) / KEY_LIGHT_REACH ** 2;
      if (surface.region === Region.Floor && key > 0) {
        // Lifted off the floor so that shadow rays cannot hit the object's own base.
        key *= keyLightVisibility(shape, size, [x, 1e-6, z]);
      }
      shading[pixel] = appearance.ambient + appearance.headlight * Math.max(0, -dot(normal, dir)) + appearance.keyLight * key;
    }
  }
  return paletteView(regions, shading);
}

/** Standard HSV→RGB with all components in [0, 1]. */
function hsvToRgb(hue: number, saturation: number, value: number): Vec3 {
  const sector = Math.floor(hue * 6) % 6;
  const fraction = hue * 6 - Math.floor(hue * 6);
  const p = value * (1 - saturation);
  const q = value * (1 - fraction * saturation);
  const t = value * (1 - (1 - fraction) * saturation);
  const bySector: Vec3[] = [
    [value, t, p],
    [q, value, p],
    [p, value, t],
    [p, q, value],
    [t, p, value],
    [value, p, q],
  ];
  return bySector[sector];
}

export class Shapes3dData implements GroundTruthData {
  readonly name = 'shapes3d';
  readonly factorNames = ['floor_hue', 'wall_hue', 'object_hue', 'scale', 'shape', 'orientation'] as const;
  readonly factorSizes = FACTOR_SIZES;
  readonly observationShape = [IMAGE_SIZE, IMAGE_SIZE, 3] as const;

  /** Lazily cast views, indexed by (scale, shape, orientation) in C order. */
  private readonly views: (SceneView | undefined)[] = new Array(NUM_SCALES * NUM_SHAPES * NUM_ORIENTATIONS);
  /** Lit surface colour per hue index, RGB, before shading: HSV colour × light colour. */
  private readonly hueColours: Float32Array;
  /** Scratch: the four region colours of the image being rendered, region-major RGB. */
  private readonly regionColours = new Float32Array(12);
  /** Scratch: the output colour of each palette entry of the view being rendered. */
  private readonly entryColours = new Float32Array(NUM_PIXELS * 3);

  constructor(private readonly appearance: Shapes3dAppearance = SHAPES3D_APPEARANCE) {
    this.hueColours = new Float32Array(NUM_HUES * 3);
    for (let h = 0; h < NUM_HUES; h++) {
      const rgb = hsvToRgb(hueValue(h), appearance.saturation, appearance.value);
      for (let c = 0; c < 3; c++) this.hueColours[h * 3 + c] = rgb[c] * appearance.lightColour[c];
    }
    this.regionColours.set(SKY_RGB, Region.Sky * 3);
  }

  render(factors: ArrayLike<number>, out: Float32Array, offset: number): void {
    factorsToIndex(FACTOR_SIZES, factors); // validates every factor before any table lookup
    const [floorHue, wallHue, objectHue, scale, shape, orientation] = Array.from(factors);
    const view = this.view(scale, shape, orientation);
    const colours = this.regionColours;
    colours.set(this.hueColours.subarray(floorHue * 3, floorHue * 3 + 3), Region.Floor * 3);
    colours.set(this.hueColours.subarray(wallHue * 3, wallHue * 3 + 3), Region.Wall * 3);
    colours.set(this.hueColours.subarray(objectHue * 3, objectHue * 3 + 3), Region.Object * 3);
    const { pixelEntries, entryRegions, entryShading } = view;
    const entryColours = this.entryColours;
    for (let entry = 0, e = 0; entry < entryRegions.length; entry++, e += 3) {
      const base = entryRegions[entry] * 3;
      const light = entryShading[entry];
      // The original images are uint8, so values are quantised to k/255 like theirs.
      entryColours[e] = Math.round(255 * Math.min(1, colours[base] * light)) / 255;
      entryColours[e + 1] = Math.round(255 * Math.min(1, colours[base + 1] * light)) / 255;
      entryColours[e + 2] = Math.round(255 * Math.min(1, colours[base + 2] * light)) / 255;
    }
    for (let pixel = 0, o = offset; pixel < NUM_PIXELS; pixel++, o += 3) {
      const e = pixelEntries[pixel] * 3;
      out[o] = entryColours[e];
      out[o + 1] = entryColours[e + 1];
      out[o + 2] = entryColours[e + 2];
    }
  }

  private view(scale: number, shape: number, orientation: number): SceneView {
    const key = (scale * NUM_SHAPES + shape) * NUM_ORIENTATIONS + orientation;
    let view = this.views[key];
    if (view === undefined) {
      view = castView(scale, shape, orientation, this.appearance);
      this.views[key] = view;
    }
    return view;
  }
}
