// disent's hyperparameter schedules (disent/schedule/_schedule.py, disent/schedule/lerp.py). Each
// maps the training step to a ratio in [0, 1] and returns lerp(ratio, value·r_start, value·r_end),
// so one schedule serves any configured value.
import type { Schedule } from './schedule.js';

/** (1 − r)·start + r·end with r clipped to [0, 1]: exact at both ends. */
export function lerp(ratio: number, start: number, end: number): number {
  const r = Math.min(Math.max(ratio, 0), 1);
  return (1 - r) * start + r * end;
}

export const RAMP_MODES = ['linear', 'sigmoid', 'cosine'] as const;
export type RampMode = (typeof RAMP_MODES)[number];

/** The rise of a ratio in [0, 1]: straight, a logistic S (slope 12 at 0.5), or half a cosine. */
function ramp(ratio: number, mode: RampMode): number {
  const r = Math.min(Math.max(ratio, 0), 1);
  switch (mode) {
    case 'linear': return r;
    case 'sigmoid': return 1 / (1 + Math.exp(-12 * r + 6));
    case 'cosine': return 0.5 * (1 - Math.cos(r * Math.PI));
  }
}

export interface CyclicOptions {
  period: number;
  /** Steps before it are held at the cycle's start; absent: no shift. */
  start_step?: number;
  /** Cycles before the schedule ends and holds `end_mode`'s ratio; absent: cycles forever. */
  repeats?: number;
  r_start: number;
  r_end: number;
  /** After the last cycle: hold the low ('start') or the high ('end') ratio. */
  end_mode: 'start' | 'end';
  mode: RampMode;
  /** Fraction of each period held low at its start, and held high at its end (p_low + p_high ≤ 1). */
  p_low: number;
  p_high: number;
}

/**
 * disent's cyclical_anneal (after Fu et al. 2019): within each period the ratio is held at 0 for
 * the first p_low of it, ramps up, and is held at 1 for the last p_high.
 */
export function cyclicRatio(step: number, o: Omit<CyclicOptions, 'start_step' | 'r_start' | 'r_end'>): number {
  const phase = (((step / o.period) % 1) + 1) % 1;
  let r = phase;
  if (o.p_low + o.p_high < 1) r = ramp((phase - o.p_low) / (1 - o.p_low - o.p_high), o.mode);
  if (phase <= o.p_low) r = 0;
  if (1 - o.p_high <= phase) r = 1;
  if (o.repeats !== undefined && step / o.period >= o.repeats) r = o.end_mode === 'start' ? 0 : 1;
  return r;
}

/** From r_start·value at start_step linearly to r_end·value at end_step, held outside. */
export function linearSchedule(start_step: number, end_step: number, r_start: number, r_end: number): Schedule {
  if (!(start_step >= 0 && start_step < end_step)) throw new RangeError(`linear schedule needs 0 <= start_step < end_step, got ${start_step}, ${end_step}`);
  return (step, value) => lerp((step - start_step) / (end_step - start_step), value * r_start, value * r_end);
}

export function cyclicSchedule(o: CyclicOptions): Schedule {
  if (!(o.period > 0) || !(o.p_low >= 0 && o.p_high >= 0 && o.p_low + o.p_high <= 1)) {
    throw new RangeError(`cyclic schedule needs period > 0 and p_low + p_high <= 1, got ${o.period}, ${o.p_low}, ${o.p_high}`);
  }
  return (step, value) => {
    const shifted = o.start_step === undefined ? step : Math.max(0, step - o.start_step);
    return lerp(cyclicRatio(shifted, o), value * o.r_start, value * o.r_end);
  };
}

/** One ramp from start_step to end_step (disent's SingleSchedule, the annealing/warm-up shape). */
export function singleSchedule(start_step: number, end_step: number, r_start: number, r_end: number, mode: RampMode): Schedule {
  return cyclicSchedule({ period: end_step - start_step, start_step, repeats: 1, r_start, r_end, end_mode: 'end', mode, p_low: 0, p_high: 0 });
}

/** A cosine wave of `period` steps starting low: ratio ½(1 + cos(2π·step/period + π)). */
export function cosineWaveSchedule(period: number, r_start: number, r_end: number): Schedule {
  if (!(period > 0)) throw new RangeError(`cosine wave schedule needs period > 0, got ${period}`);
  return (step, value) => lerp(0.5 * (1 + Math.cos((2 * Math.PI * step) / period + Math.PI)), value * r_start, value * r_end);
}

/** value·r at every step. */
export function multiplySchedule(r: number): Schedule {
  return (_step, value) => value * r;
}

/** Replaces the configured value by `value`, then applies `schedule` to it (disent's FixedValueSchedule). */
export function fixedValueSchedule(value: number, schedule?: Schedule): Schedule {
  return (step) => (schedule ? schedule(step, value) : value);
}
