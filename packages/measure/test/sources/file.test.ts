import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MeasureError } from '../../src/errors';
import { loadTableFile, parseCsv } from '../../src/sources/file';

const dir = mkdtempSync(join(tmpdir(), 'measure-file-'));
function write(name: string, text: string): string {
  writeFileSync(join(dir, name), text);
  return name;
}
function errorOf(run: () => unknown): MeasureError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(MeasureError);
    return error as MeasureError;
  }
  throw new Error('expected an error');
}

describe('file data source', () => {
  it('parses quoted CSV fields and CRLF line ends', () => {
    const { header, records } = parseCsv('a,b\r\n"x, y","say ""hi"""\r\n1,2\r\n', 'mem.csv');
    expect(header).toEqual(['a', 'b']);
    expect(records).toEqual([
      ['x, y', 'say "hi"'],
      ['1', '2'],
    ]);
  });
  it('infers numeric and text columns and renames mapped columns', () => {
    const path = write('ok.csv', 'rev_usd,group,arm\n1.5,a,1\n2.5,b,0\n');
    const table = loadTableFile({ path, columns: { revenue: 'rev_usd' }, types: { arm: 'binary' } }, dir);
    expect(table.rowCount).toBe(2);
    expect(Array.from(table.columns.revenue as Float64Array)).toEqual([1.5, 2.5]);
    expect(table.columns.group).toEqual(['a', 'b']);
    expect(table.columns.arm).toBeInstanceOf(Uint8Array);
  });
  it('reads JSON Lines', () => {
    const path = write('ok.jsonl', '{"y": 1, "d": true}\n\n{"y": 2.5, "d": false}\n');
    const table = loadTableFile({ path, types: { d: 'binary' } }, dir);
    expect(Array.from(table.columns.y as Float64Array)).toEqual([1, 2.5]);
    expect(Array.from(table.columns.d as Uint8Array)).toEqual([1, 0]);
  });
  it('names the file line and column of a mistyped value', () => {
    const path = write('bad.csv', 'y,d\n1,0\noops,1\n');
    const error = errorOf(() => loadTableFile({ path, types: { y: 'number' } }, dir));
    expect(error.code).toBe('DATA_NOT_NUMERIC');
    expect(error.column).toBe('y');
    expect(error.message).toMatch(/bad\.csv:3: column "y"/);
  });
  it('reports infinite values as DATA_NON_FINITE', () => {
    const path = write('inf.csv', 'y\n1\nInfinity\n');
    expect(errorOf(() => loadTableFile({ path, types: { y: 'number' } }, dir)).code).toBe('DATA_NON_FINITE');
  });
  it('reports a non-binary value in a binary column', () => {
    const path = write('bin.csv', 'd\n0\n2\n');
    expect(errorOf(() => loadTableFile({ path, types: { d: 'binary' } }, dir)).code).toBe('DATA_NOT_BINARY');
  });
  it('names a mapped column missing from the file', () => {
    const path = write('map.csv', 'a\n1\n');
    const error = errorOf(() => loadTableFile({ path, columns: { revenue: 'rev' } }, dir));
    expect(error.code).toBe('DATA_MISSING_COLUMN');
    expect(error.message).toMatch(/"rev".*available: a/);
  });
  it('reports ragged rows and bad JSON with their line', () => {
    expect(errorOf(() => loadTableFile({ path: write('ragged.csv', 'a,b\n1,2\n3\n') }, dir)).message).toMatch(
      /:3: expected 2 fields/,
    );
    expect(
      errorOf(() => loadTableFile({ path: write('bad.jsonl', '{"a":1}\n{nope}\n') }, dir)).message,
    ).toMatch(/:2: invalid JSON/);
  });
  it('reports a missing file as DATA_FILE_INVALID', () => {
    expect(errorOf(() => loadTableFile({ path: 'nope.csv' }, dir)).code).toBe('DATA_FILE_INVALID');
  });
});
