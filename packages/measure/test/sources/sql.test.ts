import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluateImpact } from '../../src/evaluate';
import { SqlSourceSpecSchema, sqlSource } from '../../src/sources/sql';
import { createDuckDbEngine } from '../../src/sql/duckdb';
import { defineSqlEngine } from '../../src/sql/engine';
import { createPostgresEngine } from '../../src/sql/postgres';
import { getSqlEngine, listSqlEngines, registerSqlEngine } from '../../src/sql/registry';
import { createEngineTable, panelTable, relativeMismatches } from '../sql/helpers';
import { pgForTests } from '../sql/pg-lib';

const folder = mkdtempSync(join(tmpdir(), 'impact-sql-source-'));
const database = join(folder, 'warehouse.duckdb');
const panel = panelTable(30, 6, 3, 4);
const pgUrl = process.env.IMPACT_TEST_PG_URL;

beforeAll(async () => {
  const engine = await createDuckDbEngine({ database });
  await createEngineTable(engine, 'panel', panel);
  await engine.close();
  if (pgUrl !== undefined) {
    const postgres = await createPostgresEngine({ url: pgUrl, lib: pgForTests() });
    await createEngineTable(postgres, 'sql_source_panel', panel);
    await postgres.close();
    registerSqlEngine(
      defineSqlEngine({
        name: 'postgres_test',
        create: (options) => createPostgresEngine({ ...options, lib: pgForTests() }),
      }),
    );
  }
});
afterAll(() => {
  rmSync(folder, { recursive: true, force: true });
});

const did = {
  name: 'difference_in_differences',
  params: {
    outcome: 'y',
    unit: 'unit',
    time: 'time',
    treated: 'treated',
    post: 'post',
    pretrend_leads: 1,
    event_lags: 2,
  },
};

describe('sql source', () => {
  it('lists the built-in engines and names unknown ones', () => {
    expect(listSqlEngines()).toEqual(expect.arrayContaining(['duckdb', 'postgres']));
    expect(() => getSqlEngine('bigquery')).toThrow(/unknown SQL engine "bigquery" \(registered: duckdb/);
    expect(() =>
      registerSqlEngine(defineSqlEngine({ name: 'duckdb', create: () => Promise.reject(new Error('x')) })),
    ).toThrow(expect.objectContaining({ code: 'REGISTRY_DUPLICATE' }));
  });

  it('reads a table through the duckdb engine with a database file', async () => {
    const spec = SqlSourceSpecSchema.parse({ engine: 'duckdb', connection: { database }, table: 'panel' });
    const table = await sqlSource.load(spec, { baseDir: folder, seed: 0 });
    expect(table.rowCount).toBe(180);
    expect(table.columns.unit).toEqual(panel.columns.unit);
  });

  it('refuses an unset url_env and a spec with both table and query', async () => {
    const spec = SqlSourceSpecSchema.parse({
      engine: 'postgres',
      connection: { url_env: 'IMPACT_TEST_UNSET_URL' },
      table: 'x',
    });
    await expect(Promise.resolve(sqlSource.load(spec, { baseDir: folder, seed: 0 }))).rejects.toMatchObject({
      code: 'DATA_SOURCE_UNAVAILABLE',
      message: expect.stringMatching(/IMPACT_TEST_UNSET_URL/),
    });
    expect(SqlSourceSpecSchema.safeParse({ engine: 'duckdb', table: 'a', query: 'SELECT 1' }).success).toBe(
      false,
    );
  });

  it('pushes DiD down through evaluateImpact with the same result as loading the rows', async () => {
    const config = (pushdown: boolean) => ({
      initiative_id: 'sql-did',
      data: { source: 'sql', engine: 'duckdb', connection: { database }, table: 'panel', pushdown },
      model: did,
    });
    const loaded = await evaluateImpact({ config: config(false) });
    const pushed = await evaluateImpact({ config: config(true) });
    const { data_path: dataPath, ...diagnostics } = pushed.result.diagnostics;
    expect(dataPath).toBe('pushdown (duckdb)');
    expect(relativeMismatches({ ...pushed.result, diagnostics }, loaded.result, 1e-9)).toEqual([]);
    expect(relativeMismatches(pushed.details, loaded.details, 1e-9)).toEqual([]);
  });

  it('falls back to memory for an unbalanced panel and says why', async () => {
    const run = await evaluateImpact({
      config: {
        initiative_id: 'sql-did-unbalanced',
        data: {
          source: 'sql',
          engine: 'duckdb',
          connection: { database },
          query: "SELECT * FROM panel WHERE NOT (unit = 'u002' AND post = 0)",
          pushdown: true,
        },
        model: did,
      },
    });
    expect(run.result.diagnostics.data_path).toMatch(
      /^in memory, loading only the columns the model names: unbalanced panel/,
    );
    expect(run.result.diagnostics.balanced_panel).toBe(false);
  });

  it.skipIf(pgUrl === undefined)(
    'pushes DiD down into PostgreSQL through evaluateImpact (url_env)',
    async () => {
      process.env.IMPACT_TEST_SQL_SOURCE_URL = pgUrl;
      const config = (pushdown: boolean) => ({
        initiative_id: 'sql-did-pg',
        data: {
          source: 'sql',
          engine: 'postgres_test',
          connection: { url_env: 'IMPACT_TEST_SQL_SOURCE_URL' },
          table: 'sql_source_panel',
          pushdown,
        },
        model: did,
      });
      const loaded = await evaluateImpact({ config: config(false) });
      const pushed = await evaluateImpact({ config: config(true) });
      const { data_path: dataPath, ...diagnostics } = pushed.result.diagnostics;
      expect(dataPath).toBe('pushdown (postgres)');
      expect(relativeMismatches({ ...pushed.result, diagnostics }, loaded.result, 1e-9)).toEqual([]);
    },
  );
});
