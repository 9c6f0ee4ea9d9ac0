import { duckdbDialect, stringLiteral, trimBlanksSql } from '../sql/dialect';
import type { SqlEngine } from '../sql/engine';
import { lineOfCell, lineOfRecordCell } from './csv/locate';
import { DEFAULT_CHUNK_BYTES, fileBytes, scanCsvBytes } from './csv/reader';
import { CsvScanner, type CsvSink } from './csv/scanner';

/**
 * A decimal number as the file source reads one (RE2 syntax, matched against the whole trimmed cell):
 * `[+-]? (digits [. digits?] | . digits) ([eE] [+-]? digits)?`. Hex `0x10`, `1_000`, `inf`, `NaN` are text.
 */
export const DECIMAL_NUMBER_PATTERN = '[+-]?([0-9]+([.][0-9]*)?|[.][0-9]+)([eE][+-]?[0-9]+)?';

/**
 * `read_csv(…)` over a list of files with every column as text (`all_varchar`), so that
 * {@link typedCsvSelect}, not DuckDB's sniffer, decides which columns are numbers. The `missing:` markers
 * are DuckDB's `nullstr` (exact cells become NULL while reading; blank-padded ones are caught in SQL).
 * With no markers (`markers: []`) no cell may become NULL, as in the file source, which keeps an empty
 * cell as `''`; DuckDB refuses an empty `nullstr` list and reads `''` as NULL by default, so its one
 * `nullstr` is then a line feed with quoted cells never compared (`allow_quoted_nulls = false`): an
 * unquoted cell cannot contain a line feed, since it ends the record.
 *
 * @example
 * ```ts
 * csvTextReader("['/data/a.csv']", ['', 'NA']); // read_csv(['/data/a.csv'], header = true, all_varchar = true, nullstr = ['', 'NA'])
 * csvTextReader("['/data/a.csv']", []); // read_csv(…, nullstr = [chr(10)], allow_quoted_nulls = false)
 * ```
 */
export function csvTextReader(list: string, markers: readonly string[]): string {
  const nullstr =
    markers.length === 0
      ? ', nullstr = [chr(10)], allow_quoted_nulls = false'
      : `, nullstr = [${markers.map(stringLiteral).join(', ')}]`;
  return `read_csv(${list}, header = true, all_varchar = true${nullstr})`;
}

/**
 * A SELECT over a text-only CSV reader ({@link csvTextReader}) that types columns the way the file source
 * does: a column is numeric (DOUBLE) when every cell, trimmed of spaces and tabs, is NULL, a `missing:`
 * marker or a finite decimal number ({@link DECIMAL_NUMBER_PATTERN}); markers then become NULL. Other
 * columns stay text as read (the relation turns their markers into NULL). Columns in `keepAsText` (those
 * declared in `types:`, which the relation casts and checks itself) are not inspected. Costs one scan of
 * the file, skipped when every column is in `keepAsText`.
 *
 * @example
 * ```ts
 * const select = await typedCsvSelect(engine, csvTextReader(list, markers), markers, new Set(['store']));
 * await engine.query(`CREATE TEMP VIEW data AS ${select}`);
 * ```
 */
export async function typedCsvSelect(
  engine: SqlEngine,
  reader: string,
  markers: readonly string[],
  keepAsText: ReadonlySet<string>,
): Promise<string> {
  const q = duckdbDialect.quoteIdentifier;
  const probe = await engine.query(`SELECT * FROM ${reader} LIMIT 0`);
  const names = probe.columns.map((column) => column.name);
  const inspected = names.filter((name) => !keepAsText.has(name));
  if (inspected.length === 0) return `SELECT * FROM ${reader}`;
  const trimmed = (name: string) => trimBlanksSql(duckdbDialect, q(name));
  const isMarker = (text: string) =>
    markers.length === 0 ? 'false' : `${text} IN (${markers.map(stringLiteral).join(', ')})`;
  const checks = inspected.map((name, k) => {
    const t = trimmed(name);
    const decimal = `(regexp_full_match(${t}, ${stringLiteral(DECIMAL_NUMBER_PATTERN)}) AND COALESCE(isfinite(TRY_CAST(${t} AS DOUBLE)), false))`;
    // No rows, or only NULLs: numeric, as the file source keeps an all-missing column numeric.
    return `CAST(COALESCE(bool_and(${t} IS NULL OR ${isMarker(t)} OR ${decimal}), true) AS INTEGER) AS ${q(`c${k}`)}`;
  });
  const verdict = await engine.query(`SELECT ${checks.join(', ')} FROM ${reader}`);
  const numeric = new Set(inspected.filter((_, k) => verdict.columns[k]?.values[0] === 1));
  const select = names.map((name) => {
    if (!numeric.has(name)) return q(name);
    const t = trimmed(name);
    return `CASE WHEN ${t} IS NULL OR ${isMarker(t)} THEN NULL ELSE CAST(${t} AS DOUBLE) END AS ${q(name)}`;
  });
  return `SELECT ${select.join(', ')} FROM ${reader}`;
}

/** Counts a CSV file's records (the header too), as the file source's scanner splits them. */
class RecordCounter implements CsvSink {
  records = 0;
  field(): void {}
  record(): void {
    this.records++;
  }
}

/** Data records (after the header) of a CSV file; blank lines are not records, quoted line breaks are kept. */
function dataRecords(path: string): number {
  const bytes = fileBytes(path);
  try {
    const counter = new RecordCounter();
    scanCsvBytes(bytes, new CsvScanner(counter, path), DEFAULT_CHUNK_BYTES);
    return Math.max(0, counter.records - 1);
  } finally {
    bytes.close();
  }
}

/**
 * Names cells of CSV files that DuckDB reads as one relation (a glob or a list), in the order DuckDB reads
 * them ({@link csvFilesOf}): a row of the relation is the record of the file it falls in, counted by the
 * file source's own scanner (so a quoted field spanning lines is still one record on its first line).
 * Each earlier file's record count is found once, on the first call that needs it. Undefined when a file
 * cannot be read or the row is past the end.
 *
 * @example
 * ```ts
 * const locate = csvFilesLocator(['/data/a.csv', '/data/b.csv']);
 * locate.row('y', 12); // { where: '/data/b.csv:4', text: 'NA' } when a.csv has 9 records
 * locate.text('y', 'n/a'); // '/data/a.csv:7'
 * ```
 */
export function csvFilesLocator(files: readonly string[]): {
  row: (column: string, row: number) => { where: string; text: string } | undefined;
  text: (column: string, text: string) => string | undefined;
} {
  const counts = new Map<string, number>();
  return {
    row(column, row) {
      let remaining = row;
      for (const [k, file] of files.entries()) {
        // The last file needs no count: a row past its end has no cell.
        let count = k === files.length - 1 ? remaining : counts.get(file);
        if (count === undefined) {
          try {
            count = dataRecords(file);
          } catch {
            return undefined;
          }
          counts.set(file, count);
        }
        if (remaining <= count) {
          const cell = lineOfRecordCell(file, column, remaining);
          return cell && { where: `${file}:${cell.line}`, text: cell.text };
        }
        remaining -= count;
      }
      return undefined;
    },
    text(column, text) {
      for (const file of files) {
        const line = lineOfCell(file, column, text);
        if (line !== undefined) return `${file}:${line}`;
      }
      return undefined;
    },
  };
}

/**
 * The files DuckDB reads for a list of CSV paths and globs, in its reading order: each entry expanded by
 * DuckDB's own `glob()` (sorted), entries in list order; undefined unless every file is a `.csv` (the
 * scanner the locator uses reads commas only).
 *
 * @example
 * ```ts
 * await csvFilesOf(engine, ['/data/2024-*.csv']); // ['/data/2024-01.csv', '/data/2024-02.csv']
 * ```
 */
export async function csvFilesOf(engine: SqlEngine, paths: readonly string[]): Promise<string[] | undefined> {
  const files: string[] = [];
  for (const path of paths) {
    const found = await engine.query(`SELECT file FROM glob(${stringLiteral(path)})`);
    files.push(...((found.columns[0]?.values ?? []) as string[]));
  }
  return files.length > 0 && files.every((file) => file.toLowerCase().endsWith('.csv')) ? files : undefined;
}
