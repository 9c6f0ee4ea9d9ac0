import { createTable } from '@impact/contracts';
import { describe, expect, it } from 'vitest';
import { MeasureError } from '../../src/errors';
import {
  attachMissingReport,
  combineMissingReports,
  dropMissingRows,
  isMissingMarker,
  MissingSpecSchema,
  missingDiagnostics,
  missingReportOf,
  missingValueError,
  referencedNames,
} from '../../src/sources/missing';

describe('MissingSpecSchema', () => {
  it('normalises a bare policy and an object with markers', () => {
    expect(MissingSpecSchema.parse('drop')).toEqual({ policy: 'drop', markers: ['', 'NA'] });
    expect(MissingSpecSchema.parse({ markers: [' . ', 'n/a'] })).toEqual({
      policy: 'error',
      markers: ['.', 'n/a'],
    });
  });

  it('rejects unknown policies and keys', () => {
    expect(() => MissingSpecSchema.parse('impute')).toThrow();
    expect(() => MissingSpecSchema.parse({ policy: 'drop', marker: ['NA'] })).toThrow();
  });

  it('recognises markers after trimming spaces', () => {
    const policy = MissingSpecSchema.parse({ policy: 'drop', markers: ['.'] });
    expect(isMissingMarker(' . ', policy)).toBe(true);
    expect(isMissingMarker('NA', policy)).toBe(false);
    expect(isMissingMarker('', MissingSpecSchema.parse('error'))).toBe(true);
  });
});

describe('dropMissingRows', () => {
  const y = Float64Array.of(1, Number.NaN, 3, 4);
  const d = Uint8Array.of(0, 1, 0, 1);
  const g = ['a', 'b', '', 'd'];
  const data = {
    columns: { y, d, g },
    missing: { y: Uint8Array.of(0, 1, 0, 0), g: Uint8Array.of(0, 0, 1, 0) },
  };

  it('drops rows missing in any used column and compacts every column', () => {
    const { columns, report } = dropMissingRows(data, ['y', 'd', 'g'], 4);
    expect(Array.from(columns.y as Float64Array)).toEqual([1, 4]);
    expect(columns.d).toBeInstanceOf(Uint8Array);
    expect(Array.from(columns.d as Uint8Array)).toEqual([0, 1]);
    expect(columns.g).toEqual(['a', 'd']);
    expect(report).toEqual({
      policy: 'drop',
      rowsRead: 4,
      rowsDropped: 2,
      missingByColumn: { y: 1, d: 0, g: 1 },
    });
    expect(Array.from(y)).toEqual([1, Number.NaN, 3, 4]); // input untouched
  });

  it('ignores missing cells in columns the model does not use', () => {
    const { columns, report } = dropMissingRows(data, ['d', 'g', 'not_there'], 4);
    expect(report.rowsDropped).toBe(1);
    expect(report.missingByColumn).toEqual({ d: 0, g: 1 });
    expect(columns.g).toEqual(['a', 'b', 'd']);
  });
});

describe('missing reports', () => {
  it('attach to a table, combine across steps and become diagnostics', () => {
    const table = attachMissingReport(createTable({ y: Float64Array.of(1) }), {
      policy: 'drop',
      rowsRead: 10,
      rowsDropped: 4,
      missingByColumn: { y: 4 },
    });
    const first = missingReportOf(table);
    expect(first?.rowsDropped).toBe(4);
    expect(missingReportOf(createTable({ y: Float64Array.of(1) }))).toBeUndefined();
    const total = combineMissingReports([
      first as NonNullable<typeof first>,
      { policy: 'drop', rowsRead: 6, rowsDropped: 1, missingByColumn: { y: 1, x: 1 } },
    ]);
    expect(total).toEqual({ policy: 'drop', rowsRead: 10, rowsDropped: 5, missingByColumn: { y: 5, x: 1 } });
    expect(missingDiagnostics(total as NonNullable<typeof total>)).toEqual({
      rows_read: 10,
      rows_dropped_missing: 5,
      share_dropped_missing: 0.5,
      missing_by_column: { y: 5, x: 1 },
    });
  });
});

describe('missingValueError / referencedNames', () => {
  it('names the place, column and found text with a stable code', () => {
    const error = missingValueError('/data/x.csv:14', 'fte', 'NA', 14);
    expect(error).toBeInstanceOf(MeasureError);
    expect(error.code).toBe('DATA_MISSING_VALUE');
    expect(error.message).toContain('/data/x.csv:14: column "fte" is missing (found "NA")');
    expect(error.column).toBe('fte');
    expect(error.row).toBe(14);
  });

  it('collects strings and identifier tokens from nested params', () => {
    const names = referencedNames({ formula: 'y ~ d + C(region)', opts: [{ unit: 'store.id' }], n: 3 });
    for (const name of ['y', 'd', 'region', 'store.id']) expect(names.has(name)).toBe(true);
    expect(names.has('3')).toBe(false);
  });
});
