import { type ColumnValues, createTable, type Table } from '@impact/contracts';
import { z } from 'zod';
import { MeasureError } from '../errors';
import { attachMissingReport, DEFAULT_MISSING_MARKERS, dropMissingRows } from '../sources/missing';
import { ConditionSchema, evaluateCondition } from './expression';
import { defineTransform } from './transform';

function keepRows(table: Table, keep: Uint8Array): Record<string, ColumnValues> {
  let kept = 0;
  for (let i = 0; i < keep.length; i++) kept += keep[i] as number;
  const columns: Record<string, ColumnValues> = {};
  for (const [name, values] of Object.entries(table.columns)) {
    if (Array.isArray(values)) columns[name] = (values as readonly string[]).filter((_, i) => keep[i] === 1);
    else {
      const typed = values as Float64Array | Int32Array | Uint8Array;
      const out = new (typed.constructor as new (n: number) => typeof typed)(kept);
      let k = 0;
      for (let i = 0; i < keep.length; i++) if (keep[i]) out[k++] = typed[i] as number;
      columns[name] = out;
    }
  }
  return columns;
}

/** Parameters of `filter`. */
export const FilterParamsSchema = z.strictObject({
  /** Rows to keep: an expression (`"fte > 0 and state != 'PA'"`), `{ column, op, value }`, or a list of those (all must hold). */
  where: ConditionSchema,
});

/**
 * `filter`: keep the rows where a condition holds (see `where`); comparisons with a missing value are false.
 * Throws `DATA_TOO_FEW_ROWS` when no row is left.
 *
 * @example
 * ```yaml
 * transforms: [{ name: filter, where: "status == 1 and fte >= 0" }]
 * ```
 */
export const filterTransform = defineTransform<z.output<typeof FilterParamsSchema>>({
  name: 'filter',
  paramsSchema: FilterParamsSchema,
  apply(table, params) {
    const keep = evaluateCondition(table, params.where);
    const columns = keepRows(table, keep);
    if (keep.every((k) => k === 0))
      throw new MeasureError('DATA_TOO_FEW_ROWS', `filter: no row of ${table.rowCount} meets the condition`, {
        parameter: 'where',
      });
    return createTable(columns);
  },
});

/** Parameters of `indicator`. */
export const IndicatorParamsSchema = z.strictObject({
  /** Name of the new (or replaced) 0/1 column. */
  column: z.string().min(1),
  /** When it is 1: the same conditions as `filter`'s `where`. */
  where: ConditionSchema,
});

/**
 * `indicator`: add a 0/1 column that is 1 where a condition holds — e.g. the treated unit or the post-period
 * of a panel, so a wide file needs no preprocessing in code.
 *
 * @example
 * ```yaml
 * transforms: [{ name: indicator, column: post, where: "year >= 1989" }]
 * ```
 */
export const indicatorTransform = defineTransform<z.output<typeof IndicatorParamsSchema>>({
  name: 'indicator',
  paramsSchema: IndicatorParamsSchema,
  apply(table, params) {
    return createTable({ ...table.columns, [params.column]: evaluateCondition(table, params.where) });
  },
});

/** Parameters of `drop_missing`. */
export const DropMissingParamsSchema = z.strictObject({
  /** Columns checked (default: every column). */
  columns: z.array(z.string().min(1)).min(1).optional(),
  /** Text cells that count as missing (numeric cells: NaN). */
  markers: z.array(z.string()).default([...DEFAULT_MISSING_MARKERS]),
});

/**
 * `drop_missing`: drop rows listwise where any of `columns` is missing (NaN, or a marker text such as `''`
 * or `NA`). The count goes into the result's diagnostics (`rows_dropped_missing`). For files and SQL
 * sources, `missing: drop` on the source does the same while reading.
 *
 * @example
 * ```yaml
 * transforms: [{ name: drop_missing, columns: [fte, wage] }]
 * ```
 */
export const dropMissingTransform = defineTransform<z.output<typeof DropMissingParamsSchema>>({
  name: 'drop_missing',
  paramsSchema: DropMissingParamsSchema,
  apply(table, params) {
    const names = params.columns ?? Object.keys(table.columns);
    const markers = new Set(params.markers.map((marker) => marker.trim()));
    const missing: Record<string, Uint8Array | undefined> = {};
    for (const name of names) {
      const values = table.columns[name];
      if (values === undefined) {
        throw new MeasureError(
          'DATA_MISSING_COLUMN',
          `drop_missing: column "${name}" not found (available: ${Object.keys(table.columns).join(', ') || 'none'})`,
          { column: name },
        );
      }
      const mask = new Uint8Array(table.rowCount);
      for (let i = 0; i < table.rowCount; i++) {
        const value = values[i];
        mask[i] = (typeof value === 'number' ? Number.isNaN(value) : markers.has((value as string).trim()))
          ? 1
          : 0;
      }
      missing[name] = mask;
    }
    const { columns, report } = dropMissingRows(
      { columns: { ...table.columns }, missing },
      names,
      table.rowCount,
    );
    if (report.rowsDropped === table.rowCount && table.rowCount > 0)
      throw new MeasureError(
        'DATA_TOO_FEW_ROWS',
        `drop_missing: every one of the ${table.rowCount} rows has a missing value`,
        {
          parameter: 'columns',
        },
      );
    return attachMissingReport(createTable(columns), report);
  },
});
