import type { Table } from '@impact/contracts';
import { z } from 'zod';
import { binaryColumn, numericColumn, stringColumn } from '../data/columns';
import { MeasureError } from '../errors';
import { buildDesign, type ParsedFormula, parseFormula } from '../formula/formula';
import { chiSquaredSurvival } from '../stats/distributions';
import { type CovarianceSpec, fitOls, inferenceFromEstimate, type OlsFit } from '../stats/ols';
import { cupedAdjust } from './cuped';
import { estimateRatioExperiment, RatioParamsSchema } from './experiment/ratio';
import { SequentialParamsSchema } from './experiment/sequential';
import { applySequential } from './experiment/sequential-looks';
import { WinsorizeParamsSchema, winsorize, winsorizeWithDiagnostics } from './experiment/winsorize';
import { defineModel, type JsonValue, type ModelEstimate } from './model';
import { refuseConstantOutcome, refuseExactFit } from './outcome-checks';

/**
 * Parameters of the `experiment` model. Either `formula` (R style; the first right-hand-side term is the
 * treatment) or `outcome` + `treatment` (+ `covariates`, `categorical`).
 */
export const ExperimentParamsSchema = z
  .strictObject({
    formula: z.string().min(1).optional(),
    outcome: z.string().min(1).optional(),
    treatment: z.string().min(1).optional(),
    covariates: z.array(z.string().min(1)).default([]),
    categorical: z.array(z.string().min(1)).default([]),
    covariance: z.enum(['classical', 'HC0', 'HC1', 'HC2', 'HC3']).default('HC1'),
    cluster: z.string().min(1).optional(),
    pre_period_metric: z.string().min(1).optional(),
    expected_treated_share: z.number().gt(0).lt(1).default(0.5),
    effect_unit: z.enum(['absolute', 'relative']).default('absolute'),
    /** A ratio metric (Σ numerator / Σ denominator per arm) with delta-method SEs instead of `outcome`. */
    ratio: RatioParamsSchema.optional(),
    /** Cap the outcome (and pre_period_metric) at pooled quantiles before CUPED (models/experiment/winsorize.ts). */
    winsorize: WinsorizeParamsSchema.optional(),
    /** Always-valid inference for reading the experiment at any time (see models/experiment/sequential.ts). */
    sequential: SequentialParamsSchema.optional(),
  })
  .refine(
    (p) =>
      p.formula !== undefined ||
      (p.treatment !== undefined && (p.outcome !== undefined || p.ratio !== undefined)),
    {
      message: 'expected either formula or both outcome and treatment',
      path: ['formula'],
    },
  )
  .refine(
    (p) =>
      p.ratio === undefined ||
      (p.formula === undefined &&
        p.outcome === undefined &&
        p.covariates.length === 0 &&
        p.categorical.length === 0 &&
        p.pre_period_metric === undefined &&
        p.cluster === undefined &&
        p.winsorize === undefined &&
        p.sequential === undefined),
    {
      message:
        'ratio takes treatment (and expected_treated_share, effect_unit) only: no outcome, formula, covariates, pre_period_metric, cluster, winsorize or sequential',
      path: ['ratio'],
    },
  )
  .refine(
    (p) =>
      p.formula === undefined ||
      (p.outcome === undefined &&
        p.treatment === undefined &&
        p.covariates.length === 0 &&
        p.categorical.length === 0),
    {
      message: 'give either formula or outcome/treatment/covariates, not both',
      path: ['formula'],
    },
  );
/** Parameters of the `experiment` model (parsed). */
export type ExperimentParams = z.output<typeof ExperimentParamsSchema>;

function formulaFromParams(params: ExperimentParams): ParsedFormula {
  if (params.formula !== undefined) return parseFormula(params.formula);
  return {
    outcome: params.outcome as string,
    intercept: true,
    terms: [
      {
        label: params.treatment as string,
        factors: [{ column: params.treatment as string, categorical: false }],
      },
      ...params.covariates.map((column) => ({ label: column, factors: [{ column, categorical: false }] })),
      ...params.categorical.map((column) => ({
        label: `C(${column})`,
        factors: [{ column, categorical: true }],
      })),
    ],
  };
}

/**
 * The experiment model's formula (from `formula` or `outcome`/`treatment`/…) with its checks: the first
 * term is the 0/1 treatment column and there is an intercept. Shared by the in-memory and pushdown paths.
 *
 * @example
 * ```ts
 * const { formula, treatmentName } = experimentFormula(ExperimentParamsSchema.parse({ formula: 'y ~ d + x' }));
 * ```
 */
export function experimentFormula(params: ExperimentParams): {
  formula: ParsedFormula;
  treatmentName: string;
} {
  const formula = formulaFromParams(params);
  const first = formula.terms[0];
  if (first?.factors.length !== 1 || first.factors[0]?.categorical) {
    throw new MeasureError(
      'MODEL_FORMULA_INVALID',
      `the first right-hand-side term must be the 0/1 treatment column, got "${first?.label}"`,
      {
        parameter: 'formula',
      },
    );
  }
  if (!formula.intercept) {
    throw new MeasureError(
      'MODEL_FORMULA_INVALID',
      'the experiment model needs an intercept (remove "- 1" / "+ 0")',
      { parameter: 'formula' },
    );
  }
  const treatmentName = first.label;
  return { formula, treatmentName };
}

/** What {@link experimentEstimateFromFit} needs besides the fit. */
export interface ExperimentFitSetup {
  params: ExperimentParams;
  formula: ParsedFormula;
  treatmentName: string;
  n: number;
  nTreated: number;
  nControl: number;
  /** Diagnostics gathered so far (counts, CUPED); completed in place. */
  diagnostics: Record<string, JsonValue>;
  ciLevel: number;
}

/**
 * The experiment model's estimate from a fitted regression: absolute effect, relative lift by the delta
 * method, SRM test, diagnostics and details. Shared by the in-memory fit and the SQL pushdown, which
 * passes a fit assembled from sufficient statistics (only coefficients, standard errors, covariance,
 * names, p, dfResidual, rSquared and clusterCount are read).
 *
 * @example
 * ```ts
 * return experimentEstimateFromFit(fit, { params, formula, treatmentName, n, nTreated, nControl, diagnostics, ciLevel: 0.95 });
 * ```
 */
export function experimentEstimateFromFit(
  fit: Pick<
    OlsFit,
    | 'coefficients'
    | 'standardErrors'
    | 'covariance'
    | 'names'
    | 'p'
    | 'dfResidual'
    | 'rSquared'
    | 'clusterCount'
  >,
  setup: ExperimentFitSetup,
): ModelEstimate {
  const { params, formula, treatmentName, n, nTreated, nControl, diagnostics } = setup;
  const context = { ciLevel: setup.ciLevel };
  const treatmentIndex = 1;
  const df = fit.clusterCount === undefined ? fit.dfResidual : fit.clusterCount - 1;
  const absolute = inferenceFromEstimate(
    fit.coefficients[treatmentIndex] as number,
    fit.standardErrors[treatmentIndex] as number,
    context.ciLevel,
    df,
  );

  // Relative lift β/α with the delta method (α = control mean at the covariate means).
  const alpha = fit.coefficients[0] as number;
  const beta = absolute.estimate;
  const p = fit.p;
  const vAA = fit.covariance[0] as number;
  const vAB = fit.covariance[treatmentIndex] as number;
  const vBB = fit.covariance[treatmentIndex * p + treatmentIndex] as number;
  let relative: ReturnType<typeof inferenceFromEstimate> | undefined;
  if (alpha !== 0) {
    const variance = vBB / alpha ** 2 - (2 * beta * vAB) / alpha ** 3 + (beta ** 2 * vAA) / alpha ** 4;
    // Second-order bias of a ratio estimator: E[β̂/α̂] ≈ β/α + (β·V_αα/α − V_αβ)/α² (Taylor expansion to
    // second order; for independent groups this is R·CV²(ȳ_c)). Subtracted, as it is not negligible
    // for heavy-tailed metrics such as revenue (see validate/experiment.validate.ts).
    const ratioBias = ((beta * vAA) / alpha - vAB) / alpha ** 2;
    relative = inferenceFromEstimate(
      beta / alpha - ratioBias,
      Math.sqrt(Math.max(0, variance)),
      context.ciLevel,
      df,
    );
    diagnostics.relative_lift_uncorrected = beta / alpha;
    diagnostics.relative_lift = relative.estimate;
    diagnostics.relative_lift_se = relative.standardError;
    diagnostics.relative_lift_ci_lower = relative.ciLower;
    diagnostics.relative_lift_ci_upper = relative.ciUpper;
  } else if (params.effect_unit === 'relative') {
    throw new MeasureError(
      'DATA_EMPTY_GROUP',
      `relative lift is undefined: the control mean of "${formula.outcome}" is 0`,
      { column: formula.outcome },
    );
  }
  diagnostics.control_mean = alpha;
  diagnostics.df = df;
  diagnostics.r_squared = fit.rSquared;
  diagnostics.covariance = params.cluster === undefined ? params.covariance : 'cluster (CR1)';
  // Sample-ratio mismatch: Pearson χ²(1) of the observed split vs the expected share.
  const expectedTreated = n * params.expected_treated_share;
  const expectedControl = n - expectedTreated;
  const srmChi2 =
    (nTreated - expectedTreated) ** 2 / expectedTreated + (nControl - expectedControl) ** 2 / expectedControl;
  diagnostics.expected_treated_share = params.expected_treated_share;
  diagnostics.srm_chi2 = srmChi2;
  diagnostics.srm_p_value = chiSquaredSurvival(srmChi2, 1);

  const headline = params.effect_unit === 'relative' && relative ? relative : absolute;
  const coefficients = fit.names.map((name, j) => ({
    name,
    estimate: fit.coefficients[j] as number,
    standard_error: fit.standardErrors[j] as number,
  }));
  return {
    effect_estimate: headline.estimate,
    standard_error: headline.standardError,
    ci_lower: headline.ciLower,
    ci_upper: headline.ciUpper,
    p_value: headline.pValue,
    sample_size: n,
    metric: formula.outcome,
    effect_unit: params.effect_unit,
    diagnostics,
    details: {
      coefficients,
      covariance: Array.from(fit.covariance),
      treatment: treatmentName,
      absolute_effect: {
        estimate: absolute.estimate,
        standard_error: absolute.standardError,
        ci_lower: absolute.ciLower,
        ci_upper: absolute.ciUpper,
        p_value: absolute.pValue,
      },
      ...(relative
        ? {
            relative_effect: {
              estimate: relative.estimate,
              standard_error: relative.standardError,
              ci_lower: relative.ciLower,
              ci_upper: relative.ciUpper,
              p_value: relative.pValue,
            },
          }
        : {}),
    },
  };
}

/**
 * `experiment`: randomized comparison of a treated and a control group. Fits OLS of the outcome on an
 * intercept, the 0/1 treatment and optional covariates (formula or explicit columns) with a
 * heteroskedasticity-robust covariance (HC1 by default, HC0–HC3 or classical selectable, or CR1 by
 * `cluster`). Without covariates the treatment coefficient is the difference in means. Covariates are
 * centered so the intercept is the control mean at the covariate means, which gives the relative lift
 * β/α a delta-method SE from the same covariance:
 * Var(β/α) ≈ V_ββ/α² − 2βV_αβ/α³ + β²V_αα/α⁴; the lift is corrected for the ratio's second-order bias
 * (β·V_αα/α − V_αβ)/α². Inference uses t with n − p df (G − 1 with clusters).
 * Diagnostics include a sample-ratio-mismatch χ² test against `expected_treated_share`.
 *
 * @example
 * ```ts
 * const estimate = experimentModel.fit(table, ExperimentParamsSchema.parse({ formula: 'revenue ~ enriched + price' }), { ciLevel: 0.95, seed: 0 });
 * ```
 */
export const experimentModel = defineModel<ExperimentParams>({
  name: 'experiment',
  modelType: 'experiment',
  paramsSchema: ExperimentParamsSchema,
  fit(table: Table, params: ExperimentParams, context): ModelEstimate {
    if (params.ratio !== undefined && params.treatment !== undefined) {
      return estimateRatioExperiment(
        table,
        { ...params, ratio: params.ratio, treatment: params.treatment },
        context.ciLevel,
      );
    }
    const { formula, treatmentName } = experimentFormula(params);
    const treatment = binaryColumn(table, treatmentName, 'treatment');
    let outcome = numericColumn(table, formula.outcome, 'outcome');
    refuseConstantOutcome(outcome, formula.outcome, 'experiment');
    const n = table.rowCount;
    let nTreated = 0;
    for (let i = 0; i < n; i++) nTreated += treatment[i] as number;
    const nControl = n - nTreated;
    if (nTreated === 0 || nControl === 0) {
      throw new MeasureError(
        'DATA_EMPTY_GROUP',
        `treatment column "${treatmentName}" has ${nTreated} treated and ${nControl} control rows; both groups need at least one`,
        { column: treatmentName },
      );
    }
    const diagnostics: Record<string, JsonValue> = { n_treated: nTreated, n_control: nControl };
    if (params.winsorize !== undefined)
      outcome = winsorizeWithDiagnostics(outcome, params.winsorize, diagnostics);
    if (params.pre_period_metric !== undefined) {
      let pre = numericColumn(table, params.pre_period_metric, 'pre-period metric');
      if (params.winsorize !== undefined) pre = winsorize(pre, params.winsorize).values;
      const cuped = cupedAdjust(outcome, pre);
      outcome = cuped.adjusted;
      diagnostics.cuped_theta = cuped.theta;
      diagnostics.cuped_variance_reduction = cuped.varianceReduction;
    }
    const design = buildDesign(table, formula, { centerExcept: new Set([treatmentName]) });
    const covariance: CovarianceSpec =
      params.cluster === undefined
        ? { type: params.covariance }
        : { type: 'cluster', clusters: stringColumn(table, params.cluster, 'cluster') };
    const fit = fitOls({
      design: { n, p: design.names.length, columns: design.columns, names: design.names },
      y: outcome,
      covariance,
    });
    refuseExactFit(fit.rss, outcome, formula.outcome, 'experiment');
    const estimate = experimentEstimateFromFit(fit, {
      params,
      formula,
      treatmentName,
      n,
      diagnostics,
      ciLevel: context.ciLevel,
      nTreated,
      nControl,
    });
    if (params.sequential === undefined) return estimate;
    return applySequential(estimate, table, {
      sequential: params.sequential,
      treatment: treatmentName,
      outcome: formula.outcome,
      differenceInMeans:
        formula.terms.length === 1 &&
        params.pre_period_metric === undefined &&
        params.cluster === undefined &&
        params.effect_unit === 'absolute',
      covariance: params.covariance,
      ciLevel: context.ciLevel,
      refit: (rows) => experimentModel.fit(rows, { ...params, sequential: undefined }, context),
    });
  },
});
