import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTable } from '@impact/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDbSourceSpecSchema, duckDbSource } from '../../src/sources/duckdb';
import { FileSourceSpecSchema, fileSource } from '../../src/sources/file';
import { MissingSpecSchema } from '../../src/sources/missing';
import { trimBlanksSql, tryDoubleSql } from '../../src/sql/dialect';
import { createDuckDbEngine } from '../../src/sql/duckdb';
import type { SqlEngine } from '../../src/sql/engine';
import { createPostgresEngine } from '../../src/sql/postgres';
import { buildSqlRelation, loadSqlRelation } from '../../src/sql/relation';
import { createEngineTable } from './helpers';
import { pgForTests } from './pg-lib';

const dir = mkdtempSync(join(tmpdir(), 'measure-cast-check-'));
const context = { baseDir: dir, seed: 0 };
// Line 1 header; a quoted field spanning two lines (3–4) before the bad cell, so line ≠ row + 1.
const textCsv = 'y,d,note,x\n1,0,a,2\n2,1,"two\nlines",3\n3,0,b,abc\n4,1,c,5\n';
// Markers with spaces and tabs around them (line 3: " NA\t", line 5: "\t\t").
const blankCsv = 'y,d,x\n1,0,2\n2,1, NA\t\n3,0,4\n4,1,\t\t\n5,0,6\n';
beforeAll(() => {
  writeFileSync(join(dir, 'text.csv'), textCsv);
  writeFileSync(join(dir, 'blank.csv'), blankCsv);
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

const load = (spec: Record<string, unknown>) =>
  duckDbSource.load(DuckDbSourceSpecSchema.parse(spec), context);

describe('missing markers with blanks around them', () => {
  it('are missing in every source: file, DuckDB CSV (declared or not) and a DuckDB query', async () => {
    const file = await fileSource.load(
      FileSourceSpecSchema.parse({ path: 'blank.csv', missing: 'drop' }),
      context,
    );
    expect(Array.from(file.columns.x as Float64Array)).toEqual([2, 4, 6]);
    const declared = await load({ path: 'blank.csv', missing: 'drop', types: { x: 'number' } });
    expect(Array.from(declared.columns.x as Float64Array)).toEqual([2, 4, 6]);
    const sniffed = await load({ path: 'blank.csv', missing: 'drop' });
    expect(sniffed.rowCount).toBe(3);
    const query = await load({
      query: "SELECT * FROM (VALUES (1.0, ' NA\t'), (2.0, '\tNA'), (3.0, 'x')) AS t(y, g)",
      missing: 'drop',
    });
    expect(query.columns.g).toEqual(['x']);
    // Under missing: error the first one is named by its line (the file is scanned for it), declared or not.
    for (const spec of [{ types: { x: 'number' } }, {}]) {
      await expect(load({ path: 'blank.csv', ...spec })).rejects.toMatchObject({
        code: 'DATA_MISSING_VALUE',
        column: 'x',
        row: 3,
        message: expect.stringMatching(/blank\.csv:3: column "x" is missing \(found " NA\\t"\)/),
      });
    }
  });
});

describe('text in a column declared number', () => {
  it('names file:line, the column and the value: file source and DuckDB reading the CSV', async () => {
    await expect(async () =>
      fileSource.load(FileSourceSpecSchema.parse({ path: 'text.csv', types: { x: 'number' } }), context),
    ).rejects.toMatchObject({ code: 'DATA_NOT_NUMERIC', column: 'x', row: 5 });
    const error = await Promise.resolve(load({ path: 'text.csv', types: { x: 'number' } })).catch(
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ code: 'DATA_NOT_NUMERIC', column: 'x', row: 5 });
    expect((error as Error).message).toBe(
      `${join(dir, 'text.csv')}:5: column "x" is declared number in types: and must be a finite number, found "abc"`,
    );
  });

  it('names the row, the column (and its name in the data) for a query, also when pushed down', async () => {
    const spec = {
      path: 'text.csv',
      query: 'SELECT * FROM data',
      columns: { price: 'x' },
      types: { price: 'number' },
    };
    await expect(load(spec)).rejects.toMatchObject({
      code: 'DATA_NOT_NUMERIC',
      column: 'price',
      row: 3,
      message:
        'query row 3: column "price" ("x" in the data) is declared number in types: and must be a finite number, found "abc"',
    });
    const relation = await duckDbSource.openRelation(
      DuckDbSourceSpecSchema.parse({ ...spec, pushdown: true }),
      context,
    );
    try {
      await expect(
        relation.engine.query(`SELECT SUM(${'"price"'}) AS s FROM ${relation.from}`),
      ).rejects.toMatchObject({ code: 'DATA_NOT_NUMERIC', column: 'price' });
      // Other failures are the engine's own.
      await expect(relation.engine.query('SELECT no_such_column FROM range(1)')).rejects.toMatchObject({
        code: 'DATA_FILE_INVALID',
      });
    } finally {
      await relation.engine.close();
    }
  });
});

/** Set by scripts/with-postgres.sh; without it the PostgreSQL cases report skipped. */
const url = process.env.IMPACT_TEST_PG_URL;
const engines: [string, () => Promise<SqlEngine>][] = [
  ['DuckDB', () => createDuckDbEngine()],
  ...(url === undefined
    ? []
    : [
        ['PostgreSQL', () => createPostgresEngine({ url, lib: pgForTests() })] as [
          string,
          () => Promise<SqlEngine>,
        ],
      ]),
];
describe.each(engines)('%s: the dialect hooks', (_name, create) => {
  const orders = createTable({
    id: Float64Array.of(1, 2, 3, 4, 5, 6),
    qty: ['3', ' 4.5 ', ' \tNA\t ', '', 'n/a', '7'],
  });

  it('trim spaces and tabs and read numbers; a declared column names the first row that is not one', async () => {
    const engine = await create();
    try {
      await createEngineTable(engine, 'orders_text', orders);
      const { dialect } = engine;
      // Over a column (PostgreSQL folds a CASE over constants at plan time, casting in every branch).
      const qty = dialect.quoteIdentifier('qty');
      const probe = await engine.query(
        `SELECT ${trimBlanksSql(dialect, qty)} AS t, ${tryDoubleSql(dialect, trimBlanksSql(dialect, qty))} AS v FROM ${dialect.quoteIdentifier('orders_text')} ORDER BY ${dialect.quoteIdentifier('id')}`,
      );
      const [trimmed, parsed] = probe.columns as unknown as [{ values: string[] }, { values: Float64Array }];
      expect(trimmed.values).toEqual(['3', '4.5', 'NA', '', 'n/a', '7']);
      expect(Array.from(parsed.values)).toEqual([3, 4.5, Number.NaN, Number.NaN, Number.NaN, 7]);
      const relation = await buildSqlRelation(engine, {
        table: 'orders_text',
        types: { qty: 'number' },
        missing: MissingSpecSchema.parse('drop'),
      });
      await expect(loadSqlRelation(relation)).rejects.toMatchObject({
        code: 'DATA_NOT_NUMERIC',
        column: 'qty',
        message: expect.stringMatching(/^table orders_text row 5: column "qty" .* found "n\/a"$/),
      });
      const lenient = await buildSqlRelation(engine, {
        table: 'orders_text',
        types: { qty: 'number' },
        missing: MissingSpecSchema.parse({ policy: 'drop', markers: ['', 'NA', 'n/a'] }),
      });
      const table = await loadSqlRelation(lenient);
      expect(Array.from(table.columns.qty as Float64Array).sort()).toEqual([3, 4.5, 7]);
    } finally {
      await engine.close();
    }
  });
});
