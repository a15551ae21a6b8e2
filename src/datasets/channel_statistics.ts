// disent standardises every network input per channel, (x − mean_c) / std_c, with constants its
// configs carry as vis_mean / vis_std (msc_research.md §1): mean = the dataset mean of each image's
// channel mean, std = the dataset mean of each image's unbiased channel standard deviation. These
// are those constants, by dataset; XYSquares in RGB has the same statistics in every image, so
// they follow in closed form for any spacing or grid.
import { UserError } from '../util/errors.js';
import { squareGridOptions, type DatasetSettings } from './registry.js';
import { squareGrid } from './xysquares.js';

export interface ChannelStatistics {
  mean: number[];
  std: number[];
}

const repeated = (mean: number, std: number, channels: number): ChannelStatistics => ({
  mean: Array(channels).fill(mean),
  std: Array(channels).fill(std),
});

/**
 * One square of side s in each channel of an I × I image: every image has s² ones among I² pixels,
 * so mean = s²/I² and the unbiased variance is (s² − I²·mean²)/(I² − 1).
 */
function squarePerChannel(squareSize: number, imageSize: number): ChannelStatistics {
  const pixels = imageSize * imageSize;
  const mean = (squareSize * squareSize) / pixels;
  const variance = (squareSize * squareSize - pixels * mean * mean) / (pixels - 1);
  return repeated(mean, Math.sqrt(variance), 3);
}

// The constants of disent's dataset configs (X--xysquares_grey, X--xyobject, dsprites).
const XYSQUARES_GREY = repeated(0.046146392822265625, 0.2096506119375896, 1);
const XYOBJECT = repeated(0.009818761549013288, 0.052632363725245844, 3);
const DSPRITES = repeated(0.042494423521889584, 0.19516645880626055, 1);

function xySquaresStatistics(settings: DatasetSettings): ChannelStatistics | undefined {
  const { squareSize, imageSize } = squareGrid(squareGridOptions(settings));
  const numSquares = (settings.num_squares as number | undefined) ?? 3;
  if (settings.rgb === false) {
    // Grey squares overlap one another, so the statistics depend on the grid: only disent's default one is known.
    const others = Object.keys(settings).filter((key) => key !== 'rgb');
    return others.length === 0 ? XYSQUARES_GREY : undefined;
  }
  return numSquares === 3 ? squarePerChannel(squareSize, imageSize) : undefined;
}

/** disent's per-channel statistics of `name` with `settings`; a UserError naming `where` when none are known. */
export function channelStatistics(name: string, settings: DatasetSettings, where: string): ChannelStatistics {
  let stats: ChannelStatistics | undefined;
  if (name === 'xysquares') stats = xySquaresStatistics(settings);
  else if (name === 'xysquares_minimal') stats = xySquaresStatistics({});
  else if (name === 'xyobject' || name === 'xyobject_shaded') stats = XYOBJECT;
  else if (name === 'dsprites') stats = DSPRITES;
  if (!stats) {
    throw new UserError(`${where}: no channel statistics are known for dataset '${name}'${Object.keys(settings).length > 0 ? ' with these settings' : ''} (known: dsprites, xyobject, xyobject_shaded, xysquares in RGB with 3 squares or grey by default, xysquares_minimal)`);
  }
  return stats;
}
