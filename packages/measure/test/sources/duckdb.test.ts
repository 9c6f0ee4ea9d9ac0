import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MeasureError } from '../../src/errors';
import { evaluateImpact } from '../../src/evaluate';
import { createDuckDbSource, DuckDbSourceSpecSchema, duckDbSource } from '../../src/sources/duckdb';
import { missingReportOf } from '../../src/sources/missing';
import { createDuckDbEngine } from '../../src/sql/duckdb';
import { createEngineTable, experimentTable, relativeMismatches } from '../sql/helpers';

const folder = mkdtempSync(join(tmpdir(), 'impact-duckdb-source-'));
const table = experimentTable(1500, 5);
const context = { baseDir: folder, seed: 1 };

beforeAll(async () => {
  const engine = await createDuckDbEngine();
  await createEngineTable(engine, 'experiment', table);
  await engine.query(
    `COPY (SELECT * FROM experiment WHERE rowid < 700) TO '${folder}/part-1.parquet' (FORMAT parquet)`,
  );
  await engine.query(
    `COPY (SELECT * FROM experiment WHERE rowid >= 700) TO '${folder}/part-2.parquet' (FORMAT parquet)`,
  );
  await engine.query(`COPY experiment TO '${folder}/experiment.parquet' (FORMAT parquet)`);
  await engine.query(`COPY experiment TO '${folder}/experiment.csv' (FORMAT csv, HEADER)`);
  await engine.query(`COPY experiment TO '${folder}/experiment.json' (FORMAT json)`);
  await engine.query(
    `COPY (SELECT CASE WHEN rowid % 100 = 7 THEN NULL ELSE revenue END AS revenue, treated, price FROM experiment) TO '${folder}/gaps.parquet' (FORMAT parquet)`,
  );
  await engine.query(`ATTACH '${folder}/warehouse.duckdb' AS warehouse`);
  await engine.query('CREATE TABLE warehouse.orders AS SELECT * FROM experiment');
  await engine.query('DETACH warehouse');
  await engine.close();
});
afterAll(() => {
  rmSync(folder, { recursive: true, force: true });
});

const load = async (spec: Record<string, unknown>, columns?: string[]) =>
  duckDbSource.load(DuckDbSourceSpecSchema.parse(spec), {
    ...context,
    ...(columns ? { columns: new Set(columns) } : {}),
  });

describe('duckdb source', () => {
  it('reads Parquet into typed columns equal to the written data', async () => {
    const loaded = await load({ path: 'experiment.parquet' });
    expect(loaded.rowCount).toBe(1500);
    expect(loaded.columns.revenue).toBeInstanceOf(Float64Array);
    expect(Array.from(loaded.columns.revenue as Float64Array)).toEqual(
      Array.from(table.columns.revenue as Float64Array),
    );
    expect(loaded.columns.region).toEqual(table.columns.region);
  });

  it('reads a glob of Parquet files, CSV and JSON to the same values', async () => {
    const glob = await load({ path: 'part-*.parquet', query: 'SELECT * FROM data ORDER BY store, revenue' });
    const csv = await load({ path: 'experiment.csv', query: 'SELECT * FROM data ORDER BY store, revenue' });
    const json = await load({ path: 'experiment.json', query: 'SELECT * FROM data ORDER BY store, revenue' });
    expect(glob.rowCount).toBe(1500);
    expect(relativeMismatches(csv.columns, glob.columns, 0)).toEqual([]);
    expect(relativeMismatches(json.columns, glob.columns, 0)).toEqual([]);
  });

  it('reads a table of a .duckdb database, renaming by columns: and checking types:', async () => {
    const loaded = await load({
      database: 'warehouse.duckdb',
      table: 'orders',
      columns: { sales: 'revenue' },
      types: { treated: 'binary', store: 'string' },
    });
    expect(loaded.columns.sales).toBeDefined();
    expect(loaded.columns.revenue).toBeUndefined();
    expect(loaded.columns.treated).toBeInstanceOf(Uint8Array);
  });

  it('loads only the columns the run names (plus typed ones)', async () => {
    const loaded = await load({ path: 'experiment.parquet', types: { treated: 'binary' } }, [
      'revenue',
      'price',
    ]);
    expect(Object.keys(loaded.columns).sort()).toEqual(['price', 'revenue', 'treated']);
  });

  it('refuses a NULL under missing: error, naming the column', async () => {
    const error = await load({ path: 'gaps.parquet' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MeasureError);
    expect((error as MeasureError).code).toBe('DATA_MISSING_VALUE');
    expect((error as MeasureError).column).toBe('revenue');
    expect((error as MeasureError).message).toMatch(/gaps\.parquet row 8: column "revenue"/);
  });

  it('drops rows listwise under missing: drop and reports the count', async () => {
    const loaded = await load({ path: 'gaps.parquet', missing: 'drop' });
    expect(loaded.rowCount).toBe(1485);
    expect(missingReportOf(loaded)).toMatchObject({
      rowsRead: 1500,
      rowsDropped: 15,
      missingByColumn: { revenue: 15 },
    });
  });

  it('applies missing: only to context.missingColumns when the run gives them', async () => {
    const spec = DuckDbSourceSpecSchema.parse({ path: 'gaps.parquet' });
    const unpoliced = await duckDbSource.load(spec, { ...context, missingColumns: new Set(['price']) });
    expect(unpoliced.rowCount).toBe(1500);
    expect(Number.isNaN((unpoliced.columns.revenue as Float64Array)[7] as number)).toBe(true);
    const dropSpec = DuckDbSourceSpecSchema.parse({ path: 'gaps.parquet', missing: 'drop' });
    const dropped = await duckDbSource.load(dropSpec, { ...context, missingColumns: new Set(['revenue']) });
    expect(dropped.rowCount).toBe(1485);
  });

  it('names a missing mapped column and a type violation', async () => {
    await expect(load({ path: 'experiment.parquet', columns: { y: 'sales' } })).rejects.toMatchObject({
      code: 'DATA_MISSING_COLUMN',
      column: 'sales',
    });
    await expect(load({ path: 'experiment.parquet', types: { price: 'binary' } })).rejects.toMatchObject({
      code: 'DATA_NOT_BINARY',
      column: 'price',
    });
    await expect(load({ path: 'experiment.parquet', columns: { price: 'revenue' } })).rejects.toMatchObject({
      code: 'DATA_DUPLICATE_COLUMN',
    });
  });

  it('refuses an unknown extension and a missing file with typed errors', async () => {
    await expect(load({ path: 'experiment.xlsx' })).rejects.toMatchObject({ code: 'DATA_FILE_INVALID' });
    await expect(load({ path: 'nowhere.parquet' })).rejects.toMatchObject({ code: 'DATA_FILE_INVALID' });
  });

  it('says what to install when @duckdb/node-api cannot be imported', async () => {
    const source = createDuckDbSource({
      lib: { DuckDBInstance: { create: () => Promise.reject(new Error('x')) } },
    });
    await expect(
      source.load(DuckDbSourceSpecSchema.parse({ path: 'experiment.parquet' }), context),
    ).rejects.toMatchObject({
      code: 'DATA_FILE_INVALID',
    });
    const { importDuckDb } = await import('../../src/sql/duckdb');
    await expect(importDuckDb('@duckdb/not-installed')).rejects.toMatchObject({
      code: 'DATA_SOURCE_UNAVAILABLE',
      message: expect.stringMatching(/npm install @duckdb\/node-api/),
    });
  });
});

describe('evaluateImpact with pushdown', () => {
  const config = (pushdown: boolean, model: { name: string; params: Record<string, unknown> }) => ({
    initiative_id: 'pushdown-check',
    data: { source: 'duckdb', path: join(folder, 'experiment.parquet'), pushdown },
    model,
  });
  const experiment = {
    name: 'experiment',
    params: { formula: 'revenue ~ treated + price + C(region)', covariance: 'HC3' },
  };

  it('gives the in-memory result to 1e-9 and says it was pushed down', async () => {
    const inMemory = await evaluateImpact({ config: config(false, experiment) });
    const pushed = await evaluateImpact({ config: config(true, experiment) });
    expect(pushed.result.diagnostics.data_path).toBe(
      'pushdown (duckdb, rows streamed to the in-memory OLS kernels)',
    );
    const { data_path: _, ...diagnostics } = pushed.result.diagnostics;
    expect(relativeMismatches({ ...pushed.result, diagnostics }, inMemory.result, 1e-9)).toEqual([]);
  });

  it('fits a sequential experiment in memory (same result as without pushdown) and says why', async () => {
    const sequential = {
      name: 'experiment',
      params: { formula: 'revenue ~ treated + price', sequential: { planned_sample_size: 1500 } },
    };
    const inMemory = await evaluateImpact({ config: config(false, sequential) });
    const pushed = await evaluateImpact({ config: config(true, sequential) });
    expect(pushed.result.diagnostics.data_path).toContain(
      'sequential (always-valid) inference is computed in memory',
    );
    expect(Object.keys(pushed.result.diagnostics).some((key) => key.startsWith('sequential'))).toBe(true);
    const { data_path: _a, ...pushedRest } = pushed.result.diagnostics;
    const { data_path: _b, ...memoryRest } = inMemory.result.diagnostics;
    expect(pushedRest).toEqual(memoryRest);
    expect(pushed.result.effect_estimate).toBe(inMemory.result.effect_estimate);
  });

  it('gives byte-identical results run to run and for any thread count, on data spanning several row groups', async () => {
    const big = join(folder, 'big.parquet');
    const engine = await createDuckDbEngine();
    await engine.query(
      `COPY (SELECT CAST(hash(range, 1) % 2 AS INTEGER) AS treated, (hash(range, 2) % 1000)::DOUBLE / 7 AS price, (hash(range, 3) % 100000)::DOUBLE / 3 + 5 * CAST(hash(range, 1) % 2 AS INTEGER) AS revenue FROM range(400000)) TO '${big}' (FORMAT parquet, ROW_GROUP_SIZE 50000)`,
    );
    await engine.close();
    const run = async (data: Record<string, unknown>, covariance = 'HC3') =>
      (
        await evaluateImpact({
          config: {
            initiative_id: 'determinism',
            data: { source: 'duckdb', path: big, pushdown: true, ...data },
            model: { name: 'experiment', params: { formula: 'revenue ~ treated + price', covariance } },
          },
        })
      ).result;
    for (const covariance of ['HC3', 'HC1']) {
      const first = JSON.stringify(await run({ settings: { threads: 1 } }, covariance));
      expect(JSON.stringify(await run({ settings: { threads: 1 } }, covariance))).toBe(first);
      expect(JSON.stringify(await run({ settings: { threads: 2 } }, covariance))).toBe(first);
      expect(JSON.stringify(await run({ settings: { threads: 3 } }, covariance))).toBe(first);
      expect(JSON.stringify(await run({}, covariance))).toBe(first);
      // Summing in parts changes only the rounding: the one-statement fit (a query has no parts) agrees
      // (to 1e-8: r² ≈ 1.5e-5 here, so 1 − RSS/TSS magnifies a 1e-14 change in RSS/TSS).
      const whole = await run({ query: 'SELECT * FROM data' }, covariance);
      const { data_path: _, ...rest } = whole.diagnostics;
      expect(
        relativeMismatches(
          JSON.parse(first),
          {
            ...whole,
            diagnostics: {
              ...rest,
              data_path: 'pushdown (duckdb, rows streamed to the in-memory OLS kernels)',
            },
          },
          1e-8,
        ),
      ).toEqual([]);
    }
  });

  it('splits Parquet files into fixed parts for pushdown, and nothing else', async () => {
    const parts = async (spec: Record<string, unknown>) =>
      (await duckDbSource.openRelation(DuckDbSourceSpecSchema.parse(spec), context)).parts?.length;
    expect(await parts({ path: 'experiment.parquet', pushdown: true })).toBe(8);
    expect(await parts({ path: 'part-*.parquet', pushdown: true })).toBe(8);
    expect(await parts({ path: 'experiment.parquet' })).toBeUndefined();
    expect(await parts({ path: 'experiment.csv', pushdown: true })).toBeUndefined();
    expect(
      await parts({ path: 'experiment.parquet', query: 'SELECT * FROM data', pushdown: true }),
    ).toBeUndefined();
  });

  it('counts every row once across parts of a glob (missing: drop over files of different sizes)', async () => {
    const spec = (pushdown: boolean) => ({
      initiative_id: 'glob',
      data: { source: 'duckdb', path: join(folder, 'part-*.parquet'), pushdown, missing: 'drop' },
      model: { name: 'experiment', params: { formula: 'revenue ~ treated + price', covariance: 'HC1' } },
    });
    const pushed = await evaluateImpact({ config: spec(true) });
    const inMemory = await evaluateImpact({ config: spec(false) });
    expect(pushed.result.sample_size).toBe(1500);
    const { data_path: _, ...diagnostics } = pushed.result.diagnostics;
    expect(relativeMismatches({ ...pushed.result, diagnostics }, inMemory.result, 1e-9)).toEqual([]);
  });

  it('fits in memory when refute: is set, deciding before any query and saying so', async () => {
    const refute = { placebo_outcome: { outcome: 'price' } };
    const experimentCovariates = {
      name: 'experiment',
      params: { outcome: 'revenue', treatment: 'treated', covariates: ['visits'] },
    };
    const pushed = await evaluateImpact({ config: { ...config(true, experimentCovariates), refute } });
    const inMemory = await evaluateImpact({ config: { ...config(false, experimentCovariates), refute } });
    expect(pushed.result.diagnostics.data_path).toBe(
      'in memory, loading only the columns the model names: refute: refits the model on placebo and subset data in memory, so the model is not pushed down',
    );
    const { data_path: _, ...diagnostics } = pushed.result.diagnostics;
    expect(diagnostics).toEqual(inMemory.result.diagnostics);
    expect(pushed.result.effect_estimate).toBe(inMemory.result.effect_estimate);
    expect(diagnostics.refute_placebo_outcome_p_value).toEqual(expect.any(Number));
  });

  it('loads only the named columns for a model without pushdown, and says so', async () => {
    const run = await evaluateImpact({
      config: config(true, {
        name: 'regression_adjustment',
        params: { outcome: 'revenue', treatment: 'treated', covariates: ['price'] },
      }),
    });
    expect(run.result.diagnostics.data_path).toMatch(
      /in memory, loading only the columns the model names: model "regression_adjustment" has no SQL pushdown/,
    );
  });
});
