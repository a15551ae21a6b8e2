// `disentangle bench train`: the training benchmark (src/bench/train_throughput.ts) on the chosen
// backend, written as JSON for `npm run bench` to compare with PyTorch's.
import { measureTrainThroughput } from '../bench/train_throughput.js';
import { UserError } from '../util/errors.js';
import { writeFileAtomic } from '../util/files.js';
import { withBackend, type Program } from './backend.js';

function positiveNumber(option: string, text: string, integer = false): number {
  const value = Number(text);
  if (!(value > 0) || !Number.isFinite(value) || (integer && !Number.isInteger(value))) {
    throw new UserError(`${option}: expected a positive ${integer ? 'integer' : 'number'}, got '${text}'`);
  }
  return value;
}

export function registerBenchCommands(program: Program): void {
  const bench = program.command('bench').description('measure throughput on this machine');

  bench.command('train')
    .description('train and encode the standard 64x64 beta-VAE (batch 64, Adam) on random binary images; images/s, median of timed windows')
    .requiredOption('--out <file>', 'JSON file to write: {backend, threads, encode_threads, train_images_per_s, encode_images_per_s, ...}')
    .option('--windows <n>', 'timed windows per measurement', '5')
    .option('--window-seconds <s>', 'seconds per window', '3')
    .action(async (opts) => {
      const windows = positiveNumber('--windows', opts.windows, true);
      const windowSeconds = positiveNumber('--window-seconds', opts.windowSeconds);
      await withBackend(program, 'auto', async ({ name, threads, inferenceThreads }) => {
        const result = await measureTrainThroughput({ windows, windowSeconds });
        writeFileAtomic(opts.out, `${JSON.stringify({ backend: name, threads, encode_threads: inferenceThreads, ...result }, null, 1)}\n`);
        console.log(`train ${result.train_images_per_s} images/s, encode ${result.encode_images_per_s} images/s; wrote ${opts.out}`);
      });
    });
}
