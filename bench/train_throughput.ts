// The training benchmark on one backend, as a script: one JSON line on stdout.
// Usage: tsx bench/train_throughput.ts [--backend native|wasm|cpu|tensorflow] [--threads N] [--windows 5]
//        [--window-seconds 3]
// (`npx disentangle bench train` is the same measurement behind the CLI.)
import { parseArgs } from 'node:util';
import { initBackend, shutdownBackend } from '../src/backends/select.js';
import { measureTrainThroughput } from '../src/bench/train_throughput.js';

const { values: args } = parseArgs({
  options: {
    backend: { type: 'string', default: 'wasm' },
    // Default: the backend's default (the CPUs available).
    threads: { type: 'string' },
    windows: { type: 'string', default: '5' },
    'window-seconds': { type: 'string', default: '3' },
  },
});

const backend = await initBackend(args.backend, { threads: args.threads === undefined ? undefined : Number(args.threads) });
try {
  const result = await measureTrainThroughput({ windows: Number(args.windows), windowSeconds: Number(args['window-seconds']) });
  console.log(JSON.stringify({ backend: backend.name, threads: backend.threads, ...result }));
} finally {
  shutdownBackend();
}
