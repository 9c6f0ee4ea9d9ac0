import { readFileSync } from 'node:fs';
import { createTable } from '@impact/contracts';
import { describe, expect, it } from 'vitest';
import { ExperimentParamsSchema, experimentModel } from '../../../src/models/experiment';
import { quantileType7 } from '../../../src/models/experiment/winsorize';

const golden = JSON.parse(
  readFileSync(new URL('../../fixtures/experiment-winsor-ratio.json', import.meta.url), 'utf8'),
) as {
  data: Record<'t' | 'pre' | 'revenue' | 'visits' | 'spend', number[]>;
  winsorize: {
    lower: number | null;
    upper: number | null;
    lower_cap: number | null;
    upper_cap: number | null;
    capped_rows: number;
    estimate: number;
    standard_error: number;
  }[];
  winsorize_cuped: { upper: number; theta: number; estimate: number; standard_error: number };
  ratio: {
    estimate: number;
    delta_se: number;
    bootstrap_se: number;
    ratio_treated: number;
    ratio_control: number;
    relative_lift: number;
    relative_delta_se: number;
  };
};
const table = createTable(
  Object.fromEntries(Object.entries(golden.data).map(([name, values]) => [name, Float64Array.from(values)])),
);
const context = { ciLevel: 0.95, seed: 1 };
const relative = (actual: number, expected: number) => Math.abs(actual - expected) / Math.abs(expected);

describe('experiment winsorize vs numpy quantile + clip + statsmodels OLS (HC1)', () => {
  it('quantileType7 interpolates like numpy', () => {
    expect(quantileType7(Float64Array.from([1, 2, 3, 4]), 0.5)).toBe(2.5);
    expect(quantileType7(Float64Array.from([0, 10]), 0.95)).toBeCloseTo(9.5, 12);
  });
  for (const reference of golden.winsorize) {
    it(`caps at the ${reference.lower ?? '-'} / ${reference.upper ?? '-'} quantiles and matches to 1e-9`, () => {
      const estimate = experimentModel.fit(
        table,
        ExperimentParamsSchema.parse({
          outcome: 'revenue',
          treatment: 't',
          winsorize: {
            ...(reference.lower === null ? {} : { lower: reference.lower }),
            ...(reference.upper === null ? {} : { upper: reference.upper }),
          },
        }),
        context,
      );
      expect(estimate.diagnostics.winsorize_upper_cap).toBeCloseTo(reference.upper_cap ?? Number.NaN, 9);
      if (reference.lower_cap !== null)
        expect(estimate.diagnostics.winsorize_lower_cap).toBeCloseTo(reference.lower_cap, 9);
      expect(estimate.diagnostics.winsorized_rows).toBe(reference.capped_rows);
      expect(relative(estimate.effect_estimate, reference.estimate)).toBeLessThan(1e-9);
      expect(relative(estimate.standard_error, reference.standard_error)).toBeLessThan(1e-9);
    });
  }
  it('caps before CUPED, the pre-period metric at its own quantile', () => {
    const reference = golden.winsorize_cuped;
    const estimate = experimentModel.fit(
      table,
      ExperimentParamsSchema.parse({
        outcome: 'revenue',
        treatment: 't',
        pre_period_metric: 'pre',
        winsorize: { upper: reference.upper },
      }),
      context,
    );
    expect(relative(estimate.diagnostics.cuped_theta as number, reference.theta)).toBeLessThan(1e-9);
    expect(relative(estimate.effect_estimate, reference.estimate)).toBeLessThan(1e-9);
    expect(relative(estimate.standard_error, reference.standard_error)).toBeLessThan(1e-9);
  });
  it('rejects a lower quantile above one half and an empty winsorize', () => {
    expect(() =>
      ExperimentParamsSchema.parse({ outcome: 'y', treatment: 't', winsorize: { lower: 0.6 } }),
    ).toThrow();
    expect(() => ExperimentParamsSchema.parse({ outcome: 'y', treatment: 't', winsorize: {} })).toThrow();
  });
});

describe('experiment ratio metric (delta method) vs numpy and a bootstrap', () => {
  const ratio = { numerator: 'spend', denominator: 'visits' };
  it('matches the numpy delta-method SE to 1e-9 and the 20 000-draw bootstrap SE to 5%', () => {
    const estimate = experimentModel.fit(
      table,
      ExperimentParamsSchema.parse({ treatment: 't', ratio }),
      context,
    );
    expect(relative(estimate.effect_estimate, golden.ratio.estimate)).toBeLessThan(1e-12);
    expect(relative(estimate.standard_error, golden.ratio.delta_se)).toBeLessThan(1e-9);
    // Bootstrap SE Monte Carlo error with B = 20 000 is about 0.5%; the delta method is first-order.
    expect(relative(estimate.standard_error, golden.ratio.bootstrap_se)).toBeLessThan(0.05);
    expect(estimate.diagnostics.ratio_treated).toBeCloseTo(golden.ratio.ratio_treated, 12);
    expect(estimate.metric).toBe('spend/visits');
  });
  it('reports the relative lift R1/R0 − 1 as the headline with effect_unit: relative', () => {
    const estimate = experimentModel.fit(
      table,
      ExperimentParamsSchema.parse({ treatment: 't', ratio, effect_unit: 'relative' }),
      context,
    );
    expect(relative(estimate.effect_estimate, golden.ratio.relative_lift)).toBeLessThan(1e-12);
    expect(relative(estimate.standard_error, golden.ratio.relative_delta_se)).toBeLessThan(1e-9);
    expect(estimate.effect_unit).toBe('relative');
  });
  it('rejects ratio with outcome, covariates or CUPED', () => {
    for (const extra of [{ outcome: 'revenue' }, { covariates: ['pre'] }, { pre_period_metric: 'pre' }]) {
      expect(() => ExperimentParamsSchema.parse({ treatment: 't', ratio, ...extra })).toThrow(
        /ratio takes treatment/,
      );
    }
  });
});
