import { DEFAULT_CHUNK_BYTES, fileBytes, scanCsvBytes } from './reader';
import { CsvScanner, type CsvSink } from './scanner';

/** Stops the scan once the cell is found. */
class Found extends Error {
  constructor(
    readonly line: number,
    readonly text: string,
  ) {
    super('found');
  }
}

/** Which cell of a column to find: the first with this trimmed text, or the one in this data record. */
type CellTarget = { text: string } | { record: number };

class CellFinder implements CsvSink {
  private index = -1;
  private records = 0;
  constructor(
    private readonly column: string,
    private readonly target: CellTarget,
  ) {}

  field(index: number, bytes: Buffer, start: number, end: number, escaped: boolean, line: number): void {
    if (this.records === 0) {
      if (this.index < 0 && decode(bytes, start, end, escaped).trim() === this.column) this.index = index;
      return;
    }
    if (index !== this.index) return;
    const text = decode(bytes, start, end, escaped);
    const found =
      'record' in this.target ? this.records === this.target.record : text.trim() === this.target.text;
    if (found) throw new Found(line, text);
  }

  record(): void {
    this.records++;
  }
}

function decode(bytes: Buffer, start: number, end: number, escaped: boolean): string {
  const text = bytes.toString('utf8', start, end);
  return escaped ? text.replaceAll('""', '"') : text;
}

/**
 * The 1-based line of the first cell of `column` (by header name) whose text, spaces and tabs trimmed, is
 * `text` — how a source that let an engine parse the file names the line of a cell the engine refused.
 * Undefined when no such cell (or no such column) is found, or the file cannot be read.
 *
 * @example
 * ```ts
 * lineOfCell('/data/orders.csv', 'qty', 'n/a'); // 14
 * ```
 */
export function lineOfCell(path: string, column: string, text: string): number | undefined {
  return findCell(path, column, { text: text.trim() })?.line;
}

/**
 * The 1-based line and the text of `column`'s cell in data record `record` (1 = the first record after the
 * header; blank lines are not records), or undefined when the file has no such record or column.
 *
 * @example
 * ```ts
 * lineOfRecordCell('/data/orders.csv', 'qty', 12); // { line: 13, text: 'NA' } when no field spans lines
 * ```
 */
export function lineOfRecordCell(
  path: string,
  column: string,
  record: number,
): { line: number; text: string } | undefined {
  return findCell(path, column, { record });
}

function findCell(
  path: string,
  column: string,
  target: CellTarget,
): { line: number; text: string } | undefined {
  let bytes: ReturnType<typeof fileBytes>;
  try {
    bytes = fileBytes(path);
  } catch {
    return undefined;
  }
  const scanner = new CsvScanner(new CellFinder(column, target), path);
  try {
    scanCsvBytes(bytes, scanner, DEFAULT_CHUNK_BYTES);
    return undefined;
  } catch (error) {
    if (error instanceof Found) return { line: error.line, text: error.text };
    return undefined;
  } finally {
    bytes.close();
  }
}
