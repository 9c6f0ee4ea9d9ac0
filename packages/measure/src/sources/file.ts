import { readFileSync } from 'node:fs';
import { extname, isAbsolute, resolve } from 'node:path';
import { type ColumnValues, createTable, type Table } from '@impact/contracts';
import { z } from 'zod';
import { MeasureError } from '../errors';
import { defineDataSource } from './source';

/** Keys of a `file` data source. */
export const FileSourceSpecSchema = z.strictObject({
  /** CSV or JSON Lines file; relative to the config file's folder. */
  path: z.string().min(1),
  /** Inferred from the extension (`.csv`, `.jsonl`/`.ndjson`) when omitted. */
  format: z.enum(['csv', 'jsonl']).optional(),
  /** Rename columns: `{ name_used_by_the_model: name_in_the_file }`. Only mapped and unmapped-but-present columns are kept. */
  columns: z.record(z.string(), z.string()).optional(),
  /** Declared column types, checked on load: `number` (finite), `binary` (0/1), `string`. */
  types: z.record(z.string(), z.enum(['number', 'binary', 'string'])).optional(),
});
/** Parsed `file` source keys. */
export type FileSourceSpec = z.output<typeof FileSourceSpecSchema>;

/** Split CSV text into records (RFC 4180: quoted fields, "" escapes, CRLF). Returns records with their 1-based line. */
export function parseCsv(
  text: string,
  file: string,
): { header: string[]; records: string[][]; lines: number[] } {
  const records: string[][] = [];
  const lines: number[] = [];
  let field = '';
  let record: string[] = [];
  let inQuotes = false;
  let line = 1;
  let recordLine = 1;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] as string;
    if (inQuotes) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else inQuotes = false;
      } else {
        if (ch === '\n') line++;
        field += ch;
      }
      continue;
    }
    if (ch === '"' && field === '') inQuotes = true;
    else if (ch === ',') {
      record.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      record.push(field);
      if (!(record.length === 1 && record[0] === '')) {
        records.push(record);
        lines.push(recordLine);
      }
      record = [];
      field = '';
      line++;
      recordLine = line;
    } else field += ch;
  }
  if (inQuotes)
    throw new MeasureError('DATA_FILE_INVALID', `${file}:${recordLine}: unterminated quoted field`, {
      row: recordLine,
    });
  if (field !== '' || record.length > 0) {
    record.push(field);
    records.push(record);
    lines.push(recordLine);
  }
  const header = records.shift();
  lines.shift();
  if (!header) throw new MeasureError('DATA_FILE_INVALID', `${file}: empty CSV file (no header line)`, {});
  records.forEach((r, k) => {
    if (r.length !== header.length) {
      throw new MeasureError(
        'DATA_FILE_INVALID',
        `${file}:${lines[k]}: expected ${header.length} fields (as in the header), found ${r.length}`,
        {
          row: lines[k] as number,
        },
      );
    }
  });
  return { header: header.map((name) => name.trim()), records, lines };
}

function isNumeric(text: string): boolean {
  return text.trim() !== '' && Number.isFinite(Number(text));
}

/** Convert raw text cells of one column into a typed column, applying a declared type or inference. */
function toColumn(
  name: string,
  cells: string[],
  lines: number[],
  file: string,
  declared: 'number' | 'binary' | 'string' | undefined,
): ColumnValues {
  if (declared === 'string') return cells;
  if (declared === 'number' || declared === 'binary') {
    const out = declared === 'binary' ? new Uint8Array(cells.length) : new Float64Array(cells.length);
    cells.forEach((cell, k) => {
      const value = cell === 'true' ? 1 : cell === 'false' ? 0 : Number(cell);
      if (cell.trim() === '' || !Number.isFinite(value)) {
        throw new MeasureError(
          cell.trim() !== '' && !Number.isNaN(value) ? 'DATA_NON_FINITE' : 'DATA_NOT_NUMERIC',
          `${file}:${lines[k]}: column "${name}" must be ${declared === 'binary' ? '0/1' : 'a finite number'}, found ${JSON.stringify(cell)}`,
          { column: name, row: lines[k] as number },
        );
      }
      if (declared === 'binary' && value !== 0 && value !== 1) {
        throw new MeasureError(
          'DATA_NOT_BINARY',
          `${file}:${lines[k]}: column "${name}" must be 0/1, found ${JSON.stringify(cell)}`,
          {
            column: name,
            row: lines[k] as number,
          },
        );
      }
      out[k] = value;
    });
    return out;
  }
  if (cells.length > 0 && cells.every(isNumeric)) return Float64Array.from(cells, Number);
  return cells;
}

function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new MeasureError(
      'DATA_FILE_INVALID',
      `cannot read data file ${path}: ${(error as Error).message}`,
      { cause: error, parameter: 'data.path' },
    );
  }
}

function loadJsonl(text: string, file: string): { header: string[]; records: string[][]; lines: number[] } {
  const objects: Record<string, unknown>[] = [];
  const lines: number[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    if (raw.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (error) {
      throw new MeasureError(
        'DATA_FILE_INVALID',
        `${file}:${index + 1}: invalid JSON (${(error as Error).message})`,
        { row: index + 1, cause: error },
      );
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new MeasureError('DATA_FILE_INVALID', `${file}:${index + 1}: expected a JSON object per line`, {
        row: index + 1,
      });
    }
    objects.push(value as Record<string, unknown>);
    lines.push(index + 1);
  });
  const header: string[] = [];
  for (const object of objects)
    for (const key of Object.keys(object)) if (!header.includes(key)) header.push(key);
  const records = objects.map((object, k) =>
    header.map((key) => {
      const value = object[key];
      if (value === undefined || value === null) return '';
      if (typeof value === 'object') {
        throw new MeasureError(
          'DATA_FILE_INVALID',
          `${file}:${lines[k]}: field "${key}" holds a nested value; expected a number, string or boolean`,
          {
            column: key,
            row: lines[k] as number,
          },
        );
      }
      return String(value);
    }),
  );
  return { header, records, lines };
}

/**
 * Load a CSV or JSON Lines file into a Table. Columns are typed by declaration (`types`) or inferred
 * (numeric when every cell is a finite number, text otherwise); `columns` renames file columns to the
 * names models use. Errors name the file, line and column.
 *
 * @example
 * ```ts
 * const table = loadTableFile({ path: 'data/experiment.csv', columns: { revenue: 'rev_usd' }, types: { enriched: 'binary' } }, process.cwd());
 * ```
 */
export function loadTableFile(spec: FileSourceSpec, baseDir: string): Table {
  const path = isAbsolute(spec.path) ? spec.path : resolve(baseDir, spec.path);
  const extension = extname(path).toLowerCase();
  const format =
    spec.format ??
    (extension === '.jsonl' || extension === '.ndjson' ? 'jsonl' : extension === '.csv' ? 'csv' : undefined);
  if (format === undefined) {
    throw new MeasureError(
      'DATA_FILE_INVALID',
      `cannot tell the format of ${path}: set data.format to csv or jsonl`,
      { parameter: 'data.format' },
    );
  }
  const text = readText(path);
  const { header, records, lines } = format === 'csv' ? parseCsv(text, path) : loadJsonl(text, path);
  if (records.length === 0)
    throw new MeasureError('DATA_TOO_FEW_ROWS', `${path}: no data rows`, { parameter: 'data.path' });
  const mapping = spec.columns ?? {};
  const renamedFrom = new Map<string, string>();
  for (const [target, sourceName] of Object.entries(mapping)) {
    if (!header.includes(sourceName)) {
      throw new MeasureError(
        'DATA_MISSING_COLUMN',
        `${path}: column "${sourceName}" (mapped to "${target}") not found (available: ${header.join(', ')})`,
        {
          column: sourceName,
        },
      );
    }
    renamedFrom.set(sourceName, target);
  }
  const columns: Record<string, ColumnValues> = {};
  header.forEach((sourceName, j) => {
    const name = renamedFrom.get(sourceName) ?? sourceName;
    const cells = records.map((record) => record[j] as string);
    columns[name] = toColumn(name, cells, lines, path, spec.types?.[name]);
  });
  for (const name of Object.keys(spec.types ?? {})) {
    if (columns[name] === undefined) {
      throw new MeasureError(
        'DATA_MISSING_COLUMN',
        `${path}: declared column "${name}" not found (available: ${Object.keys(columns).join(', ')})`,
        {
          column: name,
        },
      );
    }
  }
  return createTable(columns);
}

/**
 * `file` data source: CSV or JSON Lines with column mapping and type checks (see {@link loadTableFile}).
 *
 * @example
 * ```yaml
 * data: { source: file, path: sales.csv, columns: { revenue: rev_usd }, types: { enriched: binary } }
 * ```
 */
export const fileSource = defineDataSource<FileSourceSpec>({
  name: 'file',
  specSchema: FileSourceSpecSchema,
  load: (spec, context) => loadTableFile(spec, context.baseDir),
});
