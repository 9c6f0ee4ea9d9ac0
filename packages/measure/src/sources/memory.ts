import { type Table, tableFromRows } from '@impact/contracts';
import { z } from 'zod';
import { MeasureError } from '../errors';
import { defineDataSource } from './source';

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
  })
  .refine((spec) => (spec.rows === undefined) !== (spec.table === undefined), {
    message: 'expected exactly one of rows or table',
    path: ['rows'],
  });

/**
 * `memory` data source: rows or a Table given in the config object (from code or inline YAML).
 * Booleans become 0/1.
 *
 * @example
 * ```ts
 * await evaluateImpact({ config: { initiative_id: 'x', data: { source: 'memory', rows: [{ y: 1, d: 0 }, { y: 3, d: 1 }] }, model: { name: 'experiment', params: { formula: 'y ~ d' } } } });
 * ```
 */
export const memorySource = defineDataSource<z.output<typeof MemorySourceSpecSchema>>({
  name: 'memory',
  specSchema: MemorySourceSpecSchema,
  load(spec) {
    if (spec.table) return spec.table;
    const rows = (spec.rows ?? []).map((row) =>
      Object.fromEntries(
        Object.entries(row).map(([key, value]) => [key, typeof value === 'boolean' ? Number(value) : value]),
      ),
    );
    if (rows.length === 0)
      throw new MeasureError('DATA_TOO_FEW_ROWS', 'memory data source has no rows', {
        parameter: 'data.rows',
      });
    return tableFromRows(rows);
  },
});
