// The backend options every command shares: --backend and --threads on the program.
import type { Command } from '@commander-js/extra-typings';
import { initBackend, shutdownBackend, type ActiveBackend } from '../backends/select.js';
import { UserError } from '../util/errors.js';

export type Program = Command<[], { debug?: true; backend?: string; threads?: string }>;

function describeThreads({ threads, inferenceThreads }: ActiveBackend): string {
  const plural = (n: number) => `${n} thread${n > 1 ? 's' : ''}`;
  if (inferenceThreads !== threads) return ` (${plural(threads)}, ${plural(inferenceThreads)} for inference)`;
  return threads > 1 ? ` (${plural(threads)})` : '';
}

/**
 * Runs `work` on the backend the command line asks for (else the configured one), with the
 * --threads given, printing which backend it is; shuts the backend down however the work ends.
 */
export async function withBackend<T>(program: Program, configured: string, work: (backend: ActiveBackend) => Promise<T>): Promise<T> {
  const { backend: requested = configured, threads } = program.opts();
  const threadCount = threads === undefined ? undefined : Number(threads);
  if (threadCount !== undefined && !(Number.isInteger(threadCount) && threadCount >= 1)) {
    throw new UserError(`--threads: expected a positive integer, got '${threads}'`);
  }
  const backend = await initBackend(requested, { threads: threadCount });
  console.log(`backend: ${backend.name}${describeThreads(backend)}`);
  try {
    return await work(backend);
  } finally {
    shutdownBackend();
  }
}

/** Commander's accumulator for a repeatable option such as --set. */
export const collect = (value: string, previous: string[]) => [...previous, value];
