import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExperimentParamsSchema } from '../../src/models/experiment';
import { pushdownExperiment } from '../../src/models/pushdown/experiment';
import { createDuckDbEngine } from '../../src/sql/duckdb';
import type { SqlChunk, SqlEngine } from '../../src/sql/engine';
import { buildSqlRelation } from '../../src/sql/relation';

let engine: SqlEngine;
beforeAll(async () => {
  engine = await createDuckDbEngine({ connections: 2 });
});
afterAll(async () => {
  await engine.close();
});

/** Every chunk's rows of each statement, concatenated. */
async function streamAll(sqls: string[]) {
  const rows = sqls.map(() => [] as number[][]);
  const nulls = sqls.map(() => 0);
  await (engine.streamNumeric as NonNullable<SqlEngine['streamNumeric']>)(sqls, (k, chunk: SqlChunk) => {
    for (let i = 0; i < chunk.rowCount; i++)
      rows[k]?.push(chunk.columns.map((column) => column[i] as number));
    nulls[k] = (nulls[k] as number) + chunk.nullCounts.reduce((a, b) => a + b, 0);
  });
  return { rows, nulls };
}

describe('DuckDB streamNumeric', () => {
  it('streams each statement in its order as numbers (integers, booleans, decimals) and counts NULLs', async () => {
    const { rows, nulls } = await streamAll([
      'SELECT range AS a, CAST(range * 0.5 AS DOUBLE) AS b FROM range(5000)',
      'SELECT CAST(range AS DECIMAL(10, 2)) / 4 AS c, range % 2 = 0 AS d, CASE WHEN range = 3 THEN NULL ELSE CAST(1 AS DOUBLE) END AS e FROM range(10)',
    ]);
    expect(rows[0]).toHaveLength(5000);
    expect(rows[0]?.[4999]).toEqual([4999, 2499.5]);
    expect(rows[0]?.every((row, i) => row[0] === i)).toBe(true);
    expect(rows[1]?.[5]).toEqual([1.25, 0, 1]);
    expect(nulls).toEqual([0, 1]);
  });

  it('fails with a typed error when a statement fails mid-stream, on either connection', async () => {
    const failing =
      "SELECT CAST(CASE WHEN range = 7000 THEN 'x' ELSE CAST(range AS VARCHAR) END AS DOUBLE) AS v FROM range(9000)";
    await expect(streamAll(['SELECT range AS v FROM range(100000)', failing])).rejects.toMatchObject({
      code: 'DATA_FILE_INVALID',
      message: expect.stringMatching(/DuckDB query failed/),
    });
    // The engine is still usable afterwards.
    expect((await streamAll(['SELECT 1 AS v'])).rows).toEqual([[[1]]]);
  });

  it('a NULL in a cluster column fails a streamed experiment as in memory (DATA_MISSING_VALUE)', async () => {
    const relation = await buildSqlRelation(engine, {
      query:
        'SELECT CAST(hash(range, 1) % 2 AS INTEGER) AS treated, (hash(range, 2) % 100)::DOUBLE AS y, CASE WHEN range = 40 THEN NULL ELSE range % 9 END AS store FROM range(3000)',
    });
    const params = ExperimentParamsSchema.parse({ formula: 'y ~ treated', cluster: 'store' });
    await expect(pushdownExperiment(relation, params, { ciLevel: 0.95, seed: 0 })).rejects.toMatchObject({
      code: 'DATA_MISSING_VALUE',
      column: 'store',
    });
  });
});
