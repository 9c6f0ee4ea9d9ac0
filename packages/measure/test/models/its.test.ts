import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTable } from '@impact/contracts';
import { describe, expect, it } from 'vitest';
import { MeasureError } from '../../src/errors';
import {
  defaultHacLags,
  InterruptedTimeSeriesParamsSchema,
  interruptedTimeSeriesModel,
} from '../../src/models/its';
import { prewhitenedHacCovariance } from '../../src/models/panel/prewhitened-hac';
import { fitOls } from '../../src/stats/ols';

interface ItsFixture {
  y: number[];
  date: string[];
  first_post_index: number;
  fits: {
    weekday: boolean;
    lags: number;
    level_change: number;
    level_change_se: number;
    slope_change: number;
    slope_change_se: number;
    trend: number;
    trend_se: number;
    effect: number;
    effect_se: number;
    residual_autocorrelation_lag1: number;
  }[];
}

const golden = JSON.parse(
  readFileSync(join(__dirname, '..', 'fixtures', 'panel', 'its-hac.json'), 'utf8'),
) as ItsFixture;
const context = { ciLevel: 0.95, seed: 1 };
const relative = (actual: number, expected: number) =>
  Math.abs(actual - expected) / Math.max(1e-12, Math.abs(expected));
const post = Float64Array.from(golden.y, (_, t) => (t >= golden.first_post_index ? 1 : 0));
// Shuffled row order: the model must sort by date itself.
const order = golden.y.map((_, t) => t).sort((a, b) => ((a * 37) % 120) - ((b * 37) % 120));
const table = createTable({
  date: order.map((t) => golden.date[t] as string),
  y: Float64Array.from(order, (t) => golden.y[t] as number),
  post: Float64Array.from(order, (t) => post[t] as number),
});

describe('interrupted_time_series against statsmodels OLS HAC (use_correction=False) and R sandwich', () => {
  for (const reference of golden.fits) {
    it(`matches coefficients, HAC SEs and the mean-gap effect to 1e-6 (weekday ${reference.weekday}, maxlags ${reference.lags})`, () => {
      const params = InterruptedTimeSeriesParamsSchema.parse({
        outcome: 'y',
        weekday_effects: reference.weekday,
        hac_lags: reference.lags,
        hac_prewhite: false,
        small_sample: false,
      });
      const estimate = interruptedTimeSeriesModel.fit(table, params, context);
      const coefficients = estimate.details.coefficients as Record<
        string,
        { estimate: number; standard_error: number }
      >;
      expect(relative(coefficients.level_change?.estimate as number, reference.level_change)).toBeLessThan(
        1e-6,
      );
      expect(
        relative(coefficients.level_change?.standard_error as number, reference.level_change_se),
      ).toBeLessThan(1e-6);
      expect(relative(coefficients.slope_change?.estimate as number, reference.slope_change)).toBeLessThan(
        1e-6,
      );
      expect(
        relative(coefficients.slope_change?.standard_error as number, reference.slope_change_se),
      ).toBeLessThan(1e-6);
      expect(relative(coefficients.trend?.standard_error as number, reference.trend_se)).toBeLessThan(1e-6);
      expect(relative(estimate.effect_estimate, reference.effect)).toBeLessThan(1e-6);
      expect(relative(estimate.standard_error, reference.effect_se)).toBeLessThan(1e-6);
      expect(
        relative(
          estimate.diagnostics.residual_autocorrelation_lag1 as number,
          reference.residual_autocorrelation_lag1,
        ),
      ).toBeLessThan(1e-6);
      expect(estimate.diagnostics.hac_lags).toBe(reference.lags);
    });
  }

  it('matches R sandwich::NeweyWest(prewhite = TRUE, adjust = TRUE) for the default prewhitened covariance to 1e-6', () => {
    const prewhite = JSON.parse(
      readFileSync(join(__dirname, '..', 'fixtures', 'panel', 'its-hac-prewhite.json'), 'utf8'),
    ) as {
      fits: {
        weekday: boolean;
        lags: number;
        level_change_se: number;
        slope_change_se: number;
        trend_se: number;
        effect: number;
        effect_se: number;
      }[];
    };
    expect(prewhite.fits).toHaveLength(6);
    for (const reference of prewhite.fits) {
      const params = InterruptedTimeSeriesParamsSchema.parse({
        outcome: 'y',
        weekday_effects: reference.weekday,
        hac_lags: reference.lags,
        small_sample: false,
      });
      const estimate = interruptedTimeSeriesModel.fit(table, params, context);
      const coefficients = estimate.details.coefficients as Record<string, { standard_error: number }>;
      expect(
        relative(coefficients.level_change?.standard_error as number, reference.level_change_se),
      ).toBeLessThan(1e-6);
      expect(
        relative(coefficients.slope_change?.standard_error as number, reference.slope_change_se),
      ).toBeLessThan(1e-6);
      expect(relative(coefficients.trend?.standard_error as number, reference.trend_se)).toBeLessThan(1e-6);
      expect(relative(estimate.effect_estimate, reference.effect)).toBeLessThan(1e-6);
      expect(relative(estimate.standard_error, reference.effect_se)).toBeLessThan(1e-6);
    }
  });

  it('reports the effect as the mean post-period gap, with the counterfactual path and cumulative effect', () => {
    const estimate = interruptedTimeSeriesModel.fit(
      table,
      InterruptedTimeSeriesParamsSchema.parse({ outcome: 'y' }),
      context,
    );
    const path = estimate.details.counterfactual as {
      gap: number;
      cumulative_gap: number;
      observed: number;
      counterfactual: number;
    }[];
    expect(path).toHaveLength(120 - golden.first_post_index);
    const meanGap = path.reduce((sum, row) => sum + row.gap, 0) / path.length;
    expect(estimate.effect_estimate).toBeCloseTo(meanGap, 9);
    const cumulative = estimate.details.cumulative_effect as { estimate: number };
    expect(cumulative.estimate).toBeCloseTo(path.at(-1)?.cumulative_gap as number, 8);
    expect(estimate.diagnostics.hac_lags).toBe(defaultHacLags(120));
  });
});

describe('interrupted_time_series: bad input', () => {
  const params = InterruptedTimeSeriesParamsSchema.parse({ outcome: 'y' });
  const codeOf = (columns: Record<string, unknown>) => {
    try {
      interruptedTimeSeriesModel.fit(createTable({ ...table.columns, ...columns } as never), params, context);
    } catch (error) {
      expect(error).toBeInstanceOf(MeasureError);
      return (error as MeasureError).code;
    }
    return 'none';
  };
  it('rejects no post-period, no pre-period and NaN outcomes', () => {
    expect(codeOf({ post: new Float64Array(120) })).toBe('DATA_NO_POST_PERIOD');
    expect(codeOf({ post: new Float64Array(120).fill(1) })).toBe('DATA_NO_PRE_PERIOD');
    const y = Float64Array.from(table.columns.y as Float64Array);
    y[3] = Number.POSITIVE_INFINITY;
    expect(codeOf({ y })).toBe('DATA_NON_FINITE');
  });
  it('rejects repeated periods (unaggregated data), naming the time column', () => {
    const dates = [...(table.columns.date as string[])];
    dates[1] = dates[0] as string;
    expect(codeOf({ date: dates })).toBe('MODEL_PARAMS_INVALID');
  });
  it('refuses fewer pre-periods than min_pre_periods (default 8) with DATA_TOO_FEW_ROWS', () => {
    const shortPre = Float64Array.from(order, (t) => (t >= 5 ? 1 : 0));
    expect(codeOf({ post: shortPre })).toBe('DATA_TOO_FEW_ROWS');
    expect(() =>
      interruptedTimeSeriesModel.fit(
        createTable({ ...table.columns, post: shortPre } as never),
        InterruptedTimeSeriesParamsSchema.parse({ outcome: 'y', min_pre_periods: 5 }),
        context,
      ),
    ).not.toThrow();
  });
  it('refuses a constant outcome and an exactly fitted series with DATA_ZERO_VARIANCE, not a p-value', () => {
    expect(codeOf({ y: new Float64Array(120).fill(7) })).toBe('DATA_ZERO_VARIANCE');
    const line = Float64Array.from(order, (t) => 100 + 0.5 * t + (t >= golden.first_post_index ? 3 : 0));
    expect(codeOf({ y: line })).toBe('DATA_ZERO_VARIANCE');
  });
  it('refuses a singular prewhitening VAR (two exactly fitted pre-periods) with MODEL_SINGULAR_DESIGN', () => {
    const n = 33;
    const trend = Float64Array.from({ length: n }, (_, t) => t - 2);
    const level = trend.map((value) => (value >= 0 ? 1 : 0));
    const columns = [new Float64Array(n).fill(1), trend, level, trend.map((v) => Math.max(v, 0))];
    const y = trend.map((value, t) => 100 + value + 5 * (level[t] as number) + Math.sin(7.3 * t));
    const fit = fitOls({ design: { n, p: 4, columns, names: ['a', 'b', 'c', 'd'] }, y });
    const xtxInverse = fit.covariance.map((value) => (value * fit.dfResidual) / fit.rss);
    expect(() => prewhitenedHacCovariance(columns, fit.residuals, xtxInverse, 3)).toThrow(
      expect.objectContaining({ code: 'MODEL_SINGULAR_DESIGN', parameter: 'hac_prewhite' }),
    );
  });
  it('reports Satterthwaite df and keeps small-sample intervals wider than the n − p ones', () => {
    const shortPre = Float64Array.from({ length: 40 }, (_, t) => (t >= 10 ? 1 : 0));
    const short = createTable({
      date: (golden.date as string[]).slice(0, 40),
      y: Float64Array.from((golden.y as number[]).slice(0, 40)),
      post: shortPre,
    });
    const honest = interruptedTimeSeriesModel.fit(short, params, context);
    const naive = interruptedTimeSeriesModel.fit(
      short,
      InterruptedTimeSeriesParamsSchema.parse({ outcome: 'y', small_sample: false }),
      context,
    );
    expect(honest.diagnostics.df as number).toBeLessThan(naive.diagnostics.df as number);
    expect(honest.ci_upper - honest.ci_lower).toBeGreaterThan(naive.ci_upper - naive.ci_lower);
    expect(honest.effect_estimate).toBeCloseTo(naive.effect_estimate, 10);
  });
  it('rejects a missing time column', () => {
    expect(() =>
      interruptedTimeSeriesModel.fit(
        createTable({ y: table.columns.y as Float64Array, post }),
        params,
        context,
      ),
    ).toThrow(/time column "date" not found/);
  });
});

describe('interrupted_time_series: intervention and headline effect', () => {
  const withPost = interruptedTimeSeriesModel.fit(
    table,
    InterruptedTimeSeriesParamsSchema.parse({ outcome: 'y' }),
    context,
  );
  const noPost = createTable({ date: table.columns.date as string[], y: table.columns.y as Float64Array });
  it('intervention by date or by 0-based position gives the same fit as the post column', () => {
    const byDate = interruptedTimeSeriesModel.fit(
      noPost,
      InterruptedTimeSeriesParamsSchema.parse({
        outcome: 'y',
        intervention: golden.date[golden.first_post_index] as string,
      }),
      context,
    );
    const byIndex = interruptedTimeSeriesModel.fit(
      noPost,
      InterruptedTimeSeriesParamsSchema.parse({ outcome: 'y', intervention: golden.first_post_index }),
      context,
    );
    for (const estimate of [byDate, byIndex]) {
      expect(estimate.effect_estimate).toBe(withPost.effect_estimate);
      expect(estimate.standard_error).toBe(withPost.standard_error);
      expect(estimate.diagnostics.n_pre_periods).toBe(golden.first_post_index);
    }
  });
  it('refuses an intervention after the last period, a date on a numeric time axis and a bad date', () => {
    const fit =
      (intervention: unknown, data = noPost, time = 'date') =>
      () =>
        interruptedTimeSeriesModel.fit(
          data,
          InterruptedTimeSeriesParamsSchema.parse({ outcome: 'y', time, intervention }),
          context,
        );
    expect(fit('2099-01-01')).toThrow(expect.objectContaining({ code: 'DATA_NO_POST_PERIOD' }));
    expect(fit(500)).toThrow(expect.objectContaining({ code: 'DATA_NO_POST_PERIOD' }));
    const numeric = createTable({
      t: Float64Array.from(golden.y, (_, i) => i),
      y: Float64Array.from(golden.y),
    });
    expect(fit('2024-02-01', numeric, 't')).toThrow(
      expect.objectContaining({ code: 'MODEL_PARAMS_INVALID', parameter: 'intervention' }),
    );
    expect(() => InterruptedTimeSeriesParamsSchema.parse({ intervention: '01/02/2024' })).toThrow();
  });
  it('reports level, slope and cumulative effects and can make any of them the headline', () => {
    const coefficients = withPost.details.coefficients as Record<
      string,
      { estimate: number; standard_error: number }
    >;
    const effects = withPost.details.effects as Record<string, { estimate: number; standard_error: number }>;
    const nPost = withPost.diagnostics.n_post_periods as number;
    expect(effects.mean_gap?.estimate).toBe(withPost.effect_estimate);
    expect(effects.level?.estimate).toBeCloseTo(coefficients.level_change?.estimate as number, 12);
    expect(effects.level?.standard_error).toBeCloseTo(
      coefficients.level_change?.standard_error as number,
      12,
    );
    expect(effects.slope?.estimate).toBeCloseTo(coefficients.slope_change?.estimate as number, 12);
    expect(effects.cumulative?.estimate).toBeCloseTo(nPost * withPost.effect_estimate, 9);
    expect(effects.cumulative?.standard_error).toBeCloseTo(nPost * withPost.standard_error, 9);
    for (const effect of ['level', 'slope', 'cumulative'] as const) {
      const headline = interruptedTimeSeriesModel.fit(
        table,
        InterruptedTimeSeriesParamsSchema.parse({ outcome: 'y', effect }),
        context,
      );
      expect(headline.effect_estimate).toBeCloseTo(effects[effect]?.estimate as number, 12);
      expect(headline.standard_error).toBeCloseTo(effects[effect]?.standard_error as number, 12);
      expect(headline.diagnostics.effect).toBe(effect);
    }
  });
});
