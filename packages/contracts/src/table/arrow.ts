import { ImpactError } from '../errors';
import { type ColumnValues, createTable, type Table } from './table';

/** An Arrow vector as this module reads it (structural, so `apache-arrow` stays an optional peer). */
export interface ArrowVectorLike {
  readonly length: number;
  readonly nullCount: number;
  readonly type: {
    readonly typeId: number;
    readonly bitWidth?: number;
    readonly isSigned?: boolean;
    toString(): string;
  };
  get(index: number): unknown;
  isValid(index: number): boolean;
  toArray(): ArrayLike<unknown>;
}

/** An Arrow table (apache-arrow `Table`, DuckDB-WASM / Arquero / Polars results converted to one). */
export interface ArrowTableLike {
  readonly numRows: number;
  readonly schema: { readonly fields: readonly { readonly name: string }[] };
  getChild(name: string): ArrowVectorLike | null;
}

/** The part of `apache-arrow` {@link tableToArrow} uses. */
export interface ArrowLibrary {
  tableFromArrays(columns: Record<string, Float64Array | Int32Array | Uint8Array | string[]>): unknown;
}

/** Options of {@link tableFromArrow}. */
export interface TableFromArrowOptions {
  /**
   * `error` (default): a null anywhere is an `ARROW_NULL_VALUE` error naming the column and row. `nan`:
   * numeric nulls become NaN and text nulls '' (models then refuse non-finite values, naming the row).
   */
  nulls?: 'error' | 'nan';
}

/** apache-arrow `Type` ids used here. */
const ARROW_TYPE = {
  Int: 2,
  Float: 3,
  Utf8: 5,
  Bool: 6,
  Date: 8,
  Timestamp: 10,
  LargeUtf8: 20,
  Dictionary: -1,
} as const;

function nullError(name: string, row: number): ImpactError {
  return new ImpactError(
    'ARROW_NULL_VALUE',
    `Arrow column "${name}" is null at row ${row}; fill or drop nulls first, or pass { nulls: 'nan' }`,
  );
}

function numbers(
  name: string,
  vector: ArrowVectorLike,
  nulls: 'error' | 'nan',
): Float64Array | Int32Array | Uint8Array {
  const { typeId, bitWidth, isSigned } = vector.type;
  const values = vector.toArray();
  if (vector.nullCount === 0) {
    // Same-width arrays are kept as they come (toArray() is a view for single-chunk vectors).
    if (values instanceof Float64Array || values instanceof Int32Array || values instanceof Uint8Array)
      return values;
  }
  const out = new Float64Array(vector.length);
  for (let i = 0; i < vector.length; i++) {
    if (vector.nullCount > 0 && !vector.isValid(i)) {
      if (nulls === 'error') throw nullError(name, i);
      out[i] = Number.NaN;
      continue;
    }
    const value = values[i];
    if (typeof value === 'bigint') {
      if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(-Number.MAX_SAFE_INTEGER)) {
        throw new ImpactError(
          'ARROW_UNSUPPORTED_TYPE',
          `Arrow column "${name}" (${vector.type.toString()}) holds ${value} at row ${i}, beyond ±2^53: not exact as a double`,
        );
      }
      out[i] = Number(value);
    } else out[i] = typeId === ARROW_TYPE.Bool ? (value ? 1 : 0) : (value as number);
  }
  if (typeId === ARROW_TYPE.Bool && vector.nullCount === 0) return Uint8Array.from(out);
  if (typeId === ARROW_TYPE.Int && bitWidth === 8 && isSigned === false && vector.nullCount === 0)
    return Uint8Array.from(out);
  return out;
}

function isoText(value: unknown, dateOnly: boolean): string {
  const date = value instanceof Date ? value : new Date(Number(value));
  const text = date.toISOString();
  return dateOnly ? text.slice(0, 10) : text;
}

function texts(name: string, vector: ArrowVectorLike, nulls: 'error' | 'nan'): string[] {
  const { typeId } = vector.type;
  const out = new Array<string>(vector.length);
  for (let i = 0; i < vector.length; i++) {
    const value = vector.get(i);
    if (value === null || value === undefined) {
      if (nulls === 'error') throw nullError(name, i);
      out[i] = '';
    } else if (typeId === ARROW_TYPE.Date) out[i] = isoText(value, true);
    else if (typeId === ARROW_TYPE.Timestamp) out[i] = isoText(value, false);
    else out[i] = String(value);
  }
  return out;
}

/**
 * Convert an Apache Arrow table into a {@link Table} without row objects: Float64 / Int32 / Uint8 columns
 * are kept as their typed arrays (a view when the column is one chunk), other integers, floats and
 * booleans become Float64Array (booleans Uint8Array), Int64 too when every value is within ±2^53; UTF-8
 * and dictionary-encoded strings become string arrays; dates and timestamps ISO-8601 text. Other types
 * (lists, structs, decimals) are `ARROW_UNSUPPORTED_TYPE` naming the column. Needs no import of
 * `apache-arrow`: it reads the table it is given.
 *
 * @example
 * ```ts
 * import { tableFromIPC } from 'apache-arrow';
 * const table = tableFromArrow(tableFromIPC(bytes));
 * ```
 */
export function tableFromArrow(arrowTable: ArrowTableLike, options: TableFromArrowOptions = {}): Table {
  const nulls = options.nulls ?? 'error';
  const columns: Record<string, ColumnValues> = {};
  for (const { name } of arrowTable.schema.fields) {
    if (columns[name] !== undefined)
      throw new ImpactError('ARROW_DUPLICATE_COLUMN', `Arrow table has two columns named "${name}"`);
    const vector = arrowTable.getChild(name);
    if (!vector) throw new ImpactError('ARROW_UNSUPPORTED_TYPE', `Arrow column "${name}" cannot be read`);
    const { typeId } = vector.type;
    if (typeId === ARROW_TYPE.Float || typeId === ARROW_TYPE.Int || typeId === ARROW_TYPE.Bool)
      columns[name] = numbers(name, vector, nulls);
    else if (
      typeId === ARROW_TYPE.Utf8 ||
      typeId === ARROW_TYPE.LargeUtf8 ||
      typeId === ARROW_TYPE.Dictionary ||
      typeId === ARROW_TYPE.Date ||
      typeId === ARROW_TYPE.Timestamp
    )
      columns[name] = texts(name, vector, nulls);
    else {
      throw new ImpactError(
        'ARROW_UNSUPPORTED_TYPE',
        `Arrow column "${name}" has type ${vector.type.toString()}; expected numbers, booleans, strings, dates or timestamps (cast it first)`,
      );
    }
  }
  return createTable(columns);
}

/**
 * Import `apache-arrow` on first use; a missing module is `ARROW_UNAVAILABLE` saying what to install.
 *
 * @example
 * ```ts
 * const arrow = await importArrow();
 * ```
 */
export async function importArrow(specifier = 'apache-arrow'): Promise<ArrowLibrary> {
  try {
    return (
      specifier === 'apache-arrow' ? await import('apache-arrow') : await import(specifier)
    ) as ArrowLibrary;
  } catch (error) {
    throw new ImpactError(
      'ARROW_UNAVAILABLE',
      'tableToArrow needs the optional peer dependency apache-arrow: install it (npm install apache-arrow)',
      { cause: error },
    );
  }
}

/**
 * Convert a {@link Table} into an Apache Arrow table: Float64Array → Float64, Int32Array → Int32,
 * Uint8Array → Uint8 (typed arrays are handed over, not copied row by row), strings → dictionary-encoded
 * UTF-8. `apache-arrow` is imported lazily (optional peer); pass `lib` to inject it.
 *
 * @example
 * ```ts
 * import * as arrow from 'apache-arrow';
 * const arrowTable = await tableToArrow(table, { lib: arrow });
 * ```
 */
export async function tableToArrow<T = unknown>(
  table: Table,
  options: { lib?: ArrowLibrary } = {},
): Promise<T> {
  const lib = options.lib ?? (await importArrow());
  const columns: Record<string, Float64Array | Int32Array | Uint8Array | string[]> = {};
  for (const [name, values] of Object.entries(table.columns))
    columns[name] = Array.isArray(values)
      ? [...(values as readonly string[])]
      : (values as Float64Array | Int32Array | Uint8Array);
  return lib.tableFromArrays(columns) as T;
}
