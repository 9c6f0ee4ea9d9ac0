import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createTable, type Table } from '@impact/contracts';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { evaluateImpact } from '../../src/evaluate';
import { registerTransform } from '../../src/registry';
import { loadTableFile } from '../../src/sources/file';
import { memorySource } from '../../src/sources/memory';
import { missingReportOf } from '../../src/sources/missing';
import { defineTransform } from '../../src/transforms/transform';
import { errorOf } from './error-of';

const dir = mkdtempSync(join(tmpdir(), 'measure-missing-'));
function write(name: string, text: string): string {
  writeFileSync(join(dir, name), text);
  return join(dir, name);
}
const numbers = (table: Table, name: string) => Array.from(table.columns[name] as Float64Array);

// The same data in each source format: y missing on row 2 (NA) and row 4 (empty / null), z (unused) missing on row 1.
const csv = write('m.csv', 'y,d,z\n1,0,NA\nNA,1,2\n3,0,3\n,1,4\n5,1,5\n');
const jsonl = write(
  'm.jsonl',
  '{"y":1,"d":0}\n{"y":"NA","d":1,"z":2}\n{"y":3,"d":0,"z":3}\n{"y":null,"d":1,"z":4}\n{"y":5,"d":1,"z":5}\n',
);
const rows = [
  { y: 1, d: 0, z: null },
  { y: 'NA', d: 1, z: 2 },
  { y: 3, d: 0, z: 3 },
  { y: null, d: 1, z: 4 },
  { y: 5, d: 1, z: 5 },
];
const used = new Set(['y', 'd']);

const sources: {
  name: string;
  load: (missing?: unknown, columns?: ReadonlySet<string>) => Table | Promise<Table>;
}[] = [
  {
    name: 'csv',
    load: (missing, columns) =>
      loadTableFile({ path: csv, ...(missing ? { missing } : {}) } as never, dir, columns ? { columns } : {}),
  },
  {
    name: 'jsonl',
    load: (missing, columns) =>
      loadTableFile(
        { path: jsonl, ...(missing ? { missing } : {}) } as never,
        dir,
        columns ? { columns } : {},
      ),
  },
  {
    name: 'memory',
    load: (missing, columns) =>
      memorySource.load(memorySource.specSchema.parse({ rows, ...(missing ? { missing } : {}) }), {
        baseDir: dir,
        seed: 1,
        ...(columns ? { columns } : {}),
      }),
  },
];

describe.each(sources)('missing policy: $name source', ({ name, load }) => {
  it('error (default): refuses a missing cell in a used column, naming where and which column', async () => {
    const error = await errorOf(() => load(undefined, used));
    expect(error.code).toBe('DATA_MISSING_VALUE');
    expect(error.column).toBe('y');
    const where = name === 'memory' ? 'data.rows[1]' : name === 'csv' ? `${csv}:3` : `${jsonl}:2`;
    expect(error.message).toContain(`${where}: column "y" is missing (found "NA")`);
    expect(error.message).toContain('missing: drop');
  });

  it('error: a missing cell in a column the model does not use is not an error', async () => {
    const table = await load(undefined, new Set(['d', 'z_other']));
    expect(table.rowCount).toBe(5);
  });

  it('drop: drops rows listwise on the used columns only and reports the count', async () => {
    const table = await load('drop', used);
    expect(numbers(table, 'y')).toEqual([1, 3, 5]);
    expect(numbers(table, 'd')).toEqual([0, 0, 1]);
    expect(missingReportOf(table)).toEqual({
      policy: 'drop',
      rowsRead: 5,
      rowsDropped: 2,
      missingByColumn: { y: 2, d: 0 },
    });
  });

  it('drop with custom markers: NA is then a value (text), only the empty / null cell is dropped', async () => {
    const table = await load({ policy: 'drop', markers: [''] }, used);
    expect(table.rowCount).toBe(4);
    expect(table.columns.y).toContain('NA');
  });

  it('drop without a list of used columns: listwise over every column', async () => {
    const table = await load('drop');
    expect(table.rowCount).toBe(2);
  });
});

describe('missing policy: type errors still win over markers', () => {
  it('a declared number column with text names file:line and column', async () => {
    const path = write('t.csv', 'y,d\n1,0\nNA,1\nabc,1\n');
    const error = await errorOf(() => loadTableFile({ path, types: { y: 'number' }, missing: 'drop' }, dir));
    expect(error.code).toBe('DATA_NOT_NUMERIC');
    expect(error.message).toContain(`${path}:4: column "y"`);
  });

  it('a JSONL key absent on a line is missing; a nested value is refused with its line', async () => {
    const path = write('n.jsonl', '{"y":1,"d":0}\n{"d":1}\n{"y":{"a":1},"d":1}\n');
    const error = await errorOf(() => loadTableFile({ path, missing: 'drop' }, dir));
    expect(error.code).toBe('DATA_FILE_INVALID');
    expect(error.message).toContain(`${path}:3: field "y" holds a nested value`);
    const absent = await errorOf(() =>
      loadTableFile({ path: write('a.jsonl', '{"y":1,"d":0}\n{"d":1}\n') }, dir),
    );
    expect(absent.message).toContain(':2: column "y" is missing (found "(no such key)")');
  });

  it('every row missing → DATA_TOO_FEW_ROWS with the per-column counts', async () => {
    const path = write('all.csv', 'y,d\nNA,0\n,1\n');
    const error = await errorOf(() => loadTableFile({ path, missing: 'drop' }, dir));
    expect(error.code).toBe('DATA_TOO_FEW_ROWS');
    expect(error.message).toContain('y: 2');
  });
});

describe('missing policy in a run', () => {
  it('puts the dropped rows into the result diagnostics', async () => {
    const { result } = await evaluateImpact({
      config: {
        initiative_id: 'drop-run',
        data: { source: 'file', path: csv, missing: 'drop' },
        model: { name: 'experiment', params: { formula: 'y ~ d' } },
      },
    });
    expect(result.sample_size).toBe(3);
    expect(result.diagnostics.rows_read).toBe(5);
    expect(result.diagnostics.rows_dropped_missing).toBe(2);
    expect(result.diagnostics.share_dropped_missing).toBeCloseTo(0.4, 12);
    expect(result.diagnostics.missing_by_column).toEqual({ y: 2, d: 0 });
  });

  it('drop_missing in code-passed tables: NaN rows are dropped by a memory table source with missing: drop', async () => {
    const table = createTable({ y: Float64Array.of(1, Number.NaN, 3, 4), d: Uint8Array.of(0, 1, 0, 1) });
    const loaded = await memorySource.load(memorySource.specSchema.parse({ table, missing: 'drop' }), {
      baseDir: dir,
      seed: 1,
    });
    expect(numbers(loaded, 'y')).toEqual([1, 3, 4]);
  });
});

describe('missing policy with a transform that may read unnamed columns', () => {
  // A custom transform might read any column, so the source keeps them all — but `missing:` still
  // applies only to the columns the run names.
  registerTransform(
    defineTransform({
      name: 'test_keeps_everything',
      paramsSchema: z.strictObject({}),
      apply: (table) => table,
    }),
  );
  const config = (missing?: string) => ({
    initiative_id: 'opaque',
    data: { source: 'file', path: csv, ...(missing ? { missing } : {}) },
    transforms: [{ name: 'test_keeps_everything' }],
    model: { name: 'experiment', params: { formula: 'y ~ d' } },
  });

  it('error: the unused z column (NA on line 2) is kept and is not an error; y (line 3) is', async () => {
    const error = await errorOf(() => evaluateImpact({ config: config() }));
    expect(error.message).toContain(`${csv}:3: column "y" is missing`);
  });

  it('drop: listwise over the named columns only', async () => {
    const { result } = await evaluateImpact({ config: config('drop') });
    expect(result.sample_size).toBe(3);
    expect(result.diagnostics.missing_by_column).toEqual({ y: 2, d: 0 });
  });
});

describe('Card & Krueger (1994) from the file with config only', () => {
  const golden = JSON.parse(
    readFileSync(fileURLToPath(new URL('../fixtures/panel/card-krueger.json', import.meta.url)), 'utf8'),
  ) as { n: number; did_of_means: number; ols_se_cluster: number };
  const config = (missing?: string) => ({
    initiative_id: 'nj-minimum-wage',
    data: { source: 'file', path: '/work/shared/datasets/card-krueger.csv', ...(missing ? { missing } : {}) },
    model: {
      name: 'difference_in_differences',
      params: {
        outcome: 'fte',
        unit: 'id',
        time: 'd',
        treated: 'nj',
        post: 'd',
        fixed_effects: 'group_time',
      },
    },
  });

  it('missing: drop reproduces the published 2×2 DiD (2.7536) and the statsmodels cluster SE', async () => {
    const { result } = await evaluateImpact({ config: config('drop') });
    expect(Math.abs(result.effect_estimate / golden.did_of_means - 1)).toBeLessThan(1e-9);
    expect(Math.abs((result.standard_error as number) / golden.ols_se_cluster - 1)).toBeLessThan(1e-6);
    expect(result.diagnostics.rows_read).toBe(820);
    expect(result.diagnostics.rows_dropped_missing).toBe(820 - golden.n);
  });

  it('without missing: drop, refuses the first NA in fte with its line (the unused wage column does not matter)', async () => {
    const error = await errorOf(() => evaluateImpact({ config: config() }));
    expect(error.code).toBe('DATA_MISSING_VALUE');
    expect(error.message).toContain('card-krueger.csv:35: column "fte" is missing (found "NA")');
  });
});
