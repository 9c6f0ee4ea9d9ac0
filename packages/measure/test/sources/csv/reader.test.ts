import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MeasureError } from '../../../src/errors';
import { parseCsv, tableFromCsvText } from '../../../src/sources/file';

/** A cell as CSV text: quoted (with "" escapes) when it holds a comma, quote, CR or LF, or at random. */
function encode(cell: string, quoteAnyway: boolean): string {
  return quoteAnyway || /[",\r\n]/.test(cell) ? `"${cell.replaceAll('"', '""')}"` : cell;
}

const cellText = fc.string({
  unit: fc.constantFrom('a', 'b', ' ', ',', '"', '\n', '\r\n', 'é', '€', 'x'),
  maxLength: 6,
});

const table = fc.integer({ min: 1, max: 4 }).chain((width) =>
  fc.record({
    width: fc.constant(width),
    rows: fc.array(
      fc.record({
        text: fc.array(cellText, { minLength: width, maxLength: width }),
        numbers: fc.array(fc.double({ noNaN: true, noDefaultInfinity: true }), {
          minLength: 1,
          maxLength: 1,
        }),
        quote: fc.array(fc.boolean(), { minLength: width + 1, maxLength: width + 1 }),
      }),
      { minLength: 1, maxLength: 12 },
    ),
    newline: fc.constantFrom('\n', '\r\n'),
    bom: fc.boolean(),
    trailingNewline: fc.boolean(),
    chunk: fc.integer({ min: 1, max: 40 }),
  }),
);

type Generated = typeof table extends fc.Arbitrary<infer T> ? T : never;

function render(t: Generated) {
  const header = ['n', ...Array.from({ length: t.width }, (_, k) => `t${k}`)];
  const lines = [header.join(',')];
  for (const row of t.rows) {
    const cells = [
      encode(Object.is(row.numbers[0], -0) ? '-0' : String(row.numbers[0]), row.quote[0] as boolean),
    ];
    row.text.forEach((cell, k) => {
      cells.push(encode(`s${cell}`, row.quote[k + 1] as boolean));
    });
    lines.push(cells.join(','));
  }
  return `${t.bom ? '\ufeff' : ''}${lines.join(t.newline)}${t.trailingNewline ? t.newline : ''}`;
}

describe('CSV reader: streaming chunk boundaries', () => {
  it('gives the same typed columns for every chunk size (fields, quotes, CRLF and UTF-8 split across chunks)', () => {
    fc.assert(
      fc.property(table, (t) => {
        const text = render(t);
        const read = tableFromCsvText(
          text,
          'prop.csv',
          {
            types: Object.fromEntries(
              Array.from({ length: t.width }, (_, k) => [`t${k}`, 'string' as const]),
            ),
          },
          { chunkBytes: t.chunk },
        );
        expect(read.rowCount).toBe(t.rows.length);
        expect(Array.from(read.columns.n as Float64Array)).toEqual(t.rows.map((row) => row.numbers[0]));
        for (let k = 0; k < t.width; k++)
          expect(read.columns[`t${k}`]).toEqual(t.rows.map((row) => `s${row.text[k]}`));
      }),
      { numRuns: 400 },
    );
  });

  it('names the right 1-based line of a bad cell after embedded newlines, at every chunk size', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 8 }),
        fc.integer({ min: 1, max: 30 }),
        fc.constantFrom('\n', '\r\n'),
        (breaks, chunk, newline) => {
          // Row k has a quoted note with breaks[k] line breaks inside; then one bad row.
          let line = 2;
          const lines = ['y,note'];
          for (const count of breaks) {
            lines.push(`1,"${Array.from({ length: count + 1 }, () => 'n').join(newline)}"`);
            line += count + 1;
          }
          lines.push('oops,"x"');
          const text = lines.join(newline);
          let caught: unknown;
          try {
            tableFromCsvText(text, 'lines.csv', { types: { y: 'number' } }, { chunkBytes: chunk });
          } catch (error) {
            caught = error;
          }
          expect(caught).toBeInstanceOf(MeasureError);
          expect((caught as MeasureError).message).toContain(`lines.csv:${line}: column "y"`);
          expect((caught as MeasureError).row).toBe(line);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('parseCsv keeps working on quoted fields, escaped quotes, CRLF, BOM, blank lines and embedded newlines', () => {
    const parsed = parseCsv('\ufeffa,b\r\n"x\r\ny","say ""hi"""\r\n\r\n3,\n', 'mem.csv');
    expect(parsed.header).toEqual(['a', 'b']);
    expect(parsed.records).toEqual([
      ['x\r\ny', 'say "hi"'],
      ['3', ''],
    ]);
    expect(parsed.lines).toEqual([2, 5]);
  });
});

describe('CSV reader: types and errors', () => {
  const errorOf = (run: () => unknown): MeasureError => {
    try {
      run();
    } catch (error) {
      expect(error).toBeInstanceOf(MeasureError);
      return error as MeasureError;
    }
    throw new Error('expected an error');
  };

  it('reads decimal numbers only: hex, binary, octal, Infinity and 1_000 are text', () => {
    for (const bad of ['0x10', '0b1', '0o7', 'Infinity', '1_000']) {
      const inferred = tableFromCsvText(`y\n1\n${bad}\n`, 'dec.csv');
      expect(inferred.columns.y).toEqual(['1', bad]);
      const error = errorOf(() => tableFromCsvText(`y\n1\n${bad}\n`, 'dec.csv', { types: { y: 'number' } }));
      expect(error.code).toBe(bad === 'Infinity' ? 'DATA_NON_FINITE' : 'DATA_NOT_NUMERIC');
      expect(error.message).toContain(
        `dec.csv:3: column "y" must be a finite decimal number, found ${JSON.stringify(bad)}`,
      );
    }
    const ok = tableFromCsvText('y\n1e-3\n-.5\n+2\n', 'dec.csv');
    expect(Array.from(ok.columns.y as Float64Array)).toEqual([0.001, -0.5, 2]);
  });

  it('keeps the exact spelling of a column that turns out to be text after numbers (second pass)', () => {
    const table = tableFromCsvText('id,y\n007,1\n008,2\nA9,3\n', 'ids.csv', {}, { chunkBytes: 4 });
    expect(table.columns.id).toEqual(['007', '008', 'A9']);
    expect(Array.from(table.columns.y as Float64Array)).toEqual([1, 2, 3]);
  });

  it('refuses duplicate column names in the header', () => {
    const error = errorOf(() => tableFromCsvText('y,d,y\n1,0,2\n', 'dup.csv'));
    expect(error.code).toBe('DATA_DUPLICATE_COLUMN');
    expect(error.column).toBe('y');
    expect(error.message).toContain(
      'dup.csv:1: column name "y" appears twice in the header (fields 1 and 3)',
    );
  });

  it('refuses a mapping target that clashes with another column', () => {
    const error = errorOf(() =>
      tableFromCsvText('revenue,rev\n1,2\n', 'clash.csv', { columns: { revenue: 'rev' } }),
    );
    expect(error.code).toBe('DATA_DUPLICATE_COLUMN');
  });

  it('reports an unterminated quote and text after a closing quote with their line', () => {
    expect(errorOf(() => tableFromCsvText('a\n1\n"open\n', 'q.csv')).message).toMatch(
      /q\.csv:3: unterminated/,
    );
    expect(errorOf(() => tableFromCsvText('a\n"x"y\n', 'q.csv')).message).toMatch(/q\.csv:2: unexpected "y"/);
  });

  it('interns repeated text: equal cells share one string', () => {
    const table = tableFromCsvText('g\nalpha\nbeta\nalpha\n', 'g.csv');
    expect(table.columns.g).toEqual(['alpha', 'beta', 'alpha']);
  });

  it('keeps only the columns the run uses (plus mapped and declared ones)', () => {
    const table = tableFromCsvText(
      'y,d,x,z\n1,0,5,a\n2,1,6,b\n',
      'p.csv',
      { columns: { dose: 'x' } },
      { columns: new Set(['y', 'd']) },
    );
    expect(Object.keys(table.columns).sort()).toEqual(['d', 'dose', 'y']);
  });
});
