// `disentangle worker --queue redis://HOST:PORT [--out DIR]`: takes a sweep's runs from the queue
// that `disentangle sweep --queue` fills and carries them out, until stopped. Stopped (SIGINT,
// SIGTERM) or killed, it exits at once: its runs' children exit with it and its jobs, no longer
// locked, are retried by the other workers.
import type { Program } from './backend.js';
import { DEFAULT_QUEUE_NAME, loadQueue, positiveInteger } from './sweep_command.js';

export function registerWorkerCommand(program: Program): void {
  program.command('worker')
    .description('take sweep runs from a BullMQ queue (filled by `disentangle sweep --queue`) and run them, until stopped')
    .requiredOption('--queue <url>', 'the Redis the sweep was submitted to: redis://HOST:PORT')
    .option('--queue-name <name>', 'the queue on that Redis', DEFAULT_QUEUE_NAME)
    .option('--out <dir>', "the sweep's output directory as this machine mounts it (default: the path the sweep was submitted with)")
    .option('--concurrency <n>', 'runs at once; each gets cores / n threads', '1')
    .option('--lock-duration <ms>', "how long a run's lock lasts unrenewed, so how soon a dead worker's run is retried elsewhere", '30000')
    .option('--stalled-interval <ms>', 'how often to look for runs whose worker died', '30000')
    .action(async (opts) => {
      const stop = (signal: NodeJS.Signals) => {
        console.log(`worker: ${signal}, stopping; unfinished runs go back to the queue`);
        process.exit(signal === 'SIGINT' ? 130 : 143);
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      const { startWorker } = await loadQueue();
      await startWorker(opts.queue, {
        queueName: opts.queueName,
        outDir: opts.out,
        concurrency: positiveInteger('--concurrency', opts.concurrency),
        lockDurationMs: positiveInteger('--lock-duration', opts.lockDuration),
        stalledIntervalMs: positiveInteger('--stalled-interval', opts.stalledInterval),
        onLog: (line) => console.log(`${new Date().toISOString()} ${line}`),
      });
      console.log(`worker ${process.pid}: waiting for runs on ${opts.queue} (queue '${opts.queueName}')`);
      await new Promise<never>(() => undefined);
    });
}
