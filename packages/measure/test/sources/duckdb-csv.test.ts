import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Table } from '@impact/contracts';
import { afterAll, describe, expect, it } from 'vitest';
import { evaluateImpact } from '../../src/evaluate';
import { DuckDbSourceSpecSchema, duckDbSource } from '../../src/sources/duckdb';
import { memoryLimitBytes, typedCsvSelect } from '../../src/sources/duckdb-csv';
import { loadTableFile } from '../../src/sources/file';
import { missingReportOf } from '../../src/sources/missing';
import { createDuckDbEngine } from '../../src/sql/duckdb';
import { errorOf } from './error-of';

const dir = mkdtempSync(join(tmpdir(), 'measure-duckdb-csv-'));
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});
function write(name: string, text: string): string {
  writeFileSync(join(dir, name), text);
  return join(dir, name);
}

// Line 1 is the header, so data row i is on line i + 2.
// y: numbers with NA (line 3), ' NA\t' (line 5), empty (line 7), ' -999 ' (line 9) and ' . ' (line 11);
// x: numbers with blanks around; hex: 0x… (text for the file source, not a number); g: text with ' NA ';
// u: 1_000 style (text); d: 0/1.
const header = 'y,x,hex,g,u,d';
const body: string[] = [];
for (let i = 0; i < 30; i++) {
  const y =
    i === 1 ? 'NA' : i === 3 ? ' NA\t' : i === 5 ? '' : i === 7 ? ' -999 ' : i === 9 ? ' . ' : `${i * 1.5}`;
  const g = i === 4 ? ' NA ' : `s${i % 3}`;
  body.push(`${y}, ${i % 7} ,0x${10 + i},${g},${i}_000,${i % 2}`);
}
const csv = write('gaps.csv', `${header}\n${body.join('\n')}\n`);
const custom = { markers: ['NA', '', '-999', '.'] };
const all = new Set(['y', 'x', 'hex', 'g', 'u', 'd']);

const viaFile = (missing: unknown, columns: ReadonlySet<string> = all) =>
  loadTableFile({ path: csv, missing } as never, dir, { columns });
const viaDuckDb = (missing: unknown, columns: ReadonlySet<string> = all, extra: object = {}) =>
  duckDbSource.load(DuckDbSourceSpecSchema.parse({ path: csv, missing, ...extra }), {
    baseDir: dir,
    seed: 1,
    columns,
  });
/** Column kinds and values, comparable across sources (typed arrays as plain arrays). */
function shape(table: Table): Record<string, { kind: string; values: unknown[] }> {
  const out: Record<string, { kind: string; values: unknown[] }> = {};
  for (const [name, values] of Object.entries(table.columns))
    out[name] = {
      kind: Array.isArray(values) ? 'text' : 'number',
      values: Array.from(values as ArrayLike<unknown>),
    };
  return out;
}

describe('duckdb source reads a CSV as the file source does', () => {
  it('missing: drop with custom markers (blanks around them too): same columns, kinds, values and counts', async () => {
    const missing = { policy: 'drop', ...custom };
    const file = await viaFile(missing);
    const duck = await viaDuckDb(missing);
    expect(shape(file).y?.kind).toBe('number');
    expect(shape(file).hex?.kind).toBe('text');
    expect(shape(file).u?.kind).toBe('text');
    expect(shape(duck)).toEqual(shape(file));
    expect(missingReportOf(file)).toMatchObject({ rowsRead: 30, rowsDropped: 6 });
    expect(missingReportOf(duck)).toEqual(missingReportOf(file));
  });

  it('missing: drop with the default markers: -999 is a value, "." makes y text in both', async () => {
    const file = await viaFile('drop');
    const duck = await viaDuckDb('drop');
    expect(shape(file).y?.kind).toBe('text');
    expect(shape(duck)).toEqual(shape(file));
    expect(missingReportOf(duck)).toEqual(missingReportOf(file));
    const numeric = new Set(['x', 'd']);
    const fileXd = await viaFile('drop', numeric);
    const duckXd = await viaDuckDb('drop', numeric);
    expect(shape(duckXd)).toEqual(shape(fileXd));
    expect(shape(duckXd).x?.values.slice(0, 3)).toEqual([0, 1, 2]);
  });

  it('markers: [] keeps an empty cell as "" (quoted or not) as the file source does, NA as text', async () => {
    for (const policy of ['error', 'drop']) {
      const missing = { policy, markers: [] };
      const file = await viaFile(missing);
      const duck = await viaDuckDb(missing);
      expect(shape(file).y?.kind).toBe('text');
      expect(shape(file).y?.values.slice(0, 6)).toEqual(['0', 'NA', '3', ' NA\t', '6', '']);
      expect(shape(duck)).toEqual(shape(file));
      expect(missingReportOf(duck)).toEqual(missingReportOf(file));
    }
    // Quoted empty cells, a quoted line feed and an unquoted one-space cell stay text, not NULL.
    const quoted = write('quoted-empty.csv', 'g,x\n"",1\n,2\n"\n",3\n" ",4\n');
    const spec = { path: quoted, missing: { policy: 'error', markers: [] } };
    const file = await loadTableFile(spec as never, dir, { columns: new Set(['g', 'x']) });
    const duck = await duckDbSource.load(DuckDbSourceSpecSchema.parse(spec), { baseDir: dir, seed: 1 });
    expect(file.columns.g).toEqual(['', '', '\n', ' ']);
    expect(shape(duck)).toEqual(shape(file));
  });

  it('missing: error names the same line and column as the file source', async () => {
    for (const missing of [{ policy: 'error', ...custom }, 'error']) {
      const fromFile = await errorOf(() => viaFile(missing, new Set(['y', 'd'])));
      const fromDuck = await errorOf(() => viaDuckDb(missing, new Set(['y', 'd'])));
      expect(fromFile).toMatchObject({ code: 'DATA_MISSING_VALUE', column: 'y', row: 3 });
      expect(fromDuck).toMatchObject({ code: 'DATA_MISSING_VALUE', column: 'y', row: 3 });
      expect(fromDuck.message).toContain(`${csv}:3`);
    }
    // A blank-padded marker is found on its line too.
    const padded = write('padded.csv', 'y,d\n1,0\n NA\t,1\n3,0\n');
    const fromDuck = await errorOf(() =>
      duckDbSource.load(DuckDbSourceSpecSchema.parse({ path: padded }), { baseDir: dir, seed: 1 }),
    );
    expect(fromDuck).toMatchObject({ code: 'DATA_MISSING_VALUE', column: 'y', row: 3 });
    expect(fromDuck.message).toContain(`${padded}:3`);
  });

  it('keeps types: as declared: a declared string stays the text of the file, a declared number with text names its line', async () => {
    const missing = { policy: 'drop', ...custom };
    const types = { x: 'string', d: 'binary' };
    const duck = await viaDuckDb(missing, all, { types });
    const file = await loadTableFile({ path: csv, missing, types } as never, dir, { columns: all });
    expect((duck.columns.x as string[]).slice(0, 2)).toEqual([' 0 ', ' 2 ']);
    expect(duck.columns.x).toEqual(file.columns.x);
    expect(duck.columns.d).toBeInstanceOf(Uint8Array);
    expect(duck.columns.d).toEqual(file.columns.d);
    const error = await errorOf(() => viaDuckDb(missing, all, { types: { hex: 'number' } }));
    expect(error).toMatchObject({ code: 'DATA_NOT_NUMERIC', column: 'hex', row: 2 });
    expect(error.message).toContain(`${csv}:2`);
  });

  it('gives the file source result through query: and pushdown', async () => {
    const run = (data: { source: string } & Record<string, unknown>) =>
      evaluateImpact({
        config: {
          initiative_id: 'duckdb-csv',
          data: { missing: { policy: 'drop', ...custom }, ...data },
          model: { name: 'experiment', params: { formula: 'y ~ d + x', covariance: 'HC1' } },
        },
      });
    const file = (await run({ source: 'file', path: csv })).result;
    expect(file.sample_size).toBe(25);
    for (const data of [
      { source: 'duckdb', path: csv },
      { source: 'duckdb', path: csv, pushdown: true },
      { source: 'duckdb', path: csv, query: 'SELECT * FROM data WHERE x >= 0' },
      // types: names the query's columns; the view's columns are typed whatever it declares.
      {
        source: 'duckdb',
        path: csv,
        query: 'SELECT y, d * 1 AS d, x + 0 AS x FROM data',
        types: { d: 'binary', y: 'number' },
      },
    ]) {
      const result = (await run(data)).result;
      expect(result.sample_size, JSON.stringify(data)).toBe(25);
      expect(result.effect_estimate).toBeCloseTo(file.effect_estimate, 12);
      expect(result.standard_error).toBeCloseTo(file.standard_error, 12);
    }
  });
});

describe("duckdb source reads plain number columns with DuckDB's parser, others trimmed and cast", () => {
  // plain: number forms with no blanks; padded: one cell with blanks (trimmed and cast in SQL); wide: an
  // integer of 250 digits (finite, past the 200-digit shortcut); huge: 1e400 (not finite: text); long: a
  // 400-digit integer (not finite: text); m: markers exactly (DuckDB's nullstr).
  const forms = ['1.', '.5', '+1', '-.25e-3', '1E+05', '-0', '00012', '0.1000000000000000055511151231257827'];
  const more = [
    '123456789012345678901234567890',
    '4.9e-324',
    '2.4703282292062328e-324',
    '"2.5"',
    '1.7976931348623157e308',
  ];
  const plain = [...forms, ...more];
  const rows = plain.map((cell, i) => {
    const padded = i === 3 ? ' 7.5\t' : cell;
    const wide = i === 0 ? `1${'0'.repeat(249)}` : `${i}`;
    const huge = i === 2 ? '1e400' : `${i}`;
    const long = i === 4 ? '9'.repeat(400) : `${i}`;
    const m = i % 3 === 0 ? 'NA' : i % 3 === 1 ? '' : cell;
    return [cell, padded, wide, huge, long, m].join(',');
  });
  const path = write('forms.csv', `plain,padded,wide,huge,long,m\n${rows.join('\n')}\n`);
  const names = new Set(['plain', 'padded', 'wide', 'huge', 'long', 'm']);

  it('same kinds, bit-identical values and missing report as the file source', async () => {
    // The default markers, then a number-like marker too (exact '.5' cells become NULL while reading).
    for (const missing of ['drop', { policy: 'drop', markers: ['NA', '', '.5'] }]) {
      const spec = { path, missing };
      const file = await loadTableFile(spec as never, dir, { columns: names });
      const duck = await duckDbSource.load(DuckDbSourceSpecSchema.parse(spec), { baseDir: dir, seed: 1 });
      const kinds = Object.fromEntries(Object.entries(shape(file)).map(([name, c]) => [name, c.kind]));
      expect(kinds).toEqual({
        plain: 'number',
        padded: 'number',
        wide: 'number',
        huge: 'text',
        long: 'text',
        m: 'number',
      });
      for (const name of ['plain', 'padded', 'wide', 'm']) {
        const a = new Float64Array(Array.from(file.columns[name] as ArrayLike<number>));
        const b = new Float64Array(Array.from(duck.columns[name] as ArrayLike<number>));
        expect(Array.from(new Uint32Array(b.buffer)), name).toEqual(Array.from(new Uint32Array(a.buffer)));
      }
      expect(shape(duck)).toEqual(shape(file));
      expect(missingReportOf(duck)).toEqual(missingReportOf(file));
    }
  });

  it('declares the plain columns DOUBLE to the reader, casts the padded one, restores the thread count', async () => {
    const engine = await createDuckDbEngine({ settings: { threads: 1 } });
    try {
      const select = await typedCsvSelect(engine, `['${path}']`, ['NA', ''], new Set(['long']), {
        threads: 2,
      });
      expect(select).toContain(`types = {'plain': 'DOUBLE', 'wide': 'DOUBLE', 'm': 'DOUBLE'}`);
      expect(select).toContain('CAST(TRIM(');
      expect(select).not.toContain('"huge" AS DOUBLE');
      const threads = await engine.query(`SELECT current_setting('threads') AS t`);
      expect(Number(threads.columns[0]?.values[0])).toBe(1);
    } finally {
      await engine.close();
    }
  });
});

describe('duckdb pushdown over a small CSV types it once, into a temporary table', () => {
  const pushdown = (missing: unknown) =>
    evaluateImpact({
      config: {
        initiative_id: 'duckdb-csv-table',
        data: { source: 'duckdb', path: csv, pushdown: true, missing },
        model: { name: 'experiment', params: { formula: 'y ~ d + x', covariance: 'HC1' } },
      },
    });

  it('passes over the table: same result as loaded whole, missing cells counted', async () => {
    const relation = await duckDbSource.openRelation(
      DuckDbSourceSpecSchema.parse({ path: csv, pushdown: true, missing: { policy: 'drop', ...custom } }),
      { baseDir: dir, seed: 1 },
    );
    try {
      expect(relation.from).toMatch(/ FROM impact_csv\) AS impact_source$/);
    } finally {
      await relation.engine.close();
    }
    const memory = await evaluateImpact({
      config: {
        initiative_id: 'duckdb-csv-table',
        data: { source: 'duckdb', path: csv, missing: { policy: 'drop', ...custom } },
        model: { name: 'experiment', params: { formula: 'y ~ d + x', covariance: 'HC1' } },
      },
    });
    const pushed = await pushdown({ policy: 'drop', ...custom });
    expect(pushed.result.sample_size).toBe(25);
    expect(pushed.result.effect_estimate).toBeCloseTo(memory.result.effect_estimate, 12);
    expect(pushed.result.standard_error).toBeCloseTo(memory.result.standard_error, 12);
    const error = await errorOf(() => pushdown({ policy: 'error', ...custom }));
    // Pushed down, missing cells are counted (as over the files), not located.
    expect(error).toMatchObject({ code: 'DATA_MISSING_VALUE', column: 'y' });
    expect(error.message).toContain(`${csv} (5 NULL rows)`);
  });

  it("reads DuckDB's memory_limit back in bytes (a table is made only under a quarter of it)", async () => {
    for (const [limit, bytes] of [
      ['64MB', 61 * 2 ** 20],
      ['2GiB', 2 * 2 ** 30],
      ['300MiB', 300 * 2 ** 20],
    ] as const) {
      const engine = await createDuckDbEngine({ settings: { memory_limit: limit } });
      try {
        // DuckDB reads the limit back rounded to one decimal of its unit (64 MB as 61.0 MiB).
        expect(Math.abs((await memoryLimitBytes(engine)) - bytes) / bytes, limit).toBeLessThan(0.01);
      } finally {
        await engine.close();
      }
    }
  });
});

describe('duckdb source names a cell of a CSV glob or list by file:line', () => {
  // Written out of name order; DuckDB reads a glob sorted. a.csv has a quoted note spanning two lines
  // and a blank line, so its records are not its lines.
  const folder = join(dir, 'glob');
  mkdirSync(folder);
  const c = join(folder, 'c.csv');
  const a = join(folder, 'a.csv');
  const b = join(folder, 'b.csv');
  writeFileSync(c, 'y,x,note\n7,1,c1\nNA,2,c2\n');
  writeFileSync(a, 'y,x,note\n1,1,"two\nlines"\n\n2,2,a2\n');
  writeFileSync(b, 'y,x,note\n3,1,b1\n4,n/a,b2\n NA ,3,b3\n');
  const load = (path: string | string[], extra: object = {}) =>
    duckDbSource.load(DuckDbSourceSpecSchema.parse({ path, ...extra }), {
      baseDir: folder,
      seed: 1,
      columns: new Set(['y', 'x', 'note']),
    });

  it('a missing cell: the file and line the file source names for that file', async () => {
    const fromFile = await errorOf(() =>
      loadTableFile({ path: b } as never, folder, { columns: new Set(['y']) }),
    );
    expect(fromFile).toMatchObject({ code: 'DATA_MISSING_VALUE', column: 'y', row: 4 });
    // Row 5 of the glob (a.csv has 2 records on 4 lines): b.csv's third record, on line 4.
    const fromGlob = await errorOf(() => load('*.csv', { types: { x: 'string' } }));
    expect(fromGlob).toMatchObject({ code: 'DATA_MISSING_VALUE', column: 'y', row: 4 });
    expect(fromGlob.message).toContain(`${b}:4:`);
    // A list, in its order (c.csv first): c.csv's NA on line 3 comes first.
    const fromList = await errorOf(() => load(['c.csv', '[ab].csv'], { types: { x: 'string' } }));
    expect(fromList).toMatchObject({ code: 'DATA_MISSING_VALUE', column: 'y', row: 3 });
    expect(fromList.message).toContain(`${c}:3:`);
  });

  it('a text cell in a declared number column: its file and line', async () => {
    const error = await errorOf(() => load('*.csv', { types: { x: 'number' }, missing: 'drop' }));
    expect(error).toMatchObject({ code: 'DATA_NOT_NUMERIC', column: 'x', row: 3 });
    expect(error.message).toContain(`${b}:3:`);
  });

  it('a record spanning lines is one row: a cell after it is named on its own line', async () => {
    const table = await load('[ab].csv', { types: { x: 'string' }, missing: 'drop' });
    expect(table.columns.note).toEqual(['two\nlines', 'a2', 'b1', 'b2']);
    // In a folder of its own, out of the other tests' glob.
    mkdirSync(join(folder, 'later'));
    const late = join(folder, 'later', 'late.csv');
    writeFileSync(late, 'y,x,note\n1,1,"three\nline\nnote"\n\nNA,2,after\n');
    const error = await errorOf(() => load(['a.csv', 'later/late.csv'], { types: { x: 'string' } }));
    expect(error).toMatchObject({ code: 'DATA_MISSING_VALUE', column: 'y', row: 6 });
    expect(error.message).toContain(`${late}:6:`);
  });
});
