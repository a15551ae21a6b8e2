// Procedural Shapes3D / 3D Shapes (datasets.md §3.2): the original MuJoCo/GQN renderer and its
// parameters are not published, so the scene is re-created by per-pixel ray casting of a room
// (floor plus two walls meeting in a "V" corner behind the object) and one object primitive,
// seen by a camera that orbits the object. Factor order, sizes and C-order enumeration match the
// original `3dshapes.h5`, so factor vectors and indices mean the same thing there.
//
// Speed: the geometry depends only on (scale, shape, orientation) — 480 combinations — and the
// three hues only recolour fixed regions. Each combination's per-pixel region (floor, wall or
// object) and Lambert shading are ray-cast once and cached; rendering an image is then a table
// lookup per pixel.
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
 * Colour constants of the renderer. A surface of hue h with unit normal n gets, per channel c,
 * min(1, HSV→RGB(h, saturation, value)_c · lightColour_c · (ambient + diffuse · max(0, n·l))).
 *
 * Calibrated (datasets.md §3.2) against the disent statistics of the original data: channel
 * means [0.503, 0.579, 0.603], mean per-image stds [0.294, 0.344, 0.366]. With hues spread evenly
 * over the colour wheel every channel of HSV→RGB averages the same (at most 0.5 at full
 * saturation), so the original's brighter green and blue need a tinted light stronger than 1;
 * the excess saturates to 1, which is what lifts the means above 0.5. Full saturation and a low
 * ambient term give the largest within-image contrast this three-region scene can produce.
 *
 * Achieved over 20 000 seeded uniform samples: means [0.504, 0.575, 0.587],
 * mean per-image stds [0.280, 0.287, 0.286]. The green and blue stds stay short of the
 * targets: a coordinate search over saturation, ambient/diffuse split, per-channel light colour,
 * an additive ambient tint and camera height never exceeded ≈0.31, because an image is three flat
 * colour regions (floor and walls roughly half each, the object a few per cent) whose per-channel
 * spread is bounded by the hue wheel; the original must hold more within-image variation
 * (e.g. lighting gradients or shadows) than §3.2's recipe has.
 */
export interface Shapes3dAppearance {
  saturation: number;
  value: number;
  ambient: number;
  diffuse: number;
  /** Multiplies each RGB channel of the light: the tint the original's channel means need. */
  lightColour: readonly [number, number, number];
  /** Camera height above the floor (scene units). */
  cameraHeight: number;
}

export const SHAPES3D_APPEARANCE: Shapes3dAppearance = {
  saturation: 1,
  value: 1,
  ambient: 0.3,
  diffuse: 0.7,
  lightColour: [1.725, 2.85, 3.4],
  cameraHeight: 1.6,
};

const CAMERA_DISTANCE = 3.0;
const CAMERA_TARGET_HEIGHT = 0.45;
const VERTICAL_FOV_DEGREES = 45;
/** Both walls pass through the corner (0, ·, −2.5). */
const WALL_CORNER_Z = -2.5;
/** Object size s = 0.5 · scale value. */
const OBJECT_SIZE_PER_SCALE = 0.5;

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

const LIGHT_DIRECTION = normalise([-0.3, 1.0, 0.6]);
const FLOOR_NORMAL: Vec3 = [0, 1, 0];
/** The wall on the viewer's left faces right-forward; the one on the right faces left-forward. */
const LEFT_WALL_NORMAL: Vec3 = [Math.SQRT1_2, 0, Math.SQRT1_2];
const RIGHT_WALL_NORMAL: Vec3 = [-Math.SQRT1_2, 0, Math.SQRT1_2];
/** Rays that miss both walls (none do within the camera's field of view) see a back wall. */
const BACK_WALL_NORMAL: Vec3 = [0, 0, 1];

/** Which colour a pixel takes: the floor's, the walls' or the object's hue. */
const enum Region {
  Floor = 0,
  Wall = 1,
  Object = 2,
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

/**
 * Vertical cylinder of `radius` around the y axis standing on the floor, with its top cap. The
 * bottom cap lies on the floor and the camera is above the object, so no ray can enter there.
 */
function intersectCylinder(origin: Vec3, dir: Vec3, radius: number, height: number): Hit | undefined {
  let side: Hit | undefined;
  const tSide = nearestRoot(
    dir[0] * dir[0] + dir[2] * dir[2],
    origin[0] * dir[0] + origin[2] * dir[2],
    origin[0] * origin[0] + origin[2] * origin[2] - radius * radius,
  );
  const ySide = origin[1] + tSide * dir[1];
  if (tSide !== Infinity && ySide >= 0 && ySide <= height) {
    const x = origin[0] + tSide * dir[0];
    const z = origin[2] + tSide * dir[2];
    side = { t: tSide, normal: [x / radius, 0, z / radius] };
  }
  let top: Hit | undefined;
  const tTop = (height - origin[1]) / dir[1];
  if (tTop > 0) {
    const x = origin[0] + tTop * dir[0];
    const z = origin[2] + tTop * dir[2];
    if (x * x + z * z <= radius * radius) top = { t: tTop, normal: [0, 1, 0] };
  }
  return nearer(side, top);
}

/**
 * Capsule lying along the x axis: the segment x ∈ [−halfLength, halfLength] at height `radius`
 * swept by a sphere of `radius`. The union's first hit is the nearest first hit of its parts.
 */
function intersectCapsule(origin: Vec3, dir: Vec3, radius: number, halfLength: number): Hit | undefined {
  let body: Hit | undefined;
  const oy = origin[1] - radius;
  const oz = origin[2];
  const tBody = nearestRoot(dir[1] * dir[1] + dir[2] * dir[2], oy * dir[1] + oz * dir[2], oy * oy + oz * oz - radius * radius);
  const xBody = origin[0] + tBody * dir[0];
  if (tBody !== Infinity && Math.abs(xBody) <= halfLength) {
    body = { t: tBody, normal: [0, (oy + tBody * dir[1]) / radius, (oz + tBody * dir[2]) / radius] };
  }
  const leftEnd = intersectSphere(origin, dir, [-halfLength, radius, 0], radius);
  const rightEnd = intersectSphere(origin, dir, [halfLength, radius, 0], radius);
  return nearer(body, nearer(leftEnd, rightEnd));
}

/** The object primitive of `shape` with size s, resting on the floor at the origin. */
function intersectObject(shape: number, size: number, origin: Vec3, dir: Vec3): Hit | undefined {
  const half = size / 2;
  switch (SHAPES3D_SHAPES[shape]) {
    case 'cube':
      return intersectBox(origin, dir, [-half, 0, -half], [half, size, half]);
    case 'cylinder':
      return intersectCylinder(origin, dir, half, size);
    case 'sphere':
      return intersectSphere(origin, dir, [0, half, 0], half);
    case 'capsule':
      return intersectCapsule(origin, dir, size / 4, size / 4);
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

/** The room's nearest surface along a ray: the floor or one of the walls. */
function intersectRoom(origin: Vec3, dir: Vec3): { region: Region; normal: Vec3 } {
  // Both wall planes contain the corner (0, ·, WALL_CORNER_Z): n·p = n·corner.
  const tLeft = planeDistance(origin, dir, LEFT_WALL_NORMAL, LEFT_WALL_NORMAL[2] * WALL_CORNER_Z);
  const tRight = planeDistance(origin, dir, RIGHT_WALL_NORMAL, RIGHT_WALL_NORMAL[2] * WALL_CORNER_Z);
  const tFloor = planeDistance(origin, dir, FLOOR_NORMAL, 0);
  const tWall = Math.min(tLeft, tRight);
  if (tFloor < tWall) return { region: Region.Floor, normal: FLOOR_NORMAL };
  if (tWall === Infinity) return { region: Region.Wall, normal: BACK_WALL_NORMAL };
  return { region: Region.Wall, normal: tLeft < tRight ? LEFT_WALL_NORMAL : RIGHT_WALL_NORMAL };
}

/** One (scale, shape, orientation) view: every pixel's colour region and light intensity. */
interface SceneView {
  regions: Uint8Array;
  shading: Float32Array;
}

function castView(scaleIndex: number, shape: number, orientationIndex: number, appearance: Shapes3dAppearance): SceneView {
  // φ = 0 puts the camera on +z looking toward −z; positive φ turns it about the vertical axis.
  const azimuth = (orientationDegrees(orientationIndex) * Math.PI) / 180;
  const eye: Vec3 = [CAMERA_DISTANCE * Math.sin(azimuth), appearance.cameraHeight, CAMERA_DISTANCE * Math.cos(azimuth)];
  const forward = normalise([-eye[0], CAMERA_TARGET_HEIGHT - eye[1], -eye[2]]);
  const right = normalise(cross(forward, [0, 1, 0]));
  const up = cross(right, forward);
  const halfExtent = Math.tan((VERTICAL_FOV_DEGREES * Math.PI) / 360);
  const size = OBJECT_SIZE_PER_SCALE * scaleValue(scaleIndex);

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
      const surface = objectHit ? { region: Region.Object, normal: objectHit.normal } : intersectRoom(eye, dir);
      const pixel = row * IMAGE_SIZE + col;
      regions[pixel] = surface.region;
      shading[pixel] = appearance.ambient + appearance.diffuse * Math.max(0, dot(surface.normal, LIGHT_DIRECTION));
    }
  }
  return { regions, shading };
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
  /** Scratch: the three region colours of the image being rendered, region-major RGB. */
  private readonly regionColours = new Float32Array(9);

  constructor(private readonly appearance: Shapes3dAppearance = SHAPES3D_APPEARANCE) {
    this.hueColours = new Float32Array(NUM_HUES * 3);
    for (let h = 0; h < NUM_HUES; h++) {
      const rgb = hsvToRgb(hueValue(h), appearance.saturation, appearance.value);
      for (let c = 0; c < 3; c++) this.hueColours[h * 3 + c] = rgb[c] * appearance.lightColour[c];
    }
  }

  render(factors: ArrayLike<number>, out: Float32Array, offset: number): void {
    factorsToIndex(FACTOR_SIZES, factors); // validates every factor before any table lookup
    const [floorHue, wallHue, objectHue, scale, shape, orientation] = Array.from(factors);
    const view = this.view(scale, shape, orientation);
    const colours = this.regionColours;
    colours.set(this.hueColours.subarray(floorHue * 3, floorHue * 3 + 3), Region.Floor * 3);
    colours.set(this.hueColours.subarray(wallHue * 3, wallHue * 3 + 3), Region.Wall * 3);
    colours.set(this.hueColours.subarray(objectHue * 3, objectHue * 3 + 3), Region.Object * 3);
    const { regions, shading } = view;
    for (let pixel = 0, o = offset; pixel < NUM_PIXELS; pixel++, o += 3) {
      const base = regions[pixel] * 3;
      const light = shading[pixel];
      // The original images are uint8, so values are quantised to k/255 like theirs.
      out[o] = Math.round(255 * Math.min(1, colours[base] * light)) / 255;
      out[o + 1] = Math.round(255 * Math.min(1, colours[base + 1] * light)) / 255;
      out[o + 2] = Math.round(255 * Math.min(1, colours[base + 2] * light)) / 255;
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
