import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createTable, type Table } from '@impact/contracts';
import { describe, expect, it } from 'vitest';
import { MeasureError } from '../../src/errors';
import { type ExperimentParams, ExperimentParamsSchema, experimentModel } from '../../src/models/experiment';
import { loadTableFile } from '../../src/sources/file';
import { studentTQuantile } from '../../src/stats/distributions';

const fixtureDir = fileURLToPath(new URL('../fixtures/', import.meta.url));
const golden = JSON.parse(readFileSync(`${fixtureDir}experiment.json`, 'utf8'));
const lalonde = loadTableFile({ path: 'lalonde.csv', types: { treat: 'binary' } }, fixtureDir);
const context = { ciLevel: 0.95, seed: 0 };

function fit(table: Table, params: Record<string, unknown>, ciLevel = 0.95) {
  return experimentModel.fit(table, ExperimentParamsSchema.parse(params) as ExperimentParams, {
    ...context,
    ciLevel,
  });
}

function relative(a: number, b: number): number {
  return Math.abs(a - b) / Math.max(Math.abs(b), 1e-12);
}

describe('experiment on LaLonde (real data, statsmodels golden values)', () => {
  it('reproduces the naive difference in means (≈ −635) exactly', () => {
    const estimate = fit(lalonde, { outcome: 're78', treatment: 'treat' });
    expect(relative(estimate.effect_estimate, golden.naive.difference_in_means)).toBeLessThan(1e-12);
    expect(estimate.effect_estimate).toBeCloseTo(-635.026, 3);
    expect(relative(estimate.standard_error, golden.naive.se_hc1)).toBeLessThan(1e-9);
    expect(estimate.diagnostics.n_treated).toBe(185);
    expect(estimate.diagnostics.n_control).toBe(429);
    expect(relative(estimate.diagnostics.control_mean as number, golden.naive.control_mean)).toBeLessThan(
      1e-12,
    );
    expect(estimate.metric).toBe('re78');
    expect(estimate.sample_size).toBe(614);
  });

  for (const covariance of ['classical', 'HC0', 'HC1', 'HC2', 'HC3'] as const) {
    it(`formula with C(), interaction and ${covariance} SEs matches statsmodels to 1e-6`, () => {
      const expected = golden.cases[covariance];
      const estimate = fit(
        lalonde,
        {
          formula: 're78 ~ treat + age + educ + C(race) + married + nodegree + re74 + re75 + treat:married',
          covariance,
        },
        0.9,
      );
      const coefficients = estimate.details.coefficients as {
        name: string;
        estimate: number;
        standard_error: number;
      }[];
      // patsy names: C(race)[T.hispan]; ours: C(race)[hispan]. Order: patsy puts C() dummies right after the intercept.
      const ours = new Map(coefficients.map((c) => [c.name.replace('C(race)[', 'C(race)[T.'), c]));
      (expected.names as string[]).forEach((name, k) => {
        // the intercept depends on how covariates are centered (we also center dummies), so skip it
        if (name === 'Intercept') return;
        const mine = ours.get(name);
        expect(mine, name).toBeDefined();
        expect(relative(mine!.standard_error, expected.standard_errors[k]), `${name} SE`).toBeLessThan(1e-6);
        expect(relative(mine!.estimate, expected.coefficients[k]), `${name}`).toBeLessThan(1e-8);
      });
      // t-based 90% interval and p-value of the treatment (statsmodels use_t=True, df = n − p)
      expect(relative(estimate.ci_lower, expected.treat_ci90_t[0])).toBeLessThan(1e-6);
      expect(relative(estimate.ci_upper, expected.treat_ci90_t[1])).toBeLessThan(1e-6);
      expect(relative(estimate.p_value, expected.treat_p_t)).toBeLessThan(1e-6);
      expect(estimate.diagnostics.df).toBe(expected.df_resid);
      expect(estimate.diagnostics.r_squared as number).toBeCloseTo(expected.r_squared, 10);
    });
  }

  it('gives the relative lift (ratio-bias corrected) with a delta-method CI', () => {
    const g = golden.relative;
    const estimate = fit(lalonde, {
      outcome: 're78',
      treatment: 'treat',
      covariates: g.covariates,
      categorical: g.categorical,
      effect_unit: 'relative',
    });
    expect(estimate.effect_unit).toBe('relative');
    expect(relative(estimate.effect_estimate, g.lift)).toBeLessThan(1e-8);
    expect(
      relative(estimate.diagnostics.relative_lift_uncorrected as number, g.lift_uncorrected),
    ).toBeLessThan(1e-8);
    expect(relative(estimate.standard_error, g.lift_se)).toBeLessThan(1e-6);
    expect(relative(estimate.ci_lower, g.lift_ci[0])).toBeLessThan(1e-6);
    expect(relative(estimate.ci_upper, g.lift_ci[1])).toBeLessThan(1e-6);
    const absolute = estimate.details.absolute_effect as { estimate: number; standard_error: number };
    expect(relative(absolute.estimate, g.absolute)).toBeLessThan(1e-8);
    expect(relative(absolute.standard_error, g.absolute_se)).toBeLessThan(1e-6);
  });

  it('applies CUPED with a pre-period metric', () => {
    const estimate = fit(lalonde, { outcome: 're78', treatment: 'treat', pre_period_metric: 're75' });
    expect(relative(estimate.diagnostics.cuped_theta as number, golden.cuped.theta)).toBeLessThan(1e-9);
    expect(relative(estimate.effect_estimate, golden.cuped.estimate)).toBeLessThan(1e-9);
    expect(relative(estimate.standard_error, golden.cuped.se)).toBeLessThan(1e-6);
  });

  it('reports a sample-ratio-mismatch χ² test against the expected share', () => {
    const estimate = fit(lalonde, {
      outcome: 're78',
      treatment: 'treat',
      expected_treated_share: golden.srm.expected_treated_share,
    });
    expect(relative(estimate.diagnostics.srm_chi2 as number, golden.srm.chi2)).toBeLessThan(1e-12);
    expect(relative(estimate.diagnostics.srm_p_value as number, golden.srm.p_value)).toBeLessThan(1e-9);
  });
});

describe('experiment closed forms', () => {
  const table = createTable({
    y: Float64Array.of(1, 2, 3, 4, 10, 12, 14, 16),
    d: Uint8Array.of(0, 0, 0, 0, 1, 1, 1, 1),
    g: ['a', 'a', 'b', 'b', 'c', 'c', 'd', 'd'],
  });
  it('difference in means with HC1 = Welch-type SE √(s₁²/n₁ + s₀²/n₀)·√(n/(n−2))', () => {
    const estimate = fit(table, { formula: 'y ~ d' });
    expect(estimate.effect_estimate).toBeCloseTo(13 - 2.5, 12);
    const s0 = 5 / 3; // var(1,2,3,4)
    const s1 = 20 / 3; // var(10,…,16)
    // HC0 per group: Σe²/n² = s²(n−1)/n²
    const hc0 = (s0 * 3) / 16 + (s1 * 3) / 16;
    expect(estimate.standard_error).toBeCloseTo(Math.sqrt((hc0 * 8) / 6), 12);
    const t = studentTQuantile(0.975, 6);
    expect(estimate.ci_upper - estimate.effect_estimate).toBeCloseTo(t * estimate.standard_error, 12);
  });
  it('uses G − 1 degrees of freedom with cluster-robust SEs', () => {
    const estimate = fit(table, { formula: 'y ~ d', cluster: 'g' });
    expect(estimate.diagnostics.df).toBe(3);
  });
});

describe('experiment bad input', () => {
  const base = createTable({
    y: Float64Array.of(1, 2, 3, 4),
    d: Uint8Array.of(0, 1, 0, 1),
    x: Float64Array.of(1, 1, 2, 2),
  });
  function codeOf(run: () => unknown): string | undefined {
    try {
      run();
    } catch (error) {
      expect(error).toBeInstanceOf(MeasureError);
      return (error as MeasureError).code;
    }
    return undefined;
  }
  it('names a missing outcome column and lists the available ones', () => {
    expect(() => fit(base, { formula: 'revenue ~ d' })).toThrow(/"revenue".*available: y, d, x/);
    expect(codeOf(() => fit(base, { formula: 'revenue ~ d' }))).toBe('DATA_MISSING_COLUMN');
  });
  it('rejects a non-binary treatment', () => {
    expect(codeOf(() => fit(base, { formula: 'y ~ x' }))).toBe('DATA_NOT_BINARY');
  });
  it('rejects NaN outcomes naming the row', () => {
    const bad = createTable({ ...base.columns, y: Float64Array.of(1, Number.NaN, 3, 4) });
    expect(() => fit(bad, { formula: 'y ~ d' })).toThrow(/row 1/);
    expect(codeOf(() => fit(bad, { formula: 'y ~ d' }))).toBe('DATA_NON_FINITE');
  });
  it('rejects text in a numeric column', () => {
    const bad = createTable({ ...base.columns, x: ['1', 'two', '3', '4'] });
    expect(codeOf(() => fit(bad, { formula: 'y ~ d + x' }))).toBe('DATA_NOT_NUMERIC');
  });
  it('rejects an empty control group', () => {
    const bad = createTable({ ...base.columns, d: Uint8Array.of(1, 1, 1, 1) });
    expect(() => fit(bad, { formula: 'y ~ d' })).toThrow(/"d".*4 treated and 0 control/);
    expect(codeOf(() => fit(bad, { formula: 'y ~ d' }))).toBe('DATA_EMPTY_GROUP');
  });
  it('rejects a singular design naming the column', () => {
    const bad = createTable({
      y: Float64Array.of(1, 2, 3, 4, 5, 7),
      d: Uint8Array.of(0, 1, 0, 1, 0, 1),
      x: Float64Array.of(1, 1, 2, 2, 3, 5),
      x2: Float64Array.of(2, 2, 4, 4, 6, 10),
    });
    expect(() => fit(bad, { formula: 'y ~ d + x + x2' })).toThrow(/"x2"/);
    expect(codeOf(() => fit(bad, { formula: 'y ~ d + x + x2' }))).toBe('MODEL_SINGULAR_DESIGN');
  });
  it('rejects params that mix formula and explicit columns, and unknown keys', () => {
    expect(ExperimentParamsSchema.safeParse({ formula: 'y ~ d', outcome: 'y' }).success).toBe(false);
    expect(ExperimentParamsSchema.safeParse({ formula: 'y ~ d', cov_type: 'HC3' }).success).toBe(false);
    expect(ExperimentParamsSchema.safeParse({ outcome: 'y' }).success).toBe(false);
  });
  it('requires the first formula term to be the treatment column', () => {
    expect(codeOf(() => fit(base, { formula: 'y ~ C(d)' }))).toBe('MODEL_FORMULA_INVALID');
  });
});
