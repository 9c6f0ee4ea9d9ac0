import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MeasureError } from '../../../src/errors';
import { loadTableFile } from '../../../src/sources/file';

const dir = mkdtempSync(join(tmpdir(), 'measure-jsonl-'));
let counter = 0;
function write(text: string): string {
  const path = join(dir, `f${counter++}.jsonl`);
  writeFileSync(path, text);
  return path;
}

describe('JSON Lines reader', () => {
  it('gives the same columns for every chunk size (lines, CRLF and UTF-8 split across chunks)', () => {
    const row = fc.record({
      y: fc.double({ noNaN: true, noDefaultInfinity: true }),
      s: fc.string({ maxLength: 5 }),
    });
    fc.assert(
      fc.property(
        fc.array(row, { minLength: 1, maxLength: 10 }),
        fc.constantFrom('\n', '\r\n'),
        fc.integer({ min: 1, max: 30 }),
        (rows, newline, chunk) => {
          const path = write(rows.map((r) => JSON.stringify({ y: r.y, s: `é${r.s}` })).join(newline));
          const table = loadTableFile({ path, types: { s: 'string' } }, dir, { chunkBytes: chunk });
          expect(Array.from(table.columns.y as Float64Array)).toEqual(
            rows.map((r) => (Object.is(r.y, -0) ? 0 : r.y)),
          );
          expect(table.columns.s).toEqual(rows.map((r) => `é${r.s}`));
        },
      ),
      { numRuns: 150 },
    );
  });

  it('names file:line and column of a mistyped value, and refuses hex text in a number column', () => {
    const path = write('{"y":1}\n\n{"y":"0x10"}\n');
    let caught: unknown;
    try {
      loadTableFile({ path, types: { y: 'number' } }, dir);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(MeasureError);
    expect((caught as MeasureError).code).toBe('DATA_NOT_NUMERIC');
    expect((caught as MeasureError).message).toContain(
      `${path}:3: column "y" must be a finite decimal number, found "0x10"`,
    );
  });

  it('infers booleans as 0/1 and a key that appears late as missing before it', () => {
    const table = loadTableFile(
      { path: write('{"d":true}\n{"d":false,"y":2}\n{"d":true,"y":3}\n'), missing: 'drop' },
      dir,
    );
    expect(Array.from(table.columns.d as Float64Array)).toEqual([0, 1]);
    expect(Array.from(table.columns.y as Float64Array)).toEqual([2, 3]);
  });
});
