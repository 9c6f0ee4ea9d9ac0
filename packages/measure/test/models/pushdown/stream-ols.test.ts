import type { Table } from '@impact/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExperimentParamsSchema, experimentModel } from '../../../src/models/experiment';
import { pushdownExperiment } from '../../../src/models/pushdown/experiment';
import { streamedFrom } from '../../../src/models/pushdown/stream-ols';
import { CentredMoments } from '../../../src/models/pushdown/stream-passes';
import { createDuckDbEngine } from '../../../src/sql/duckdb';
import type { SqlChunk, SqlEngine } from '../../../src/sql/engine';
import { buildSqlRelation, loadSqlRelation } from '../../../src/sql/relation';
import { momentPass } from '../../../src/stats/ols-passes';
import { relativeMismatches, uniformStream } from '../../sql/helpers';

const context = { ciLevel: 0.95, seed: 0 };
let duckdb: SqlEngine;
let table: Table;
const u = (k: number) => `((hash(range, ${k}) % 1000003)::DOUBLE / 1000003)`;
beforeAll(async () => {
  duckdb = await createDuckDbEngine();
  // 50,000 rows: several blocks of STREAM_BLOCK_ROWS, four regions.
  await duckdb.query(`CREATE TABLE experiment AS SELECT CAST(hash(range, 1) % 2 AS INTEGER) AS treated,
      10 * ${u(2)} AS price, 10 * ${u(3)} AS visits, 'r' || (range % 4) AS region, 5 * ${u(4)} AS pre_revenue,
      2 + 0.3 * CAST(hash(range, 1) % 2 AS INTEGER) + 0.5 * ${u(2)} + 0.1 * ${u(3)} + ${u(4)} + (1 + ${u(3)}) * ${u(5)} AS revenue
    FROM range(50000)`);
  table = await loadSqlRelation(await buildSqlRelation(duckdb, { table: 'experiment' }));
});
afterAll(async () => {
  await duckdb.close();
});

/** The engine with every streamed chunk cut into pieces of random sizes (1–700 rows). */
function rechunked(engine: SqlEngine, seed: number): SqlEngine {
  const next = uniformStream(seed);
  const stream = engine.streamNumeric as NonNullable<SqlEngine['streamNumeric']>;
  return {
    ...engine,
    streamNumeric: (sqls, visit) =>
      stream(sqls, (statement, chunk) => {
        for (let start = 0; start < chunk.rowCount; ) {
          const rows = Math.min(chunk.rowCount - start, 1 + Math.floor(next() * 700));
          const piece: SqlChunk = {
            rowCount: rows,
            columns: chunk.columns.map((column) => column.slice(start, start + rows)),
            // NULL counts are per chunk: give the whole count to the first piece.
            nullCounts: start === 0 ? chunk.nullCounts : new Uint32Array(chunk.nullCounts.length),
          };
          visit(statement, piece);
          start += rows;
        }
      }),
  };
}

describe('pushdown with rows streamed to the OLS kernels', () => {
  for (const raw of [
    { formula: 'revenue ~ treated + price + visits', covariance: 'HC3' },
    { formula: 'revenue ~ treated + price + C(region)', covariance: 'HC1' },
    { outcome: 'revenue', treatment: 'treated', pre_period_metric: 'pre_revenue', covariance: 'HC2' },
  ]) {
    it(`gives byte-identical results however the engine cuts its chunks: ${JSON.stringify(raw)}`, async () => {
      const params = ExperimentParamsSchema.parse(raw);
      const whole = await pushdownExperiment(
        await buildSqlRelation(duckdb, { table: 'experiment' }),
        params,
        context,
      );
      for (const seed of [1, 2]) {
        const relation = await buildSqlRelation(rechunked(duckdb, seed), { table: 'experiment' });
        const pieces = await pushdownExperiment(relation, params, context);
        expect(streamedFrom(relation.engine)).toBe(true);
        expect(JSON.stringify(pieces)).toBe(JSON.stringify(whole));
      }
      expect(relativeMismatches(whole, experimentModel.fit(table, params, context), 1e-9)).toEqual([]);
    });
  }

  it('merges block moments exactly: the merged moments equal one pass over all rows', () => {
    const next = uniformStream(9);
    const n = 10_000;
    const a = Float64Array.from({ length: n }, () => 1e6 + next());
    const b = Float64Array.from(a, (x) => 2 * x + next());
    const merged = new CentredMoments(2);
    for (const [start, end] of [
      [0, 1],
      [1, 4000],
      [4000, 4001],
      [4001, n],
    ] as const) {
      const pass = momentPass([a.subarray(start, end), b.subarray(start, end)], null, end - start, true);
      merged.merge(end - start, pass.means, pass.products);
    }
    const direct = momentPass([a, b], null, n, true);
    expect(merged.n).toBe(n);
    merged.means.forEach((mean, j) => {
      expect(Math.abs(mean - (direct.means[j] as number)) / Math.abs(mean)).toBeLessThan(1e-14);
    });
    merged.products.forEach((value, cell) => {
      expect(Math.abs(value - (direct.products[cell] as number)) / Math.abs(value)).toBeLessThan(1e-11);
    });
  });
});
