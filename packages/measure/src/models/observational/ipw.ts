import type { Table } from '@impact/contracts';
import { z } from 'zod';
import { MeasureError } from '../../errors';
import { fitOls } from '../../stats/ols';
import { defineModel, type JsonValue, type ModelEstimate } from '../model';
import {
  balanceSummary,
  checkOverlap,
  fitPropensity,
  type ObservationalData,
  observationalBaseShape,
  observationalEstimate,
  readObservationalData,
} from './common';
import { type LogisticFit, solveSpd } from './logistic';
import { CRUMP_TRIM, overlapDiagnostics, subsetObservationalData } from './overlap';

/**
 * Parameters of `ipw` (strict: unknown keys are rejected).
 *
 * @example
 * ```ts
 * const params = IpwParamsSchema.parse({ outcome: 're78', treatment: 'treat', covariates: ['age', 'educ'] });
 * ```
 */
export const IpwParamsSchema = z.strictObject({
  ...observationalBaseShape,
  /**
   * `ATE`, `ATT`, or `ATO`: the average effect on the overlap population with Li, Morgan & Zaslavsky (2018)
   * overlap weights (treated 1 − e, control e), which are bounded and balance every propensity covariate's
   * mean exactly; the effect equals the ATE when effects are homogeneous.
   */
  estimand: z.enum(['ATE', 'ATT', 'ATO']).default('ATE'),
  /**
   * Drop rows whose estimated propensity lies outside [lower, upper] and re-fit on the rest (Crump, Hotz,
   * Imbens & Mitnik 2009); `crump` is their rule of thumb [0.1, 0.9]. The estimand becomes the one on the
   * trimmed population; the dropped rows are counted in diagnostics.
   */
  trim: z
    .union([
      z.literal('crump'),
      z
        .strictObject({ lower: z.number().gt(0).lt(0.5), upper: z.number().gt(0.5).lt(1) })
        .refine((range) => range.lower < range.upper),
    ])
    .optional(),
  /** Multiply weights by the marginal treatment share of the row's group (reported weights only; the
   * normalized (Hájek) estimate is unchanged). */
  stabilized: z.boolean().default(true),
  /**
   * `m_estimation` (default): stacked sandwich over the logistic score and the two weighted means, which
   * accounts for estimating the propensity score. `robust_wls`: HC0 sandwich of the weighted regression of
   * the outcome on treatment, treating the weights as known (R `geeglm`/`lm` + `sandwich::vcovHC(type =
   * "HC0")`, statsmodels `WLS(...).fit(cov_type='HC0')`; Hernán & Robins' choice; conservative for the ATE).
   */
  standard_error: z.enum(['m_estimation', 'robust_wls']).default('m_estimation'),
});
/** Parameters of `ipw` (parsed). */
export type IpwParams = z.output<typeof IpwParamsSchema>;

/**
 * `ipw`: inverse probability weighting with a logistic-regression propensity score e(X) (intercept + all
 * covariates, maximum likelihood). Weights: ATE treated 1/e, control 1/(1 − e); ATT treated 1, control
 * e/(1 − e); ATO (overlap weights) treated 1 − e, control e; stabilized weights multiply by P(D = d) (ATE)
 * or by a constant per group (ATT). `trim` drops rows outside a propensity range first. Overlap diagnostics
 * (per-arm propensity range, effective sample size, largest weight share) are read by review. Estimate: the
 * normalized (Hájek) difference of weighted means μ̂₁ − μ̂₀ (= WLS of the outcome on the treatment).
 * SE: see `standard_error`. The M-estimation sandwich stacks ψ = (X(D − e), D·w₁(Y − μ₁), (1−D)·w₀(Y − μ₀))
 * and uses V = A⁻¹BA⁻ᵀ/n with A = −E[∂ψ/∂θ], B = E[ψψ'] (Lunceford & Davidian 2004). Normal reference.
 *
 * @example
 * ```ts
 * const estimate = ipwModel.fit(table, IpwParamsSchema.parse({ outcome: 'outcome', treatment: 'trt', covariates: ['age', 'wt71'] }), { ciLevel: 0.95, seed: 0 });
 * ```
 */
export const ipwModel = defineModel<IpwParams>({
  name: 'ipw',
  modelType: 'observational',
  paramsSchema: IpwParamsSchema as unknown as z.ZodType<IpwParams>,
  fit(table: Table, params: IpwParams, context): ModelEstimate {
    const { data, propensity, trimming } = trimmedData(readObservationalData(table, params), params);
    const { n, treatment, outcome } = data;
    const e = propensity.probabilities;
    checkOverlap(e, treatment, params.treatment);
    const share = data.nTreated / n;
    // Unstabilized weights define the estimator; stabilization only rescales within a group.
    const w = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const ei = e[i] as number;
      if (params.estimand === 'ATE') w[i] = treatment[i] === 1 ? 1 / ei : 1 / (1 - ei);
      else if (params.estimand === 'ATO') w[i] = treatment[i] === 1 ? 1 - ei : ei;
      else w[i] = treatment[i] === 1 ? 1 : ei / (1 - ei);
    }
    let sw1 = 0;
    let sw0 = 0;
    let swy1 = 0;
    let swy0 = 0;
    for (let i = 0; i < n; i++) {
      const wi = w[i] as number;
      if (treatment[i] === 1) {
        sw1 += wi;
        swy1 += wi * (outcome[i] as number);
      } else {
        sw0 += wi;
        swy0 += wi * (outcome[i] as number);
      }
    }
    const mu1 = swy1 / sw1;
    const mu0 = swy0 / sw0;
    const estimate = mu1 - mu0;
    const reported = Float64Array.from(w);
    if (params.stabilized && params.estimand !== 'ATO') {
      for (let i = 0; i < n; i++) {
        const factor =
          params.estimand === 'ATE'
            ? treatment[i] === 1
              ? share
              : 1 - share
            : treatment[i] === 1
              ? 1
              : data.nControl / sw0; // ATT controls rescaled to sum to n₀
        reported[i] = (w[i] as number) * factor;
      }
    }
    let standardError: number;
    if (params.standard_error === 'robust_wls') {
      const fit = fitOls({
        design: {
          n,
          p: 2,
          columns: [new Float64Array(n).fill(1), Float64Array.from(treatment)],
          names: ['(Intercept)', params.treatment],
        },
        y: outcome,
        weights: reported,
        covariance: { type: 'HC0' },
      });
      standardError = fit.standardErrors[1] as number;
    } else {
      standardError = Math.sqrt(
        mEstimationVariance(data.covariates, treatment, outcome, e, w, mu1, mu0, params.estimand),
      );
    }
    if (!Number.isFinite(standardError)) {
      throw new MeasureError(
        'MODEL_NO_CONVERGENCE',
        'the IPW standard error is not finite (extreme weights)',
        {
          parameter: 'standard_error',
        },
      );
    }
    const balance = balanceSummary(data, w);
    let maxWeight = 0;
    let sumSq = 0;
    let sum = 0;
    for (let i = 0; i < n; i++) {
      const r = reported[i] as number;
      maxWeight = Math.max(maxWeight, r);
      sum += r;
      sumSq += r * r;
    }
    let minScore = 1;
    let maxScore = 0;
    for (let i = 0; i < n; i++) {
      minScore = Math.min(minScore, e[i] as number);
      maxScore = Math.max(maxScore, e[i] as number);
    }
    return observationalEstimate(estimate, standardError, {
      ciLevel: context.ciLevel,
      sampleSize: n,
      metric: params.outcome,
      diagnostics: {
        n_treated: data.nTreated,
        n_control: data.nControl,
        estimand: params.estimand,
        stabilized: params.stabilized,
        standard_error_method: params.standard_error,
        propensity_min: minScore,
        propensity_max: maxScore,
        max_weight: maxWeight,
        effective_sample_size: (sum * sum) / sumSq,
        ...overlapDiagnostics(e, treatment, w),
        ...trimming,
        max_abs_smd_before: balance.maxBefore,
        max_abs_smd_after: balance.maxAfter,
      },
      details: {
        mean_treated: mu1,
        mean_control: mu0,
        propensity_coefficients: propensity.names.map((name, j) => ({
          name,
          estimate: propensity.coefficients[j] as number,
          standard_error: Math.sqrt(propensity.covariance[j * propensity.names.length + j] as number),
        })),
        balance: balance.table,
        propensity_scores: Array.from(e),
        weights: Array.from(reported),
        treatment: Array.from(data.treatment),
      },
    });
  },
});

/**
 * Fit the propensity model and, with `trim`, drop the rows outside the range and re-fit on the rest.
 * Refuses (`DATA_POOR_OVERLAP`) when trimming empties an arm.
 */
function trimmedData(
  data: ObservationalData,
  params: IpwParams,
): { data: ObservationalData; propensity: LogisticFit; trimming: Record<string, JsonValue> } {
  const propensity = fitPropensity(data, params.treatment);
  if (params.trim === undefined) return { data, propensity, trimming: { trim_dropped: 0 } };
  const { lower, upper } = params.trim === 'crump' ? CRUMP_TRIM : params.trim;
  const keep = propensity.probabilities.map((e) => (e >= lower && e <= upper ? 1 : 0));
  const trimmed = subsetObservationalData(data, Uint8Array.from(keep));
  if (trimmed.nTreated === 0 || trimmed.nControl === 0) {
    throw new MeasureError(
      'DATA_POOR_OVERLAP',
      `trimming propensity scores to [${lower}, ${upper}] leaves ${trimmed.nTreated} treated and ${trimmed.nControl} control rows: the groups do not overlap (treatment column "${params.treatment}")`,
      { column: params.treatment, parameter: 'trim' },
    );
  }
  return {
    data: trimmed,
    propensity: fitPropensity(trimmed, params.treatment),
    trimming: {
      trim_lower: lower,
      trim_upper: upper,
      trim_dropped: data.n - trimmed.n,
      trim_dropped_treated: data.nTreated - trimmed.nTreated,
      trim_dropped_control: data.nControl - trimmed.nControl,
    },
  };
}

/**
 * Var(μ̂₁ − μ̂₀) from the stacked estimating equations, through influence functions: with A block lower
 * triangular, IF_β = A_ββ⁻¹ψ_β (A_ββ = E[e(1−e)XX']), IF_μd = (ψ_μd − A_μdβ·IF_β)/A_μdμd, and
 * V = Σᵢ (IF_μ1,i − IF_μ0,i)²/n² (A, B estimated by sample means).
 *   ATE: ψ_μ1 = D(Y − μ₁)/e, ∂/∂β = −D(Y − μ₁)(1 − e)/e·X; ψ_μ0 = (1−D)(Y − μ₀)/(1 − e), ∂/∂β = (1−D)(Y − μ₀)e/(1 − e)·X.
 *   ATT: ψ_μ1 = D(Y − μ₁) (no β); ψ_μ0 = (1−D)(Y − μ₀)e/(1 − e), ∂/∂β = (1−D)(Y − μ₀)e/(1 − e)·X.
 *   ATO: ψ_μ1 = D(1 − e)(Y − μ₁), ∂/∂β = −D(Y − μ₁)e(1 − e)·X; ψ_μ0 = (1−D)e(Y − μ₀), ∂/∂β = (1−D)(Y − μ₀)e(1 − e)·X.
 *
 * @example
 * ```ts
 * const se = Math.sqrt(mEstimationVariance(covariates, treatment, outcome, scores, weights, mu1, mu0, 'ATE'));
 * ```
 */
export function mEstimationVariance(
  covariates: Float64Array[],
  treatment: Uint8Array,
  outcome: Float64Array,
  e: Float64Array,
  w: Float64Array,
  mu1: number,
  mu0: number,
  estimand: 'ATE' | 'ATT' | 'ATO',
): number {
  const n = treatment.length;
  const columns = [new Float64Array(n).fill(1), ...covariates];
  const p = columns.length;
  const information = new Float64Array(p * p);
  const a1 = new Float64Array(p); // A_μ1β = −E[∂ψ_μ1/∂β]
  const a0 = new Float64Array(p); // A_μ0β = −E[∂ψ_μ0/∂β]
  let a11 = 0;
  let a00 = 0;
  for (let i = 0; i < n; i++) {
    const ei = e[i] as number;
    const yi = outcome[i] as number;
    const wi = w[i] as number;
    const vi = ei * (1 - ei);
    let d1 = 0; // −∂ψ_μ1/∂β = d1·X
    let d0 = 0;
    if (treatment[i] === 1) {
      a11 += wi;
      if (estimand === 'ATE') d1 = ((yi - mu1) * (1 - ei)) / ei;
      else if (estimand === 'ATO') d1 = (yi - mu1) * vi;
    } else {
      a00 += wi;
      d0 = estimand === 'ATO' ? -(yi - mu0) * vi : (-(yi - mu0) * ei) / (1 - ei);
    }
    for (let a = 0; a < p; a++) {
      const xa = (columns[a] as Float64Array)[i] as number;
      a1[a] = (a1[a] as number) + d1 * xa;
      a0[a] = (a0[a] as number) + d0 * xa;
      for (let b = 0; b <= a; b++) {
        information[a * p + b] =
          (information[a * p + b] as number) + vi * xa * ((columns[b] as Float64Array)[i] as number);
      }
    }
  }
  for (let a = 0; a < p; a++)
    for (let b = 0; b < a; b++) information[b * p + a] = information[a * p + b] as number;
  // IF_τ,i = ψ_μ1,i/a11 − ψ_μ0,i/a00 − (a1/a11 − a0/a00)'·I⁻¹·ψ_β,i (sums, not means: the n's cancel).
  const combination = new Float64Array(p);
  for (let a = 0; a < p; a++) combination[a] = (a1[a] as number) / a11 - (a0[a] as number) / a00;
  const projected = solveSpd(information, p, combination);
  if (projected === null) {
    throw new MeasureError('MODEL_SINGULAR_DESIGN', 'the propensity information matrix is singular', {
      parameter: 'covariates',
    });
  }
  let variance = 0;
  for (let i = 0; i < n; i++) {
    const residual = (treatment[i] as number) - (e[i] as number);
    let correction = 0;
    for (let a = 0; a < p; a++)
      correction += (projected[a] as number) * ((columns[a] as Float64Array)[i] as number) * residual;
    const wi = w[i] as number;
    const yi = outcome[i] as number;
    const influence =
      treatment[i] === 1 ? (wi * (yi - mu1)) / a11 - correction : -(wi * (yi - mu0)) / a00 - correction;
    variance += influence * influence;
  }
  return variance;
}
