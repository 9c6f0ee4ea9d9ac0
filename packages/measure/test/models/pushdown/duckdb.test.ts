import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExperimentParamsSchema } from '../../../src/models/experiment';
import { pushdownExperiment } from '../../../src/models/pushdown/experiment';
import { createDuckDbEngine } from '../../../src/sql/duckdb';
import type { SqlEngine } from '../../../src/sql/engine';
import { buildSqlRelation } from '../../../src/sql/relation';
import { createEngineTable } from '../../sql/helpers';
import {
  describeDidAgreement,
  describeExperimentAgreement,
  experimentData,
  numericPanelData,
  panelData,
} from './agreement';

const context = { ciLevel: 0.95, seed: 0 };
let duckdb: SqlEngine;
beforeAll(async () => {
  duckdb = await createDuckDbEngine();
  await createEngineTable(duckdb, 'experiment', experimentData);
  await createEngineTable(duckdb, 'panel', panelData);
  await createEngineTable(duckdb, 'panel_2x2', numericPanelData);
});
afterAll(async () => {
  await duckdb.close();
});
describeExperimentAgreement('DuckDB (rows streamed to the OLS kernels)', () => duckdb, 'experiment');
// The same engine without streaming computes every sum as a SQL aggregate (the path of PostgreSQL and
// warehouses), so both paths are checked here even where no PostgreSQL server runs.
describeExperimentAgreement(
  'DuckDB (SQL aggregates)',
  () => {
    const { streamNumeric: _, ...aggregatesOnly } = duckdb;
    return aggregatesOnly;
  },
  'experiment',
);
describeDidAgreement('DuckDB', () => duckdb);

describe('pushdown data checks (DuckDB)', () => {
  const params = ExperimentParamsSchema.parse({ formula: 'revenue ~ treated + price' });
  const relation = (query: string, missing?: 'drop') =>
    buildSqlRelation(duckdb, { query, ...(missing ? { missing: { policy: missing, markers: [] } } : {}) });

  it('refuses NULLs under missing: error and drops them listwise under missing: drop', async () => {
    const withGaps =
      'SELECT CASE WHEN rowid % 50 = 3 THEN NULL ELSE revenue END AS revenue, treated, price FROM experiment';
    await expect(pushdownExperiment(await relation(withGaps), params, context)).rejects.toMatchObject({
      code: 'DATA_MISSING_VALUE',
      column: 'revenue',
    });
    const dropped = await pushdownExperiment(await relation(withGaps, 'drop'), params, context);
    const complete = await pushdownExperiment(
      await relation(`${withGaps.replace('FROM experiment', 'FROM experiment WHERE rowid % 50 <> 3')}`),
      params,
      context,
    );
    expect(dropped.diagnostics).toMatchObject({
      rows_read: 3000,
      rows_dropped_missing: 60,
      missing_by_column: { revenue: 60 },
    });
    expect(dropped.effect_estimate).toBe(complete.effect_estimate);
    expect(dropped.standard_error).toBe(complete.standard_error);
  });

  it('names non-binary treatments, non-finite values, text regressors and absent columns', async () => {
    await expect(
      pushdownExperiment(
        await relation('SELECT revenue, treated * 2 AS treated, price FROM experiment'),
        params,
        context,
      ),
    ).rejects.toMatchObject({
      code: 'DATA_NOT_BINARY',
      column: 'treated',
    });
    await expect(
      pushdownExperiment(
        await relation(
          "SELECT revenue, treated, CASE WHEN rowid = 9 THEN 'Infinity'::DOUBLE ELSE price END AS price FROM experiment",
        ),
        params,
        context,
      ),
    ).rejects.toMatchObject({
      code: 'DATA_NON_FINITE',
      column: 'price',
      message: expect.stringMatching(/1 non-finite/),
    });
    await expect(
      pushdownExperiment(
        await relation('SELECT revenue, treated, region AS price FROM experiment'),
        params,
        context,
      ),
    ).rejects.toMatchObject({
      code: 'DATA_NOT_NUMERIC',
      column: 'price',
    });
    await expect(
      pushdownExperiment(await relation('SELECT revenue, treated FROM experiment'), params, context),
    ).rejects.toMatchObject({
      code: 'DATA_MISSING_COLUMN',
      column: 'price',
    });
  });
});
