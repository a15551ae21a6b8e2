// V3's evaluation suite (`eval --suite v3`, spec v3.md §6): the test split encoded in eval mode,
// then precision/recall@k retrieval (best F1 and PR-AUC) of content on z_c and style on z_s, with
// the leakage checks the other way round; the codebook's confusion with the content labels and its
// accuracy, drawn as a heat map; zero-shot accuracy on the out-of-distribution styles through the
// in-distribution atom-to-class map, and again after few-shot adaptation (few_shot.ts); 3-D t-SNE
// pictures; and a picture of test samples above their reconstructions.
import * as tf from '@tensorflow/tfjs-core';
import * as path from 'node:path';
import type { SequenceDataset } from '../sequences/sequence_data.js';
import { OOD_SEQUENCE_DATASETS } from '../sequences/registry.js';
import { writeFileAtomic } from '../util/files.js';
import { Rng } from '../util/random.js';
import { heatmap } from '../viz/heatmap.js';
import { encodePng } from '../viz/png.js';
import { fragmentRowsPng, valueRange } from '../viz/sequence_sheet.js';
import { renderSamples } from './batches.js';
import { embedSplit } from './embed.js';
import { codebookAccuracy, codebookConfusion, countAtomClasses, zeroShotOodAccuracy } from './codebook.js';
import { retrievalMetrics, type RetrievalResult } from './retrieval.js';
import { fewShotAccuracy } from './few_shot.js';
import { datasetOf, type V3Session } from './session.js';
import type { V3System } from './system.js';
import { tsnePictures } from './tsne_pictures.js';

const summary = ({ pr_auc, best_f1 }: RetrievalResult) => ({ pr_auc, best_f1 });

export interface V3Evaluation {
  metrics: Record<string, Record<string, number>>;
  files: string[];
}

export async function evaluateV3(session: V3Session, runDir: string, log?: (line: string) => void): Promise<V3Evaluation> {
  const { config, data, system } = session;
  const streams = Rng.fromSeed(session.evalSeed).fork('evaluation');
  const batchSize = config.train.batch_size;
  log?.('encoding the test split');
  const test = embedSplit(system, data, 'test', config.eval.repeats, batchSize, streams.fork('test'));
  const retrieval = (values: Float32Array, labels: Int32Array) =>
    summary(retrievalMetrics({ values, rows: test.rows, cols: test.dim }, labels, { paper_era: config.eval.paper_era }));
  log?.('retrieval: content and style on z_c and z_s');
  const metrics: Record<string, Record<string, number>> = {
    content_on_zc: retrieval(test.content, test.contentLabels),
    style_on_zs: retrieval(test.style, test.styleLabels),
    content_on_zs: retrieval(test.style, test.contentLabels),
    style_on_zc: retrieval(test.content, test.styleLabels),
  };
  const counts = countAtomClasses(test.atoms, test.contentLabels, config.model.n_atoms, data.contentNames.length);
  const confusion = codebookConfusion(counts);
  metrics.codebook = {
    accuracy: codebookAccuracy(confusion.normalized),
    atoms_used: counts.filter((row) => row.some((c) => c > 0)).length,
    fragments: test.rows,
  };
  const files: string[] = [];
  const write = (name: string, bytes: Uint8Array) => {
    const file = path.join(runDir, name);
    writeFileAtomic(file, bytes);
    files.push(file);
  };
  // Rows: atoms in the permuted order, numbered by atom; columns: content classes by label.
  write('codebook_confusion.png', encodePng(heatmap(confusion.permuted.flat(), confusion.permuted.length, data.contentNames.length, {
    rowLabels: confusion.permutation, colLabels: data.contentNames.map((_, c) => c),
  })));

  if (OOD_SEQUENCE_DATASETS.includes(config.dataset.name)) {
    log?.('zero-shot: the out-of-distribution styles through the in-distribution atom map');
    const ood = await datasetOf(config, true);
    try {
      const oodTest = embedSplit(system, ood, 'test', 1, batchSize, streams.fork('ood'));
      metrics.zero_shot_ood = { ...zeroShotOodAccuracy(confusion, oodTest.atoms, oodTest.contentLabels) };
      for (const shots of config.eval.few_shot) {
        log?.(`few-shot: one epoch on ${shots} sample(s) per OOD style, then the OOD test split`);
        metrics[`few_shot_${shots}`] = { ...fewShotAccuracy(session, ood, shots, confusion, streams.fork(`few-shot ${shots}`)) };
      }
    } finally {
      ood.close?.();
    }
  }
  if (config.eval.tsne_points > 0) {
    log?.(`t-SNE of ${Math.min(config.eval.tsne_points, test.rows)} fragments`);
    for (const [name, png] of tsnePictures(test, system.quantizer.codebook.dataSync() as Float32Array, config.eval.tsne_points, streams.fork('tsne'))) {
      write(name, png);
    }
  }
  write('reconstructions.png', reconstructionSheet(system, data, streams.fork('pictures')));
  return { metrics, files };
}

/** Four test samples, each above its reconstruction. */
function reconstructionSheet(system: V3System, data: SequenceDataset, rng: Rng): Buffer {
  const indices = Int32Array.from({ length: Math.min(4, data.count('test')) }, (_, i) => i);
  const batch = renderSamples(data, 'test', indices, rng);
  const recon = tf.tidy(() => system.forward(batch, false).recon.dataSync() as Float32Array);
  const inputs = batch.x.dataSync() as Float32Array;
  batch.x.dispose();
  const perSample = inputs.length / indices.length;
  const rows = [...indices].flatMap((_, b) => [inputs.slice(b * perSample, (b + 1) * perSample), recon.slice(b * perSample, (b + 1) * perSample)]);
  // Spectrograms span whatever their values span; images are in [-1, 1] (PhoneNums) or [0, 1] (Sprites).
  const span = valueRange(rows);
  const range = data.fragmentShape[2] === 1 ? span : span[0] < 0 ? [-1, 1] as const : [0, 1] as const;
  return fragmentRowsPng(rows, data.fragmentShape, data.fragmentsPerSample, range);
}
