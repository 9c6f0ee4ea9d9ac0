import type { ColumnValues, Table } from '@impact/contracts';
import { z } from 'zod';
import { MeasureError } from '../errors';

/** What a source does with a missing cell: `error` (default) refuses the data, `drop` drops the row listwise. */
export const MISSING_POLICIES = ['error', 'drop'] as const;
/** One missing-value policy. */
export type MissingPolicyName = (typeof MISSING_POLICIES)[number];

/** Cell texts read as missing unless `missing.markers` says otherwise: the empty cell and `NA`. */
export const DEFAULT_MISSING_MARKERS: readonly string[] = ['', 'NA'];

/**
 * The `missing:` key every data source accepts: `error` | `drop`, or
 * `{ policy: error | drop, markers: [NA, '', '.'] }` to choose which cell texts count as missing
 * (compared after trimming spaces and tabs; JSON `null` is always missing). Normalised to
 * {@link MissingPolicy}.
 *
 * @example
 * ```ts
 * MissingSpecSchema.parse('drop'); // { policy: 'drop', markers: ['', 'NA'] }
 * MissingSpecSchema.parse({ policy: 'drop', markers: ['.', 'n/a'] });
 * ```
 */
export const MissingSpecSchema = z
  .union([
    z.enum(MISSING_POLICIES),
    z.strictObject({
      policy: z.enum(MISSING_POLICIES).default('error'),
      markers: z.array(z.string()).default([...DEFAULT_MISSING_MARKERS]),
    }),
  ])
  .transform(
    (value): MissingPolicy =>
      typeof value === 'string'
        ? { policy: value, markers: [...DEFAULT_MISSING_MARKERS] }
        : { policy: value.policy, markers: value.markers.map((marker) => marker.trim()) },
  );

/** A parsed `missing:` policy. */
export interface MissingPolicy {
  policy: MissingPolicyName;
  /** Trimmed cell texts that mean "missing". */
  markers: readonly string[];
}

/** The policy when `missing:` is not given: refuse missing cells; markers `''` and `NA`. */
export const DEFAULT_MISSING_POLICY: MissingPolicy = Object.freeze({
  policy: 'error',
  markers: DEFAULT_MISSING_MARKERS,
});

/**
 * Normalise an optional parsed `missing:` value (undefined → {@link DEFAULT_MISSING_POLICY}).
 *
 * @example
 * ```ts
 * const policy = resolveMissingPolicy(spec.missing);
 * ```
 */
export function resolveMissingPolicy(value: MissingPolicy | undefined): MissingPolicy {
  return value ?? DEFAULT_MISSING_POLICY;
}

/**
 * Whether a cell text is a missing marker under a policy (spaces and tabs around the text are ignored).
 *
 * @example
 * ```ts
 * isMissingMarker(' NA ', DEFAULT_MISSING_POLICY); // true
 * ```
 */
export function isMissingMarker(text: string, policy: MissingPolicy): boolean {
  const trimmed = text.trim();
  for (const marker of policy.markers) if (marker === trimmed) return true;
  return false;
}

/**
 * The error a source raises under `missing: error`: names the place (`file:line`, or a row), the column
 * and what was found, and how to drop such rows instead. Code `DATA_MISSING_VALUE`.
 *
 * @param where `path:line` for files, or e.g. `query row 12` for engines.
 * @example
 * ```ts
 * throw missingValueError('data.csv:14', 'fte', 'NA', 14);
 * ```
 */
export function missingValueError(where: string, column: string, found: string, row?: number): MeasureError {
  return new MeasureError(
    'DATA_MISSING_VALUE',
    `${where}: column "${column}" is missing (found ${JSON.stringify(found)}); set missing: drop on the data source to drop such rows listwise, or fix the data`,
    { column, ...(row === undefined ? {} : { row }) },
  );
}

/**
 * What a missing-value policy did to the rows of a source or transform; surfaces in
 * `MeasureResult.diagnostics` as `rows_read`, `rows_dropped_missing`, `share_dropped_missing` and
 * `missing_by_column`.
 */
export interface MissingReport {
  policy: MissingPolicyName;
  /** Rows before dropping. */
  rowsRead: number;
  /** Rows dropped because a used column was missing. */
  rowsDropped: number;
  /** Missing cells per used column (a row missing in two columns counts in both). */
  missingByColumn: Record<string, number>;
}

/** Typed columns plus, per column, a 0/1 mask of missing cells (absent: nothing missing). */
export interface ColumnsWithMissing {
  columns: Record<string, ColumnValues>;
  missing: Record<string, Uint8Array | undefined>;
}

function compact(values: ColumnValues, keep: Uint8Array, kept: number): ColumnValues {
  if (Array.isArray(values)) {
    const out = new Array<string>(kept);
    let k = 0;
    for (let i = 0; i < keep.length; i++) if (keep[i]) out[k++] = values[i] as string;
    return out;
  }
  const typed = values as Float64Array | Int32Array | Uint8Array;
  const out = new (typed.constructor as new (n: number) => typeof typed)(kept);
  let k = 0;
  for (let i = 0; i < keep.length; i++) if (keep[i]) out[k++] = typed[i] as number;
  return out;
}

/**
 * Drop rows listwise: a row goes when any column in `use` is missing there. Pure: returns new columns
 * (every column compacted, including ones not in `use`) and the counts; the input is not modified.
 * Columns in `use` that are not in `data.columns` are ignored (a later step reports them).
 *
 * @example
 * ```ts
 * const { columns, report } = dropMissingRows({ columns: { y, d }, missing: { y: yMissing } }, ['y', 'd'], rowCount);
 * report.rowsDropped; // rows whose y was missing
 * ```
 */
export function dropMissingRows(
  data: ColumnsWithMissing,
  use: readonly string[],
  rowCount: number,
): { columns: Record<string, ColumnValues>; report: MissingReport } {
  const keep = new Uint8Array(rowCount).fill(1);
  const missingByColumn: Record<string, number> = {};
  for (const name of use) {
    const mask = data.missing[name];
    if (data.columns[name] === undefined) continue;
    let count = 0;
    if (mask) {
      for (let i = 0; i < rowCount; i++) {
        if (mask[i]) {
          count++;
          keep[i] = 0;
        }
      }
    }
    missingByColumn[name] = count;
  }
  let kept = 0;
  for (let i = 0; i < rowCount; i++) kept += keep[i] as number;
  const report: MissingReport = {
    policy: 'drop',
    rowsRead: rowCount,
    rowsDropped: rowCount - kept,
    missingByColumn,
  };
  if (kept === rowCount) return { columns: { ...data.columns }, report };
  const columns: Record<string, ColumnValues> = {};
  for (const [name, values] of Object.entries(data.columns)) columns[name] = compact(values, keep, kept);
  return { columns, report };
}

const reports = new WeakMap<Table, MissingReport>();

/**
 * Record what a missing-value policy did to produce `table` (sources and transforms call this; the run
 * reads it back with {@link missingReportOf} and puts it into the result's diagnostics). Returns `table`.
 *
 * @example
 * ```ts
 * return attachMissingReport(createTable(columns), report);
 * ```
 */
export function attachMissingReport(table: Table, report: MissingReport): Table {
  reports.set(table, report);
  return table;
}

/**
 * The {@link MissingReport} recorded for a table, if a source or transform recorded one.
 *
 * @example
 * ```ts
 * const dropped = missingReportOf(table)?.rowsDropped ?? 0;
 * ```
 */
export function missingReportOf(table: Table): MissingReport | undefined {
  return reports.get(table);
}

/**
 * Combine the reports of successive steps (source, then transforms): rows read by the first, rows dropped
 * summed, per-column counts summed.
 *
 * @example
 * ```ts
 * const total = combineMissingReports([fromSource, fromTransform]);
 * ```
 */
export function combineMissingReports(list: readonly MissingReport[]): MissingReport | undefined {
  const first = list[0];
  if (!first) return undefined;
  const missingByColumn: Record<string, number> = {};
  let rowsDropped = 0;
  for (const report of list) {
    rowsDropped += report.rowsDropped;
    for (const [name, count] of Object.entries(report.missingByColumn))
      missingByColumn[name] = (missingByColumn[name] ?? 0) + count;
  }
  const policy = list.some((report) => report.policy === 'drop') ? 'drop' : 'error';
  return { policy, rowsRead: first.rowsRead, rowsDropped, missingByColumn };
}

/**
 * The diagnostics keys a {@link MissingReport} contributes to a `MeasureResult`: `rows_read`,
 * `rows_dropped_missing`, `share_dropped_missing` (0–1; the review flags a large share) and
 * `missing_by_column`.
 *
 * @example
 * ```ts
 * Object.assign(diagnostics, missingDiagnostics(report));
 * ```
 */
export function missingDiagnostics(report: MissingReport): Record<string, number | Record<string, number>> {
  return {
    rows_read: report.rowsRead,
    rows_dropped_missing: report.rowsDropped,
    share_dropped_missing: report.rowsRead === 0 ? 0 : report.rowsDropped / report.rowsRead,
    missing_by_column: { ...report.missingByColumn },
  };
}

/**
 * Column names a config refers to: every string in `value` (deeply), whole and split into identifier
 * tokens (so `y ~ d + C(region)` gives `y`, `d`, `C`, `region`). Sources use it, intersected with the
 * file's header, as the columns the model uses (for `missing: drop` and to skip unused columns).
 *
 * @example
 * ```ts
 * referencedNames({ formula: 'revenue ~ treated + C(region)' }); // Set { 'revenue ~ treated + C(region)', 'revenue', 'treated', 'C', 'region' }
 * ```
 */
export function referencedNames(value: unknown, into: Set<string> = new Set()): Set<string> {
  if (typeof value === 'string') {
    into.add(value);
    for (const token of value.match(/[A-Za-z0-9_.]+/g) ?? []) into.add(token);
  } else if (Array.isArray(value)) {
    for (const item of value) referencedNames(item, into);
  } else if (typeof value === 'object' && value !== null) {
    for (const item of Object.values(value)) referencedNames(item, into);
  }
  return into;
}

/** Transforms that only read columns named in their parameters, so a source may skip every other column. */
export const PROJECTION_SAFE_TRANSFORMS: ReadonlySet<string> = new Set([
  'passthrough',
  'drop_missing',
  'filter',
  'indicator',
]);

/**
 * The column names a run refers to (model parameters and transform parameters, see {@link referencedNames}),
 * or undefined when a transform may read columns it does not name (then sources keep every column and
 * apply `missing: drop` over all of them).
 *
 * @example
 * ```ts
 * columnsUsedByRun({ formula: 'y ~ d' }, [{ name: 'filter', where: 'x > 0' }]); // Set { 'y ~ d', 'y', 'd', ... 'x' }
 * ```
 */
export function columnsUsedByRun(
  modelParams: unknown,
  transforms: readonly { name: string }[],
): Set<string> | undefined {
  if (transforms.some((transform) => !PROJECTION_SAFE_TRANSFORMS.has(transform.name))) return undefined;
  return namesReferencedByRun(modelParams, transforms);
}

/**
 * Every name the model and transform parameters refer to (see {@link referencedNames}), whatever the
 * transforms: the columns `missing:` applies to when sources must keep every column.
 *
 * @example
 * ```ts
 * namesReferencedByRun({ formula: 'revenue ~ treated' }, [{ name: 'aggregate_by_product', metric: 'revenue' }]);
 * ```
 */
export function namesReferencedByRun(
  modelParams: unknown,
  transforms: readonly { name: string }[],
): Set<string> {
  const names = referencedNames(modelParams);
  for (const transform of transforms) referencedNames(transform, names);
  return names;
}
