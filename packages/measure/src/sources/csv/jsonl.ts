import { MeasureError } from '../../errors';
import {
  ColumnBuilder,
  type ColumnKind,
  type ColumnPlan,
  finishColumns,
  readWithTextRestarts,
} from './columns';
import { type ByteSource, DEFAULT_CHUNK_BYTES, type ReadColumns, type ReadCsvOptions } from './reader';

/** Decides, for a key seen for the first time, whether and how to keep it. */
export type PlanKey = (key: string) => ColumnPlan | undefined;

/** Options of {@link readJsonlColumns}: as for CSV, but columns are planned key by key. */
export interface ReadJsonlOptions extends Omit<ReadCsvOptions, 'plan'> {
  plan: PlanKey;
}

class JsonlSink {
  readonly keys: string[] = [];
  readonly builders = new Map<string, ColumnBuilder | undefined>();
  rows = 0;
  private firstLine = 0;

  constructor(
    private readonly options: ReadJsonlOptions,
    private readonly kinds: Map<string, ColumnKind>,
    private readonly expectedRows: number,
  ) {}

  line(text: string, line: number): void {
    if (text.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      throw new MeasureError(
        'DATA_FILE_INVALID',
        `${this.options.file}:${line}: invalid JSON (${(error as Error).message})`,
        { row: line, cause: error },
      );
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new MeasureError(
        'DATA_FILE_INVALID',
        `${this.options.file}:${line}: expected a JSON object per line`,
        {
          row: line,
        },
      );
    }
    if (this.rows === 0) this.firstLine = line;
    const record = value as Record<string, unknown>;
    for (const key of Object.keys(record)) {
      if (this.builders.has(key)) continue;
      this.keys.push(key);
      const plan = this.options.plan(key);
      const builder =
        plan === undefined
          ? undefined
          : new ColumnBuilder(
              { ...plan, kind: this.kinds.get(key) ?? plan.kind },
              { file: this.options.file, policy: this.options.policy, expectedRows: this.expectedRows },
            );
      builder?.padMissing(this.rows, this.firstLine);
      this.builders.set(key, builder);
    }
    for (const [key, builder] of this.builders) builder?.pushValue(record[key], line);
    this.rows++;
  }
}

function readOnce(
  source: () => ByteSource,
  options: ReadJsonlOptions,
  kinds: Map<string, ColumnKind>,
): ReadColumns {
  const bytes = source();
  const sink = new JsonlSink(options, kinds, Math.min(1 << 16, Math.ceil(bytes.size / 32)));
  const chunk = Math.max(1, options.chunkBytes ?? DEFAULT_CHUNK_BYTES);
  let buffer = Buffer.allocUnsafe(Math.min(chunk, Math.max(bytes.size, 1)));
  let length = 0;
  let line = 1;
  try {
    for (;;) {
      if (length === buffer.length) {
        const bigger = Buffer.allocUnsafe(buffer.length * 2);
        buffer.copy(bigger, 0, 0, length);
        buffer = bigger;
      }
      const n = bytes.read(buffer, length, Math.min(chunk, buffer.length - length));
      length += n;
      let start =
        line === 1 && length >= 3 && buffer[0] === 0xef && buffer[1] === 0xbb && buffer[2] === 0xbf ? 3 : 0;
      for (let newline = buffer.indexOf(10, start); newline >= 0 && newline < length; ) {
        const end = newline > start && buffer[newline - 1] === 13 ? newline - 1 : newline;
        sink.line(buffer.toString('utf8', start, end), line++);
        start = newline + 1;
        newline = buffer.indexOf(10, start);
      }
      if (n === 0) {
        if (start < length) sink.line(buffer.toString('utf8', start, length), line);
        break;
      }
      buffer.copy(buffer, 0, start, length);
      length -= start;
    }
  } finally {
    bytes.close();
  }
  return { header: sink.keys, rowCount: sink.rows, ...finishColumns(sink.builders.values()) };
}

/**
 * Read JSON Lines into typed columns (one object per line; keys in first-seen order; a key absent on a
 * line, or `null`, is a missing cell). Same policy, types and `file:line` errors as CSV.
 *
 * @example
 * ```ts
 * const read = readJsonlColumns(() => fileBytes(path), { file: path, policy, plan: (key) => ({ source: key, name: key, kind: 'infer', used: true }) });
 * ```
 */
export function readJsonlColumns(source: () => ByteSource, options: ReadJsonlOptions): ReadColumns {
  return readWithTextRestarts((kinds) => readOnce(source, options, kinds));
}
