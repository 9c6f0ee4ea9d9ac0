import { createTable, type Table } from '@impact/contracts';
import { describe, expect, it } from 'vitest';
import { evaluateImpact } from '../../../src/evaluate';
import { ExperimentParamsSchema, experimentModel } from '../../../src/models/experiment';
import {
  confidenceSequenceHalfWidth,
  mixtureLikelihoodRatio,
  optimalMixtureRatio,
} from '../../../src/models/experiment/sequential';
import { applySequential } from '../../../src/models/experiment/sequential-looks';
import { createNormal } from '../../../validate/dgp';

const context = { ciLevel: 0.95, seed: 0 };

/** 20 days × 40 users, alternating arms, skewed outcome with a lift of `lift`. */
function dailyExperiment(lift: number, seed = 1): Table {
  const normal = createNormal(seed);
  const day: number[] = [];
  const treated: number[] = [];
  const revenue: number[] = [];
  const pre: number[] = [];
  for (let d = 1; d <= 20; d++) {
    for (let u = 0; u < 40; u++) {
      const arm = (u + d) % 2;
      const base = Math.exp(0.5 * normal());
      day.push(d);
      treated.push(arm);
      pre.push(base + 0.3 * normal());
      revenue.push(base + lift * arm + 0.5 * normal());
    }
  }
  return createTable({
    day: Float64Array.from(day),
    treated: Float64Array.from(treated),
    revenue: Float64Array.from(revenue),
    pre: Float64Array.from(pre),
  });
}

function prefix(table: Table, lastDay: number): Table {
  const day = table.columns.day as Float64Array;
  const keep = (values: Float64Array) => values.filter((_, i) => (day[i] as number) <= lastDay);
  return createTable(
    Object.fromEntries(
      Object.entries(table.columns).map(([name, values]) => [name, keep(values as Float64Array)]),
    ),
  );
}

describe('sequential: normal-mixture boundary (closed forms)', () => {
  it('tunes τ²/v as the root of r = log(1 + r) − 2·log α, which minimises the half-width', () => {
    for (const alpha of [0.01, 0.05, 0.1]) {
      const r = optimalMixtureRatio(alpha);
      expect(Math.abs(r - Math.log(1 + r) + 2 * Math.log(alpha))).toBeLessThan(1e-12);
      const width = (ratio: number) => confidenceSequenceHalfWidth(1, ratio, alpha);
      expect(width(r)).toBeLessThan(width(r * 0.9));
      expect(width(r)).toBeLessThan(width(r * 1.1));
    }
    expect(optimalMixtureRatio(0.05)).toBeCloseTo(8.21, 2);
  });

  it('has the likelihood ratio of the N(0, τ²) mixture (numerical integration) and Λ = 1/α on the CS boundary', () => {
    const estimate = 0.7;
    const variance = 0.09;
    const tau2 = 0.5;
    const density = (x: number, mean: number, v: number) =>
      Math.exp(-((x - mean) ** 2) / (2 * v)) / Math.sqrt(2 * Math.PI * v);
    let integral = 0;
    const step = 1e-4;
    for (let theta = -10; theta <= 10; theta += step)
      integral += density(estimate, theta, variance) * density(theta, 0, tau2) * step;
    const ratio = integral / density(estimate, 0, variance);
    expect(Math.abs(mixtureLikelihoodRatio(estimate, variance, tau2) / ratio - 1)).toBeLessThan(1e-8);
    const half = confidenceSequenceHalfWidth(variance, tau2, 0.05);
    expect(mixtureLikelihoodRatio(estimate, variance, tau2, estimate - half)).toBeCloseTo(20, 9);
    expect(mixtureLikelihoodRatio(estimate, variance, tau2, estimate + half)).toBeCloseTo(20, 9);
  });
});

describe('experiment: sequential mode', () => {
  const table = dailyExperiment(0.6);
  const params = ExperimentParamsSchema.parse({
    outcome: 'revenue',
    treatment: 'treated',
    sequential: { planned_sample_size: 800, look_column: 'day' },
  });

  it('evaluates every look from running sums exactly as refitting the model on the data up to that day', () => {
    for (const covariance of ['classical', 'HC0', 'HC1', 'HC2', 'HC3'] as const) {
      const estimate = experimentModel.fit(table, { ...params, covariance }, context);
      const looks = estimate.details.sequential_looks as {
        look: number | string;
        estimate: number;
        standard_error: number;
      }[];
      expect(looks).toHaveLength(20);
      for (const look of looks.slice(0, -1)) {
        const refit = experimentModel.fit(
          prefix(table, look.look as number),
          { ...params, covariance, sequential: undefined },
          context,
        );
        expect(Math.abs(look.estimate - refit.effect_estimate)).toBeLessThan(1e-10);
        expect(Math.abs(look.standard_error / refit.standard_error - 1)).toBeLessThan(1e-10);
      }
    }
  });

  it('refits at each look with CUPED and gives a narrower sequence than without it', () => {
    const plain = experimentModel.fit(table, params, context);
    const cuped = experimentModel.fit(table, { ...params, pre_period_metric: 'pre' }, context);
    const looks = cuped.details.sequential_looks as { look: number; estimate: number }[];
    const day5 = experimentModel.fit(
      prefix(table, 5),
      { ...params, pre_period_metric: 'pre', sequential: undefined },
      context,
    );
    expect(looks.find((look) => look.look === 5)?.estimate).toBe(day5.effect_estimate);
    const width = (e: typeof plain) =>
      (e.diagnostics.sequential_ci_upper as number) - (e.diagnostics.sequential_ci_lower as number);
    expect(width(cuped)).toBeLessThan(width(plain));
  });

  it('reports an always-valid p-value and a confidence sequence wider than the fixed-horizon CI, containing the estimate', () => {
    const estimate = experimentModel.fit(table, params, context);
    const d = estimate.diagnostics;
    expect(d.sequential_p_value as number).toBeLessThan(0.05);
    expect(d.sequential_p_value as number).toBeGreaterThan(estimate.p_value);
    expect(d.sequential_ci_lower as number).toBeGreaterThan(estimate.ci_lower - 1); // finite, same scale
    expect((d.sequential_ci_upper as number) - (d.sequential_ci_lower as number)).toBeGreaterThan(
      estimate.ci_upper - estimate.ci_lower,
    );
    expect(d.sequential_ci_lower as number).toBeLessThanOrEqual(estimate.effect_estimate);
    expect(d.sequential_ci_upper as number).toBeGreaterThanOrEqual(estimate.effect_estimate);
    expect(d.sequential_looks).toBe(20);
    expect(typeof d.sequential_first_rejection).toBe('number');
  });

  it('makes the always-valid interval the headline when asked, and does not reject under no effect', () => {
    const headline = experimentModel.fit(
      table,
      { ...params, sequential: { ...params.sequential, headline: true } } as typeof params,
      context,
    );
    expect(headline.ci_lower).toBe(headline.diagnostics.sequential_ci_lower);
    expect(headline.p_value).toBe(headline.diagnostics.sequential_p_value);
    const null0 = experimentModel.fit(dailyExperiment(0, 3), params, context);
    expect(null0.diagnostics.sequential_p_value as number).toBeGreaterThan(0.05);
    expect(null0.diagnostics.sequential_first_rejection).toBeUndefined();
  });

  it('works on the final look alone with a pre-specified mixture variance', () => {
    const estimate = experimentModel.fit(
      table,
      ExperimentParamsSchema.parse({
        outcome: 'revenue',
        treatment: 'treated',
        sequential: { mixture_variance: 0.05 },
      }),
      context,
    );
    const half = confidenceSequenceHalfWidth(estimate.standard_error ** 2, 0.05, 0.05);
    expect(estimate.diagnostics.sequential_ci_lower).toBeCloseTo(estimate.effect_estimate - half, 12);
    expect(estimate.diagnostics.sequential_mixture_variance).toBe(0.05);
  });

  it('refuses a missing look column and ambiguous tuning with errors naming the parameter', async () => {
    expect(() =>
      experimentModel.fit(
        table,
        { ...params, sequential: { ...params.sequential, look_column: 'week' } } as typeof params,
        context,
      ),
    ).toThrowError(/sequential look column "week" not found/);
    await expect(
      evaluateImpact({
        data: table,
        config: {
          initiative_id: 'x',
          model: {
            name: 'experiment',
            params: {
              outcome: 'revenue',
              treatment: 'treated',
              sequential: { planned_sample_size: 10, mixture_variance: 1 },
            },
          },
        },
      }),
    ).rejects.toThrowError(/exactly one of planned_sample_size and mixture_variance/);
  });

  it('falls back to refitting every look when running sums do not reproduce the full-data fit', () => {
    const base = experimentModel.fit(table, { ...params, sequential: undefined }, context);
    let refits = 0;
    const transformed = { ...base, effect_estimate: base.effect_estimate + 1 }; // e.g. an outcome transformation
    const out = applySequential(transformed, table, {
      sequential: params.sequential as NonNullable<typeof params.sequential>,
      treatment: 'treated',
      outcome: 'revenue',
      differenceInMeans: true,
      covariance: 'HC1',
      ciLevel: 0.95,
      refit: (rows) => {
        refits++;
        return experimentModel.fit(rows, { ...params, sequential: undefined }, context);
      },
    });
    expect(refits).toBe(20);
    expect(out.diagnostics.sequential_looks).toBe(20);
  });
});
