import { DEFAULT_CHUNK_BYTES, fileBytes } from './reader';
import { CsvScanner, type CsvSink } from './scanner';

/** Stops the scan once the cell is found. */
class Found extends Error {
  constructor(readonly line: number) {
    super('found');
  }
}

class CellFinder implements CsvSink {
  private index = -1;
  private inHeader = true;
  constructor(
    private readonly column: string,
    private readonly text: string,
  ) {}

  field(index: number, bytes: Buffer, start: number, end: number, escaped: boolean, line: number): void {
    if (this.inHeader) {
      if (this.index < 0 && decode(bytes, start, end, escaped).trim() === this.column) this.index = index;
      return;
    }
    if (index === this.index && decode(bytes, start, end, escaped).trim() === this.text)
      throw new Found(line);
  }

  record(): void {
    this.inHeader = false;
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
  let bytes: ReturnType<typeof fileBytes>;
  try {
    bytes = fileBytes(path);
  } catch {
    return undefined;
  }
  const scanner = new CsvScanner(new CellFinder(column, text.trim()), path);
  let buffer = Buffer.allocUnsafe(DEFAULT_CHUNK_BYTES);
  let length = 0;
  let first = true;
  try {
    for (;;) {
      if (length === buffer.length) {
        const bigger = Buffer.allocUnsafe(buffer.length * 2);
        buffer.copy(bigger, 0, 0, length);
        buffer = bigger;
      }
      const n = bytes.read(buffer, length, buffer.length - length);
      length += n;
      const bom = first && length >= 3 && buffer[0] === 0xef && buffer[1] === 0xbb && buffer[2] === 0xbf;
      first = false;
      const start = bom ? 3 : 0;
      const consumed = scanner.scan(buffer, start, length, n === 0);
      if (n === 0) return undefined;
      buffer.copy(buffer, 0, consumed, length);
      length -= consumed;
    }
  } catch (error) {
    if (error instanceof Found) return error.line;
    return undefined;
  } finally {
    bytes.close();
  }
}
