// `disentangle bench train`: the training benchmark (src/bench/train_throughput.ts) on the chosen
// backend, written as JSON for `npm run bench` to compare with PyTorch's.
import type { Command } from '@commander-js/extra-typings';
import { initBackend, shutdownBackend } from '../backends/select.js';
import { measureTrainThroughput } from '../bench/train_throughput.js';
import { UserError } from '../util/errors.js';
import { writeFileAtomic } from '../util/files.js';

function positiveNumber(option: string, text: string, integer = false): number {
  const value = Number(text);
  if (!(value > 0) || !Number.isFinite(value) || (integer && !Number.isInteger(value))) {
    throw new UserError(`${option}: expected a positive ${integer ? 'integer' : 'number'}, got '${text}'`);
  }
  return value;
}

export function registerBenchCommands(program: Command<[], { debug?: true; backend?: string }>): void {
  const bench = program.command('bench').description('measure throughput on this machine');

  bench.command('train')
    .description('train and encode the standard 64x64 beta-VAE (batch 64, Adam) on random binary images; images/s, median of timed windows')
    .requiredOption('--out <file>', 'JSON file to write: {backend, threads, train_images_per_s, encode_images_per_s, ...}')
    .option('--threads <n>', 'threads the backend computes with (default: the CPUs available)')
    .option('--windows <n>', 'timed windows per measurement', '5')
    .option('--window-seconds <s>', 'seconds per window', '3')
    .action(async (opts) => {
      const threads = opts.threads === undefined ? undefined : positiveNumber('--threads', opts.threads, true);
      const windows = positiveNumber('--windows', opts.windows, true);
      const windowSeconds = positiveNumber('--window-seconds', opts.windowSeconds);
      const backend = await initBackend(program.opts().backend ?? 'auto', { threads });
      console.log(`backend: ${backend.name}${backend.threads > 1 ? ` (${backend.threads} threads)` : ''}`);
      try {
        const result = await measureTrainThroughput({ windows, windowSeconds });
        writeFileAtomic(opts.out, `${JSON.stringify({ backend: backend.name, threads: backend.threads, ...result }, null, 1)}\n`);
        console.log(`train ${result.train_images_per_s} images/s, encode ${result.encode_images_per_s} images/s; wrote ${opts.out}`);
      } finally {
        shutdownBackend();
      }
    });
}
