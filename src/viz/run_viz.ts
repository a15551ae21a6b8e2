// Every picture of a trained ground-truth run, as `disentangle viz` writes them (disentanglement_lib's
// visualize_model and more): reconstructions, samples from the prior, a still traversal and the
// five animated traversal cycles, the dataset's factor traversals, the metrics' score matrices as
// heat maps, UMAP embeddings of the codes coloured by each factor and the ground-truth vs latent
// distance plot. Files are returned, not written, and every draw comes from the session's
// evaluation seed, so the same run and seed give the same bytes.
import * as tf from '@tensorflow/tfjs-core';
import type { TopLevelSpec } from 'vega-lite';
import { withInferenceThreads } from '../backends/select.js';
import { renderBatch, sampleFactors } from '../datasets/ground_truth.js';
import { computeDci } from '../metrics/dci.js';
import { computeMig } from '../metrics/mig.js';
import { computeSap } from '../metrics/sap.js';
import { drawTable, metricInputs } from '../train/evaluate.js';
import type { Session } from '../train/session.js';
import { Rng } from '../util/random.js';
import { distanceChartSpec, pairDistances } from './distance_chart.js';
import { embeddingChartSpec, umapEmbedding } from './embedding_chart.js';
import { factorTraversalGrid } from './factor_traversal_grid.js';
import { encodeGif } from './gif.js';
import { imageGrid, type Image } from './image.js';
import type { VizPicture } from './index_page.js';
import { matrixChartSpec, type MatrixChart } from './matrix_chart.js';
import { decodeToImages, splitImages } from './model_pictures.js';
import { encodePng } from './png.js';
import { svgToPng } from './svg_png.js';
import { reconstructionGrid, traversalFrames, traversalGrid, traversalLatents, traversalValues } from './traversal.js';
import { CYCLE_FPS, CYCLE_FRAMES, latentStatistics, traversalCycle, TRAVERSAL_MODES } from './traversal_modes.js';
import { renderSvg } from './vega.js';

/** disentanglement_lib's sample sizes: 64 reconstructions, 64 prior samples, 64 encoded codes for the cycles. */
const RECONSTRUCTIONS = 64;
const PRIOR_SAMPLES = 64;
const ENCODED_FOR_CYCLES = 64;
const GRID_COLUMNS = 8;

type Log = (line: string) => void;

/** Encoder means and log-variances of n observations, row-major n x zDim. */
function encodePosteriors(session: Session, images: Float32Array, n: number): { means: Float32Array; logvars: Float32Array } {
  const { model } = session.framework;
  return withInferenceThreads(() => tf.tidy(() => {
    const { mu, logvar } = model.encode(tf.tensor4d(images, [n, ...model.imageShape]));
    return { means: mu.dataSync() as Float32Array, logvars: logvar.dataSync() as Float32Array };
  }));
}

function pngPicture(section: string, caption: string, name: string, image: Image): VizPicture {
  return { section, caption, shown: { name, data: encodePng(image) } };
}

async function chartPicture(section: string, caption: string, stem: string, spec: TopLevelSpec): Promise<VizPicture> {
  const svg = await renderSvg(spec);
  return { section, caption, shown: { name: `${stem}.svg`, data: svg }, copies: [{ name: `${stem}.png`, data: svgToPng(svg) }] };
}

function modelPictures(session: Session, rng: Rng): VizPicture[] {
  const { dataset, framework } = session;
  const zDim = framework.model.zDim;
  const inputs = renderBatch(dataset, sampleFactors(dataset.factorSizes, RECONSTRUCTIONS, rng), RECONSTRUCTIONS);
  const { means } = encodePosteriors(session, inputs, RECONSTRUCTIONS);
  const reconstructions = reconstructionGrid(
    splitImages(inputs, RECONSTRUCTIONS, dataset.observationShape), decodeToImages(session, means, RECONSTRUCTIONS), { cols: GRID_COLUMNS },
  );
  const prior = Float32Array.from({ length: PRIOR_SAMPLES * zDim }, () => rng.normal());
  const samples = imageGrid(decodeToImages(session, prior, PRIOR_SAMPLES), GRID_COLUMNS);
  return [
    pngPicture('Reconstructions', 'rows of inputs, each above the row of their reconstructions', 'reconstructions.png', reconstructions),
    pngPicture('Samples', `decoded codes z ~ N(0, I), ${PRIOR_SAMPLES} draws`, 'samples.png', samples),
  ];
}

/** The still traversal (latents in index order) and the five animated cycles of the first num_animations codes. */
function traversalPictures(session: Session, rng: Rng, log: Log): VizPicture[] {
  const { dataset, config, framework } = session;
  const zDim = framework.model.zDim;
  const images = renderBatch(dataset, sampleFactors(dataset.factorSizes, ENCODED_FOR_CYCLES, rng), ENCODED_FOR_CYCLES);
  const { means, logvars } = encodePosteriors(session, images, ENCODED_FOR_CYCLES);
  const values = traversalValues(config.viz.traversal_steps, config.viz.traversal_limit);
  const base = means.slice(0, zDim);
  const still = traversalGrid(Array.from({ length: zDim }, (_, d) => decodeToImages(session, traversalLatents(base, d, values), values.length)));
  const pictures = [pngPicture('Latent traversals', `one row per latent (z0 at the top), each over [-${config.viz.traversal_limit}, ${config.viz.traversal_limit}] from the first code`, 'traversals.png', still)];
  const statistics = Array.from({ length: zDim }, (_, d) => latentStatistics(means, logvars, ENCODED_FOR_CYCLES, zDim, d));
  const columns = Math.ceil(Math.sqrt(zDim));
  const animations = Math.min(config.viz.num_animations, ENCODED_FOR_CYCLES);
  TRAVERSAL_MODES.forEach((mode, m) => {
    log(`viz: ${mode} (${m + 1}/${TRAVERSAL_MODES.length}), ${animations} animation${animations === 1 ? '' : 's'}`);
    for (let b = 0; b < animations; b++) {
      const code = means.slice(b * zDim, (b + 1) * zDim);
      const rows = statistics.map((stats, d) => decodeToImages(session, traversalLatents(code, d, traversalCycle(mode, code[d], stats)), CYCLE_FRAMES));
      const gif = encodeGif(traversalFrames(rows, columns), { delayMs: 1000 / CYCLE_FPS });
      pictures.push({
        section: 'Latent traversals',
        caption: `${mode.replace(/_/g, ' ')}, code ${b}: latents z0.. left to right, top to bottom`,
        shown: { name: `${mode}${b}.gif`, data: gif },
      });
    }
  });
  return pictures;
}

function fileStem(text: string): string {
  return text.replace(/[^A-Za-z0-9_-]/g, '_');
}

/** MIG's, DCI's and SAP's matrices for the encoder mean, drawn from the very points `disentangle eval` scores. */
async function matrixPictures(session: Session, log: Log): Promise<VizPicture[]> {
  const { config, dataset } = session;
  const factorNames = dataset.factorNames;
  const charts: { stem: string; caption: string; chart: () => Promise<MatrixChart> }[] = [
    {
      stem: 'mig_mutual_information', caption: "MIG's mutual information between each latent and factor",
      chart: async () => {
        const result = computeMig(await drawTable(metricInputs(session, 'mean', 'mig').source, config.eval.mig.num_train), { numBins: config.eval.mig.num_bins });
        return { title: `MIG ${result.discrete_mig.toFixed(3)}: mutual information`, matrix: result.details.mi_matrix, factorNames, valueTitle: 'MI (nats)' };
      },
    },
    {
      stem: 'dci_importance', caption: "DCI's importance of each latent for predicting each factor",
      chart: async () => {
        const { source } = metricInputs(session, 'mean', 'dci');
        const result = computeDci(await drawTable(source, config.eval.dci.num_train), await drawTable(source, config.eval.dci.num_test));
        return { title: `DCI disentanglement ${result.disentanglement.toFixed(3)}: importance`, matrix: result.details.importance_matrix, factorNames, valueTitle: 'importance' };
      },
    },
    {
      stem: 'sap_scores', caption: "SAP's score of each latent alone for predicting each factor",
      chart: async () => {
        const { source } = metricInputs(session, 'mean', 'sap');
        const { sap } = config.eval;
        const result = computeSap(await drawTable(source, sap.num_train), await drawTable(source, sap.num_test), { continuousFactors: sap.continuous_factors });
        return { title: `SAP ${result.SAP_score.toFixed(3)}: score matrix`, matrix: result.details.score_matrix, factorNames, valueTitle: 'score' };
      },
    },
  ];
  const pictures: VizPicture[] = [];
  for (const { stem, caption, chart } of charts) {
    log(`viz: ${stem.replace(/_/g, ' ')}`);
    try {
      pictures.push(await chartPicture('Score matrices (encoder mean)', caption, stem, matrixChartSpec(await chart())));
    } catch (e) {
      log(`viz: ${stem} not drawn (${(e instanceof Error ? e.message : String(e)).split('\n')[0]})`);
    }
  }
  return pictures;
}

/** UMAP of the codes coloured by each factor, and the ground-truth vs latent distances of random pairs. */
async function codePictures(session: Session, rng: Rng, log: Log): Promise<VizPicture[]> {
  const { config, dataset, framework } = session;
  const n = config.viz.embedding_points;
  const { source } = metricInputs(session, 'mean', 'viz/embedding');
  const table = await drawTable(source, n);
  const zDim = framework.model.zDim;
  log(`viz: UMAP of ${n} codes`);
  const points = umapEmbedding(table.codes, n, zDim, rng.fork('umap'));
  const pictures: VizPicture[] = [];
  for (const [f, name] of dataset.factorNames.entries()) {
    const values = Int32Array.from({ length: n }, (_, i) => table.factors[i * table.numFactors + f]);
    pictures.push(await chartPicture('Embeddings of the codes', `UMAP of ${n} encoder means, coloured by ${name}`, `umap_${fileStem(name)}`,
      embeddingChartSpec(points, values, name, dataset.factorSizes[f])));
  }
  log(`viz: distances of ${config.viz.distance_pairs} pairs`);
  const distances = pairDistances(table.factors, table.codes, n, table.numFactors, zDim, config.viz.distance_pairs, rng.fork('pairs'));
  pictures.push(await chartPicture('Ground-truth vs latent distances', 'pairs of points: L1 distance of their factor indices against the L1 and L2 distances of their codes', 'distances', distanceChartSpec(distances)));
  return pictures;
}

export async function runPictures(session: Session, log: Log = () => {}): Promise<VizPicture[]> {
  const rng = Rng.fromSeed(session.evalSeed).fork('viz');
  log('viz: reconstructions and samples');
  const pictures = modelPictures(session, rng.fork('model'));
  pictures.push(...traversalPictures(session, rng.fork('traversals'), log));
  pictures.push(pngPicture('Dataset', `${session.dataset.name}: one row per factor (${session.dataset.factorNames.join(', ')}), swept across its values`,
    'factor_traversals.png', factorTraversalGrid(session.dataset, rng.fork('factors'))));
  pictures.push(...await matrixPictures(session, log));
  pictures.push(...await codePictures(session, rng.fork('codes'), log));
  return pictures;
}
