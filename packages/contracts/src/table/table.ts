import { ImpactError } from '../errors';

/** One column of a {@link Table}: numbers in a typed array, or strings (ids, categories, ISO dates). */
export type ColumnValues = Float64Array | Int32Array | Uint8Array | readonly string[];

/**
 * A columnar table: every column has `rowCount` entries. This is how data moves between
 * `@impact/simulate`, data sources and models in `@impact/measure`, and the loop — no per-row objects.
 */
export interface Table {
  /** Number of rows; every column has exactly this length. */
  readonly rowCount: number;
  /** Columns by name. */
  readonly columns: Readonly<Record<string, ColumnValues>>;
}

/**
 * Build a {@link Table} from named columns, checking that they all have the same length.
 * Throws {@link ImpactError} (`TABLE_RAGGED`) naming the first column whose length differs.
 *
 * @example
 * ```ts
 * const table = createTable({ unit: ['a', 'b'], revenue: Float64Array.of(1.5, 2) });
 * ```
 */
export function createTable(columns: Record<string, ColumnValues>): Table {
  let rowCount: number | undefined;
  let firstName = '';
  for (const [name, values] of Object.entries(columns)) {
    if (rowCount === undefined) {
      rowCount = values.length;
      firstName = name;
    } else if (values.length !== rowCount) {
      throw new ImpactError(
        'TABLE_RAGGED',
        `column "${name}" has ${values.length} rows, expected ${rowCount} (the length of column "${firstName}")`,
      );
    }
  }
  return { rowCount: rowCount ?? 0, columns };
}

/**
 * Build a {@link Table} from row objects (convenient for small inputs from code). Numeric columns become
 * `Float64Array`, others `string[]`; a column is numeric when every value in it is a number.
 *
 * @example
 * ```ts
 * const table = tableFromRows([{ unit: 'a', y: 1 }, { unit: 'b', y: 2 }]);
 * ```
 */
export function tableFromRows(rows: readonly Record<string, unknown>[]): Table {
  const names = new Set<string>();
  for (const row of rows) for (const key of Object.keys(row)) names.add(key);
  const columns: Record<string, ColumnValues> = {};
  for (const name of names) {
    const numeric = rows.every((row) => typeof row[name] === 'number');
    columns[name] = numeric
      ? Float64Array.from(rows, (row) => row[name] as number)
      : rows.map((row) => (row[name] === undefined || row[name] === null ? '' : String(row[name])));
  }
  return createTable(columns);
}
