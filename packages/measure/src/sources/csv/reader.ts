import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import type { ColumnValues } from '@impact/contracts';
import { MeasureError } from '../../errors';
import type { MissingPolicy } from '../missing';
import {
  ColumnBuilder,
  type ColumnKind,
  type ColumnPlan,
  finishColumns,
  readWithTextRestarts,
} from './columns';
import { CsvScanner, type CsvSink } from './scanner';

/** Where bytes come from: a file, or memory (tests, `parseCsv`). */
export interface ByteSource {
  /** Total size in bytes when known (sizes the first allocation). */
  size: number;
  /** Read up to `length` bytes into `target` at `offset`; 0 at the end. */
  read(target: Buffer, offset: number, length: number): number;
  close(): void;
}

/** Default chunk: 1 MiB. */
export const DEFAULT_CHUNK_BYTES = 1 << 20;

/**
 * Open a file as a {@link ByteSource}. Throws `DATA_FILE_INVALID` naming the path when it cannot be read.
 *
 * @example
 * ```ts
 * const source = fileBytes('/data/sales.csv');
 * ```
 */
export function fileBytes(path: string): ByteSource {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (error) {
    throw new MeasureError(
      'DATA_FILE_INVALID',
      `cannot read data file ${path}: ${(error as Error).message}`,
      {
        cause: error,
        parameter: 'data.path',
      },
    );
  }
  return {
    size: fstatSync(fd).size,
    read: (target, offset, length) => readSync(fd, target, offset, length, null),
    close: () => closeSync(fd),
  };
}

/**
 * Bytes held in memory as a {@link ByteSource}, delivered in chunks of at most `chunk` bytes (so tests can
 * split fields, quotes and CRLF across chunk boundaries).
 *
 * @example
 * ```ts
 * const source = memoryBytes(Buffer.from('a,b\n1,2\n'), 3);
 * ```
 */
export function memoryBytes(bytes: Uint8Array, chunk = Number.POSITIVE_INFINITY): ByteSource {
  let position = 0;
  return {
    size: bytes.length,
    read(target, offset, length) {
      const n = Math.min(length, chunk, bytes.length - position);
      target.set(bytes.subarray(position, position + n), offset);
      position += n;
      return n;
    },
    close() {},
  };
}

/** Decides, from the header, which columns to keep and how (returns plans by header position). */
export type PlanColumns = (header: readonly string[]) => (ColumnPlan | undefined)[];

/** Options of {@link readCsvColumns}. */
export interface ReadCsvOptions {
  /** Path (or label) used in messages. */
  file: string;
  policy: MissingPolicy;
  plan: PlanColumns;
  /** Bytes per read (default 1 MiB). */
  chunkBytes?: number;
}

/** Columns read from a file, with missing masks and the header as written. */
export interface ReadColumns {
  header: string[];
  rowCount: number;
  columns: Record<string, ColumnValues>;
  missing: Record<string, Uint8Array | undefined>;
}

class ColumnSink implements CsvSink {
  header: string[] | undefined;
  builders: (ColumnBuilder | undefined)[] = [];
  rows = 0;

  constructor(
    private readonly options: ReadCsvOptions,
    private readonly size: number,
    private readonly kinds: Map<string, ColumnKind>,
  ) {}

  private headerCells: string[] = [];

  field(index: number, bytes: Buffer, start: number, end: number, escaped: boolean, line: number): void {
    if (this.header === undefined) {
      const text = bytes.toString('utf8', start, end);
      this.headerCells[index] = (escaped ? text.replaceAll('""', '"') : text).trim();
      return;
    }
    const builder = this.builders[index];
    if (builder !== undefined) builder.pushBytes(bytes, start, end, escaped, line);
  }

  record(count: number, line: number): void {
    if (this.header === undefined) {
      this.startColumns(this.headerCells.slice(0, count), line);
      return;
    }
    if (count !== this.header.length) {
      throw new MeasureError(
        'DATA_FILE_INVALID',
        `${this.options.file}:${line}: expected ${this.header.length} fields (as in the header), found ${count}`,
        { row: line },
      );
    }
    this.rows++;
  }

  private startColumns(header: string[], line: number): void {
    const seen = new Map<string, number>();
    header.forEach((name, k) => {
      const first = seen.get(name);
      if (first !== undefined) {
        throw new MeasureError(
          'DATA_DUPLICATE_COLUMN',
          `${this.options.file}:${line}: column name "${name}" appears twice in the header (fields ${first + 1} and ${k + 1}); rename one`,
          { column: name, row: line },
        );
      }
      seen.set(name, k);
    });
    this.header = header;
    // Bytes per row are unknown yet: guess ~8 bytes per field for the first allocation, capped by the file.
    const expectedRows = Math.min(1 << 16, Math.ceil(this.size / Math.max(1, 8 * header.length)));
    this.builders = this.options.plan(header).map((plan) => {
      if (plan === undefined) return undefined;
      const kind = this.kinds.get(plan.source) ?? plan.kind;
      return new ColumnBuilder(
        { ...plan, kind },
        { file: this.options.file, policy: this.options.policy, expectedRows },
      );
    });
  }
}

/**
 * Feed `bytes` through `scanner` in chunks of at most `chunk` bytes until the end: skips a UTF-8 byte-order
 * mark, keeps the unconsumed tail of each chunk for the next, and doubles the buffer when one record is
 * longer than it. `afterChunk` gets the bytes of records consumed from each chunk (not at the end). The
 * caller closes `bytes`.
 *
 * @example
 * ```ts
 * scanCsvBytes(fileBytes(path), new CsvScanner(sink, path), DEFAULT_CHUNK_BYTES);
 * ```
 */
export function scanCsvBytes(
  bytes: ByteSource,
  scanner: CsvScanner,
  chunk: number,
  afterChunk?: (consumed: number) => void,
): void {
  let buffer = Buffer.allocUnsafe(Math.min(chunk, Math.max(bytes.size, 1)));
  let length = 0;
  let first = true;
  for (;;) {
    if (length === buffer.length) {
      const bigger = Buffer.allocUnsafe(buffer.length * 2);
      buffer.copy(bigger, 0, 0, length);
      buffer = bigger;
    }
    const n = bytes.read(buffer, length, Math.min(chunk, buffer.length - length));
    length += n;
    let start = 0;
    if (first && length >= 3 && buffer[0] === 0xef && buffer[1] === 0xbb && buffer[2] === 0xbf) start = 3;
    if (first && length < 3 && n > 0) continue;
    first = false;
    const consumed = scanner.scan(buffer, start, length, n === 0);
    if (n === 0) return;
    afterChunk?.(consumed - start);
    buffer.copy(buffer, 0, consumed, length);
    length -= consumed;
  }
}

function readOnce(
  source: () => ByteSource,
  options: ReadCsvOptions,
  kinds: Map<string, ColumnKind>,
): ReadColumns {
  const bytes = source();
  const sink = new ColumnSink(options, bytes.size, kinds);
  const scanner = new CsvScanner(sink, options.file);
  const chunk = Math.max(1, options.chunkBytes ?? DEFAULT_CHUNK_BYTES);
  let seen = 0;
  let reserved = false;
  try {
    scanCsvBytes(bytes, scanner, chunk, (consumed) => {
      seen += consumed;
      if (!reserved && sink.rows >= 256) {
        // Size every column once from the bytes per row seen so far (+2%), instead of growing it repeatedly.
        reserved = true;
        const rows = Math.ceil(sink.rows * (bytes.size / seen) * 1.02) + 16;
        for (const builder of sink.builders) builder?.reserve(rows);
      }
    });
  } finally {
    bytes.close();
  }
  if (sink.header === undefined)
    throw new MeasureError('DATA_FILE_INVALID', `${options.file}: empty CSV file (no header line)`, {});
  return { header: sink.header, rowCount: sink.rows, ...finishColumns(sink.builders) };
}

/**
 * Read a CSV byte stream straight into typed columns in one pass: numbers parsed once into Float64Array,
 * text interned per column, only the planned columns kept, missing cells marked (or refused, per the
 * policy). An inferred column that turns out to hold text is re-read as text (the only second pass).
 * Errors name `file:line` and the column.
 *
 * @example
 * ```ts
 * const read = readCsvColumns(() => fileBytes(path), { file: path, policy: DEFAULT_MISSING_POLICY, plan: (h) => h.map((n) => ({ source: n, name: n, kind: 'infer', used: true })) });
 * ```
 */
export function readCsvColumns(source: () => ByteSource, options: ReadCsvOptions): ReadColumns {
  return readWithTextRestarts((kinds) => readOnce(source, options, kinds));
}
