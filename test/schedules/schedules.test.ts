import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSchedule, createSchedules, ScheduleConfigSchema, SchedulesSchema } from '../../src/schedules/config.js';
import { SCHEDULE_PRESETS } from '../../src/schedules/presets.js';
import type { Schedule } from '../../src/schedules/schedule.js';
import { cosineWaveSchedule, cyclicSchedule, fixedValueSchedule, linearSchedule, multiplySchedule, singleSchedule, type CyclicOptions } from '../../src/schedules/schedules.js';

/** Asserts schedule(step, value) for each [step, expected]. */
function expectValues(schedule: Schedule, value: number, cases: [number, number][]): void {
  for (const [step, expected] of cases) {
    const got = schedule(step, value);
    assert.ok(Math.abs(got - expected) < 1e-9, `step ${step}: ${got}, expected ${expected}`);
  }
}

const HALF_COSINE_AT_QUARTER = 0.5 * (1 - Math.cos(Math.PI / 4)); // ramp 'cosine' at 0.25

test('linear: held at r_start before start_step, lerps to r_end at end_step, held after', () => {
  // value 10, ratios 0.2 -> 1: 2 until step 100, 6 half way, 10 from step 300 on.
  expectValues(linearSchedule(100, 300, 0.2, 1), 10, [[0, 2], [100, 2], [150, 4], [200, 6], [300, 10], [1000, 10]]);
  expectValues(linearSchedule(0, 4, 1, 0.5), 0.8, [[0, 0.8], [2, 0.6], [4, 0.4], [5, 0.4]]);
  assert.throws(() => linearSchedule(5, 5, 0, 1), RangeError);
});

test('single: one ramp from start_step to end_step, in linear or cosine shape', () => {
  expectValues(singleSchedule(100, 300, 0.2, 1, 'linear'), 10, [[0, 2], [100, 2], [200, 6], [299, 2 + 8 * 0.995], [300, 10], [1000, 10]]);
  expectValues(singleSchedule(100, 300, 0.2, 1, 'cosine'), 10, [[150, 2 + 8 * HALF_COSINE_AT_QUARTER], [200, 6], [300, 10]]);
  // disent's beta_decrease: 1 -> 0.001 over the run.
  expectValues(singleSchedule(0, 1000, 1, 0.001, 'linear'), 4, [[0, 4], [500, 4 * 0.5005], [1000, 0.004]]);
});

const cyclic = (o: Partial<CyclicOptions>) =>
  cyclicSchedule({ period: 100, r_start: 0, r_end: 1, end_mode: 'end', mode: 'linear', p_low: 0, p_high: 0, ...o });

test('cyclic: restarts every period, holds its end after `repeats` cycles', () => {
  expectValues(cyclic({}), 1, [[0, 0], [25, 0.25], [99, 0.99], [100, 0], [150, 0.5], [1234, 0.34]]);
  expectValues(cyclic({ repeats: 2 }), 1, [[150, 0.5], [199, 0.99], [200, 1], [250, 1]]);
  expectValues(cyclic({ repeats: 2, end_mode: 'start' }), 1, [[199, 0.99], [200, 0], [250, 0]]);
  // ratios 0.5 -> 0.1 of value 2: cycles from 1 down to 0.2.
  expectValues(cyclic({ r_start: 0.5, r_end: 0.1 }), 2, [[0, 1], [50, 0.6], [175, 1 - 0.8 * 0.75]]);
});

test('cyclic: p_low and p_high hold the ends of each period, modes shape the ramp', () => {
  // Held low for phase <= 0.2, high from 0.8; a linear ramp across 0.2..0.8 in between.
  expectValues(cyclic({ p_low: 0.2, p_high: 0.2 }), 1, [[10, 0], [20, 0], [50, 0.5], [70, 0.5 / 0.6], [80, 1], [95, 1], [110, 0]]);
  expectValues(cyclic({ mode: 'cosine' }), 1, [[25, HALF_COSINE_AT_QUARTER], [50, 0.5], [75, 1 - HALF_COSINE_AT_QUARTER]]);
  expectValues(cyclic({ mode: 'sigmoid' }), 1, [[0, 0], [50, 0.5], [75, 1 / (1 + Math.exp(-3))]]);
  // p_low + p_high = 1: a square wave.
  expectValues(cyclic({ p_low: 0.5, p_high: 0.5 }), 1, [[25, 0], [49, 0], [50, 1], [75, 1]]);
  assert.throws(() => cyclic({ p_low: 0.7, p_high: 0.7 }), RangeError);
});

test("cyclic with start_step (disent's beta_cyclic): low until start_step, then cycles", () => {
  const betaCyclic = createSchedule(ScheduleConfigSchema.parse(SCHEDULE_PRESETS.beta_cyclic.beta), 100000);
  const at = (ratio: number) => 4 * ((1 - ratio) * 0.001 + ratio);
  expectValues(betaCyclic, 4, [[0, at(0)], [3600, at(0)], [3600 + 1800, at(HALF_COSINE_AT_QUARTER)], [3600 + 3600, at(0.5)], [3600 + 7200, at(0)]]);
});

test('cosine wave, multiply and fixed value', () => {
  expectValues(cosineWaveSchedule(100, 0, 1), 2, [[0, 0], [25, 1], [50, 2], [75, 1], [100, 0]]);
  expectValues(cosineWaveSchedule(100, 0.5, 1), 2, [[0, 1], [50, 2]]);
  expectValues(multiplySchedule(0.5), 10, [[0, 5], [99, 5]]);
  expectValues(fixedValueSchedule(3), 10, [[0, 3], [99, 3]]);
  expectValues(fixedValueSchedule(3, linearSchedule(0, 10, 0, 1)), 10, [[0, 0], [5, 1.5], [10, 3]]);
});

test('the adanegtvae presets set the share scale and threshold ratio whatever the configured values', () => {
  const upRatio = createSchedules('adanegtvae_up_ratio', undefined, 1000);
  assert.deepEqual(Object.keys(upRatio).sort(), ['ada_thresh_ratio', 'adat_triplet_share_scale']);
  expectValues(upRatio.adat_triplet_share_scale, 0.95, [[0, 1], [500, 0.75], [1000, 0.5], [5000, 0.5]]);
  expectValues(upRatio.ada_thresh_ratio, 0.3, [[0, 0.5], [1000, 0.5]]);
  const upAllFull = createSchedules('adanegtvae_up_all_full', undefined, 1000);
  expectValues(upAllFull.adat_triplet_share_scale, 0.95, [[0, 1], [500, 0.5], [1000, 0]]);
  expectValues(upAllFull.ada_thresh_ratio, 0.95, [[0, 0], [500, 0.25], [1000, 0.5]]);
  const upThresh = createSchedules('adanegtvae_up_thresh', undefined, 1000);
  expectValues(upThresh.adat_triplet_share_scale, 0.95, [[0, 0.5], [1000, 0.5]]);
  expectValues(upThresh.ada_thresh_ratio, 0.95, [[0, 0], [1000, 0.5]]);
  expectValues(createSchedules('adanegtvae_up_ratio_weak', undefined, 100).adat_triplet_share_scale, 0.95, [[100, 0.75]]);
});

test('configs: explicit schedules override the preset, end_step defaults to the run length, bad configs are refused', () => {
  const schedules = SchedulesSchema.parse({
    adat_triplet_share_scale: { kind: 'linear', start_step: 0, end_step: 86400, r_start: 1.0, r_end: 0.5 },
    ada_thresh_ratio: { kind: 'linear', r_start: 0, r_end: 1 },
  });
  const made = createSchedules('adanegtvae_up_ratio', schedules, 1000);
  expectValues(made.adat_triplet_share_scale, 0.8, [[0, 0.8], [43200, 0.6], [86400, 0.4]]);
  expectValues(made.ada_thresh_ratio, 0.5, [[0, 0], [500, 0.25], [1000, 0.5]]);
  expectValues(createSchedules('beta_increase', undefined, 200).beta, 4, [[0, 0.004], [200, 4]]);
  assert.deepEqual(createSchedules('none', undefined, 10), {});
  assert.equal(SchedulesSchema.safeParse({ beta: { kind: 'linear', min_step: 0 } }).success, false);
  assert.equal(SchedulesSchema.safeParse({ beta: { kind: 'exponential' } }).success, false);
  assert.equal(ScheduleConfigSchema.safeParse({ kind: 'fixed' }).success, false);
  assert.throws(() => createSchedules('no_such_preset', undefined, 10));
});
