import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluateImpact } from '../../src/evaluate';
import { loadTableFile } from '../../src/sources/file';
import { missingReportOf } from '../../src/sources/missing';
import { createDuckDbEngine } from '../../src/sql/duckdb';
import { buildSqlRelation, loadSqlRelation } from '../../src/sql/relation';

const dir = mkdtempSync(join(tmpdir(), 'measure-sql-missing-'));
// y: NA (row 2), empty (row 4), '.' (row 6, a marker only when configured); g: NA (row 3), ' NA ' (row 5).
const lines = ['y,d,g'];
for (let i = 0; i < 40; i++) {
  const y = i === 1 ? 'NA' : i === 3 ? '' : i === 5 ? '.' : String(10 + ((i * 7) % 5) + (i % 2) * 2);
  const g = i === 2 ? 'NA' : i === 4 ? ' NA ' : `s${i % 3}`;
  lines.push(`${y},${i % 2},${g}`);
}
const csv = join(dir, 'gaps.csv');
const markers = ['NA', '', '.'];
beforeAll(async () => {
  writeFileSync(csv, `${lines.join('\n')}\n`);
  const engine = await createDuckDbEngine({ database: join(dir, 'w.duckdb') });
  // Text columns as a warehouse might hold them: the markers are strings.
  await engine.query(
    `CREATE TABLE orders AS SELECT * FROM read_csv('${csv}', header = true, all_varchar = true, nullstr = '<none>')`,
  );
  await engine.close();
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

const run = (data: { source: string } & Record<string, unknown>, formula = 'y ~ d + C(g)') =>
  evaluateImpact({
    config: {
      initiative_id: 'markers',
      data: { missing: { policy: 'drop', markers }, ...data },
      model: { name: 'experiment', params: { formula, covariance: 'HC1' } },
    },
  });
const counts = (diagnostics: Record<string, unknown>) => ({
  rows_read: diagnostics.rows_read,
  rows_dropped_missing: diagnostics.rows_dropped_missing,
  missing_by_column: diagnostics.missing_by_column,
});

describe('missing markers in SQL sources', () => {
  it('turns NA, empty and configured markers into NULLs, counted as the file source counts them', async () => {
    const file = await run({ source: 'file', path: csv });
    expect(counts(file.result.diagnostics)).toEqual({
      rows_read: 40,
      rows_dropped_missing: 5,
      missing_by_column: { y: 3, d: 0, g: 2 },
    });
    const sources = [
      { source: 'duckdb', path: csv },
      { source: 'duckdb', path: csv, pushdown: true },
      {
        source: 'duckdb',
        database: join(dir, 'w.duckdb'),
        table: 'orders',
        types: { y: 'number', d: 'binary' },
      },
      {
        source: 'duckdb',
        database: join(dir, 'w.duckdb'),
        table: 'orders',
        types: { y: 'number', d: 'binary' },
        pushdown: true,
      },
    ];
    for (const data of sources) {
      const result = (await run(data)).result;
      expect(counts(result.diagnostics), JSON.stringify(data)).toEqual(counts(file.result.diagnostics));
      expect(result.effect_estimate).toBeCloseTo(file.result.effect_estimate, 12);
      expect(result.standard_error).toBeCloseTo(file.result.standard_error, 12);
    }
  });

  it('refuses a marker under missing: error, naming the column', async () => {
    const engine = await createDuckDbEngine({ database: join(dir, 'w.duckdb'), readOnly: true });
    try {
      const relation = await buildSqlRelation(engine, {
        table: 'orders',
        types: { y: 'number' },
        missing: { policy: 'error', markers },
      });
      await expect(loadSqlRelation(relation, ['y', 'd'])).rejects.toMatchObject({
        code: 'DATA_MISSING_VALUE',
        column: 'y',
      });
      // With no markers, NA is text: declared a number, the engine's cast refuses it.
      const literal = await buildSqlRelation(engine, {
        table: 'orders',
        missing: { policy: 'error', markers: [] },
      });
      const table = await loadSqlRelation(literal, ['g']);
      expect((table.columns.g as string[]).filter((value) => value.trim() === 'NA')).toHaveLength(2);
      expect(missingReportOf(table)).toBeUndefined();
    } finally {
      await engine.close();
    }
  });

  it('reads a CSV column with NA through DuckDB as numbers, as the file source does', async () => {
    const file = await loadTableFile({ path: csv, missing: { policy: 'drop', markers } } as never, dir, {
      columns: new Set(['y', 'd']),
    });
    expect(missingReportOf(file)).toMatchObject({ rowsRead: 40, rowsDropped: 3 });
    const duck = await run({ source: 'duckdb', path: csv }, 'y ~ d');
    expect(duck.result.sample_size).toBe(37);
    expect(duck.result.diagnostics.missing_by_column).toEqual({ y: 3, d: 0 });
  });
});
