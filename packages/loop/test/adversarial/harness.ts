import { createHash } from 'node:crypto';
import { existsSync, lstatSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ConfigError,
  FOLDER_MANIFEST,
  ImpactError,
  type OutcomeReport,
  verifyFolder,
} from '@impact/contracts';
import { expect } from 'vitest';
import { errorKind, type RunLoopOptions, runLoop } from '../../src/index';

/** A fresh temporary folder. */
export const tmp = (prefix = 'impact-adv-'): string => mkdtempSync(join(tmpdir(), prefix));

/** A small CSV experiment: `revenue` with a treatment effect of about `effect`, `treated` alternating. */
export function experimentCsv(rows = 80, effect = 2, seed = 1): string {
  let state = seed;
  const noise = () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state / 2 ** 31 - 0.5;
  };
  const lines = ['product_id,treated,revenue,price'];
  for (let i = 0; i < rows; i++) {
    const treated = i % 2;
    lines.push(
      `p${i},${treated},${(10 + treated * effect + noise() * 4).toFixed(4)},${(5 + (i % 7)).toFixed(2)}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

/** A measure config on a CSV file (relative to the pipeline folder). */
export function fileMeasure(file: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    data: { source: 'file', path: file },
    model: { name: 'experiment', params: { formula: 'revenue ~ treated' } },
    ...extra,
  };
}

/** One initiative measured on a CSV file, at pilot and at scale. */
export function fileInitiative(id: string, file: string, cost = 100): Record<string, unknown> {
  return {
    initiative_id: id,
    cost_to_scale: cost,
    pilot: { measure: fileMeasure(file) },
    scale: { measure: fileMeasure(file) },
    valuation: { value_per_unit: 1, units: 100 },
  };
}

/** A simulated initiative (real simulate + measure stages, small sizes). */
export function simulatedInitiative(id: string, effect = 0.3, cost = 600): Record<string, unknown> {
  return {
    initiative_id: id,
    cost_to_scale: cost,
    pilot: {
      simulation: {
        products: 120,
        start_date: '2024-01-01',
        end_date: '2024-01-21',
        treatment: {
          assignment: 'random',
          start_date: '2024-01-11',
          metric: 'conversion',
          effect: { size: effect },
        },
      },
      measure: {
        transforms: [{ name: 'aggregate_by_product', metric: 'revenue', window: 'post' }],
        model: {
          name: 'experiment',
          params: { formula: 'revenue ~ treated', pre_period_metric: 'revenue_pre' },
        },
      },
    },
    scale_sample_size: 240,
    valuation: { value_per_unit: 0.1, units: 1000 },
  };
}

/** A folder with `a.csv`, `b.csv`, `c.csv` and a pipeline over them (budget 250, three initiatives of cost 100). */
export function filePipeline(): { dir: string; config: Record<string, unknown> } {
  const dir = tmp();
  writeFileSync(join(dir, 'a.csv'), experimentCsv(80, 3, 1));
  writeFileSync(join(dir, 'b.csv'), experimentCsv(80, 2, 2));
  writeFileSync(join(dir, 'c.csv'), experimentCsv(80, 1, 3));
  const config = {
    budget: 250,
    seed: 7,
    allocate: { rule: 'minimax_regret', solver: 'highs' },
    initiatives: [fileInitiative('a', 'a.csv'), fileInitiative('b', 'b.csv'), fileInitiative('c', 'c.csv')],
  };
  return { dir, config };
}

/** Run the loop on a config object whose relative paths resolve against `dir`. */
export function run(
  dir: string,
  config: unknown,
  outDir: string,
  extra: Partial<RunLoopOptions> = {},
): Promise<OutcomeReport> {
  return runLoop({ config: config as RunLoopOptions['config'], baseDir: dir, outDir, ...extra });
}

/** Every file under `folder` (relative path → SHA-256), links and folders included by kind. */
export function snapshot(folder: string): Record<string, string> {
  const out: Record<string, string> = {};
  if (!existsSync(folder)) return out;
  const walk = (path: string, rel: string) => {
    for (const name of readdirSync(path).sort()) {
      const full = join(path, name);
      const key = rel === '' ? name : `${rel}/${name}`;
      const stat = lstatSync(full);
      if (stat.isSymbolicLink()) out[key] = 'link';
      else if (stat.isDirectory()) walk(full, key);
      else out[key] = createHash('sha256').update(readFileSync(full)).digest('hex');
    }
  };
  walk(folder, '');
  return out;
}

/**
 * Nothing half-written: no staging, retired or temporary file anywhere, and either no run at all (no manifest
 * and none of the run's files) or a complete one (the manifest verifies every file).
 */
export function expectNothingHalfWritten(outDir: string): void {
  const names = Object.keys(snapshot(outDir));
  expect(names.filter((name) => /(^|\/)\.impact-(staging|retired)-|\.tmp$/.test(name))).toEqual([]);
  if (existsSync(join(outDir, FOLDER_MANIFEST))) {
    expect(() => verifyFolder(outDir)).not.toThrow();
  } else {
    expect(
      names.filter((name) => /^(outcome|run|history|cycles|calibration)\.|^artifacts\//.test(name)),
    ).toEqual([]);
  }
}

/** Await `promise`, expect it to reject with a typed error of `code`, and return the error. */
export async function rejection(promise: Promise<unknown>, code: string): Promise<ImpactError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error, 'expected a typed error').toBeInstanceOf(ImpactError);
  expect((error as ImpactError).code).toBe(code);
  return error as ImpactError;
}

/** A config error naming `path` (and the expectation), raised before any file is written. */
export async function expectConfigError(
  dir: string,
  config: unknown,
  path: string | RegExp,
  expected?: RegExp,
): Promise<ConfigError> {
  const outDir = join(tmp(), 'out');
  const error = (await rejection(run(dir, config, outDir), 'CONFIG_INVALID')) as ConfigError;
  expect(error).toBeInstanceOf(ConfigError);
  const paths = error.issues.map((issue) => issue.path);
  if (typeof path === 'string') expect(paths).toContain(path);
  else expect(paths.some((candidate) => path.test(candidate))).toBe(true);
  if (expected !== undefined) expect(error.message).toMatch(expected);
  expect(errorKind(error)).toBe('user');
  expect(existsSync(outDir)).toBe(false);
  return error;
}

/** A deep copy of a JSON-like config, to mutate per case. */
export const clone = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;
