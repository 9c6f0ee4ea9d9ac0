import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Table } from '@impact/contracts';
import { afterAll, describe, expect, it } from 'vitest';
import { MeasureError } from '../../src/errors';
import { evaluateImpact } from '../../src/evaluate';
import { DuckDbSourceSpecSchema, duckDbSource } from '../../src/sources/duckdb';
import { loadTableFile } from '../../src/sources/file';
import { missingReportOf } from '../../src/sources/missing';

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
async function errorOf(run: () => unknown): Promise<MeasureError> {
  try {
    await run();
  } catch (error) {
    expect(error).toBeInstanceOf(MeasureError);
    return error as MeasureError;
  }
  throw new Error('expected an error');
}
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
