import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createTable } from '@impact/contracts';
import { describe, expect, it } from 'vitest';
import { evaluateImpact } from '../../src/evaluate';
import { PivotLongerParamsSchema, pivotLongerTransform } from '../../src/transforms/pivot-longer';

const wide = createTable({
  year: Int32Array.of(2000, 2001),
  A: Float64Array.of(1, 2),
  B: Float64Array.of(3, 4),
  note: ['x', 'y'],
});

describe('pivot_longer', () => {
  it('stacks columns row by row with the id columns repeated', () => {
    const out = pivotLongerTransform.apply(
      wide,
      PivotLongerParamsSchema.parse({
        id_columns: ['year'],
        columns: ['A', 'B'],
        names_to: 'unit',
        values_to: 'y',
      }),
    );
    expect(out.rowCount).toBe(4);
    expect(Array.from(out.columns.year as Int32Array)).toEqual([2000, 2000, 2001, 2001]);
    expect(out.columns.year).toBeInstanceOf(Int32Array);
    expect(out.columns.unit).toEqual(['A', 'B', 'A', 'B']);
    expect(Array.from(out.columns.y as Float64Array)).toEqual([1, 3, 2, 4]);
    expect(out.columns.note).toBeUndefined();
  });

  it('refuses mixed numeric and text columns, unknown columns and name clashes', () => {
    const run = (params: unknown) => () =>
      pivotLongerTransform.apply(wide, PivotLongerParamsSchema.parse(params));
    expect(run({ id_columns: ['year'] })).toThrow(/all numeric or all text/);
    expect(run({ id_columns: ['year'], columns: ['C'] })).toThrow(/column "C" not found/);
    expect(run({ id_columns: ['year'], columns: ['A'], names_to: 'year' })).toThrow(/also an id column/);
  });
});

describe('Proposition 99 from the wide file with config only', () => {
  const fixtures = fileURLToPath(new URL('../fixtures/panel/', import.meta.url));
  const golden = JSON.parse(readFileSync(join(fixtures, 'prop99-synth.json'), 'utf8')) as {
    donors: string[];
    weights: number[];
    pre_rmspe: number;
    mean_post_gap: number;
  };

  it('pivot_longer + indicator reproduce the scipy SLSQP donor weights and pre-period fit', async () => {
    const { result, details } = await evaluateImpact({
      config: {
        initiative_id: 'prop99',
        data: { source: 'file', path: '/work/shared/datasets/california_prop99.csv' },
        transforms: [
          { name: 'pivot_longer', id_columns: ['Year'], names_to: 'state', values_to: 'sales' },
          { name: 'indicator', column: 'treated', where: "state == 'California'" },
          { name: 'indicator', column: 'post', where: 'Year >= 1989' },
        ],
        model: {
          name: 'synthetic_control',
          params: { outcome: 'sales', unit: 'state', time: 'Year', treated: 'treated', post: 'post' },
        },
      },
    });
    const weights = details.weights as Record<string, number>;
    golden.donors.forEach((donor, j) => {
      expect(Math.abs((weights[donor] as number) - (golden.weights[j] as number))).toBeLessThan(1e-4);
    });
    expect(Math.abs((result.diagnostics.pre_rmspe as number) / golden.pre_rmspe - 1)).toBeLessThan(1e-6);
    expect(Math.abs(result.effect_estimate / golden.mean_post_gap - 1)).toBeLessThan(1e-5);
  });
});
