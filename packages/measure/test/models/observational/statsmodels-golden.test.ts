import { readFileSync } from 'node:fs';
import type { Table } from '@impact/contracts';
import { describe, expect, it } from 'vitest';
import { IpwParamsSchema, ipwModel } from '../../../src/models/observational/ipw';
import { logisticRegression } from '../../../src/models/observational/logistic';
import {
  RegressionAdjustmentParamsSchema,
  regressionAdjustmentModel,
} from '../../../src/models/observational/regression-adjustment';
import {
  SubclassificationParamsSchema,
  subclassificationModel,
} from '../../../src/models/observational/subclassification';
import { csvTable, LALONDE_COVARIATES, lalondeTable } from './helpers';

interface Golden {
  nhefs_covariates: string[];
  logistic: Record<string, { coefficients: number[]; standard_errors: number[]; deviance: number }>;
  regression_adjustment: {
    params: Record<string, unknown>;
    estimate: number;
    standard_error: number;
    df: number;
  }[];
  ipw: {
    data: 'nhefs' | 'lalonde';
    params: Record<string, unknown>;
    estimate: number;
    robust_wls_se: number;
    m_estimation_se: number;
    dropped?: number;
  }[];
  subclassification: {
    data: 'nhefs' | 'lalonde';
    params: Record<string, unknown>;
    estimate: number;
    standard_error: number;
    n_treated: number[];
    n_control: number[];
  }[];
  subclassification_regression: {
    data: 'nhefs' | 'lalonde';
    params: Record<string, unknown>;
    estimate: number;
    standard_error: number;
  }[];
}
const golden = JSON.parse(
  readFileSync(new URL('../../fixtures/observational/statsmodels.json', import.meta.url), 'utf8'),
) as Golden;
const context = { ciLevel: 0.95, seed: 1 };
const lalonde = lalondeTable();
const nhefs = csvTable(new URL('../../fixtures/observational/nhefs.csv', import.meta.url));
const datasets: Record<'nhefs' | 'lalonde', { table: Table; base: Record<string, unknown> }> = {
  lalonde: { table: lalonde, base: { outcome: 're78', treatment: 'treat', covariates: LALONDE_COVARIATES } },
  nhefs: {
    table: nhefs,
    base: { outcome: 'outcome', treatment: 'trt', covariates: golden.nhefs_covariates },
  },
};

function relative(actual: number, expected: number): number {
  return Math.abs(actual - expected) / Math.abs(expected);
}

describe('logisticRegression vs statsmodels Logit (same Newton MLE)', () => {
  for (const name of ['lalonde', 'nhefs'] as const) {
    it(`matches coefficients, SEs and deviance on ${name} to 1e-6 relative`, () => {
      const { table, base } = datasets[name];
      const covariates = base.covariates as string[];
      const n = table.rowCount;
      const fit = logisticRegression({
        n,
        columns: [new Float64Array(n).fill(1), ...covariates.map((c) => table.columns[c] as Float64Array)],
        names: ['(Intercept)', ...covariates],
        y: Uint8Array.from(table.columns[base.treatment as string] as Uint8Array),
      });
      const reference = golden.logistic[name];
      if (!reference) throw new Error('missing fixture');
      reference.coefficients.forEach((value, j) => {
        // Coefficients near 0 (re74: −7e−5) are compared absolutely on the scale of their SE.
        expect(Math.abs((fit.coefficients[j] as number) - value)).toBeLessThan(
          1e-6 * Math.max(Math.abs(value), reference.standard_errors[j] as number),
        );
        const se = Math.sqrt(fit.covariance[j * fit.names.length + j] as number);
        expect(relative(se, reference.standard_errors[j] as number)).toBeLessThan(1e-6);
      });
      expect(relative(fit.deviance, reference.deviance)).toBeLessThan(1e-9);
    });
  }
});

describe('regression_adjustment vs statsmodels OLS with HC covariance (same design): 1e-6 relative', () => {
  for (const reference of golden.regression_adjustment) {
    it(`matches estimate, SE and df for ${JSON.stringify(reference.params)}`, () => {
      const estimate = regressionAdjustmentModel.fit(
        lalonde,
        RegressionAdjustmentParamsSchema.parse({ ...datasets.lalonde.base, ...reference.params }),
        context,
      );
      expect(relative(estimate.effect_estimate, reference.estimate)).toBeLessThan(1e-6);
      expect(relative(estimate.standard_error, reference.standard_error)).toBeLessThan(1e-6);
      expect(estimate.diagnostics.df).toBe(reference.df);
    });
  }
});

describe('ipw vs statsmodels WLS (HC0) and an M-estimation sandwich with a complex-step numerical Jacobian', () => {
  for (const reference of golden.ipw) {
    const label = `${reference.data} ${JSON.stringify(reference.params)}`;
    it(`robust_wls: estimate and HC0 SE match statsmodels to 1e-6 relative (${label})`, () => {
      const { table, base } = datasets[reference.data];
      const estimate = ipwModel.fit(
        table,
        IpwParamsSchema.parse({ ...base, ...reference.params, standard_error: 'robust_wls' }),
        context,
      );
      expect(relative(estimate.effect_estimate, reference.estimate)).toBeLessThan(1e-6);
      expect(relative(estimate.standard_error, reference.robust_wls_se)).toBeLessThan(1e-6);
    });
    it(`m_estimation: SE matches the complex-step-Jacobian sandwich to 1e-6 relative (${label})`, () => {
      const { table, base } = datasets[reference.data];
      const estimate = ipwModel.fit(table, IpwParamsSchema.parse({ ...base, ...reference.params }), context);
      expect(relative(estimate.effect_estimate, reference.estimate)).toBeLessThan(1e-6);
      expect(relative(estimate.standard_error, reference.m_estimation_se)).toBeLessThan(1e-6);
      expect(estimate.diagnostics.trim_dropped).toBe(reference.dropped ?? 0);
    });
  }

  it('reproduces Hernán & Robins (Causal Inference: What If, §12.2) on NHEFS: 3.4 kg, 95% CI 2.4 to 4.5', () => {
    const estimate = ipwModel.fit(
      nhefs,
      IpwParamsSchema.parse({ ...datasets.nhefs.base, standard_error: 'robust_wls' }),
      context,
    );
    expect(estimate.effect_estimate).toBeCloseTo(3.44, 2);
    expect(estimate.ci_lower).toBeCloseTo(2.41, 2);
    expect(estimate.ci_upper).toBeCloseTo(4.47, 2);
    expect(estimate.diagnostics.max_abs_smd_after as number).toBeLessThan(0.1);
    expect(estimate.diagnostics.max_abs_smd_before as number).toBeGreaterThan(0.1);
  });
});

describe('subclassification vs a pandas/numpy computation of the same quantile strata: 1e-6 relative', () => {
  for (const reference of golden.subclassification) {
    it(`matches strata, estimate and SE (${reference.data} ${JSON.stringify(reference.params)})`, () => {
      const { table, base } = datasets[reference.data];
      const estimate = subclassificationModel.fit(
        table,
        SubclassificationParamsSchema.parse({ ...base, ...reference.params }),
        context,
      );
      const strata = estimate.details.strata as { n_treated: number; n_control: number }[];
      expect(strata.map((s) => s.n_treated)).toEqual(reference.n_treated);
      expect(strata.map((s) => s.n_control)).toEqual(reference.n_control);
      expect(relative(estimate.effect_estimate, reference.estimate)).toBeLessThan(1e-6);
      expect(relative(estimate.standard_error, reference.standard_error)).toBeLessThan(1e-6);
    });
  }
});

describe('subclassification with within-stratum regression vs statsmodels OLS HC2 per stratum: 1e-6 relative', () => {
  for (const reference of golden.subclassification_regression) {
    it(`matches estimate and SE (${reference.data} ${JSON.stringify(reference.params)})`, () => {
      const { table, base } = datasets[reference.data];
      const estimate = subclassificationModel.fit(
        table,
        SubclassificationParamsSchema.parse({ ...base, ...reference.params }),
        context,
      );
      expect(relative(estimate.effect_estimate, reference.estimate)).toBeLessThan(1e-6);
      expect(relative(estimate.standard_error, reference.standard_error)).toBeLessThan(1e-6);
    });
  }
});
