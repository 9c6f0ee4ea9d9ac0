import type { Table } from '@impact/contracts';
import { z } from 'zod';
import { fitOls } from '../../stats/ols';
import { defineModel, type ModelEstimate } from '../model';
import {
  balanceSummary,
  observationalBaseShape,
  observationalEstimate,
  readObservationalData,
} from './common';

/**
 * Parameters of `regression_adjustment` (strict: unknown keys are rejected).
 *
 * @example
 * ```ts
 * const params = RegressionAdjustmentParamsSchema.parse({ outcome: 're78', treatment: 'treat', covariates: ['age', 'educ'] });
 * ```
 */
export const RegressionAdjustmentParamsSchema = z.strictObject({
  ...observationalBaseShape,
  /** Target population: ATE (all rows) or ATT (treated rows). Matters only with `interactions`. */
  estimand: z.enum(['ATE', 'ATT']).default('ATE'),
  /** Add treatment × centred-covariate interactions (Lin 2013), so the treatment coefficient is the estimand. */
  interactions: z.boolean().default(true),
  covariance: z.enum(['classical', 'HC0', 'HC1', 'HC2', 'HC3']).default('HC2'),
});
/** Parameters of `regression_adjustment` (parsed). */
export type RegressionAdjustmentParams = z.output<typeof RegressionAdjustmentParamsSchema>;

/**
 * `regression_adjustment`: OLS of the outcome on an intercept, the 0/1 treatment D and covariates X
 * centred at their mean over the target population (all rows for ATE, treated rows for ATT), plus, with
 * `interactions` (default), D × (X − x̄) (Lin 2013, "Agnostic notes on regression adjustments to
 * experimental data"). The D coefficient is then the regression estimate of the ATE/ATT:
 * τ̂ = mean over the target rows of μ̂₁(X) − μ̂₀(X). SE: heteroskedasticity-robust sandwich (HC2 default, as
 * Lin recommends; HC0–HC3 or classical), treating the centring means as fixed, with a t reference on
 * n − p df. Identical numbers to statsmodels `OLS(...).fit(cov_type='HC2')` on the same design.
 *
 * @example
 * ```ts
 * const estimate = regressionAdjustmentModel.fit(table, RegressionAdjustmentParamsSchema.parse({ outcome: 're78', treatment: 'treat', covariates: ['age', 'educ'] }), { ciLevel: 0.95, seed: 0 });
 * ```
 */
export const regressionAdjustmentModel = defineModel<RegressionAdjustmentParams>({
  name: 'regression_adjustment',
  modelType: 'observational',
  paramsSchema: RegressionAdjustmentParamsSchema as unknown as z.ZodType<RegressionAdjustmentParams>,
  fit(table: Table, params: RegressionAdjustmentParams, context): ModelEstimate {
    const data = readObservationalData(table, params, false);
    const { n, treatment } = data;
    const d = Float64Array.from(treatment);
    const centred = data.covariates.map((column) => {
      let sum = 0;
      let count = 0;
      for (let i = 0; i < n; i++) {
        if (params.estimand === 'ATE' || treatment[i] === 1) {
          sum += column[i] as number;
          count++;
        }
      }
      const centre = sum / count;
      return column.map((value) => value - centre);
    });
    const columns = [new Float64Array(n).fill(1), d, ...centred];
    const names = ['(Intercept)', params.treatment, ...data.covariateNames];
    if (params.interactions) {
      centred.forEach((column, j) => {
        columns.push(column.map((value, i) => value * (d[i] as number)));
        names.push(`${params.treatment}:${data.covariateNames[j]}`);
      });
    }
    const fit = fitOls({
      design: { n, p: columns.length, columns, names },
      y: data.outcome,
      covariance: { type: params.covariance },
    });
    const balance = balanceSummary(data, new Float64Array(n).fill(1));
    return observationalEstimate(fit.coefficients[1] as number, fit.standardErrors[1] as number, {
      ciLevel: context.ciLevel,
      df: fit.dfResidual,
      sampleSize: n,
      metric: params.outcome,
      diagnostics: {
        n_treated: data.nTreated,
        n_control: data.nControl,
        df: fit.dfResidual,
        r_squared: fit.rSquared,
        estimand: params.estimand,
        covariance: params.covariance,
        max_abs_smd_before: balance.maxBefore,
      },
      details: {
        coefficients: fit.names.map((name, j) => ({
          name,
          estimate: fit.coefficients[j] as number,
          standard_error: fit.standardErrors[j] as number,
        })),
        balance: balance.table.map(({ covariate, smd_before }) => ({ covariate, smd_before })),
      },
    });
  },
});
