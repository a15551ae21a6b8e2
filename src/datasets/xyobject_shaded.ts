// XYObjectShaded (msc_research.md §2.3): the XYObject images with the colour factor split into
// brightness (4 levels) and hue (6 rainbow hues). XYObject's colour index is level·6 + hue, so
// reading (intensity, color) as the two digits of that index gives the same images in the same
// flat order; only the ground-truth factorisation differs, which is exactly what the MSc
// experiment compares. Rendering delegates to XYObjectData so the two can never drift apart.
import { factorsToIndex, type GroundTruthData } from './ground_truth.js';
import { XYObjectData } from './xyobject.js';

const NUM_HUES = 6;
const NUM_INTENSITIES = 4;

export class XYObjectShadedData implements GroundTruthData {
  readonly name = 'xyobject_shaded';
  readonly factorNames = ['x', 'y', 'scale', 'intensity', 'color'] as const;
  readonly factorSizes: readonly number[];
  readonly observationShape: readonly [number, number, number];
  private readonly xyobject = new XYObjectData();
  /** Scratch factor vector in XYObject's (x, y, scale, color) form. */
  private readonly xyobjectFactors = new Int32Array(4);

  constructor() {
    const [xSize, ySize, scaleSize, colourSize] = this.xyobject.factorSizes;
    if (colourSize !== NUM_HUES * NUM_INTENSITIES) {
      throw new Error(`XYObject has ${colourSize} colours; the shaded split expects ${NUM_HUES * NUM_INTENSITIES}`);
    }
    this.factorSizes = [xSize, ySize, scaleSize, NUM_INTENSITIES, NUM_HUES];
    this.observationShape = this.xyobject.observationShape;
  }

  render(factors: ArrayLike<number>, out: Float32Array, offset: number): void {
    factorsToIndex(this.factorSizes, factors); // throws RangeError for a factor outside its range
    const xyobjectFactors = this.xyobjectFactors;
    xyobjectFactors[0] = factors[0];
    xyobjectFactors[1] = factors[1];
    xyobjectFactors[2] = factors[2];
    xyobjectFactors[3] = factors[3] * NUM_HUES + factors[4];
    this.xyobject.render(xyobjectFactors, out, offset);
  }
}
