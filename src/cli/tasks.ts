// The tasks a config can declare with a top-level `task:` (V3, DecVAE and its β-VAE baseline), each with its own schema
// and run functions; a config without one is a ground-truth run (train/run.ts). The commands look
// a task up here instead of branching on each.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { BaselineConfigSchema } from '../decvae/baseline_config.js';
import { evaluateBaselineRun, resumeBaselineRun, runBaseline, trainOnlyBaseline } from '../decvae/baseline_run.js';
import { DecVaeConfigSchema } from '../decvae/config.js';
import { evaluateDecVaeRun, resumeDecVaeRun, runDecVae, trainOnlyDecVae } from '../decvae/run.js';
import type { RunHooks } from '../train/run.js';
import { V3ConfigSchema } from '../v3/config.js';
import { evaluateV3Run, resumeV3Run, runV3, trainOnlyV3 } from '../v3/run.js';

type StartHooks = RunHooks & { overwrite?: boolean };

export interface TaskRunner {
  schema: z.ZodType<{ backend: string }>;
  run(config: unknown, runDir: string, hooks: StartHooks): Promise<{ step: number }>;
  trainOnly(config: unknown, runDir: string, hooks: StartHooks): Promise<number>;
  resume(runDir: string, overrides: readonly string[], hooks: RunHooks): Promise<number>;
  evaluate(runDir: string, overrides: readonly string[], hooks: RunHooks): Promise<{ runDir: string }>;
}

export const TASKS = {
  v3: {
    schema: V3ConfigSchema,
    run: (config, runDir, hooks) => runV3(V3ConfigSchema.parse(config), runDir, hooks),
    trainOnly: (config, runDir, hooks) => trainOnlyV3(V3ConfigSchema.parse(config), runDir, hooks),
    resume: resumeV3Run,
    evaluate: evaluateV3Run,
  },
  decvae: {
    schema: DecVaeConfigSchema,
    run: (config, runDir, hooks) => runDecVae(DecVaeConfigSchema.parse(config), runDir, hooks),
    trainOnly: (config, runDir, hooks) => trainOnlyDecVae(DecVaeConfigSchema.parse(config), runDir, hooks),
    resume: resumeDecVaeRun,
    evaluate: evaluateDecVaeRun,
  },
  decvae_baseline: {
    schema: BaselineConfigSchema,
    run: (config, runDir, hooks) => runBaseline(BaselineConfigSchema.parse(config), runDir, hooks),
    trainOnly: (config, runDir, hooks) => trainOnlyBaseline(BaselineConfigSchema.parse(config), runDir, hooks),
    resume: resumeBaselineRun,
    evaluate: evaluateBaselineRun,
  },
} satisfies Record<string, TaskRunner>;

export type TaskName = keyof typeof TASKS;

/** The task a config's YAML text declares, or null for a ground-truth run (or text that is not YAML: the config loader reports it). */
export function declaredTask(text: string): TaskName | null {
  try {
    const raw = parseYaml(text) as { task?: unknown } | null;
    const task = raw !== null && typeof raw === 'object' ? raw.task : undefined;
    return typeof task === 'string' && Object.hasOwn(TASKS, task) ? (task as TaskName) : null;
  } catch {
    return null;
  }
}

/** The task of the run in `runDir`, or null for a ground-truth run (or none: the caller reports it). */
export function runTask(runDir: string): TaskName | null {
  const file = path.join(runDir, 'config.yaml');
  return fs.existsSync(file) ? declaredTask(fs.readFileSync(file, 'utf8')) : null;
}
