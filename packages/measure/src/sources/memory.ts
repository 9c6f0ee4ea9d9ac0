import { type ColumnValues, createTable, type Table } from '@impact/contracts';
import { z } from 'zod';
import { MeasureError } from '../errors';
import {
  attachMissingReport,
  dropMissingRows,
  type MissingPolicy,
  MissingSpecSchema,
  missingValueError,
  resolveMissingPolicy,
} from './missing';
import { type DataSourceContext, defineDataSource } from './source';

function isTable(value: unknown): value is Table {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Table).rowCount === 'number' &&
    typeof (value as Table).columns === 'object'
  );
}

/** Keys of a `memory` data source: `rows` (objects, e.g. inline in YAML) or a `table` passed from code. */
export const MemorySourceSpecSchema = z
  .strictObject({
    rows: z.array(z.record(z.string(), z.union([z.number(), z.string(), z.boolean(), z.null()]))).optional(),
    table: z.custom<Table>(isTable, 'expected a Table ({ rowCount, columns })').optional(),
    /** Missing cells (`null`, absent keys, marker texts; NaN in a table): `error` (default) or `drop` listwise on the used columns. */
    missing: MissingSpecSchema.optional(),
  })
  .refine((spec) => (spec.rows === undefined) !== (spec.table === undefined), {
    message: 'expected exactly one of rows or table',
    path: ['rows'],
  });

type RowValue = number | string | boolean | null | undefined;

/** Rows → typed columns with missing masks: a column is numeric when every present value is a number or boolean. */
function columnsFromRows(
  rows: readonly Record<string, RowValue>[],
  policy: MissingPolicy,
  used: (name: string) => boolean,
) {
  const names: string[] = [];
  for (const row of rows) for (const key of Object.keys(row)) if (!names.includes(key)) names.push(key);
  const columns: Record<string, ColumnValues> = {};
  const missing: Record<string, Uint8Array | undefined> = {};
  for (const name of names) {
    const mask = new Uint8Array(rows.length);
    let numeric = true;
    let any = false;
    rows.forEach((row, i) => {
      const value = row[name];
      if (
        value === null ||
        value === undefined ||
        (typeof value === 'string' && policy.markers.includes(value.trim()))
      ) {
        if (policy.policy === 'error' && used(name))
          throw missingValueError(
            `data.rows[${i}]`,
            name,
            value === undefined ? '(no such key)' : String(value),
            i,
          );
        mask[i] = 1;
        any = true;
      } else if (typeof value === 'string') numeric = false;
    });
    columns[name] = numeric
      ? Float64Array.from(rows, (row, i) => (mask[i] ? Number.NaN : Number(row[name])))
      : rows.map((row) => (row[name] === null || row[name] === undefined ? '' : String(row[name])));
    missing[name] = any ? mask : undefined;
  }
  return { columns, missing };
}

/** Missing masks of a table from code: NaN in numeric columns, marker texts in text columns. */
function masksOfTable(table: Table, policy: MissingPolicy) {
  const missing: Record<string, Uint8Array | undefined> = {};
  for (const [name, values] of Object.entries(table.columns)) {
    const mask = new Uint8Array(table.rowCount);
    let any = false;
    for (let i = 0; i < table.rowCount; i++) {
      const value = values[i];
      const isMissing =
        typeof value === 'number' ? Number.isNaN(value) : policy.markers.includes(String(value).trim());
      if (isMissing) {
        mask[i] = 1;
        any = true;
      }
    }
    missing[name] = any ? mask : undefined;
  }
  return missing;
}

function loadMemory(
  spec: z.output<typeof MemorySourceSpecSchema>,
  context: DataSourceContext | undefined,
): Table {
  const policy = resolveMissingPolicy(spec.missing);
  const policyColumns = context?.columns ?? context?.missingColumns;
  const used = (name: string) => policyColumns?.has(name) ?? true;
  if (spec.table) {
    // A table from code is taken as is unless asked to drop: its numeric gaps (NaN) are the model's to refuse.
    if (policy.policy !== 'drop') return spec.table;
    const data = { columns: { ...spec.table.columns }, missing: masksOfTable(spec.table, policy) };
    const { columns, report } = dropMissingRows(
      data,
      Object.keys(data.columns).filter(used),
      spec.table.rowCount,
    );
    return attachMissingReport(createTable(columns), report);
  }
  const rows = spec.rows ?? [];
  if (rows.length === 0)
    throw new MeasureError('DATA_TOO_FEW_ROWS', 'memory data source has no rows', {
      parameter: 'data.rows',
    });
  const data = columnsFromRows(rows, policy, used);
  if (policy.policy !== 'drop') return createTable(data.columns);
  const { columns, report } = dropMissingRows(data, Object.keys(data.columns).filter(used), rows.length);
  return attachMissingReport(createTable(columns), report);
}

/**
 * `memory` data source: rows or a Table given in the config object (from code or inline YAML).
 * Booleans become 0/1; `null`, absent keys and marker texts are missing cells, handled by `missing:`
 * (`error` by default, or `drop` listwise on the columns the model uses).
 *
 * @example
 * ```ts
 * await evaluateImpact({ config: { initiative_id: 'x', data: { source: 'memory', rows: [{ y: 1, d: 0 }, { y: null, d: 1 }, { y: 3, d: 1 }], missing: 'drop' }, model: { name: 'experiment', params: { formula: 'y ~ d' } } } });
 * ```
 */
export const memorySource = defineDataSource<z.output<typeof MemorySourceSpecSchema>>({
  name: 'memory',
  specSchema: MemorySourceSpecSchema,
  load: (spec, context) => loadMemory(spec, context),
});
