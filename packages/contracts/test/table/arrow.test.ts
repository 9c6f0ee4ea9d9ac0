import * as arrow from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { ImpactError } from '../../src/errors';
import { importArrow, tableFromArrow, tableToArrow } from '../../src/table/arrow';
import { createTable } from '../../src/table/table';

const table = createTable({
  revenue: Float64Array.of(1.5, -2.25, 1e300, 0),
  visits: Int32Array.of(3, -4, 2147483647, 0),
  treated: Uint8Array.of(0, 1, 1, 0),
  region: ['north', 'south', 'north', 'é ü'],
});

describe('Arrow interop', () => {
  it('round-trips floats, ints, 0/1 and strings (dictionary-encoded) exactly', async () => {
    const arrowTable = await tableToArrow<arrow.Table>(table, { lib: arrow });
    expect(String(arrowTable.getChild('region')?.type)).toBe('Dictionary<Int32, Utf8>');
    expect(String(arrowTable.getChild('visits')?.type)).toBe('Int32');
    const back = tableFromArrow(arrowTable);
    expect(back.rowCount).toBe(4);
    expect(back.columns.revenue).toBeInstanceOf(Float64Array);
    expect(back.columns.visits).toBeInstanceOf(Int32Array);
    expect(back.columns.treated).toBeInstanceOf(Uint8Array);
    expect(Array.from(back.columns.revenue as Float64Array)).toEqual([1.5, -2.25, 1e300, 0]);
    expect(Array.from(back.columns.visits as Int32Array)).toEqual([3, -4, 2147483647, 0]);
    expect(Array.from(back.columns.treated as Uint8Array)).toEqual([0, 1, 1, 0]);
    expect(back.columns.region).toEqual(['north', 'south', 'north', 'é ü']);
  });

  it('keeps a one-chunk Float64 column as a view of the Arrow buffer (no copy)', () => {
    const values = Float64Array.of(1, 2, 3);
    const arrowTable = arrow.tableFromArrays({ x: values });
    const back = tableFromArrow(arrowTable);
    expect((back.columns.x as Float64Array).buffer).toBe(
      (arrowTable.getChild('x')?.toArray() as Float64Array | undefined)?.buffer,
    );
  });

  it('reads plain UTF-8, booleans, Int64, Float32, dates and timestamps', () => {
    const arrowTable = new arrow.Table({
      name: arrow.vectorFromArray(['a', 'b'], new arrow.Utf8()),
      flag: arrow.vectorFromArray([true, false], new arrow.Bool()),
      count: arrow.vectorFromArray([9007199254740991n, -5n], new arrow.Int64()),
      share: arrow.vectorFromArray([0.5, 0.25], new arrow.Float32()),
      day: arrow.vectorFromArray(
        [new Date(Date.UTC(2024, 0, 2)), new Date(Date.UTC(2024, 1, 29))],
        new arrow.DateDay(),
      ),
      at: arrow
        .vectorFromArray([new Date(Date.UTC(2024, 0, 2, 3, 4, 5))], new arrow.TimestampMillisecond())
        .concat(arrow.vectorFromArray([new Date(Date.UTC(2025, 5, 6))], new arrow.TimestampMillisecond())),
    });
    const back = tableFromArrow(arrowTable);
    expect(back.columns.name).toEqual(['a', 'b']);
    expect(Array.from(back.columns.flag as Uint8Array)).toEqual([1, 0]);
    expect(Array.from(back.columns.count as Float64Array)).toEqual([9007199254740991, -5]);
    expect(Array.from(back.columns.share as Float64Array)).toEqual([0.5, 0.25]);
    expect(back.columns.day).toEqual(['2024-01-02', '2024-02-29']);
    expect(back.columns.at).toEqual(['2024-01-02T03:04:05.000Z', '2025-06-06T00:00:00.000Z']);
  });

  it('refuses nulls by default, naming column and row; maps them to NaN / "" on request', () => {
    const arrowTable = new arrow.Table({
      y: arrow.vectorFromArray([1.5, null, 3], new arrow.Float64()),
      k: arrow.vectorFromArray([1, 2, null], new arrow.Int32()),
      s: arrow.vectorFromArray(['a', null, 'c']),
    });
    expect(() => tableFromArrow(arrowTable)).toThrow(/column "y" is null at row 1/);
    const back = tableFromArrow(arrowTable, { nulls: 'nan' });
    expect(Array.from(back.columns.y as Float64Array)).toEqual([1.5, Number.NaN, 3]);
    expect(Array.from(back.columns.k as Float64Array)).toEqual([1, 2, Number.NaN]);
    expect(back.columns.s).toEqual(['a', '', 'c']);
  });

  it('refuses Int64 beyond 2^53 and nested types with ARROW_UNSUPPORTED_TYPE', () => {
    const big = new arrow.Table({ id: arrow.vectorFromArray([2n ** 60n], new arrow.Int64()) });
    expect(() => tableFromArrow(big)).toThrow(expect.objectContaining({ code: 'ARROW_UNSUPPORTED_TYPE' }));
    const nested = new arrow.Table({
      tags: arrow.vectorFromArray([[1, 2]], new arrow.List(new arrow.Field('item', new arrow.Int32()))),
    });
    expect(() => tableFromArrow(nested)).toThrow(/column "tags" has type List/);
  });

  it('says what to install when apache-arrow cannot be imported', async () => {
    const error = await importArrow('apache-arrow-not-installed').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ImpactError);
    expect((error as ImpactError).code).toBe('ARROW_UNAVAILABLE');
    expect((error as ImpactError).message).toMatch(/npm install apache-arrow/);
  });
});
