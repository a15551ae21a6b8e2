// The training progress bar: steps/s, ETA and the loss, redrawn on a terminal and printed as a
// line every few seconds when the output is a log file (CI).
import cliProgress from 'cli-progress';
import type { ProgressEvent } from '../train/trainer.js';

export function trainingProgressBar(): { update(e: ProgressEvent): void; stop(): void } {
  const bar = new cliProgress.SingleBar({
    format: 'train {bar} {value}/{total} | {speed} steps/s | ETA {eta_formatted} | loss {loss}',
    noTTYOutput: true,
    notTTYSchedule: 5000,
    etaBuffer: 50,
    hideCursor: true,
    stream: process.stdout,
  }, cliProgress.Presets.shades_classic);
  let started = false;
  return {
    update(e) {
      const payload = { speed: e.stepsPerSecond.toFixed(2), loss: (e.terms.loss ?? NaN).toFixed(2) };
      if (!started) {
        bar.start(e.totalSteps, e.step, payload);
        started = true;
      } else {
        bar.update(e.step, payload);
      }
    },
    stop() {
      if (started) bar.stop();
    },
  };
}

export interface SweepCounts {
  /** Runs finished, this time or before (skipped). */
  done: number;
  running: number;
  failed: number;
}

export interface SweepProgress {
  update(counts: SweepCounts): void;
  /** A line above the bar (a failed run and its log). */
  log(line: string): void;
  stop(): void;
}

function formatDuration(ms: number): string {
  const seconds = Math.round(ms / 1000);
  const [h, m, s] = [Math.floor(seconds / 3600), Math.floor((seconds % 3600) / 60), seconds % 60];
  return h > 0 ? `${h}h${String(m).padStart(2, '0')}m` : m > 0 ? `${m}m${String(s).padStart(2, '0')}s` : `${s}s`;
}

/** One bar for a whole sweep: runs ended of the total, how many are running and failed, and the ETA. */
export function sweepProgressDisplay(total: number, counts: SweepCounts): SweepProgress {
  const tty = process.stdout.isTTY === true;
  const bars = new cliProgress.MultiBar({
    format: 'sweep {bar} {value}/{total} runs | running {running} | failed {failed} | ETA {remaining}',
    noTTYOutput: true,
    notTTYSchedule: 5000,
    etaBuffer: 20,
    hideCursor: true,
    stream: process.stdout,
  }, cliProgress.Presets.shades_classic);
  // The ETA is from this invocation's pace alone: runs skipped as finished took no time now.
  const started = Date.now();
  const endedAtStart = counts.done + counts.failed;
  const remaining = (ended: number) => {
    const endedNow = ended - endedAtStart;
    return endedNow > 0 ? formatDuration(((Date.now() - started) / endedNow) * (total - ended)) : '?';
  };
  const payload = (c: SweepCounts) => ({ running: c.running, failed: c.failed, remaining: remaining(c.done + c.failed) });
  const bar = bars.create(total, endedAtStart, payload(counts));
  return {
    update(c) {
      bar.update(c.done + c.failed, payload(c));
    },
    log(line) {
      if (tty) bars.log(`${line}\n`);
      else process.stdout.write(`${line}\n`);
    },
    stop() {
      bars.stop();
    },
  };
}
