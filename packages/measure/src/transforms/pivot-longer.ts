import { type ColumnValues, createTable } from '@impact/contracts';
import { z } from 'zod';
import { MeasureError } from '../errors';
import { defineTransform } from './transform';

/** Parameters of `pivot_longer`. */
export const PivotLongerParamsSchema = z.strictObject({
  /** Columns repeated on every output row (e.g. the period). */
  id_columns: z.array(z.string().min(1)).min(1),
  /** Columns to stack (default: every column not in `id_columns`). */
  columns: z.array(z.string().min(1)).min(1).optional(),
  /** Name of the output column holding the stacked column's name (e.g. `state`). */
  names_to: z.string().min(1).default('name'),
  /** Name of the output column holding the values (e.g. `sales`). */
  values_to: z.string().min(1).default('value'),
});

/**
 * `pivot_longer`: wide → long. Each input row becomes one row per stacked column, in input order (row by
 * row, then column by column), with `id_columns` repeated, `names_to` = the column's name and `values_to`
 * = its value. Stacked columns must be all numeric or all text. Use it for wide panels such as one column
 * per state and one row per year.
 *
 * @example
 * ```yaml
 * transforms: [{ name: pivot_longer, id_columns: [Year], names_to: state, values_to: sales }]
 * ```
 */
export const pivotLongerTransform = defineTransform<z.output<typeof PivotLongerParamsSchema>>({
  name: 'pivot_longer',
  paramsSchema: PivotLongerParamsSchema,
  apply(table, params) {
    const all = Object.keys(table.columns);
    for (const name of [...params.id_columns, ...(params.columns ?? [])]) {
      if (table.columns[name] === undefined) {
        throw new MeasureError(
          'DATA_MISSING_COLUMN',
          `pivot_longer: column "${name}" not found (available: ${all.join(', ') || 'none'})`,
          { column: name },
        );
      }
    }
    const stacked = params.columns ?? all.filter((name) => !params.id_columns.includes(name));
    if (stacked.length === 0)
      throw new MeasureError('MODEL_PARAMS_INVALID', 'pivot_longer: no columns left to stack', {
        parameter: 'columns',
      });
    for (const clash of [params.names_to, params.values_to]) {
      if (params.id_columns.includes(clash))
        throw new MeasureError('DATA_DUPLICATE_COLUMN', `pivot_longer: "${clash}" is also an id column`, {
          column: clash,
        });
    }
    const sources = stacked.map((name) => table.columns[name] as ColumnValues);
    const text = sources.map((values) => Array.isArray(values));
    if (text.some((t) => t !== text[0])) {
      const bad = stacked[text.indexOf(!text[0])] as string;
      throw new MeasureError(
        'DATA_NOT_NUMERIC',
        `pivot_longer: stacked columns must be all numeric or all text; "${stacked[0]}" is ${text[0] ? 'text' : 'numeric'} but "${bad}" is not`,
        { column: bad },
      );
    }
    const n = table.rowCount;
    const k = stacked.length;
    const rows = n * k;
    const columns: Record<string, ColumnValues> = {};
    for (const id of params.id_columns) {
      const values = table.columns[id] as ColumnValues;
      if (Array.isArray(values)) {
        const out = new Array<string>(rows);
        for (let i = 0; i < n; i++) for (let j = 0; j < k; j++) out[i * k + j] = values[i] as string;
        columns[id] = out;
      } else {
        const typed = values as Float64Array | Int32Array | Uint8Array;
        const out = new (typed.constructor as new (n: number) => typeof typed)(rows);
        for (let i = 0; i < n; i++) out.fill(typed[i] as number, i * k, (i + 1) * k);
        columns[id] = out;
      }
    }
    const names = new Array<string>(rows);
    for (let i = 0; i < n; i++) for (let j = 0; j < k; j++) names[i * k + j] = stacked[j] as string;
    columns[params.names_to] = names;
    if (text[0]) {
      const out = new Array<string>(rows);
      for (let i = 0; i < n; i++)
        for (let j = 0; j < k; j++) out[i * k + j] = (sources[j] as string[])[i] as string;
      columns[params.values_to] = out;
    } else {
      const out = new Float64Array(rows);
      for (let j = 0; j < k; j++) {
        const values = sources[j] as Float64Array | Int32Array | Uint8Array;
        for (let i = 0; i < n; i++) out[i * k + j] = values[i] as number;
      }
      columns[params.values_to] = out;
    }
    return createTable(columns);
  },
});
