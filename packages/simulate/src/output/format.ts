import { ImpactError, type Table } from '@impact/contracts';

/** Rows per text chunk: big enough to amortise, small enough to keep strings short. */
const CHUNK_ROWS = 20_000;

function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

function numberText(value: number, column: string): string {
  if (!Number.isFinite(value)) {
    throw new ImpactError(
      'OUTPUT_NON_FINITE',
      `column "${column}" holds ${value}; only finite numbers can be written`,
    );
  }
  return String(value);
}

/**
 * The rows `start … end − 1` of a table as CSV lines (RFC 4180 quoting; numbers in JavaScript's
 * shortest round-trip form, so the text is identical on every machine).
 *
 * @example
 * ```ts
 * formatCsvRows(table, 0, table.rowCount); // 'a,1\nb,2\n'
 * ```
 */
export function formatCsvRows(table: Table, start: number, end: number): string {
  const names = Object.keys(table.columns);
  const columns = names.map((name) => table.columns[name]);
  const lines: string[] = [];
  for (let row = start; row < end; row += 1) {
    const fields: string[] = new Array(columns.length);
    for (let c = 0; c < columns.length; c += 1) {
      const value = (columns[c] as ArrayLike<string | number>)[row];
      fields[c] =
        typeof value === 'string' ? csvField(value) : numberText(value as number, names[c] as string);
    }
    lines.push(fields.join(','));
  }
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
}

/**
 * The header line of a table's CSV form.
 *
 * @example
 * ```ts
 * formatCsvHeader(table); // 'product_id,revenue\n'
 * ```
 */
export function formatCsvHeader(table: Table): string {
  return `${Object.keys(table.columns).map(csvField).join(',')}\n`;
}

/**
 * The rows `start … end − 1` of a table as JSON Lines: one object per line, keys in column order.
 *
 * @example
 * ```ts
 * formatJsonLinesRows(table, 0, 1); // '{"product_id":"P000001","revenue":19.99}\n'
 * ```
 */
export function formatJsonLinesRows(table: Table, start: number, end: number): string {
  const names = Object.keys(table.columns);
  const keys = names.map((name) => `${JSON.stringify(name)}:`);
  const columns = names.map((name) => table.columns[name]);
  const lines: string[] = [];
  for (let row = start; row < end; row += 1) {
    let line = '{';
    for (let c = 0; c < columns.length; c += 1) {
      const value = (columns[c] as ArrayLike<string | number>)[row];
      line += `${c === 0 ? '' : ','}${keys[c]}${
        typeof value === 'string' ? JSON.stringify(value) : numberText(value as number, names[c] as string)
      }`;
    }
    lines.push(`${line}}`);
  }
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
}

/** Output formats of the table writers. */
export type TableFormat = 'csv' | 'jsonl';

/**
 * Encode a whole table (header included for CSV) as UTF-8 chunks, a few thousand rows at a time, so
 * no single string grows with the table.
 *
 * @example
 * ```ts
 * const bytes = Buffer.concat(encodeTable(table, 'csv'));
 * ```
 */
export function encodeTable(table: Table, format: TableFormat): Buffer[] {
  const chunks: Buffer[] = [];
  if (format === 'csv') chunks.push(Buffer.from(formatCsvHeader(table)));
  for (let start = 0; start < table.rowCount; start += CHUNK_ROWS) {
    const end = Math.min(table.rowCount, start + CHUNK_ROWS);
    const text = format === 'csv' ? formatCsvRows(table, start, end) : formatJsonLinesRows(table, start, end);
    chunks.push(Buffer.from(text));
  }
  return chunks;
}

/**
 * A whole table as CSV text (header, then one line per row). For large tables prefer
 * {@link encodeTable} or the file writers.
 *
 * @example
 * ```ts
 * formatCsv(result.products);
 * ```
 */
export function formatCsv(table: Table): string {
  return formatCsvHeader(table) + formatCsvRows(table, 0, table.rowCount);
}

/**
 * A whole table as JSON Lines text.
 *
 * @example
 * ```ts
 * formatJsonLines(result.products);
 * ```
 */
export function formatJsonLines(table: Table): string {
  return formatJsonLinesRows(table, 0, table.rowCount);
}
