// Every config the project ships parses, names a known framework and dataset, and builds its
// model and framework; configs/frameworks/<name>.yaml is the config of framework <name>; every
// sweep file in configs/sweeps/ expands into runs whose configs all validate.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadConfig, parseConfigWith, readConfigFile } from '../../src/config/load.js';
import { datasetNames } from '../../src/datasets/registry.js';
import { FRAMEWORKS } from '../../src/frameworks/registry.js';
import { sequenceDatasetNames } from '../../src/sequences/registry.js';
import { V3ConfigSchema } from '../../src/v3/config.js';
import { declaredTask } from '../../src/cli/tasks.js';
import { BaselineConfigSchema } from '../../src/decvae/baseline_config.js';
import { DecVaeConfigSchema } from '../../src/decvae/config.js';
import { loadSweep } from '../../src/study/sweep.js';

const root = path.resolve(import.meta.dirname, '..', '..', 'configs');
const sweeps = path.join(root, 'sweeps');

function yamlFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) return file === sweeps ? [] : yamlFiles(file);
    return entry.name.endsWith('.yaml') ? [file] : [];
  });
}

test('every shipped config parses and names a known framework (or task) and dataset', () => {
  const files = yamlFiles(root);
  assert.ok(files.length >= 20, `${files.length} configs`);
  assert.ok(files.includes(path.join(root, 'demo.yaml')));
  for (const file of files) {
    const where = path.relative(root, file);
    const text = readConfigFile(file);
    const task = declaredTask(text);
    if (task === 'v3') {
      const v3 = parseConfigWith(V3ConfigSchema, text, file);
      assert.ok(sequenceDatasetNames().includes(v3.dataset.name), `${where}: ${v3.dataset.name}`);
      continue;
    }
    if (task === 'decvae' || task === 'decvae_baseline') {
      const schema = task === 'decvae' ? DecVaeConfigSchema : BaselineConfigSchema;
      assert.equal(parseConfigWith(schema, text, file).dataset.name, 'simvowels', where);
      continue;
    }
    const config = loadConfig(file);
    assert.ok(Object.hasOwn(FRAMEWORKS, config.framework.name), `${where}: ${config.framework.name}`);
    assert.ok(datasetNames().includes(config.dataset.name) || config.dataset.path !== undefined, `${where}: ${config.dataset.name}`);
    const needs = FRAMEWORKS[config.framework.name].architecture;
    if (needs) assert.equal(config.model.architecture, needs, where);
  }
});

test('configs/frameworks/ has one config per framework, named after it', () => {
  const dir = path.join(root, 'frameworks');
  const names = fs.readdirSync(dir).filter((f) => f.endsWith('.yaml')).map((f) => f.replace(/\.yaml$/, ''));
  assert.deepEqual(names.sort(), Object.keys(FRAMEWORKS).sort());
  for (const name of names) assert.equal(loadConfig(path.join(dir, `${name}.yaml`)).framework.name, name);
});

test('every sweep in configs/sweeps/ expands into runs with valid configs', () => {
  const files = fs.readdirSync(sweeps).filter((f) => f.endsWith('.yaml'));
  assert.ok(files.length >= 1);
  for (const file of files) assert.ok(loadSweep(path.join(sweeps, file)).runs.length > 1, file);
});
