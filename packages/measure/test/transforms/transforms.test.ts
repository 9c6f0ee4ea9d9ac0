import { createTable } from '@impact/contracts';
import { describe, expect, it } from 'vitest';
import { MeasureError } from '../../src/errors';
import {
  AggregateByDateParamsSchema,
  AggregateByProductParamsSchema,
  aggregateByDateTransform,
  aggregateByProductTransform,
  PrepareForSyntheticControlParamsSchema,
  prepareForSyntheticControlTransform,
} from '../../src/transforms/builtin-transforms';

// 3 products × 4 days; p1 treated; post from day 2.
const products = ['p1', 'p2', 'p3'];
const rows = [0, 1, 2, 3].flatMap((day) => products.map((product, k) => ({ day, product, k })));
const panel = createTable({
  product_id: rows.map((r) => r.product),
  date: rows.map((r) => `2024-01-0${r.day + 1}`),
  day: Int32Array.from(rows, (r) => r.day),
  revenue: Float64Array.from(rows, (r) => 10 * (r.k + 1) + r.day + (r.k === 0 && r.day >= 2 ? 5 : 0)),
  price: Float64Array.from(rows, (r) => r.k + 1 + r.day / 10),
  category: rows.map((r) => (r.k === 2 ? 'B' : 'A')),
  treated: Uint8Array.from(rows, (r) => (r.k === 0 ? 1 : 0)),
  post: Uint8Array.from(rows, (r) => (r.day >= 2 ? 1 : 0)),
});

describe('aggregate_by_date', () => {
  it('averages (or sums) a metric per date, keeping day and post', () => {
    const out = aggregateByDateTransform.apply(
      panel,
      AggregateByDateParamsSchema.parse({ metric: 'revenue' }),
    );
    expect(out.columns.date).toEqual(['2024-01-01', '2024-01-02', '2024-01-03', '2024-01-04']);
    expect(Array.from(out.columns.revenue as Float64Array)).toEqual([20, 21, 22 + 5 / 3, 23 + 5 / 3]);
    expect(Array.from(out.columns.post as Uint8Array)).toEqual([0, 0, 1, 1]);
    const sum = aggregateByDateTransform.apply(
      panel,
      AggregateByDateParamsSchema.parse({ metric: 'revenue', agg: 'sum' }),
    );
    expect((sum.columns.revenue as Float64Array)[0]).toBe(60);
  });
  it('filters rows with where', () => {
    const out = aggregateByDateTransform.apply(
      panel,
      AggregateByDateParamsSchema.parse({ metric: 'revenue', where: { treated: 1 } }),
    );
    expect(Array.from(out.columns.revenue as Float64Array)).toEqual([10, 11, 17, 18]);
  });
});

describe('aggregate_by_product', () => {
  it('averages the post window, adds the pre-period mean and carries covariates', () => {
    const out = aggregateByProductTransform.apply(
      panel,
      AggregateByProductParamsSchema.parse({ metric: 'revenue', window: 'post' }),
    );
    expect(out.columns.product_id).toEqual(['p1', 'p2', 'p3']);
    expect(Array.from(out.columns.revenue as Float64Array)).toEqual([17.5, 22.5, 32.5]);
    expect(Array.from(out.columns.revenue_pre as Float64Array)).toEqual([10.5, 20.5, 30.5]);
    expect(Array.from(out.columns.treated as Uint8Array)).toEqual([1, 0, 0]);
    expect(out.columns.category).toEqual(['A', 'A', 'B']);
    // numeric covariates: mean over the pre-period
    expect((out.columns.price as Float64Array)[0]).toBeCloseTo(1.05, 12);
  });
  it('fails with DATA_NO_POST_PERIOD when a unit has no post rows', () => {
    const pre = createTable({ ...panel.columns, post: new Uint8Array(panel.rowCount) });
    expect(() =>
      aggregateByProductTransform.apply(
        pre,
        AggregateByProductParamsSchema.parse({ metric: 'revenue', window: 'post' }),
      ),
    ).toThrow(MeasureError);
  });
});

describe('prepare_for_synthetic_control', () => {
  it('collapses treated units into one series and keeps controls as donors', () => {
    const out = prepareForSyntheticControlTransform.apply(
      panel,
      PrepareForSyntheticControlParamsSchema.parse({ metric: 'revenue' }),
    );
    expect(out.rowCount).toBe(12);
    expect(out.columns.unit?.slice(0, 5)).toEqual(['treated', 'treated', 'treated', 'treated', 'p2']);
    expect(Array.from(out.columns.revenue as Float64Array).slice(0, 4)).toEqual([10, 11, 17, 18]);
    expect(Array.from(out.columns.treated as Uint8Array)).toEqual([1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0]);
    expect(Array.from(out.columns.post as Uint8Array).slice(0, 4)).toEqual([0, 0, 1, 1]);
  });
  it('requires treated rows', () => {
    const none = createTable({ ...panel.columns, treated: new Uint8Array(panel.rowCount) });
    expect(() =>
      prepareForSyntheticControlTransform.apply(
        none,
        PrepareForSyntheticControlParamsSchema.parse({ metric: 'revenue' }),
      ),
    ).toThrow(/no treated rows/);
  });
});
