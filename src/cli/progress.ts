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
