import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  ConfigError,
  CurrencySchema,
  configPath,
  InitiativeIdSchema,
  loadConfig,
  parseConfig,
} from '../../src/index';

const PipelineSchema = z.strictObject({
  budget: CurrencySchema,
  seed: z.number().int().default(42),
  output: configPath().optional(),
  initiatives: z
    .array(
      z.strictObject({
        initiative_id: InitiativeIdSchema,
        cost_to_scale: CurrencySchema,
        measure_config: configPath(),
      }),
    )
    .min(1),
  sources: z
    .record(
      z.string(),
      z.union([z.strictObject({ file: configPath() }), z.strictObject({ rows: z.number() })]),
    )
    .optional(),
});

function writeYaml(text: string): string {
  const folder = mkdtempSync(join(tmpdir(), 'impact-config-'));
  const file = join(folder, 'pipeline.yaml');
  writeFileSync(file, text);
  return file;
}

function configError(run: () => unknown): ConfigError {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

const VALID = `budget: 60000
initiatives:
  - initiative_id: a
    cost_to_scale: 15000
    measure_config: configs/a.yaml
  - initiative_id: b
    cost_to_scale: 10000
    measure_config: /abs/b.yaml
`;

describe('loadConfig', () => {
  it('loads, applies defaults and resolves relative paths against the file folder', () => {
    const file = writeYaml(`${VALID}output: out\nsources:\n  s1: { file: data/x.csv }\n  s2: { rows: 3 }\n`);
    const config = loadConfig(file, PipelineSchema);
    const folder = resolve(file, '..');
    expect(config.seed).toBe(42);
    expect(config.initiatives[0]?.measure_config).toBe(join(folder, 'configs/a.yaml'));
    expect(config.initiatives[1]?.measure_config).toBe('/abs/b.yaml');
    expect(config.output).toBe(join(folder, 'out'));
    expect(config.sources?.s1).toEqual({ file: join(folder, 'data/x.csv') });
    expect(config.sources?.s2).toEqual({ rows: 3 });
  });

  it('names the field path, the expectation and the value found', () => {
    const file = writeYaml(VALID.replace('cost_to_scale: 10000', 'cost_to_scale: ten'));
    const error = configError(() => loadConfig(file, PipelineSchema));
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.file).toBe(file);
    expect(error.path).toBe('initiatives[1].cost_to_scale');
    expect(error.message).toBe(`${file}: initiatives[1].cost_to_scale: expected a number, got "ten"`);
  });

  it('reports a negative cost with the bound', () => {
    const file = writeYaml(VALID.replace('cost_to_scale: 10000', 'cost_to_scale: -1'));
    expect(configError(() => loadConfig(file, PipelineSchema)).message).toContain(
      'initiatives[1].cost_to_scale: expected a number ≥ 0, got -1',
    );
  });

  it('rejects unknown keys in config, naming them', () => {
    const file = writeYaml(`${VALID}budgett: 5\n`);
    const error = configError(() => loadConfig(file, PipelineSchema));
    expect(error.path).toBe('budgett');
    expect(error.found).toBe('unknown key "budgett"');
  });

  it('reports YAML syntax errors with their line and column', () => {
    const file = writeYaml('budget: 60000\ninitiatives:\n  - initiative_id: a\n    cost_to_scale: [1, 2\n');
    const error = configError(() => loadConfig(file, PipelineSchema));
    expect(error.code).toBe('CONFIG_YAML_SYNTAX');
    expect(error.line).toBeGreaterThanOrEqual(4);
    expect(error.message).toMatch(
      new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+:\\d+: invalid YAML`),
    );
  });

  it('reports the line of a duplicated key', () => {
    const file = writeYaml('budget: 1\nbudget: 2\ninitiatives: []\n');
    const error = configError(() => loadConfig(file, PipelineSchema));
    expect(error.code).toBe('CONFIG_YAML_SYNTAX');
    expect(error.line).toBe(2);
  });

  it('reports a missing file with its own code', () => {
    const error = configError(() => loadConfig('/definitely/not/here.yaml', PipelineSchema));
    expect(error.code).toBe('CONFIG_NOT_FOUND');
    expect(error.message).toContain('/definitely/not/here.yaml');
  });

  it('treats an empty file as an empty mapping and reports the missing fields', () => {
    const file = writeYaml('');
    const error = configError(() => loadConfig(file, PipelineSchema));
    expect(error.issues.map((issue) => issue.path)).toEqual(['budget', 'initiatives']);
  });

  it('keeps YAML strings such as "no" and dates as strings (YAML 1.2 core schema)', () => {
    const file = writeYaml('flag: no\nday: 2024-01-01\n');
    const config = loadConfig(file, z.strictObject({ flag: z.string(), day: z.string() }));
    expect(config).toEqual({ flag: 'no', day: '2024-01-01' });
  });
});

describe('parseConfig', () => {
  it('validates objects from code with the same messages, without a file', () => {
    const error = configError(() => parseConfig({ budget: -3, initiatives: [] }, PipelineSchema));
    expect(error.message).toBe('budget: expected a number ≥ 0, got -3 (and 1 more problem)');
    expect(error.issues[1]?.message).toBe('initiatives: expected a list of at least 1 item, got []');
  });

  it('leaves paths as written when no base folder is given', () => {
    const config = parseConfig(
      { budget: 1, initiatives: [{ initiative_id: 'a', cost_to_scale: 1, measure_config: 'x.yaml' }] },
      PipelineSchema,
    );
    expect(config.initiatives[0]?.measure_config).toBe('x.yaml');
  });
});
