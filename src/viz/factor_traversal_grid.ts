// The picture of a ground-truth dataset: one row per factor, the factor swept across its values
// (evenly spaced when it has more values than columns) from one random base combination.
import { sampleFactors, type GroundTruthData } from '../datasets/ground_truth.js';
import type { Rng } from '../util/random.js';
import { imageGrid, type Image } from './image.js';

export function factorTraversalGrid(data: GroundTruthData, rng: Rng, maxColumns = 12): Image {
  const [height, width, channels] = data.observationShape;
  const size = height * width * channels;
  const base = sampleFactors(data.factorSizes, 1, rng);
  const columns = Math.min(maxColumns, Math.max(...data.factorSizes));
  const cells: (Image | null)[] = [];
  data.factorSizes.forEach((factorSize, f) => {
    const steps = Math.min(columns, factorSize);
    for (let c = 0; c < columns; c++) {
      if (c >= steps) {
        cells.push(null);
        continue;
      }
      const factors = Int32Array.from(base);
      factors[f] = steps === 1 ? 0 : Math.round((c * (factorSize - 1)) / (steps - 1));
      const pixels = new Float32Array(size);
      data.render(factors, pixels, 0);
      cells.push({ width, height, channels: channels as 1 | 3, data: pixels });
    }
  });
  return imageGrid(cells, columns);
}
