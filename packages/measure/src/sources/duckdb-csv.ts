import { statSync } from 'node:fs';
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
 * {@link DECIMAL_NUMBER_PATTERN} with at most 200 integer digits and a one- or two-digit exponent: every
 * such number is finite (below 10^200 · 10^99 in magnitude), so a cell matching it needs no finiteness
 * check. A decimal number outside it (a 400-digit integer, `1e400`) is checked by casting.
 */
const FINITE_DECIMAL_PATTERN = '[+-]?([0-9]{1,200}([.][0-9]*)?|[.][0-9]+)([eE][+-]?[0-9]{1,2})?';

/**
 * `read_csv(…)` over a list of files with every column as text (`all_varchar`), so that
 * {@link typedCsvSelect}, not DuckDB's sniffer, decides which columns are numbers; columns in `doubles`
 * (found by that decision to need no trimming) are read by DuckDB's parser as DOUBLE. The `missing:`
 * markers are DuckDB's `nullstr` (exact cells become NULL while reading; blank-padded ones are caught in
 * SQL). With no markers (`markers: []`) no cell may become NULL, as in the file source, which keeps an
 * empty cell as `''`; DuckDB refuses an empty `nullstr` list and reads `''` as NULL by default, so its one
 * `nullstr` is then a line feed with quoted cells never compared (`allow_quoted_nulls = false`): an
 * unquoted cell cannot contain a line feed, since it ends the record.
 *
 * @example
 * ```ts
 * csvTextReader("['/data/a.csv']", ['', 'NA']); // read_csv(['/data/a.csv'], header = true, all_varchar = true, nullstr = ['', 'NA'])
 * csvTextReader("['/data/a.csv']", []); // read_csv(…, nullstr = [chr(10)], allow_quoted_nulls = false)
 * csvTextReader("['/data/a.csv']", ['NA'], ['y']); // read_csv(…, nullstr = ['NA'], types = {'y': 'DOUBLE'})
 * ```
 */
export function csvTextReader(
  list: string,
  markers: readonly string[],
  doubles: readonly string[] = [],
): string {
  const nullstr =
    markers.length === 0
      ? ', nullstr = [chr(10)], allow_quoted_nulls = false'
      : `, nullstr = [${markers.map(stringLiteral).join(', ')}]`;
  const types =
    doubles.length === 0
      ? ''
      : `, types = {${doubles.map((name) => `${stringLiteral(name)}: 'DOUBLE'`).join(', ')}}`;
  return `read_csv(${list}, header = true, all_varchar = true${nullstr}${types})`;
}

/**
 * How a CSV column's cells read, worst cell first (the verdict is their maximum): 0 when every cell is
 * NULL or, untrimmed, a finite decimal number (DuckDB's DOUBLE parser reads the column as is); 1 when every
 * cell is so after trimming spaces and tabs, or is a `missing:` marker (cast in SQL); 2 otherwise (text).
 */
function cellClassSql(name: string, markers: readonly string[]): string {
  const q = duckdbDialect.quoteIdentifier;
  const raw = q(name);
  const t = trimBlanksSql(duckdbDialect, raw);
  const finite = (text: string) =>
    `(regexp_full_match(${text}, ${stringLiteral(DECIMAL_NUMBER_PATTERN)}) AND COALESCE(isfinite(TRY_CAST(${text} AS DOUBLE)), false))`;
  const marker = markers.length === 0 ? 'false' : `${t} IN (${markers.map(stringLiteral).join(', ')})`;
  // One regexp per cell in the common case (a plain, finite number); the exact checks only otherwise.
  return `CASE WHEN ${raw} IS NULL OR regexp_full_match(${raw}, ${stringLiteral(FINITE_DECIMAL_PATTERN)}) OR ${finite(raw)} THEN 0 WHEN ${t} IS NULL OR ${marker} OR ${finite(t)} THEN 1 ELSE 2 END`;
}

/**
 * A SELECT over the CSV files of `list` (a DuckDB list of paths, read by {@link csvTextReader}) that types
 * columns the way the file source does: a column is numeric (DOUBLE) when every cell, trimmed of spaces
 * and tabs, is NULL, a `missing:` marker or a finite decimal number ({@link DECIMAL_NUMBER_PATTERN});
 * markers then become NULL. Other columns stay text as read (the relation turns their markers into NULL).
 * Columns in `keepAsText` (those declared in `types:`, which the relation casts and checks itself) are not
 * inspected. Costs one scan of the file (on `threads` DuckDB threads when given: the verdict is a maximum,
 * the same on any number of threads), skipped when every column is in `keepAsText`. A numeric column whose
 * cells need no trimming (and whose only markers are the exact ones DuckDB's `nullstr` turns into NULL) is
 * then read by DuckDB's own DOUBLE parser, the same cast paid once per read rather than trim + cast.
 *
 * @example
 * ```ts
 * const select = await typedCsvSelect(engine, "['/data/a.csv']", markers, new Set(['store']), { threads: 2 });
 * await engine.query(`CREATE TEMP VIEW data AS ${select}`);
 * ```
 */
export async function typedCsvSelect(
  engine: SqlEngine,
  list: string,
  markers: readonly string[],
  keepAsText: ReadonlySet<string>,
  options: { threads?: number } = {},
): Promise<string> {
  const q = duckdbDialect.quoteIdentifier;
  const textReader = csvTextReader(list, markers);
  const probe = await engine.query(`SELECT * FROM ${textReader} LIMIT 0`);
  const names = probe.columns.map((column) => column.name);
  const inspected = names.filter((name) => !keepAsText.has(name));
  if (inspected.length === 0) return `SELECT * FROM ${textReader}`;
  const checks = inspected.map(
    (name, k) => `COALESCE(max(${cellClassSql(name, markers)}), 0) AS ${q(`c${k}`)}`,
  );
  const verdict = await withThreads(engine, options.threads, () =>
    engine.query(`SELECT ${checks.join(', ')} FROM ${textReader}`),
  );
  const classOf = new Map(inspected.map((name, k) => [name, Number(verdict.columns[k]?.values[0])]));
  const doubles = inspected.filter((name) => classOf.get(name) === 0);
  const isMarker = (text: string) =>
    markers.length === 0 ? 'false' : `${text} IN (${markers.map(stringLiteral).join(', ')})`;
  const select = names.map((name) => {
    if (classOf.get(name) !== 1) return q(name);
    const t = trimBlanksSql(duckdbDialect, q(name));
    return `CASE WHEN ${t} IS NULL OR ${isMarker(t)} THEN NULL ELSE CAST(${t} AS DOUBLE) END AS ${q(name)}`;
  });
  return `SELECT ${select.join(', ')} FROM ${csvTextReader(list, markers, doubles)}`;
}

/** Runs `run` with DuckDB's `threads` setting at `threads` (when given), then restores it. */
export async function withThreads<T>(
  engine: SqlEngine,
  threads: number | undefined,
  run: () => Promise<T>,
): Promise<T> {
  if (threads === undefined) return run();
  const current = await engine.query(`SELECT current_setting('threads') AS threads`);
  const before = Number(current.columns[0]?.values[0]);
  if (before === threads) return run();
  await engine.query(`SET threads = ${Math.max(1, Math.floor(threads))}`);
  try {
    return await run();
  } finally {
    await engine.query(`SET threads = ${before}`);
  }
}

/**
 * Largest CSV (all files together, in bytes) that a pushdown copies into a DuckDB temporary table once,
 * typed, instead of re-reading the text on each of its passes. The table holds the typed columns (8 bytes
 * a number, text as read), so it takes about the file's size of memory or less.
 */
export const PUSHDOWN_CSV_TABLE_BYTES = 256 * 2 ** 20;

/**
 * DuckDB's `memory_limit` in bytes (it reads back rounded, e.g. `18.8 GiB`); infinite when unreadable.
 *
 * @example
 * ```ts
 * await memoryLimitBytes(engine); // 2147483648 with settings: { memory_limit: 2GiB }
 * ```
 */
export async function memoryLimitBytes(engine: SqlEngine): Promise<number> {
  const result = await engine.query(`SELECT current_setting('memory_limit') AS m`);
  const match = /^([0-9.]+)\s*([KMGT]?i?B|bytes)$/i.exec(String(result.columns[0]?.values[0] ?? '').trim());
  if (!match) return Number.POSITIVE_INFINITY;
  const unit = (match[2] as string).toUpperCase();
  const power = unit === 'BYTES' || unit === 'B' ? 0 : 'KMGT'.indexOf(unit[0] as string) + 1;
  return Number(match[1]) * (unit.includes('I') ? 1024 : 1000) ** power;
}

/**
 * For a pushdown over CSV files of at most {@link PUSHDOWN_CSV_TABLE_BYTES} and a quarter of DuckDB's
 * `memory_limit`: the typed SELECT copied once
 * into the temporary table `impact_csv` (on `threads` DuckDB threads; the table keeps the files' row
 * order, so the passes over it see the same rows in the same order as over the files), and its name.
 * Undefined for bigger or unknown files, which each pass re-reads.
 *
 * @example
 * ```ts
 * const table = await materialiseCsv(engine, select, ['/data/a.csv'], 2); // 'impact_csv'
 * ```
 */
export async function materialiseCsv(
  engine: SqlEngine,
  select: string,
  files: readonly string[] | undefined,
  threads: number,
): Promise<string | undefined> {
  if (files === undefined) return undefined;
  let bytes = 0;
  try {
    for (const file of files) bytes += statSync(file).size;
  } catch {
    return undefined;
  }
  if (bytes > Math.min(PUSHDOWN_CSV_TABLE_BYTES, (await memoryLimitBytes(engine)) / 4)) return undefined;
  await withThreads(engine, threads, () => engine.query(`CREATE TEMP TABLE impact_csv AS ${select}`));
  return 'impact_csv';
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
