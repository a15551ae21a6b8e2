// Schedules as configs name them: one entry per hyperparameter, e.g.
//   schedules: {adat_triplet_share_scale: {kind: linear, start_step: 0, end_step: 86400, r_start: 1, r_end: 0.5}}
// or a preset disent ships (`schedule_preset: adanegtvae_up_ratio`, src/schedules/presets.ts).
// A missing end_step (or a cyclic period) means the run's last step, as disent's presets write
// ${trainer.max_steps}. `value`, when given, replaces the configured hyperparameter before the
// schedule applies (disent's FixedValueSchedule), which is how presets pin e.g. ada_thresh_ratio.
import { z } from 'zod';
import { SCHEDULE_PRESETS } from './presets.js';
import type { Schedule } from './schedule.js';
import {
  RAMP_MODES, cosineWaveSchedule, cyclicSchedule, fixedValueSchedule, linearSchedule, multiplySchedule, singleSchedule,
} from './schedules.js';

const step = z.int().nonnegative();
const override = { value: z.number().optional().describe('replaces the configured value before the schedule applies') };

export const ScheduleConfigSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('linear').describe('r_start·value at start_step, linearly to r_end·value at end_step, held outside'),
    start_step: step.default(0),
    end_step: z.int().positive().optional().describe('default: the last training step'),
    r_start: z.number().default(0),
    r_end: z.number().default(1),
    ...override,
  }),
  z.strictObject({
    kind: z.literal('single').describe('one linear/sigmoid/cosine ramp from start_step to end_step'),
    start_step: step.default(0),
    end_step: z.int().positive().optional().describe('default: the last training step'),
    r_start: z.number().default(0),
    r_end: z.number().default(1),
    mode: z.enum(RAMP_MODES).default('linear'),
    ...override,
  }),
  z.strictObject({
    kind: z.literal('cyclic').describe('cyclical annealing: a ramp repeated every period steps'),
    period: z.int().positive(),
    start_step: step.optional().describe('steps before it hold the low value; absent: no shift'),
    repeats: z.int().positive().optional().describe('cycles before it holds; absent: forever'),
    r_start: z.number().default(0),
    r_end: z.number().default(1),
    end_mode: z.enum(['start', 'end']).default('end'),
    mode: z.enum(RAMP_MODES).default('linear'),
    p_low: z.number().min(0).max(1).default(0).describe('fraction of each period held low at its start'),
    p_high: z.number().min(0).max(1).default(0).describe('fraction of each period held high at its end'),
    ...override,
  }),
  z.strictObject({
    kind: z.literal('cosine_wave').describe('½(1 + cos(2π·step/period + π)) between r_start and r_end'),
    period: z.int().positive(),
    r_start: z.number().default(0),
    r_end: z.number().default(1),
    ...override,
  }),
  z.strictObject({ kind: z.literal('multiply').describe('value·r'), r: z.number().default(1), ...override }),
  z.strictObject({ kind: z.literal('fixed').describe('the constant `value`'), value: z.number() }),
]);
export type ScheduleConfig = z.infer<typeof ScheduleConfigSchema>;

/** Schedules by hyperparameter name. */
export const SchedulesSchema = z.record(z.string(), ScheduleConfigSchema);
export type SchedulesConfig = z.infer<typeof SchedulesSchema>;

export const SchedulePresetSchema = z.enum(Object.keys(SCHEDULE_PRESETS) as [string, ...string[]]);

/** The schedule a config describes, for a run of `maxSteps` steps. */
export function createSchedule(config: ScheduleConfig, maxSteps: number): Schedule {
  const shape = ((): Schedule | undefined => {
    switch (config.kind) {
      case 'linear': return linearSchedule(config.start_step, config.end_step ?? maxSteps, config.r_start, config.r_end);
      case 'single': return singleSchedule(config.start_step, config.end_step ?? maxSteps, config.r_start, config.r_end, config.mode);
      case 'cyclic': return cyclicSchedule(config);
      case 'cosine_wave': return cosineWaveSchedule(config.period, config.r_start, config.r_end);
      case 'multiply': return multiplySchedule(config.r);
      case 'fixed': return undefined;
    }
  })();
  if (config.value === undefined) return shape as Schedule;
  return fixedValueSchedule(config.value, shape);
}

/** Every hyperparameter's schedule: the preset's, then the explicit ones (which win). */
export function createSchedules(preset: string | undefined, schedules: SchedulesConfig | undefined, maxSteps: number): Record<string, Schedule> {
  const configs = { ...(preset === undefined ? {} : SCHEDULE_PRESETS[SchedulePresetSchema.parse(preset)]), ...schedules };
  return Object.fromEntries(Object.entries(configs).map(([name, config]) => [name, createSchedule(ScheduleConfigSchema.parse(config), maxSteps)]));
}
