import { extname, isAbsolute, resolve } from 'node:path';
import { createTable, type Table } from '@impact/contracts';
import { z } from 'zod';
import { MeasureError } from '../errors';
import type { ColumnPlan } from './csv/columns';
import { readJsonlColumns } from './csv/jsonl';
import { fileBytes, memoryBytes, type ReadColumns, readCsvColumns } from './csv/reader';
import { CsvScanner, type CsvSink } from './csv/scanner';
import { attachMissingReport, dropMissingRows, MissingSpecSchema, resolveMissingPolicy } from './missing';
import { defineDataSource } from './source';

/** Keys of a `file` data source. */
export const FileSourceSpecSchema = z.strictObject({
  /** CSV or JSON Lines file; relative to the config file's folder. */
  path: z.string().min(1),
  /** Inferred from the extension (`.csv`, `.jsonl`/`.ndjson`) when omitted. */
  format: z.enum(['csv', 'jsonl']).optional(),
  /** Rename columns: `{ name_used_by_the_model: name_in_the_file }`. */
  columns: z.record(z.string(), z.string()).optional(),
  /** Declared column types, checked on load: `number` (finite decimal), `binary` (0/1), `string`. */
  types: z.record(z.string(), z.enum(['number', 'binary', 'string'])).optional(),
  /** Missing cells: `error` (default) or `drop` (listwise on the columns the model uses); markers `''`, `NA` or your own. */
  missing: MissingSpecSchema.optional(),
});
/** Parsed `file` source keys. */
export type FileSourceSpec = z.output<typeof FileSourceSpecSchema>;
/** `file` source keys as written (before defaults). */
export type FileSourceSpecInput = z.input<typeof FileSourceSpecSchema>;

/** Options of {@link loadTableFile} besides the spec. */
export interface LoadTableFileOptions {
  /** Column names the model and transforms refer to: only these (and `columns:`/`types:` keys) are kept, and `missing: drop` applies to them. Absent: every column is kept and used. */
  columns?: ReadonlySet<string>;
  /** When `columns` is not given: keep every column but apply `missing:` only to these. */
  missingColumns?: ReadonlySet<string>;
  /** Bytes per read (default 1 MiB). */
  chunkBytes?: number;
}

/** The columns `missing:` applies to (undefined: all). */
function policyColumns(options: LoadTableFileOptions): ReadonlySet<string> | undefined {
  return options.columns ?? options.missingColumns;
}

/**
 * Split CSV text into records (RFC 4180: quoted fields, `""` escapes, CRLF, BOM). Returns the trimmed header
 * and the records as text with their 1-based line. For data files prefer {@link loadTableFile}, which
 * parses bytes straight into typed columns.
 *
 * @example
 * ```ts
 * const { header, records } = parseCsv('a,b\n1,"x, y"\n', 'inline.csv'); // header ['a','b'], records [['1','x, y']]
 * ```
 */
export function parseCsv(
  text: string,
  file: string,
): { header: string[]; records: string[][]; lines: number[] } {
  const records: string[][] = [];
  const lines: number[] = [];
  let current: string[] = [];
  const sink: CsvSink = {
    field(index, bytes, start, end, escaped) {
      const cell = bytes.toString('utf8', start, end);
      current[index] = escaped ? cell.replaceAll('""', '"') : cell;
    },
    record(count, line) {
      current.length = count;
      records.push(current);
      lines.push(line);
      current = [];
    },
  };
  const bytes = Buffer.from(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text, 'utf8');
  new CsvScanner(sink, file).scan(bytes, 0, bytes.length, true);
  const header = records.shift();
  lines.shift();
  if (!header) throw new MeasureError('DATA_FILE_INVALID', `${file}: empty CSV file (no header line)`, {});
  records.forEach((record, k) => {
    if (record.length !== header.length) {
      throw new MeasureError(
        'DATA_FILE_INVALID',
        `${file}:${lines[k]}: expected ${header.length} fields (as in the header), found ${record.length}`,
        { row: lines[k] as number },
      );
    }
  });
  return { header: header.map((name) => name.trim()), records, lines };
}

function formatOf(path: string, spec: FileSourceSpec): 'csv' | 'jsonl' {
  const extension = extname(path).toLowerCase();
  const format =
    spec.format ??
    (extension === '.jsonl' || extension === '.ndjson' ? 'jsonl' : extension === '.csv' ? 'csv' : undefined);
  if (format === undefined) {
    throw new MeasureError(
      'DATA_FILE_INVALID',
      `cannot tell the format of ${path}: set data.format to csv or jsonl`,
      {
        parameter: 'data.format',
      },
    );
  }
  return format;
}

/** The column plan: renaming, declared types, which columns to keep and which the model uses. */
function planner(spec: FileSourceSpec, options: LoadTableFileOptions, path: string) {
  const hint = options.columns;
  const use = policyColumns(options);
  const renamed = new Map<string, string>();
  for (const [target, source] of Object.entries(spec.columns ?? {})) renamed.set(source, target);
  const targets = new Set(renamed.values());
  const types = spec.types ?? {};
  return (source: string): ColumnPlan | undefined => {
    const name = renamed.get(source) ?? source;
    if (name === source && targets.has(name) && !renamed.has(source)) {
      throw new MeasureError(
        'DATA_DUPLICATE_COLUMN',
        `${path}: column "${source}" clashes with the name a columns: mapping gives to another column; map or rename one`,
        { column: source },
      );
    }
    const declared = types[name];
    const keep = hint === undefined || hint.has(name) || targets.has(name) || declared !== undefined;
    if (!keep) return undefined;
    return { source, name, kind: declared ?? 'infer', used: use === undefined || use.has(name) };
  };
}

function checkNames(read: ReadColumns, spec: FileSourceSpec, path: string): void {
  for (const [target, source] of Object.entries(spec.columns ?? {})) {
    if (!read.header.includes(source)) {
      throw new MeasureError(
        'DATA_MISSING_COLUMN',
        `${path}: column "${source}" (mapped to "${target}") not found (available: ${read.header.join(', ')})`,
        { column: source },
      );
    }
  }
  for (const name of Object.keys(spec.types ?? {})) {
    if (read.columns[name] === undefined) {
      throw new MeasureError(
        'DATA_MISSING_COLUMN',
        `${path}: declared column "${name}" not found (available: ${read.header.join(', ')})`,
        { column: name },
      );
    }
  }
}

/**
 * Load a CSV or JSON Lines file into a Table, streaming: bytes are parsed in chunks straight into typed
 * columns (Float64Array for numbers, interned text), keeping only the columns the run needs. Columns are
 * typed by declaration (`types`) or inferred (numeric when every present cell is a decimal number; hex,
 * `Infinity`, `1_000` are text). `columns` renames file columns to the names models use; `missing` says
 * what a missing cell does (`error`, or `drop` the row listwise over the used columns, with the count in
 * the result's diagnostics). Errors name `file:line` and the column; duplicate header names are refused.
 *
 * @example
 * ```ts
 * const table = loadTableFile({ path: 'data/experiment.csv', columns: { revenue: 'rev_usd' }, types: { enriched: 'binary' }, missing: 'drop' }, process.cwd());
 * ```
 */
export function loadTableFile(
  input: FileSourceSpec | FileSourceSpecInput,
  baseDir: string,
  options: LoadTableFileOptions = {},
): Table {
  const spec = FileSourceSpecSchema.parse(input);
  const path = isAbsolute(spec.path) ? spec.path : resolve(baseDir, spec.path);
  const format = formatOf(path, spec);
  const policy = resolveMissingPolicy(spec.missing);
  const plan = planner(spec, options, path);
  const settings = { file: path, policy, ...(options.chunkBytes ? { chunkBytes: options.chunkBytes } : {}) };
  const read =
    format === 'csv'
      ? readCsvColumns(() => fileBytes(path), { ...settings, plan: (header) => header.map(plan) })
      : readJsonlColumns(() => fileBytes(path), { ...settings, plan });
  return tableFromRead(read, spec, path, options);
}

/** Name checks, the empty-file check and the missing policy on what a reader returned. */
function tableFromRead(
  read: ReadColumns,
  spec: FileSourceSpec,
  path: string,
  options: LoadTableFileOptions,
): Table {
  checkNames(read, spec, path);
  if (read.rowCount === 0)
    throw new MeasureError('DATA_TOO_FEW_ROWS', `${path}: no data rows`, { parameter: 'data.path' });
  if (resolveMissingPolicy(spec.missing).policy !== 'drop') return createTable(read.columns);
  const use = policyColumns(options);
  const used = Object.keys(read.columns).filter((name) => use?.has(name) ?? true);
  const { columns, report } = dropMissingRows(read, used, read.rowCount);
  if (report.rowsDropped === report.rowsRead) {
    const counts = Object.entries(report.missingByColumn)
      .filter(([, count]) => count > 0)
      .map(([name, count]) => `${name}: ${count}`);
    throw new MeasureError(
      'DATA_TOO_FEW_ROWS',
      `${path}: every one of the ${report.rowsRead} rows has a missing value in a used column (${counts.join(', ')})`,
      { parameter: 'data.missing' },
    );
  }
  return attachMissingReport(createTable(columns), report);
}

/**
 * Parse CSV text held in memory into a Table with the same rules as {@link loadTableFile} (tests and
 * small inline data). `chunkBytes` splits the text into reads of that size.
 *
 * @example
 * ```ts
 * const table = tableFromCsvText('y,d\n1,0\n3,1\n', 'inline.csv');
 * ```
 */
export function tableFromCsvText(
  text: string | Uint8Array,
  file: string,
  spec: Omit<FileSourceSpecInput, 'path' | 'format'> = {},
  options: LoadTableFileOptions = {},
): Table {
  const parsed = FileSourceSpecSchema.parse({ ...spec, path: file, format: 'csv' });
  const bytes = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
  const plan = planner(parsed, options, file);
  const read = readCsvColumns(() => memoryBytes(bytes, options.chunkBytes), {
    file,
    policy: resolveMissingPolicy(parsed.missing),
    plan: (header) => header.map(plan),
    ...(options.chunkBytes ? { chunkBytes: options.chunkBytes } : {}),
  });
  return tableFromRead(read, parsed, file, options);
}

/**
 * `file` data source: CSV or JSON Lines with column mapping, type checks and a missing-value policy (see
 * {@link loadTableFile}). In a run, only the columns the model and transforms name are read.
 *
 * @example
 * ```yaml
 * data: { source: file, path: sales.csv, columns: { revenue: rev_usd }, types: { enriched: binary }, missing: drop }
 * ```
 */
export const fileSource = defineDataSource<FileSourceSpec>({
  name: 'file',
  specSchema: FileSourceSpecSchema,
  load: (spec, context) =>
    loadTableFile(spec, context.baseDir, {
      ...(context.columns ? { columns: context.columns } : {}),
      ...(context.missingColumns ? { missingColumns: context.missingColumns } : {}),
    }),
});
