import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { lineOfCell, lineOfRecordCell } from '../../../src/sources/csv/locate';

const dir = mkdtempSync(join(tmpdir(), 'measure-locate-'));
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('lineOfCell', () => {
  it('finds the first line of a trimmed cell by header name, counting newlines inside quotes', () => {
    const path = join(dir, 'cells.csv');
    // BOM, CRLF, a quoted field over two lines (3–4), the same text in another column first (line 2).
    writeFileSync(path, '\ufeffnote,qty\r\nn/a,1\r\n"two\r\nlines",2\r\nok, n/a\t\r\nok,n/a\r\n');
    expect(lineOfCell(path, 'qty', 'n/a')).toBe(5);
    expect(lineOfCell(path, 'note', 'n/a')).toBe(2);
    // The line the cell itself is on (its record starts on line 3), as the file source names it.
    expect(lineOfCell(path, 'qty', '2')).toBe(4);
    expect(lineOfCell(path, 'qty', 'absent')).toBeUndefined();
    expect(lineOfCell(path, 'no_such_column', '1')).toBeUndefined();
    expect(lineOfCell(join(dir, 'no-such-file.csv'), 'qty', '1')).toBeUndefined();
    // By record: the 2nd data record's qty sits on line 4; its 3rd record's note on line 5.
    expect(lineOfRecordCell(path, 'qty', 2)).toEqual({ line: 4, text: '2' });
    expect(lineOfRecordCell(path, 'note', 3)).toEqual({ line: 5, text: 'ok' });
    expect(lineOfRecordCell(path, 'qty', 3)).toEqual({ line: 5, text: ' n/a\t' });
    expect(lineOfRecordCell(path, 'qty', 9)).toBeUndefined();
  });

  it('finds a cell past the first chunk of a large file', () => {
    const path = join(dir, 'large.csv');
    const rows = Array.from({ length: 200_000 }, (_, i) => `${i},${i % 7}`);
    rows[150_000] = '150000,bad';
    writeFileSync(path, `id,x\n${rows.join('\n')}\n`);
    expect(lineOfCell(path, 'x', 'bad')).toBe(150_002);
  });
});
