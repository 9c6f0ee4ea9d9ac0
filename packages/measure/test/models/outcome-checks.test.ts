import { createTable } from '@impact/contracts';
import { describe, expect, it } from 'vitest';
import { BUILTIN_MODELS } from '../../src/models/builtin';

const context = { ciLevel: 0.95, seed: 1 };
const n = 200;
const t = Float64Array.from({ length: n }, (_, i) => i % 2);
const x = Float64Array.from({ length: n }, (_, i) => Math.sin(i));
const constant = new Float64Array(n).fill(3.7);
const model = (name: string) => {
  const found = BUILTIN_MODELS.find((candidate) => candidate.name === name);
  if (!found) throw new Error(`no model ${name}`);
  return found;
};
const fit = (name: string, table: ReturnType<typeof createTable>, raw: Record<string, unknown>) => () =>
  model(name).fit(table, model(name).paramsSchema.parse(raw), context);

describe('zero-variance outcomes are refused, not given round-off p-values', () => {
  const table = createTable({ y: constant, t, x });
  for (const name of [
    'experiment',
    'regression_adjustment',
    'ipw',
    'nearest_neighbour_matching',
    'subclassification',
  ]) {
    it(`${name}: a constant outcome is DATA_ZERO_VARIANCE naming the column`, () => {
      const raw =
        name === 'experiment'
          ? { outcome: 'y', treatment: 't' }
          : { outcome: 'y', treatment: 't', covariates: ['x'] };
      expect(fit(name, table, raw)).toThrow(
        expect.objectContaining({ code: 'DATA_ZERO_VARIANCE', column: 'y' }),
      );
    });
  }

  it('difference_in_differences: a constant outcome is DATA_ZERO_VARIANCE', () => {
    const product_id: string[] = [];
    const date: string[] = [];
    const treated: number[] = [];
    const post: number[] = [];
    for (let unit = 0; unit < 20; unit++)
      for (let day = 1; day <= 10; day++) {
        product_id.push(`u${unit}`);
        date.push(`2024-01-${String(day).padStart(2, '0')}`);
        treated.push(unit < 5 ? 1 : 0);
        post.push(day > 6 ? 1 : 0);
      }
    const panel = createTable({
      product_id,
      date,
      treated: Float64Array.from(treated),
      post: Float64Array.from(post),
      revenue: new Float64Array(200).fill(5),
    });
    expect(fit('difference_in_differences', panel, {})).toThrow(
      expect.objectContaining({ code: 'DATA_ZERO_VARIANCE', column: 'revenue' }),
    );
  });

  it('experiment: an outcome fitted exactly by the design is DATA_ZERO_VARIANCE', () => {
    const exact = createTable({ y: t.map((d, i) => 10 + 2 * d + 3 * (x[i] as number)), t, x });
    expect(fit('experiment', exact, { outcome: 'y', treatment: 't', covariates: ['x'] })).toThrow(
      expect.objectContaining({ code: 'DATA_ZERO_VARIANCE' }),
    );
  });

  it('experiment and regression_adjustment: perfectly collinear covariates are MODEL_SINGULAR_DESIGN', () => {
    const collinear = createTable({ y: x.map((v, i) => v + (i % 3)), t, x, x2: x.map((v) => 2 * v) });
    for (const name of ['experiment', 'regression_adjustment']) {
      expect(fit(name, collinear, { outcome: 'y', treatment: 't', covariates: ['x', 'x2'] })).toThrow(
        expect.objectContaining({ code: 'MODEL_SINGULAR_DESIGN' }),
      );
    }
  });
});
