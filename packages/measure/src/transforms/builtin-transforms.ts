import { type ColumnValues, createTable, type Table } from '@impact/contracts';
import { z } from 'zod';
import { binaryColumn, numericColumn, stringColumn } from '../data/columns';
import { MeasureError } from '../errors';
import { defineTransform } from './transform';

/** Group rows by the string value of `keys`; groups are ordered by key (lexicographic, so ISO dates sort in time). */
function groupBy(keys: readonly string[]): { labels: string[]; groupOf: Int32Array } {
  const labels = [...new Set(keys)].sort();
  const index = new Map(labels.map((label, g) => [label, g]));
  const groupOf = Int32Array.from(keys, (key) => index.get(key) as number);
  return { labels, groupOf };
}

/** Mean or sum of `values` per group over the rows where `include` is set (all rows when absent). */
function aggregate(
  values: Float64Array,
  groupOf: Int32Array,
  groups: number,
  agg: 'mean' | 'sum',
  include?: (row: number) => boolean,
): Float64Array {
  const sums = new Float64Array(groups);
  const counts = new Float64Array(groups);
  for (let i = 0; i < values.length; i++) {
    if (include && !include(i)) continue;
    const g = groupOf[i] as number;
    sums[g] = (sums[g] as number) + (values[i] as number);
    counts[g] = (counts[g] as number) + 1;
  }
  if (agg === 'sum') return sums;
  return sums.map((sum, g) => ((counts[g] as number) > 0 ? sum / (counts[g] as number) : Number.NaN));
}

function metricList(metric: string | undefined, metrics: string[] | undefined, parameter: string): string[] {
  const list = [...(metric === undefined ? [] : [metric]), ...(metrics ?? [])];
  if (list.length === 0)
    throw new MeasureError('MODEL_PARAMS_INVALID', `${parameter}: name at least one metric`, { parameter });
  return list;
}

/** `passthrough`: returns the table unchanged (a placeholder step in configs). */
export const passthroughTransform = defineTransform({
  name: 'passthrough',
  paramsSchema: z.strictObject({}),
  apply: (table) => table,
});

/** Parameters of `aggregate_by_date`. */
export const AggregateByDateParamsSchema = z.strictObject({
  metric: z.string().min(1).optional(),
  metrics: z.array(z.string().min(1)).optional(),
  agg: z.enum(['mean', 'sum']).default('mean'),
  date: z.string().min(1).default('date'),
  /** Keep only rows whose columns equal these values first, e.g. `{ treated: 1 }`. */
  where: z.record(z.string(), z.union([z.number(), z.string()])).optional(),
});

function filterRows(table: Table, where: Record<string, number | string> | undefined): Table {
  if (!where || Object.keys(where).length === 0) return table;
  const keep: number[] = [];
  const tests = Object.entries(where).map(([name, value]) => {
    const column = table.columns[name];
    if (column === undefined) {
      throw new MeasureError(
        'DATA_MISSING_COLUMN',
        `where: column "${name}" not found (available: ${Object.keys(table.columns).join(', ')})`,
        { column: name },
      );
    }
    return (i: number) => column[i] === value || String(column[i]) === String(value);
  });
  for (let i = 0; i < table.rowCount; i++) if (tests.every((test) => test(i))) keep.push(i);
  const columns: Record<string, ColumnValues> = {};
  for (const [name, values] of Object.entries(table.columns)) {
    if (Array.isArray(values)) columns[name] = keep.map((i) => values[i] as string);
    else {
      const typed = values as Float64Array | Int32Array | Uint8Array;
      const Ctor = typed.constructor as Float64ArrayConstructor;
      columns[name] = Ctor.from(keep, (i) => typed[i] as number);
    }
  }
  return createTable(columns);
}

/**
 * `aggregate_by_date`: one row per date with the mean (default) or sum of each metric over units.
 * Output columns: `date` (sorted), `n_units` (rows aggregated), each metric, and `day` / `post` / `enriched`
 * when the input has them (`day` = min, 0/1 columns = max over the date's rows). `where` filters rows first
 * (e.g. `{ treated: 1 }` for the treated units' series).
 *
 * @example
 * ```yaml
 * transforms: [{ name: aggregate_by_date, metric: revenue, where: { treated: 1 } }]
 * ```
 */
export const aggregateByDateTransform = defineTransform<z.output<typeof AggregateByDateParamsSchema>>({
  name: 'aggregate_by_date',
  paramsSchema: AggregateByDateParamsSchema,
  apply(input, params) {
    const table = filterRows(input, params.where);
    if (table.rowCount === 0)
      throw new MeasureError('DATA_TOO_FEW_ROWS', 'aggregate_by_date: no rows left after "where"', {
        parameter: 'where',
      });
    const metrics = metricList(params.metric, params.metrics, 'aggregate_by_date.metrics');
    const { labels, groupOf } = groupBy(stringColumn(table, params.date, 'date'));
    const columns: Record<string, ColumnValues> = { [params.date]: labels };
    columns.n_units = aggregate(new Float64Array(table.rowCount).fill(1), groupOf, labels.length, 'sum');
    for (const metric of metrics)
      columns[metric] = aggregate(numericColumn(table, metric, 'metric'), groupOf, labels.length, params.agg);
    const day = table.columns.day;
    if (day && !Array.isArray(day)) {
      const out = new Int32Array(labels.length).fill(2147483647);
      for (let i = 0; i < table.rowCount; i++)
        out[groupOf[i] as number] = Math.min(out[groupOf[i] as number] as number, day[i] as number);
      columns.day = out;
    }
    for (const flag of ['post', 'enriched']) {
      if (table.columns[flag] === undefined) continue;
      const values = binaryColumn(table, flag);
      const out = new Uint8Array(labels.length);
      for (let i = 0; i < table.rowCount; i++) if (values[i]) out[groupOf[i] as number] = 1;
      columns[flag] = out;
    }
    return createTable(columns);
  },
});

/** Parameters of `aggregate_by_product`. */
export const AggregateByProductParamsSchema = z.strictObject({
  metric: z.string().min(1).optional(),
  metrics: z.array(z.string().min(1)).optional(),
  window: z.enum(['all', 'pre', 'post']).default('all'),
  agg: z.enum(['mean', 'sum']).default('mean'),
  unit: z.string().min(1).default('product_id'),
  post: z.string().min(1).default('post'),
});

/**
 * `aggregate_by_product`: one row per unit (sorted by id) with each metric's mean (or sum) over the
 * `window` (all days, pre-period `post = 0`, or post-period `post = 1`). With `window: post` and a
 * pre-period present, also adds `<metric>_pre` (pre-period mean) for CUPED. Carries the other columns:
 * 0/1 columns (`treated`, `enriched`) as the max over the window, numeric covariates as their mean over
 * the unit's pre-period rows (all rows when there is no pre-period), text columns as the first value.
 *
 * @example
 * ```yaml
 * transforms: [{ name: aggregate_by_product, metrics: [revenue], window: post }]
 * model: { name: experiment, params: { formula: revenue ~ treated + price, pre_period_metric: revenue_pre } }
 * ```
 */
export const aggregateByProductTransform = defineTransform<z.output<typeof AggregateByProductParamsSchema>>({
  name: 'aggregate_by_product',
  paramsSchema: AggregateByProductParamsSchema,
  apply(table, params) {
    const metrics = metricList(params.metric, params.metrics, 'aggregate_by_product.metrics');
    const { labels, groupOf } = groupBy(stringColumn(table, params.unit, 'unit'));
    const groups = labels.length;
    const hasPost = table.columns[params.post] !== undefined;
    const post = hasPost ? binaryColumn(table, params.post) : undefined;
    if (params.window !== 'all' && !post) {
      throw new MeasureError(
        'DATA_MISSING_COLUMN',
        `aggregate_by_product: window "${params.window}" needs the 0/1 column "${params.post}"`,
        {
          column: params.post,
        },
      );
    }
    const inWindow = (i: number) =>
      params.window === 'all' || (post?.[i] === 1) === (params.window === 'post');
    const counts = aggregate(new Float64Array(table.rowCount).fill(1), groupOf, groups, 'sum', inWindow);
    const emptyUnit = counts.indexOf(0);
    if (emptyUnit >= 0) {
      throw new MeasureError(
        params.window === 'pre' ? 'DATA_NO_PRE_PERIOD' : 'DATA_NO_POST_PERIOD',
        `aggregate_by_product: unit "${labels[emptyUnit]}" has no rows in the ${params.window} window (column "${params.post}")`,
        { column: params.post },
      );
    }
    const columns: Record<string, ColumnValues> = { [params.unit]: labels, n_days: counts };
    for (const metric of metrics) {
      const values = numericColumn(table, metric, 'metric');
      columns[metric] = aggregate(values, groupOf, groups, params.agg, inWindow);
      if (params.window === 'post' && post) {
        const pre = aggregate(values, groupOf, groups, params.agg, (i) => post[i] === 0);
        if (pre.every(Number.isFinite)) columns[`${metric}_pre`] = pre;
      }
    }
    const preCounts = post
      ? aggregate(new Float64Array(table.rowCount).fill(1), groupOf, groups, 'sum', (i) => post[i] === 0)
      : undefined;
    const usePre = preCounts?.every((count) => count > 0) ?? false;
    const skip = new Set([params.unit, params.post, 'date', 'day', ...metrics]);
    for (const [name, values] of Object.entries(table.columns)) {
      if (skip.has(name) || columns[name] !== undefined) continue;
      if (Array.isArray(values)) {
        const out = new Array<string>(groups).fill('');
        const seen = new Uint8Array(groups);
        for (let i = 0; i < table.rowCount; i++) {
          const g = groupOf[i] as number;
          if (!seen[g]) {
            seen[g] = 1;
            out[g] = values[i] as string;
          }
        }
        columns[name] = out;
      } else if (values instanceof Uint8Array) {
        const out = new Uint8Array(groups);
        const all = name === 'treated';
        for (let i = 0; i < table.rowCount; i++)
          if (values[i] && (all || inWindow(i))) out[groupOf[i] as number] = 1;
        columns[name] = out;
      } else {
        const numeric = values instanceof Float64Array ? values : Float64Array.from(values as Int32Array);
        columns[name] = aggregate(
          numeric,
          groupOf,
          groups,
          'mean',
          usePre && post ? (i) => post[i] === 0 : undefined,
        );
      }
    }
    return createTable(columns);
  },
});

/** Parameters of `prepare_for_synthetic_control`. */
export const PrepareForSyntheticControlParamsSchema = z.strictObject({
  metric: z.string().min(1).optional(),
  metrics: z.array(z.string().min(1)).optional(),
  unit: z.string().min(1).default('product_id'),
  date: z.string().min(1).default('date'),
  treated: z.string().min(1).default('treated'),
  post: z.string().min(1).default('post'),
  /** Id given to the averaged treated series. */
  treated_unit: z.string().min(1).default('treated'),
});

/**
 * `prepare_for_synthetic_control`: turns a unit × date panel into one treated series plus donors.
 *
 * Output (long format, sorted by unit id, with the treated unit first, then by date), columns:
 * - `unit` (text): `treated_unit` (default `"treated"`) for the mean over all treated units, else the
 *   control unit's id (the donors);
 * - `date` (text, ISO), `day` (Int32, when the input has it), `post` (0/1: date in the post-period),
 *   `treated` (0/1: 1 only for the treated series);
 * - one column per metric, named as in the input (the mean over treated units for the treated series).
 *
 * @example
 * ```yaml
 * transforms: [{ name: prepare_for_synthetic_control, metric: revenue }]
 * model: { name: synthetic_control, params: { outcome: revenue } }
 * ```
 */
export const prepareForSyntheticControlTransform = defineTransform<
  z.output<typeof PrepareForSyntheticControlParamsSchema>
>({
  name: 'prepare_for_synthetic_control',
  paramsSchema: PrepareForSyntheticControlParamsSchema,
  apply(table, params) {
    const metrics = metricList(params.metric, params.metrics, 'prepare_for_synthetic_control.metrics');
    const units = stringColumn(table, params.unit, 'unit');
    const dates = stringColumn(table, params.date, 'date');
    const treated = binaryColumn(table, params.treated, 'treated');
    const post = binaryColumn(table, params.post, 'post');
    const dateGroups = groupBy(dates);
    const donorIds = [...new Set(units.filter((_, i) => treated[i] === 0))].sort();
    if (!units.some((_, i) => treated[i] === 1)) {
      throw new MeasureError(
        'DATA_EMPTY_GROUP',
        `prepare_for_synthetic_control: no treated rows (column "${params.treated}")`,
        { column: params.treated },
      );
    }
    if (donorIds.includes(params.treated_unit)) {
      throw new MeasureError(
        'MODEL_PARAMS_INVALID',
        `a control unit is already called "${params.treated_unit}"; set treated_unit`,
        { parameter: 'treated_unit' },
      );
    }
    const unitIds = [params.treated_unit, ...donorIds];
    const unitIndex = new Map(unitIds.map((id, k) => [id, k]));
    const nDates = dateGroups.labels.length;
    const nRows = unitIds.length * nDates;
    const cell = (i: number) =>
      (treated[i] ? 0 : (unitIndex.get(units[i] as string) as number)) * nDates +
      (dateGroups.groupOf[i] as number);
    const counts = new Float64Array(nRows);
    const postOut = new Uint8Array(nRows);
    for (let i = 0; i < table.rowCount; i++) {
      const c = cell(i);
      counts[c] = (counts[c] as number) + 1;
      if (post[i]) postOut[c] = 1;
    }
    const missing = counts.indexOf(0);
    if (missing >= 0) {
      throw new MeasureError(
        'DATA_FILE_INVALID',
        `prepare_for_synthetic_control: unit "${unitIds[Math.floor(missing / nDates)]}" has no row on ${dateGroups.labels[missing % nDates]} (the panel must be balanced)`,
        { column: params.date },
      );
    }
    const columns: Record<string, ColumnValues> = {
      unit: Array.from({ length: nRows }, (_, r) => unitIds[Math.floor(r / nDates)] as string),
      date: Array.from({ length: nRows }, (_, r) => dateGroups.labels[r % nDates] as string),
    };
    const day = table.columns.day;
    if (day && !Array.isArray(day)) {
      const out = new Int32Array(nRows);
      for (let i = 0; i < table.rowCount; i++) out[cell(i)] = day[i] as number;
      columns.day = out;
    }
    columns.post = postOut;
    columns.treated = Uint8Array.from({ length: nRows }, (_, r) => (r < nDates ? 1 : 0));
    for (const metric of metrics) {
      const values = numericColumn(table, metric, 'metric');
      const sums = new Float64Array(nRows);
      for (let i = 0; i < table.rowCount; i++) {
        const c = cell(i);
        sums[c] = (sums[c] as number) + (values[i] as number);
      }
      columns[metric] = sums.map((sum, r) => sum / (counts[r] as number));
    }
    return createTable(columns);
  },
});
