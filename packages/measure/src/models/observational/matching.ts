import type { Table } from '@impact/contracts';
import { z } from 'zod';
import { MeasureError } from '../../errors';
import { defineModel, type ModelEstimate } from '../model';
import {
  balanceSummary,
  type ObservationalData,
  observationalBaseShape,
  observationalEstimate,
  readObservationalData,
} from './common';
import {
  abadieImbensVariance,
  attFromMatches,
  bootstrapStandardError,
  controlRegression,
} from './matching-estimate';
import { matchingWeights, matchQuality, matchQualityGate } from './matching-quality';
import { buildSpace } from './matching-space';
import { matchNearestNeighbours } from './nearest-neighbour';

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
      const bootstrap = bootstrapStandardError(
        data,
        params.bootstrap_replications,
        context.seed,
        (sample) => run(sample).estimate,
      );
      standardError = bootstrap.standardError;
      bootstrapValid = bootstrap.valid;
    }
    const weights = matchingWeights(sets, estimate.controlWeight);
    const balance = balanceSummary(data, weights);
    const quality = matchQuality(estimate.controlWeight, estimate.matchedTreated, balance.maxAfter);
    const poorMatch = matchQualityGate(balance, quality, params, data.nControl);
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
