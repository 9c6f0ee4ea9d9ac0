import { describe, expect, it } from 'vitest';
import { createTable, type ImpactError, tableFromRows } from '../../src/index';

describe('Table', () => {
  it('builds a table whose row count is the common column length', () => {
    const table = createTable({ unit: ['a', 'b', 'c'], y: Float64Array.of(1, 2, 3) });
    expect(table.rowCount).toBe(3);
  });

  it('rejects columns of different lengths, naming both columns', () => {
    expect(() => createTable({ unit: ['a', 'b'], y: Float64Array.of(1) })).toThrowError(
      /column "y" has 1 rows, expected 2 \(the length of column "unit"\)/,
    );
    try {
      createTable({ a: ['x'], b: [] });
    } catch (error) {
      expect((error as ImpactError).code).toBe('TABLE_RAGGED');
    }
  });

  it('converts rows: all-number columns to Float64Array, others to strings', () => {
    const table = tableFromRows([
      { unit: 'a', y: 1, mixed: 1 },
      { unit: 'b', y: 2.5, mixed: 'x' },
    ]);
    expect(table.columns.y).toEqual(Float64Array.of(1, 2.5));
    expect(table.columns.unit).toEqual(['a', 'b']);
    expect(table.columns.mixed).toEqual(['1', 'x']);
  });
});
