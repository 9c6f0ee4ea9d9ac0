import { createTable } from '@impact/contracts';
import { describe, expect, it } from 'vitest';
import type { MeasureError } from '../../src/errors';
import { missingReportOf } from '../../src/sources/missing';
import { parseCondition } from '../../src/transforms/expression';
import {
  DropMissingParamsSchema,
  dropMissingTransform,
  FilterParamsSchema,
  filterTransform,
  IndicatorParamsSchema,
  indicatorTransform,
} from '../../src/transforms/rows';

const table = createTable({
  state: ['NJ', 'PA', 'NJ', 'PA', ''],
  fte: Float64Array.of(10, Number.NaN, 30, 40, 50),
  wave: Uint8Array.of(0, 0, 1, 1, 1),
});
const filter = (where: unknown) => filterTransform.apply(table, FilterParamsSchema.parse({ where }));

describe('filter', () => {
  it('keeps rows meeting an expression, typed columns stay typed', () => {
    const out = filter("state == 'NJ' and fte >= 20");
    expect(out.rowCount).toBe(1);
    expect(Array.from(out.columns.fte as Float64Array)).toEqual([30]);
    expect(out.columns.wave).toBeInstanceOf(Uint8Array);
  });

  it('or, not, parentheses, in / not in, is_missing, true/false, backticks', () => {
    expect(filter('wave == 0 or fte > 35').columns.state).toEqual(['NJ', 'PA', 'PA', '']);
    expect(filter('not (wave == 1)').rowCount).toBe(2);
    expect(filter("state in ('PA', 'XX')").columns.state).toEqual(['PA', 'PA']);
    expect(filter("state not in ('PA')").columns.state).toEqual(['NJ', 'NJ']);
    expect(filter('is_missing(fte) or is_missing(state)').rowCount).toBe(2);
    expect(filter('wave == true').rowCount).toBe(3);
    expect(filter('`fte` > -1e1').rowCount).toBe(4);
  });

  it('treats comparisons with a missing value as false, != included (as in SQL)', () => {
    expect(filter('fte != 10').columns.fte).toEqual(Float64Array.of(30, 40, 50));
    expect(filter("state != 'NJ'").columns.state).toEqual(['PA', 'PA']);
  });

  it('accepts structured conditions and lists of them (all must hold)', () => {
    expect(filter({ column: 'state', op: '==', value: 'NJ' }).rowCount).toBe(2);
    expect(
      filter([
        { column: 'wave', op: '==', value: 1 },
        { column: 'state', op: 'in', value: ['PA', 'NJ'] },
      ]).rowCount,
    ).toBe(2);
    expect(filter({ column: 'fte', op: 'is_missing' }).rowCount).toBe(1);
  });

  it('refuses syntax errors at config time, naming the problem (no eval)', () => {
    for (const bad of [
      'fte >',
      'fte = 1',
      "process.exit(1) == 'x'",
      'fte > 1 and',
      '1 == 1',
      'fte in 1',
      'fte >> 2',
    ]) {
      expect(() => FilterParamsSchema.parse({ where: bad })).toThrow(/condition/);
    }
    expect(() => FilterParamsSchema.parse({ where: { column: 'x', op: 'in', value: 1 } })).toThrow(/list/);
    expect(() => FilterParamsSchema.parse({ where: { column: 'x', op: 'like', value: 1 } })).toThrow();
  });

  it('refuses unknown columns and numeric/text mismatches with typed errors', () => {
    const unknown = (() => {
      try {
        filter('nope > 1');
      } catch (error) {
        return error as MeasureError;
      }
    })();
    expect(unknown?.code).toBe('DATA_MISSING_COLUMN');
    expect(unknown?.message).toContain('available: state, fte, wave');
    expect(() => filter("fte == '10'")).toThrow(/numeric but is compared with "10"/);
    expect(() => filter('state == 1')).toThrow(/text but is compared with 1/);
    expect(() => filter('fte > 1000')).toThrow(expect.objectContaining({ code: 'DATA_TOO_FEW_ROWS' }));
  });

  it('parses numbers as decimals only and signs only where a value starts', () => {
    expect(parseCondition('fte > -.5e1')).toEqual({
      kind: 'compare',
      left: { column: 'fte' },
      op: '>',
      right: { value: -5 },
    });
    expect(() => parseCondition('fte > 0x10')).toThrow();
  });
});

describe('indicator', () => {
  it('adds a 0/1 column where the condition holds', () => {
    const out = indicatorTransform.apply(
      table,
      IndicatorParamsSchema.parse({ column: 'treated', where: "state == 'NJ'" }),
    );
    expect(Array.from(out.columns.treated as Uint8Array)).toEqual([1, 0, 1, 0, 0]);
    expect(out.columns.fte).toBe(table.columns.fte);
  });
});

describe('drop_missing', () => {
  it('drops rows listwise over the named columns and reports the count', () => {
    const out = dropMissingTransform.apply(table, DropMissingParamsSchema.parse({ columns: ['fte'] }));
    expect(out.rowCount).toBe(4);
    expect(missingReportOf(out)).toEqual({
      policy: 'drop',
      rowsRead: 5,
      rowsDropped: 1,
      missingByColumn: { fte: 1 },
    });
  });

  it('checks every column by default, with configurable text markers', () => {
    expect(dropMissingTransform.apply(table, DropMissingParamsSchema.parse({})).rowCount).toBe(3);
    expect(
      dropMissingTransform.apply(table, DropMissingParamsSchema.parse({ markers: ['PA'] })).columns.state,
    ).toEqual(['NJ', 'NJ', '']);
  });

  it('names an unknown column', () => {
    expect(() =>
      dropMissingTransform.apply(table, DropMissingParamsSchema.parse({ columns: ['wage'] })),
    ).toThrow(/drop_missing: column "wage" not found/);
  });
});
