import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError, createTable } from '@impact/contracts';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { MeasureError } from '../src/errors';
import { evaluateImpact } from '../src/evaluate';
import { defineModel } from '../src/models/model';
import { getModel, listModels, registerModel } from '../src/registry';
import { createFilesystemStorage } from '../src/storage/filesystem';
import { createMemoryStorage } from '../src/storage/memory';

const fixtureDir = fileURLToPath(new URL('./fixtures/', import.meta.url));
const lalondePath = join(fixtureDir, 'lalonde.csv');

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'measure-eval-'));
}

const lalondeConfig = {
  initiative_id: 'nsw-training',
  data: { source: 'file', path: lalondePath, types: { treat: 'binary' } },
  model: { name: 'experiment', params: { formula: 're78 ~ treat' } },
};

describe('evaluateImpact', () => {
  it('runs a YAML config end to end and writes the job folder with the manifest last', async () => {
    const dir = tempDir();
    writeFileSync(
      join(dir, 'measure.yaml'),
      [
        'initiative_id: nsw-training',
        'data:',
        `  source: file`,
        `  path: ${lalondePath}`,
        '  types: { treat: binary }',
        'model:',
        '  name: experiment',
        '  params: { formula: "re78 ~ treat", covariance: HC3 }',
        'ci_level: 0.9',
        'storage: { name: filesystem, url: ./results }',
      ].join('\n'),
    );
    const { result, artifactUri, details } = await evaluateImpact({ configPath: join(dir, 'measure.yaml') });
    expect(result.effect_estimate).toBeCloseTo(-635.0262, 3);
    expect(result.model_type).toBe('experiment');
    expect(result.method).toBe('experiment');
    expect(result.ci_level).toBe(0.9);
    expect(details.treatment).toBe('treat');
    const jobDir = fileURLToPath(artifactUri as string);
    expect(jobDir.startsWith(join(dir, 'results', 'nsw-training-'))).toBe(true);
    expect(readdirSync(jobDir).sort()).toEqual([
      'config.json',
      'details.json',
      'manifest.json',
      'result.json',
    ]);
    expect(JSON.parse(readFileSync(join(jobDir, 'result.json'), 'utf8'))).toEqual(
      JSON.parse(JSON.stringify(result)),
    );
    const manifest = JSON.parse(readFileSync(join(jobDir, 'manifest.json'), 'utf8'));
    expect(manifest.files.map((f: { name: string }) => f.name)).toEqual([
      'result.json',
      'config.json',
      'details.json',
    ]);
    expect(JSON.parse(readFileSync(join(jobDir, 'config.json'), 'utf8')).model.params.covariance).toBe('HC3');
    // no staging folders left behind
    expect(readdirSync(join(dir, 'results'))).toHaveLength(1);
  });

  it('resolves data and storage paths relative to the YAML file and applies transforms', async () => {
    const dir = tempDir();
    writeFileSync(
      join(dir, 'sales.csv'),
      'day,unit,rev,arm\n0,a,1,1\n0,b,2,0\n1,a,3,1\n1,b,5,0\n2,c,4,1\n2,d,1,0\n',
    );
    writeFileSync(
      join(dir, 'run.yaml'),
      [
        'initiative_id: relative-paths',
        'data: { source: file, path: sales.csv, columns: { revenue: rev, treated: arm }, types: { treated: binary } }',
        'transforms: [{ name: passthrough }, { name: aggregate_by_product, unit: unit, metric: revenue }]',
        'model: { name: experiment, params: { outcome: revenue, treatment: treated } }',
        'storage: { name: filesystem, url: out }',
      ].join('\n'),
    );
    const { result, artifactUri } = await evaluateImpact({ configPath: join(dir, 'run.yaml') });
    // per unit: a = 2 (treated), b = 3.5, c = 4 (treated), d = 1 → 3 − 2.25
    expect(result.effect_estimate).toBeCloseTo(0.75, 12);
    expect(fileURLToPath(artifactUri as string).startsWith(join(dir, 'out'))).toBe(true);
  });

  it('is deterministic: the same config gives the same job id and byte-identical files', async () => {
    const storage = createMemoryStorage();
    const a = await evaluateImpact({ config: lalondeConfig, storage });
    const b = await evaluateImpact({ config: lalondeConfig, storage });
    expect(a.artifactUri).toBe(b.artifactUri);
    expect(storage.jobs()).toHaveLength(1);
    const other = await evaluateImpact({ config: { ...lalondeConfig, ci_level: 0.8 }, storage });
    expect(other.artifactUri).not.toBe(a.artifactUri);
    const config = { initiative_id: 'in-code', model: { name: 'experiment', params: { formula: 'y ~ d' } } };
    const d = Uint8Array.of(0, 0, 0, 1, 1, 1);
    const first = await evaluateImpact({
      config,
      storage,
      data: createTable({ y: Float64Array.of(1, 2, 3, 4, 5, 6), d }),
    });
    const second = await evaluateImpact({
      config,
      storage,
      data: createTable({ y: Float64Array.of(1, 2, 3, 4, 5, 7), d }),
    });
    expect(second.artifactUri).not.toBe(first.artifactUri);
  });

  it('uses data passed in code instead of the config data', async () => {
    const data = createTable({ y: Float64Array.of(1, 2, 3, 5, 6, 8), d: Uint8Array.of(0, 0, 0, 1, 1, 1) });
    const { result, artifactUri } = await evaluateImpact({
      config: {
        initiative_id: 'code-data',
        model: { name: 'experiment', params: { outcome: 'y', treatment: 'd' } },
      },
      data,
    });
    expect(result.effect_estimate).toBeCloseTo(13 / 3, 12);
    expect(artifactUri).toBeUndefined();
  });

  it('accepts inline memory rows', async () => {
    const rows = [0, 1, 2, 3, 4, 5].map((i) => ({ y: i * (i % 2 ? 2 : 1), d: i % 2 === 1 }));
    const { result } = await evaluateImpact({
      config: {
        initiative_id: 'rows',
        data: { source: 'memory', rows },
        model: { name: 'experiment', params: { formula: 'y ~ d' } },
      },
    });
    expect(result.sample_size).toBe(6);
  });

  it('rejects unknown config keys (ConfigError) and invalid model params (MODEL_PARAMS_INVALID) naming the path', async () => {
    await expect(evaluateImpact({ config: { ...lalondeConfig, extra: 1 } as never })).rejects.toThrow(
      ConfigError,
    );
    const bad = {
      ...lalondeConfig,
      model: { name: 'experiment', params: { formula: 're78 ~ treat', cov_type: 'HC3' } },
    };
    await expect(evaluateImpact({ config: bad })).rejects.toMatchObject({
      code: 'MODEL_PARAMS_INVALID',
      parameter: 'model.params.cov_type',
      message: expect.stringMatching(/model\.params.*cov_type/),
    });
    const badData = { ...lalondeConfig, data: { ...lalondeConfig.data, colums: {} } };
    await expect(evaluateImpact({ config: badData })).rejects.toThrow(/data/);
  });

  it('reports unknown model, source, transform and storage names with MeasureError codes', async () => {
    await expect(
      evaluateImpact({ config: { ...lalondeConfig, model: { name: 'nope' } } }),
    ).rejects.toMatchObject({ code: 'MODEL_UNKNOWN' });
    await expect(
      evaluateImpact({ config: { ...lalondeConfig, data: { source: 'warehouse' } } }),
    ).rejects.toMatchObject({
      code: 'DATA_SOURCE_UNKNOWN',
    });
    await expect(
      evaluateImpact({ config: { ...lalondeConfig, transforms: [{ name: 'nope' }] } }),
    ).rejects.toMatchObject({
      code: 'TRANSFORM_UNKNOWN',
    });
    await expect(
      evaluateImpact({ config: { ...lalondeConfig, storage: { name: 's3' } } }),
    ).rejects.toMatchObject({ code: 'STORAGE_UNKNOWN' });
  });

  it('writes nothing when the model fails', async () => {
    const dir = tempDir();
    const storage = createFilesystemStorage(join(dir, 'out'));
    const data = createTable({ y: Float64Array.of(1, 2, 3), d: Uint8Array.of(1, 1, 1) });
    await expect(
      evaluateImpact({
        config: {
          initiative_id: 'empty-control',
          model: { name: 'experiment', params: { formula: 'y ~ d' } },
        },
        data,
        storage,
      }),
    ).rejects.toThrow(MeasureError);
    expect(existsSync(join(dir, 'out'))).toBe(false);
  });

  it('keeps the previous complete job folder when a write fails', async () => {
    const dir = tempDir();
    const storage = createFilesystemStorage(dir);
    const uri = await storage.write({ jobId: 'job', files: [{ name: 'result.json', content: '{"v":1}' }] });
    await expect(
      storage.write({
        jobId: 'job',
        files: [
          { name: 'result.json', content: '{"v":2}' },
          { name: 'details.json', content: 42 as unknown as string },
        ],
      }),
    ).rejects.toMatchObject({ code: 'STORAGE_FAILED' });
    expect(readFileSync(join(fileURLToPath(uri), 'result.json'), 'utf8')).toBe('{"v":1}');
    expect(readdirSync(dir)).toEqual(['job']);
  });
});

describe('registries', () => {
  it('has the built-in experiment model and refuses duplicates', () => {
    expect(listModels()).toContain('experiment');
    expect(getModel('experiment').modelType).toBe('experiment');
    expect(() => registerModel(getModel('experiment'))).toThrow(/already registered/);
  });
  it('lets users add a model and select it by name', async () => {
    registerModel(
      defineModel({
        name: 'test_constant_effect',
        modelType: 'observational',
        paramsSchema: z.strictObject({ value: z.number() }),
        fit: (table, params) => ({
          effect_estimate: params.value,
          standard_error: 1,
          ci_lower: params.value - 2,
          ci_upper: params.value + 2,
          p_value: 0.5,
          sample_size: table.rowCount,
          metric: 'y',
          effect_unit: 'absolute',
          diagnostics: {},
          details: {},
        }),
      }),
    );
    const { result } = await evaluateImpact({
      config: { initiative_id: 'custom', model: { name: 'test_constant_effect', params: { value: 3 } } },
      data: createTable({ y: Float64Array.of(1, 2) }),
    });
    expect(result.effect_estimate).toBe(3);
    expect(result.model_type).toBe('observational');
  });
});

describe('evaluateImpact with the simulator data source', () => {
  it('measures a simulated RCT end to end (simulator → aggregate_by_product → experiment)', async () => {
    const simulation = {
      seed: 5,
      products: 200,
      start_date: '2024-01-01',
      end_date: '2024-01-21',
      treatment: {
        assignment: 'random',
        fraction: 0.5,
        start_date: '2024-01-11',
        metric: 'conversion',
        effect: { size: 0.2 },
      },
    };
    const config = {
      initiative_id: 'sim-rct',
      data: { source: 'simulator', config: simulation },
      transforms: [{ name: 'aggregate_by_product', metric: 'revenue', window: 'post' }],
      model: {
        name: 'experiment',
        params: { formula: 'revenue ~ treated', pre_period_metric: 'revenue_pre' },
      },
    };
    const storage = createMemoryStorage();
    const { result, artifactUri } = await evaluateImpact({ config, storage });
    expect(result.sample_size).toBe(200);
    expect(result.metric).toBe('revenue');
    const { simulate } = await import('@impact/simulate');
    const truth = simulate(simulation as never).groundTruth.metrics.revenue?.ate_absolute as number;
    expect(Math.abs(result.effect_estimate - truth)).toBeLessThan(4 * result.standard_error);
    const again = await evaluateImpact({ config, storage });
    expect(again.artifactUri).toBe(artifactUri);
    const files = storage.get((artifactUri as string).slice('memory://'.length));
    expect(files?.get('result.json')).toBe(
      `${JSON.stringify(JSON.parse(files?.get('result.json') as string), null, 2)}\n`,
    );
  });
});
