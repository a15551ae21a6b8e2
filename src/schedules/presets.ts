// The schedules disent ships by name (disent experiment/config/schedule/*.yaml; the adanegtvae_*
// ones are the Ada-TVAE schedules of Michlo 2022 and set two hyperparameters at once). An omitted
// end_step is the run's last step (disent's ${trainer.max_steps}). The Ada-TVAE presets pin the
// values they start from (`value`), whatever the framework's configured ones.
import type { z } from 'zod';
import type { ScheduleConfigSchema } from './config.js';

type Preset = Record<string, z.input<typeof ScheduleConfigSchema>>;

const betaCyclic = (period: number): Preset => ({
  beta: { kind: 'cyclic', period, start_step: 3600, r_start: 0.001, r_end: 1, end_mode: 'end', mode: 'cosine' },
});
const betaSingle = (start_step: number, end_step: number | undefined, r_start: number, r_end: number): Preset => ({
  beta: { kind: 'single', start_step, end_step, r_start, r_end, mode: 'linear' },
});
/** adat_triplet_share_scale from 1 down to `shareEnd`, and ada_thresh_ratio 0.5 or rising from 0 to 0.5. */
const adaNeg = (shareEnd: number | undefined, thresholdRises: boolean): Preset => ({
  adat_triplet_share_scale: shareEnd === undefined
    ? { kind: 'fixed', value: 0.5 }
    : { kind: 'linear', value: 1, start_step: 0, r_start: 1, r_end: shareEnd },
  ada_thresh_ratio: thresholdRises
    ? { kind: 'linear', value: 0.5, start_step: 0, r_start: 0, r_end: 1 }
    : { kind: 'fixed', value: 0.5 },
});

export const SCHEDULE_PRESETS: Readonly<Record<string, Preset>> = {
  none: {},
  beta_cyclic: betaCyclic(7200),
  beta_cyclic_fast: betaCyclic(3600),
  beta_cyclic_slow: betaCyclic(14400),
  beta_increase: betaSingle(0, undefined, 0.001, 1),
  beta_decrease: betaSingle(0, undefined, 1, 0.001),
  beta_delay: betaSingle(3600, 7200, 0.001, 1),
  beta_delay_long: betaSingle(7200, 14400, 0.001, 1),
  adanegtvae_up_ratio: adaNeg(0.5, false),
  adanegtvae_up_ratio_full: adaNeg(0, false),
  adanegtvae_up_ratio_weak: adaNeg(0.75, false),
  adanegtvae_up_all: adaNeg(0.5, true),
  adanegtvae_up_all_full: adaNeg(0, true),
  adanegtvae_up_all_weak: adaNeg(0.75, true),
  adanegtvae_up_thresh: adaNeg(undefined, true),
};
