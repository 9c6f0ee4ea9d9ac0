import type { Table } from '@impact/contracts';
import { z } from 'zod';
import { MeasureError } from '../../errors';
import { fitOls } from '../../stats/ols';
import { defineModel, type ModelEstimate } from '../model';
import {
  balanceSummary,
  fitPropensity,
  type ObservationalData,
  observationalBaseShape,
  observationalEstimate,
  readObservationalData,
} from './common';
import {
  type MatchedSets,
  type MatchingSpace,
  matchNearestNeighbours,
  sameGroupConditionalVariances,
} from './nearest-neighbour';
import { seededUniform } from './random';

/**
 * Parameters of `nearest_neighbour_matching` (strict: unknown keys are rejected).
 *
 * @example
 * ```ts
 * const params = NearestNeighbourMatchingParamsSchema.parse({ outcome: 're78', treatment: 'treat', covariates: ['age', 'educ'] });
 * ```
 */
export const NearestNeighbourMatchingParamsSchema = z.strictObject({
  ...observationalBaseShape,
  /**
   * What "near" means: the estimated propensity score (`propensity`, MatchIt's default `distance = "glm"`),
   * its logit (`logit_propensity`, MatchIt `link = "linear.logit"`), or the covariates themselves
   * (`mahalanobis` with the pooled within-group covariance, or `euclidean` = standardized Euclidean).
   */
  distance: z
    .enum(['propensity', 'logit_propensity', 'mahalanobis', 'euclidean'])
    .default('logit_propensity'),
  /** Controls per treated unit. */
  ratio: z.int().min(1).max(100).default(1),
  /** Match with replacement (default; the Abadie–Imbens SE is derived for it). */
  replace: z.boolean().default(true),
  /**
   * Maximum distance, in standard deviations of the distance measure (as MatchIt's `caliper` with
   * `std.caliper = TRUE`); for covariate distances, in units of the standardized distance itself.
   */
  caliper: z.number().positive().optional(),
  /**
   * Order treated units choose controls without replacement (MatchIt `m.order`): by descending or
   * ascending score, or row order. Covariate distances have no score and always use row order.
   */
  order: z.enum(['largest', 'smallest', 'data']).default('largest'),
  standard_error: z.enum(['abadie_imbens', 'bootstrap']).default('abadie_imbens'),
  /**
   * Abadie & Imbens (2011) bias correction: subtract μ̂₀(Xᵢ) − μ̂₀(Xⱼ) from each matched gap, with μ̂₀ the
   * OLS regression of the outcome on the covariates among all control rows. Removes the
   * matching-discrepancy bias that grows with the number of continuous covariates (as Stata's
   * `teffects nnmatch, biasadj()`; MatchIt has no equivalent).
   */
  bias_correction: z.boolean().default(false),
  /** J, the same-group neighbours used to estimate conditional variances for the Abadie–Imbens SE. */
  variance_neighbours: z.int().min(1).max(20).default(2),
  bootstrap_replications: z.int().min(20).max(10000).default(199),
  /**
   * Match-quality gate: after matching, every covariate's |standardized mean difference| must be at most
   * this. Matching treated units to far-away controls (no overlap) leaves large SMDs, and the "effect" is then
   * the covariate gap, not the treatment. The default 0.5 refuses gross failures only: between 0.1 and 0.5
   * review's balance rule flags IMBALANCED_COVARIATES and lowers confidence (fully from 0.25, the Rubin 2001 /
   * Stuart 2010 threshold), while ordinary designs with one covariate near 0.25 are still estimated.
   */
  max_smd_after: z.number().positive().default(0.5),
  /** `error` (default): refuse a poor match with `DATA_POOR_OVERLAP`; `flag`: estimate and let review flag it. */
  on_poor_match: z.enum(['error', 'flag']).default('error'),
});
/** Parameters of `nearest_neighbour_matching` (parsed). */
export type NearestNeighbourMatchingParams = z.output<typeof NearestNeighbourMatchingParamsSchema>;

function sampleStandardDeviation(values: Float64Array): number {
  let mean = 0;
  for (let i = 0; i < values.length; i++) mean += values[i] as number;
  mean /= values.length;
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += ((values[i] as number) - mean) ** 2;
  return Math.sqrt(sum / (values.length - 1));
}

/** The matching space and the caliper in its units. */
function buildSpace(
  data: ObservationalData,
  params: NearestNeighbourMatchingParams,
): { space: MatchingSpace; caliper: number; propensity?: Float64Array } {
  if (params.distance === 'propensity' || params.distance === 'logit_propensity') {
    const propensity = fitPropensity(data, params.treatment).probabilities;
    const scores =
      params.distance === 'propensity' ? propensity : propensity.map((p) => Math.log(p / (1 - p)));
    const caliper =
      params.caliper === undefined
        ? Number.POSITIVE_INFINITY
        : params.caliper * sampleStandardDeviation(scores);
    return { space: { kind: 'score', scores }, caliper, propensity };
  }
  const { n, covariates } = data;
  const p = covariates.length;
  // Standardize every covariate by its full-sample SD (MatchIt's scale()), dropping constant ones.
  const scaled: Float64Array[] = [];
  for (let j = 0; j < p; j++) {
    const column = covariates[j] as Float64Array;
    const sd = sampleStandardDeviation(column);
    if (!(sd > 0)) continue;
    let mean = 0;
    for (let i = 0; i < n; i++) mean += column[i] as number;
    mean /= n;
    scaled.push(column.map((value) => (value - mean) / sd));
  }
  if (scaled.length === 0) {
    throw new MeasureError('MODEL_PARAMS_INVALID', 'every covariate is constant: nothing to match on', {
      parameter: 'covariates',
    });
  }
  const caliper = params.caliper ?? Number.POSITIVE_INFINITY;
  // Pooled within-group covariance S of the scaled covariates (as MatchIt's pooled_cov).
  const q = scaled.length;
  const means = [0, 1].map((g) =>
    scaled.map((column) => {
      let sum = 0;
      let count = 0;
      for (let i = 0; i < n; i++) {
        if (data.treatment[i] === g) {
          sum += column[i] as number;
          count++;
        }
      }
      return sum / count;
    }),
  );
  const covariance = new Float64Array(q * q);
  for (let a = 0; a < q; a++) {
    for (let b = 0; b <= a; b++) {
      const xa = scaled[a] as Float64Array;
      const xb = scaled[b] as Float64Array;
      let sum = 0;
      for (let i = 0; i < n; i++) {
        const g = data.treatment[i] as number;
        const m = means[g] as number[];
        sum += ((xa[i] as number) - (m[a] as number)) * ((xb[i] as number) - (m[b] as number));
      }
      covariance[a * q + b] = sum / (n - 2);
      covariance[b * q + a] = sum / (n - 2);
    }
  }
  if (params.distance === 'euclidean') {
    // Standardized Euclidean: each covariate divided by its pooled within-group SD.
    const coordinates = scaled.map((column, a) => {
      const sd = Math.sqrt(covariance[a * q + a] as number);
      return column.map((value) => value / sd);
    });
    return { space: { kind: 'points', coordinates }, caliper };
  }
  // Mahalanobis: whiten with the Cholesky factor L of S (S = LL'), z = L⁻¹x, so that
  // |zᵢ − zⱼ|² = (xᵢ − xⱼ)'S⁻¹(xᵢ − xⱼ). Cholesky of S, then forward substitution per row.
  const lower = new Float64Array(q * q);
  for (let j = 0; j < q; j++) {
    let diagonal = covariance[j * q + j] as number;
    for (let k = 0; k < j; k++) diagonal -= (lower[j * q + k] as number) ** 2;
    if (!(diagonal > 1e-10)) {
      throw new MeasureError(
        'MODEL_SINGULAR_DESIGN',
        'the covariates are collinear: their pooled covariance matrix is singular, so the Mahalanobis distance is undefined',
        { parameter: 'covariates' },
      );
    }
    lower[j * q + j] = Math.sqrt(diagonal);
    for (let i = j + 1; i < q; i++) {
      let sum = covariance[i * q + j] as number;
      for (let k = 0; k < j; k++) sum -= (lower[i * q + k] as number) * (lower[j * q + k] as number);
      lower[i * q + j] = sum / (lower[j * q + j] as number);
    }
  }
  const whitened = scaled.map(() => new Float64Array(n));
  for (let i = 0; i < n; i++) {
    for (let a = 0; a < q; a++) {
      let sum = (scaled[a] as Float64Array)[i] as number;
      for (let k = 0; k < a; k++)
        sum -= (lower[a * q + k] as number) * ((whitened[k] as Float64Array)[i] as number);
      (whitened[a] as Float64Array)[i] = sum / (lower[a * q + a] as number);
    }
  }
  return { space: { kind: 'points', coordinates: whitened }, caliper };
}

/** ATT over matched treated units and the weight each control carries (Σ 1/kᵢ over the treated it serves). */
function attFromMatches(
  outcome: Float64Array,
  sets: MatchedSets,
  n: number,
  prediction?: Float64Array,
): {
  att: number;
  matchedTreated: number;
  controlWeight: Float64Array;
  controlWeightSq: Float64Array;
  gaps: Float64Array;
} {
  const controlWeight = new Float64Array(n);
  const controlWeightSq = new Float64Array(n);
  const gaps = new Float64Array(sets.treated.length).fill(Number.NaN);
  let sum = 0;
  let matchedTreated = 0;
  for (let t = 0; t < sets.treated.length; t++) {
    const from = sets.offsets[t] as number;
    const to = sets.offsets[t + 1] as number;
    const k = to - from;
    if (k === 0) continue;
    let controlMean = 0;
    const treatedRow = sets.treated[t] as number;
    for (let m = from; m < to; m++) {
      const control = sets.controls[m] as number;
      controlMean += outcome[control] as number;
      if (prediction) controlMean += (prediction[treatedRow] as number) - (prediction[control] as number);
      controlWeight[control] = (controlWeight[control] as number) + 1 / k;
      controlWeightSq[control] = (controlWeightSq[control] as number) + 1 / (k * k);
    }
    const gap = (outcome[treatedRow] as number) - controlMean / k;
    gaps[t] = gap;
    sum += gap;
    matchedTreated++;
  }
  return { att: sum / matchedTreated, matchedTreated, controlWeight, controlWeightSq, gaps };
}

/**
 * Abadie–Imbens (2006, Theorem 7) variance of the matching ATT estimator, generalized to a varying number
 * of matches kᵢ (calipers): V̂ = N₁⁻² [ Σ_treated (Yᵢ − Ŷᵢ(0) − τ̂)² + Σ_controls (wⱼ² − Σ_{i∋j} 1/kᵢ²) σ̂²(Xⱼ) ],
 * where wⱼ = Σ_{i∋j} 1/kᵢ is the control's total weight (K_M(j)/M with a fixed ratio M, giving AI's
 * K_M(K_M − 1)/M² term), and σ̂²(Xⱼ) = J/(J+1)(Yⱼ − mean of its J nearest same-group neighbours)². The
 * first sum already contains each control's Σ 1/kᵢ² σ²; the second adds the extra variance from reusing
 * controls. It treats the propensity score as known (no Abadie–Imbens 2016 correction).
 */
function abadieImbensVariance(
  data: ObservationalData,
  space: MatchingSpace,
  estimate: ReturnType<typeof attFromMatches>,
  neighbours: number,
): number {
  // Only controls that serve several treated units need σ̂² (w² − Σ1/k² > 0 requires reuse).
  const variances = sameGroupConditionalVariances(
    data.treatment,
    space,
    data.outcome,
    neighbours,
    (row) => (estimate.controlWeight[row] as number) ** 2 - (estimate.controlWeightSq[row] as number) > 1e-12,
  );
  let total = 0;
  for (let t = 0; t < estimate.gaps.length; t++) {
    const gap = estimate.gaps[t] as number;
    if (Number.isNaN(gap)) continue;
    total += (gap - estimate.att) ** 2;
  }
  for (let j = 0; j < data.n; j++) {
    const w = estimate.controlWeight[j] as number;
    if (w === 0) continue;
    total += (w * w - (estimate.controlWeightSq[j] as number)) * (variances[j] as number);
  }
  return total / estimate.matchedTreated ** 2;
}

/** μ̂₀(x) for every row: OLS of the outcome on an intercept and the covariates, fitted on control rows. */
function controlRegression(data: ObservationalData): Float64Array {
  const controls: number[] = [];
  for (let i = 0; i < data.n; i++) if (data.treatment[i] === 0) controls.push(i);
  const pick = (column: Float64Array) => Float64Array.from(controls, (row) => column[row] as number);
  const fit = fitOls({
    design: {
      n: controls.length,
      p: data.covariates.length + 1,
      columns: [new Float64Array(controls.length).fill(1), ...data.covariates.map(pick)],
      names: ['(Intercept)', ...data.covariateNames],
    },
    y: pick(data.outcome),
  });
  const prediction = new Float64Array(data.n).fill(fit.coefficients[0] as number);
  data.covariates.forEach((column, j) => {
    const beta = fit.coefficients[j + 1] as number;
    for (let i = 0; i < data.n; i++) prediction[i] = (prediction[i] as number) + beta * (column[i] as number);
  });
  return prediction;
}

/**
 * Match-quality facts from the control weights wⱼ = Σ_{i∋j} 1/kᵢ: distinct controls used, their Kish effective
 * number (Σw)²/Σw², and the largest total weight one control carries (its reuse, in treated units).
 */
function matchQuality(
  controlWeight: Float64Array,
  matchedTreated: number,
  maxSmdAfter: number,
): { distinct: number; effective: number; maxReuse: number; maxSmdAfter: number } {
  let distinct = 0;
  let sum = 0;
  let sumSq = 0;
  let maxReuse = 0;
  for (const w of controlWeight) {
    if (w <= 0) continue;
    distinct++;
    sum += w;
    sumSq += w * w;
    maxReuse = Math.max(maxReuse, w);
  }
  return {
    distinct,
    effective: sumSq > 0 ? (sum * sum) / sumSq : 0,
    maxReuse: matchedTreated > 0 ? maxReuse : 0,
    maxSmdAfter,
  };
}

function resample(data: ObservationalData, uniform: () => number): ObservationalData {
  const treatedRows: number[] = [];
  const controlRows: number[] = [];
  for (let i = 0; i < data.n; i++) (data.treatment[i] === 1 ? treatedRows : controlRows).push(i);
  const rows: number[] = [];
  for (const group of [treatedRows, controlRows]) {
    for (let k = 0; k < group.length; k++) rows.push(group[Math.floor(uniform() * group.length)] as number);
  }
  const pick = (column: Float64Array) => Float64Array.from(rows, (row) => column[row] as number);
  return {
    ...data,
    outcome: pick(data.outcome),
    treatment: Uint8Array.from(rows, (row) => data.treatment[row] as number),
    covariates: data.covariates.map(pick),
  };
}

/**
 * `nearest_neighbour_matching`: the ATT by greedy nearest-neighbour matching of each treated unit to its
 * `ratio` nearest controls (with or without replacement, optional caliper) on the (logit) propensity score
 * or on the covariates (Mahalanobis / standardized Euclidean). τ̂ = mean over matched treated units of
 * Yᵢ − mean of their matched controls' outcomes — MatchIt's matched-sample weighted difference in means.
 *
 * SE: `abadie_imbens` (default) — Abadie & Imbens (2006), valid for matching with replacement on
 * covariates; with an estimated propensity score it ignores the estimation step (Abadie & Imbens 2016).
 * `bootstrap` — resample treated and controls separately, re-estimate the score and re-match
 * (seeded by `context.seed`); Abadie & Imbens (2008) show this naive bootstrap is invalid for matching
 * with replacement, so prefer `abadie_imbens` there. Inference uses the normal distribution.
 *
 * @example
 * ```ts
 * const estimate = nearestNeighbourMatchingModel.fit(table, NearestNeighbourMatchingParamsSchema.parse({ outcome: 're78', treatment: 'treat', covariates: ['age', 'educ', 're74', 're75'] }), { ciLevel: 0.95, seed: 1 });
 * ```
 */
export const nearestNeighbourMatchingModel = defineModel<NearestNeighbourMatchingParams>({
  name: 'nearest_neighbour_matching',
  modelType: 'observational',
  paramsSchema: NearestNeighbourMatchingParamsSchema as unknown as z.ZodType<NearestNeighbourMatchingParams>,
  fit(table: Table, params: NearestNeighbourMatchingParams, context): ModelEstimate {
    const data = readObservationalData(table, params);
    if (!params.replace && data.nControl < data.nTreated * params.ratio) {
      throw new MeasureError(
        'DATA_TOO_FEW_ROWS',
        `matching without replacement at ratio ${params.ratio} needs ${data.nTreated * params.ratio} control rows, found ${data.nControl}`,
        { parameter: 'replace' },
      );
    }
    const run = (sample: ObservationalData) => {
      const built = buildSpace(sample, params);
      const sets = matchNearestNeighbours({
        treatment: sample.treatment,
        space: built.space,
        ratio: params.ratio,
        replace: params.replace,
        caliper: built.caliper,
        order: params.order,
      });
      const prediction = params.bias_correction ? controlRegression(sample) : undefined;
      return { built, sets, estimate: attFromMatches(sample.outcome, sets, sample.n, prediction) };
    };
    const main = run(data);
    const { sets, estimate } = main;
    if (estimate.matchedTreated === 0) {
      throw new MeasureError(
        'DATA_EMPTY_GROUP',
        `no overlap: no treated row has a control within the caliper (${params.caliper} SD of the distance)`,
        { parameter: 'caliper' },
      );
    }
    let standardError: number;
    let bootstrapValid: number | undefined;
    if (params.standard_error === 'abadie_imbens') {
      standardError = Math.sqrt(
        abadieImbensVariance(data, main.built.space, estimate, params.variance_neighbours),
      );
    } else {
      const uniform = seededUniform(context.seed);
      const draws: number[] = [];
      for (let b = 0; b < params.bootstrap_replications; b++) {
        try {
          const replicate = run(resample(data, uniform)).estimate;
          if (replicate.matchedTreated > 0) draws.push(replicate.att);
        } catch (error) {
          if (!(error instanceof MeasureError)) throw error;
        }
      }
      bootstrapValid = draws.length;
      if (draws.length < 2) {
        throw new MeasureError(
          'MODEL_NO_CONVERGENCE',
          'fewer than 2 bootstrap replications could be matched',
          {
            parameter: 'bootstrap_replications',
          },
        );
      }
      const mean = draws.reduce((a, b) => a + b, 0) / draws.length;
      standardError = Math.sqrt(draws.reduce((a, b) => a + (b - mean) ** 2, 0) / (draws.length - 1));
    }
    // Matching weights for balance: treated 1 if matched else 0, controls Σ 1/kᵢ.
    const weights = Float64Array.from(estimate.controlWeight);
    for (let t = 0; t < sets.treated.length; t++) {
      weights[sets.treated[t] as number] =
        (sets.offsets[t + 1] as number) > (sets.offsets[t] as number) ? 1 : 0;
    }
    const balance = balanceSummary(data, weights);
    const quality = matchQuality(estimate.controlWeight, estimate.matchedTreated, balance.maxAfter);
    const poorMatch = balance.maxAfter > params.max_smd_after;
    if (poorMatch && params.on_poor_match === 'error') {
      const worst = balance.table.reduce((a, b) =>
        Math.abs(b.smd_after ?? 0) > Math.abs(a.smd_after ?? 0) ? b : a,
      );
      throw new MeasureError(
        'DATA_POOR_OVERLAP',
        `poor match: after ${params.distance} matching the covariate "${worst.covariate}" still differs by ${Math.abs(worst.smd_after ?? 0).toFixed(2)} SD between treated and matched controls (max_smd_after ${params.max_smd_after}); ${quality.distinct} of ${data.nControl} controls were used, weighing like ${quality.effective.toFixed(1)}. The groups do not overlap enough for matching: restrict the sample, add a caliper, or set on_poor_match: flag to estimate anyway`,
        { parameter: 'max_smd_after', column: worst.covariate },
      );
    }
    const controlsUsed = quality.distinct;
    return observationalEstimate(estimate.att, standardError, {
      ciLevel: context.ciLevel,
      sampleSize: estimate.matchedTreated + controlsUsed,
      metric: params.outcome,
      diagnostics: {
        n_treated: data.nTreated,
        n_control: data.nControl,
        n_matched_treated: estimate.matchedTreated,
        n_unmatched_treated: data.nTreated - estimate.matchedTreated,
        n_matched_controls: controlsUsed,
        estimand: 'ATT',
        distance: params.distance,
        replace: params.replace,
        ratio: params.ratio,
        standard_error_method: params.standard_error,
        bias_correction: params.bias_correction,
        ...(bootstrapValid !== undefined ? { bootstrap_valid_replications: bootstrapValid } : {}),
        max_abs_smd_before: balance.maxBefore,
        max_abs_smd_after: balance.maxAfter,
        effective_matched_controls: quality.effective,
        // Read by review's overlap rule: 1 when every treated unit has its own `ratio` controls.
        overlap_effective_share: Math.min(1, quality.effective / (params.ratio * estimate.matchedTreated)),
        max_control_reuse: quality.maxReuse,
        max_smd_after_threshold: params.max_smd_after,
        poor_match: poorMatch,
      },
      details: {
        balance: balance.table,
        matched_sets: Array.from(sets.treated, (row, t) => ({
          treated: row,
          controls: Array.from(
            sets.controls.subarray(sets.offsets[t] as number, sets.offsets[t + 1] as number),
          ),
        })),
        weights: Array.from(weights),
        treatment: Array.from(data.treatment),
        ...(main.built.propensity ? { propensity_scores: Array.from(main.built.propensity) } : {}),
      },
    });
  },
});
