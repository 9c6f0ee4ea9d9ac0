import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluateImpact } from '../../../src/evaluate';
import { ExperimentParamsSchema } from '../../../src/models/experiment';
import { pushdownExperiment } from '../../../src/models/pushdown/experiment';
import { DuckDbSourceSpecSchema, duckDbSource } from '../../../src/sources/duckdb';
import { createDuckDbEngine } from '../../../src/sql/duckdb';
import { relativeMismatches } from '../../sql/helpers';

const folder = mkdtempSync(join(tmpdir(), 'impact-one-scan-'));
const u = (k: number) => `((hash(range, ${k}) % 1000003)::DOUBLE / 1000003)`;
beforeAll(async () => {
  const engine = await createDuckDbEngine();
  // A covariate with mean 1e4 and sd 0.3 (centring must be near-exact), two correlated ones, 30 clusters,
  // and the first 20,000 rows all control (the sampled centers are far from the means).
  const rows = `SELECT range AS id, CASE WHEN range < 20000 THEN 0 ELSE CAST(hash(range, 1) % 2 AS INTEGER) END AS treated,
      1e4 + ${u(2)} AS big, ${u(3)} AS a, ${u(3)} + 0.05 * ${u(4)} AS b, range % 30 AS store,
      3 + 0.5 * (CASE WHEN range < 20000 THEN 0 ELSE CAST(hash(range, 1) % 2 AS INTEGER) END) + 2 * ${u(2)} + ${u(3)} - ${u(4)} + (1 + ${u(5)}) * ${u(6)} AS revenue
    FROM range(120000)`;
  await engine.query(`COPY (${rows}) TO '${folder}/data.parquet' (FORMAT parquet, ROW_GROUP_SIZE 10000)`);
  await engine.query(
    `COPY (SELECT * REPLACE (CASE WHEN id = 70000 THEN NULL ELSE a END AS a) FROM '${folder}/data.parquet') TO '${folder}/null.parquet' (FORMAT parquet)`,
  );
  await engine.query(
    `COPY (SELECT * REPLACE (CASE WHEN id = 70000 THEN 2 ELSE treated END AS treated) FROM '${folder}/data.parquet') TO '${folder}/nonbinary.parquet' (FORMAT parquet)`,
  );
  await engine.query(
    `COPY (SELECT * REPLACE (1 AS treated) FROM '${folder}/data.parquet') TO '${folder}/alltreated.parquet' (FORMAT parquet)`,
  );
  await engine.query(
    `COPY (SELECT * REPLACE (CASE WHEN id = 70000 THEN 'inf'::DOUBLE ELSE a END AS a) FROM '${folder}/data.parquet') TO '${folder}/infinite.parquet' (FORMAT parquet)`,
  );
  await engine.close();
});
afterAll(() => {
  rmSync(folder, { recursive: true, force: true });
});

const formula = 'revenue ~ treated + big + a + b';
const run = async (file: string, pushdown: boolean, params: Record<string, unknown>) =>
  (
    await evaluateImpact({
      config: {
        initiative_id: 'one-scan',
        data: { source: 'duckdb', path: join(folder, file), pushdown },
        model: { name: 'experiment', params: { formula, ...params } },
      },
    })
  ).result;

describe('experiment pushdown in two scans (checks with X′X)', () => {
  /** The relation of data.parquet, its scans recorded, and (streamed: false) without the engine's streaming. */
  const openRecorded = async (streamed: boolean) => {
    const relation = await duckDbSource.openRelation(
      DuckDbSourceSpecSchema.parse({ path: join(folder, 'data.parquet'), pushdown: true }),
      { baseDir: folder, seed: 0 },
    );
    const scans: string[] = [];
    const streams: string[] = [];
    const { queryMany, streamNumeric } = relation.engine;
    relation.engine.queryMany = (sqls) => {
      scans.push(sqls[0] as string);
      return (queryMany as NonNullable<typeof queryMany>)(sqls);
    };
    if (streamed)
      relation.engine.streamNumeric = (sqls, visit) => {
        streams.push(sqls[0] as string);
        return (streamNumeric as NonNullable<typeof streamNumeric>)(sqls, visit);
      };
    else delete relation.engine.streamNumeric;
    return { relation, scans, streams };
  };
  const fitted = async (relation: Awaited<ReturnType<typeof openRecorded>>['relation'], raw = {}) => {
    try {
      return await pushdownExperiment(relation, ExperimentParamsSchema.parse({ formula, ...raw }), {
        ciLevel: 0.95,
        seed: 0,
      });
    } finally {
      await relation.engine.close();
    }
  };

  it('SQL aggregates (no streaming engine): reads the data twice, checks ride along with the cross products', async () => {
    const { relation, scans, streams } = await openRecorded(false);
    await fitted(relation);
    expect(scans).toHaveLength(2);
    expect(streams).toHaveLength(0);
    expect(scans[0]).toMatch(/"g_1_2".*"present_0"/);
  });

  it('streamed (DuckDB): reads the parts twice as typed chunks and runs no aggregate over them', async () => {
    const { relation, scans, streams } = await openRecorded(true);
    await fitted(relation);
    expect(scans).toHaveLength(0);
    expect(streams).toHaveLength(2);
    expect(streams[0]).toMatch(
      /^SELECT CAST\("treated" AS DOUBLE\) AS "c0", .* FROM \(SELECT .* file_row_number >= 0 /,
    );
  });

  for (const raw of [{ covariance: 'HC1' }, { covariance: 'HC3' }, { cluster: 'store' }]) {
    it(`streamed and SQL-aggregate fits agree to 1e-9 relative: ${JSON.stringify(raw)}`, async () => {
      const streamed = await fitted((await openRecorded(true)).relation, raw);
      const aggregates = await fitted((await openRecorded(false)).relation, raw);
      expect(relativeMismatches(streamed, aggregates, 1e-9)).toEqual([]);
    });
  }

  for (const params of [
    { covariance: 'classical' },
    { covariance: 'HC0' },
    { covariance: 'HC1' },
    { covariance: 'HC2' },
    { covariance: 'HC3' },
    { cluster: 'store' },
  ]) {
    it(`equals the in-memory fit to 1e-9 relative: ${JSON.stringify(params)}`, async () => {
      const inMemory = await run('data.parquet', false, params);
      const pushed = await run('data.parquet', true, params);
      expect(pushed.diagnostics.data_path).toBe(
        'pushdown (duckdb, rows streamed to the in-memory OLS kernels)',
      );
      const { data_path: _, ...diagnostics } = pushed.diagnostics;
      expect(relativeMismatches({ ...pushed, diagnostics }, inMemory, 1e-9)).toEqual([]);
    });
  }

  it('refuses what the in-memory fit refuses, with the same codes and columns', async () => {
    for (const [file, expected] of [
      ['null.parquet', { code: 'DATA_MISSING_VALUE', column: 'a' }],
      ['nonbinary.parquet', { code: 'DATA_NOT_BINARY', column: 'treated' }],
      ['alltreated.parquet', { code: 'DATA_EMPTY_GROUP', column: 'treated' }],
      ['infinite.parquet', { code: 'DATA_NON_FINITE', column: 'a' }],
    ] as const) {
      await expect(run(file, true, {}), file).rejects.toMatchObject(expected);
      await expect(run(file, false, {}), file).rejects.toMatchObject({ code: expected.code });
    }
  });
});
