// The learning-rate schedules of DecVAE's two optimisers (spec decvae.md §8), as Hugging Face's
// get_scheduler builds them: a LambdaLR factor of the number of optimiser steps already taken, so the
// first step runs at factor 0 under a warm-up. Z: "constant_with_warmup" (a linear ramp over the
// warm-up, then 1); S: "linear" (the same ramp, then a linear decay to 0 at the last step).

export type DecVaeLrSchedule = 'constant_with_warmup' | 'linear';

/** The factor on the base learning rate for the step after `stepsTaken` optimiser steps. */
export function lrFactor(schedule: DecVaeLrSchedule, stepsTaken: number, warmupSteps: number, totalSteps: number): number {
  if (stepsTaken < warmupSteps) return stepsTaken / Math.max(1, warmupSteps);
  if (schedule === 'constant_with_warmup') return 1;
  return Math.max(0, (totalSteps - stepsTaken) / Math.max(1, totalSteps - warmupSteps));
}
