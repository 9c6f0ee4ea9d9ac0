import type { Table } from '@impact/contracts';
import { MeasureError } from '../errors';

function available(table: Table): string {
  const names = Object.keys(table.columns);
  return names.length === 0 ? 'none' : names.join(', ');
}

function requireColumn(table: Table, name: string, role: string | undefined) {
  const values = table.columns[name];
  if (values === undefined) {
    const what = role ? `${role} column "${name}"` : `column "${name}"`;
    throw new MeasureError(
      'DATA_MISSING_COLUMN',
      `${what} not found in the data (available: ${available(table)})`,
      { column: name },
    );
  }
  return values;
}

/**
 * A column as Float64Array, checking it is numeric and finite everywhere. Integer and 0/1 columns are
 * converted. Throws `DATA_MISSING_COLUMN` (listing the available columns), `DATA_NOT_NUMERIC` or
 * `DATA_NON_FINITE` (with the row).
 *
 * @param role what the column is used for, for messages (e.g. `outcome`).
 * @example
 * ```ts
 * const revenue = numericColumn(table, 'revenue', 'outcome');
 * ```
 */
export function numericColumn(table: Table, name: string, role?: string): Float64Array {
  const values = requireColumn(table, name, role);
  if (!(values instanceof Float64Array || values instanceof Int32Array || values instanceof Uint8Array)) {
    const index = values.findIndex((value) => value !== '' && !Number.isFinite(Number(value)));
    const example = index >= 0 ? ` (row ${index}: ${JSON.stringify(values[index])})` : '';
    throw new MeasureError('DATA_NOT_NUMERIC', `column "${name}" must be numeric, found text${example}`, {
      column: name,
      ...(index >= 0 ? { row: index } : {}),
    });
  }
  let out: Float64Array;
  if (values instanceof Float64Array) out = values;
  else {
    out = new Float64Array(values.length);
    for (let i = 0; i < values.length; i++) out[i] = values[i] as number;
  }
  for (let i = 0; i < out.length; i++) {
    const value = out[i] as number;
    if (!Number.isFinite(value)) {
      throw new MeasureError(
        'DATA_NON_FINITE',
        `column "${name}" has a non-finite value (${value}) at row ${i}`,
        { column: name, row: i },
      );
    }
  }
  return out;
}

/**
 * A 0/1 column as Uint8Array (accepts numeric 0/1 and `true`/`false` text). Throws `DATA_NOT_BINARY`
 * naming the first other value and its row.
 *
 * @example
 * ```ts
 * const treated = binaryColumn(table, 'treated');
 * ```
 */
export function binaryColumn(table: Table, name: string, role?: string): Uint8Array {
  const values = requireColumn(table, name, role);
  if (values instanceof Uint8Array) {
    for (let i = 0; i < values.length; i++) {
      if (values[i] !== 0 && values[i] !== 1) {
        throw new MeasureError(
          'DATA_NOT_BINARY',
          `column "${name}" must be 0/1, found ${values[i]} at row ${i}`,
          { column: name, row: i },
        );
      }
    }
    return values;
  }
  const out = new Uint8Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    if (value === 1 || value === '1' || value === 'true' || value === 'TRUE' || value === 'True') out[i] = 1;
    else if (value === 0 || value === '0' || value === 'false' || value === 'FALSE' || value === 'False')
      out[i] = 0;
    else {
      throw new MeasureError(
        'DATA_NOT_BINARY',
        `column "${name}" must be 0/1, found ${JSON.stringify(value)} at row ${i}`,
        {
          column: name,
          row: i,
        },
      );
    }
  }
  return out;
}

/**
 * A column as strings (ids, categories, dates). Numeric columns are rendered with `String()`.
 *
 * @example
 * ```ts
 * const units = stringColumn(table, 'product_id');
 * ```
 */
export function stringColumn(table: Table, name: string, role?: string): readonly string[] {
  const values = requireColumn(table, name, role);
  if (Array.isArray(values)) return values as readonly string[];
  return Array.from(values as Float64Array | Int32Array | Uint8Array, (value) => String(value));
}

/**
 * Whether a table has a column.
 *
 * @example
 * ```ts
 * if (hasColumn(table, 'revenue_pre')) { ... }
 * ```
 */
export function hasColumn(table: Table, name: string): boolean {
  return table.columns[name] !== undefined;
}
