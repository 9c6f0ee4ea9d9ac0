import { FlagSeveritySchema, MODEL_TYPES, type ModelType, parseConfig } from '@impact/contracts';
import { z } from 'zod';
import type { MinimumEffect } from '../scoring/adequacy';

/**
 * The names of every adjustment, in the order they are applied and reported.
 *
 * @example
 * ```ts
 * for (const name of ADJUSTMENT_NAMES) console.log(name, DEFAULT_REVIEW_RULES.adjustments[name].weight);
 * ```
 */
export const ADJUSTMENT_NAMES = [
  'sample_size',
  'significance',
  'ci_width',
  'pretrend',
  'placebo',
  'pre_fit',
  'post_pre_ratio',
  'balance',
  'sample_ratio',
  'autocorrelation',
  'degenerate_ci',
  'pre_periods',
  'overlap',
  'missing_rows',
  'refutation',
  'e_value',
] as const;
/** Name of one adjustment. */
export type AdjustmentName = (typeof ADJUSTMENT_NAMES)[number];

/**
 * One adjustment: a linear ramp from `bad` (score 0) to `good` (score 1) on the adjustment's input, a
 * `weight` (the largest share of the band position it can remove), and the input value `flag_at` beyond
 * which (on the `bad` side) its flag is raised (`null`: never).
 */
export interface AdjustmentRule {
  weight: number;
  good: number;
  bad: number;
  flag_at: number | null;
  severity: 'info' | 'warning' | 'critical';
}

/** A confidence band `[min, max]`. */
export interface Band {
  min: number;
  max: number;
}

/** The complete, parsed rule set of the deterministic reviewer. */
export interface ReviewRules {
  /** Confidence band of each methodology; bands are ordered and never overlap. */
  bands: Record<ModelType, Band>;
  /** Target power of the sample-size adequacy check (0.8 = 80%). */
  power: number;
  /**
   * The smallest effect worth detecting when a measurement has no planned MDE (sample-size adequacy):
   * a relative lift and a standardized effect size. Defaults `{ relative: 0.05, standardized: 0.2 }`.
   */
  minimum_effect?: MinimumEffect;
  /** Every adjustment's ramp, weight and flag threshold. */
  adjustments: Record<AdjustmentName, AdjustmentRule>;
}

/**
 * The one table of rules (the defaults). Read it top to bottom:
 *
 * | adjustment       | input                                               | good  | bad    | weight | flag (at)                   |
 * | ---------------- | --------------------------------------------------- | ----- | ------ | ------ | --------------------------- |
 * | sample_size      | achieved n / n needed for δ* at 80% power (t, df)⁶  | 1     | 0      | 0.30   | UNDERPOWERED (< 1)          |
 * | significance     | p_value / α   (α = 1 − ci_level)                    | 0.2   | 10     | 0.30   | NOT_SIGNIFICANT (> 1)       |
 * | ci_width         | (ci_upper − ci_lower) / abs(effect)                 | 1     | 6      | 0.25   | WIDE_CI (> 4)               |
 * | pretrend         | diagnostics.pretrend_p_value                        | 0.2   | 0.01   | 0.50   | PRETREND_VIOLATION (< 0.05) |
 * | placebo          | diagnostics.placebo_p_value                         | 0.05  | 0.5    | 0.30   | PLACEBO_NOT_REJECTED (> 0.2)|
 * | pre_fit          | diagnostics.pre_rmspe / abs(effect)                 | 0.5   | 3      | 0.30   | POOR_PRE_FIT (> 1)          |
 * | post_pre_ratio   | diagnostics.post_pre_rmspe_ratio                    | 4     | 1      | 0.20   | WEAK_POST_PRE_RATIO (< 2)   |
 * | balance          | diagnostics.max_abs_smd_after                       | 0.05  | 0.25   | 0.40   | IMBALANCED_COVARIATES (> 0.1)|
 * | sample_ratio     | diagnostics.srm_p_value                             | 0.05  | 0.0001 | 0.60   | SRM (< 0.01)                |
 * | autocorrelation  | abs(diagnostics.residual_autocorrelation_lag1)      | 0.2   | 0.8    | 0.15   | AUTOCORRELATED_RESIDUALS (> 0.5) |
 * | degenerate_ci    | 1: zero-width CI with SE > 0; 0.5: fallback CI¹      | 0     | 1      | 0.40   | DEGENERATE_CI (> 0.25)      |
 * | pre_periods      | diagnostics.n_pre_periods (time-series models only)  | 30    | 8      | 0.30   | SHORT_PRE_PERIOD (< 20)     |
 * | overlap          | diagnostics.overlap_effective_share²                 | 0.5   | 0.05   | 0.40   | POOR_OVERLAP (< 0.2)        |
 * | missing_rows     | diagnostics.share_dropped_missing³                   | 0.05  | 0.5    | 0.30   | MANY_ROWS_DROPPED (> 0.2)   |
 * | refutation       | diagnostics.refutation_failures⁴                     | 0     | 2      | 0.40   | REFUTATION_FAILED (> 0.5)   |
 * | e_value          | diagnostics.e_value_ci (observational models only)⁵  | 2     | 1      | 0.30   | WEAK_TO_CONFOUNDING (< 1.25)|
 *
 * ¹ `diagnostics.ci_inversion_empty === true` or a `diagnostics.ci_method` containing "fallback" (the
 * model's primary interval construction failed); the adjustment does not apply to any other interval.
 * ² Effective sample size over rows actually used, smallest arm: IPW min over arms of Kish ESS / n; matching
 * the effective number of matched controls / (ratio · matched treated). Near 1: weight spread evenly; near 0:
 * a handful of rows carry the estimate (poor overlap).
 * ³ Share of the rows read that a `missing: drop` source or a `drop_missing` transform dropped; unless values
 * are missing completely at random, the estimate then describes the complete cases only.
 * ⁴ Number of `refute:` checks of the measure run that failed (placebo treatment date or outcome showing an
 * effect, a random common cause moving the estimate, data subsets leaving the interval); see
 * docs/measure-refutation.md.
 * ⁵ E-value of the CI limit nearest the null (VanderWeele & Ding 2017): the risk ratio an unmeasured
 * confounder would need with treatment and outcome to move the interval to the null; 1 when it covers it.
 * ⁶ (λ / λ_π)² with λ = δ* ÷ SE and λ_π the noncentrality at which a two-sided t-test on the measurement's df
 * has power π: δ* is `diagnostics.planned_mde` (from `planPilot`), else `minimum_effect.relative` of the
 * outcome level (relative effects, `diagnostics.control_mean`), else `minimum_effect.standardized` SDs
 * (see `sampleSizeAdequacy`). Never the observed effect: its power only restates the z-statistic.
 *
 * @example
 * ```ts
 * DEFAULT_REVIEW_RULES.bands.experiment; // { min: 0.85, max: 1 }
 * ```
 */
export const DEFAULT_REVIEW_RULES: ReviewRules = {
  bands: {
    experiment: { min: 0.85, max: 1.0 },
    'quasi-experiment': { min: 0.6, max: 0.84 },
    'time-series': { min: 0.4, max: 0.59 },
    observational: { min: 0.2, max: 0.39 },
  },
  power: 0.8,
  minimum_effect: { relative: 0.05, standardized: 0.2 },
  adjustments: {
    sample_size: { weight: 0.3, good: 1, bad: 0, flag_at: 1, severity: 'warning' },
    significance: { weight: 0.3, good: 0.2, bad: 10, flag_at: 1, severity: 'warning' },
    ci_width: { weight: 0.25, good: 1, bad: 6, flag_at: 4, severity: 'warning' },
    pretrend: { weight: 0.5, good: 0.2, bad: 0.01, flag_at: 0.05, severity: 'critical' },
    placebo: { weight: 0.3, good: 0.05, bad: 0.5, flag_at: 0.2, severity: 'warning' },
    pre_fit: { weight: 0.3, good: 0.5, bad: 3, flag_at: 1, severity: 'warning' },
    post_pre_ratio: { weight: 0.2, good: 4, bad: 1, flag_at: 2, severity: 'info' },
    balance: { weight: 0.4, good: 0.05, bad: 0.25, flag_at: 0.1, severity: 'warning' },
    sample_ratio: { weight: 0.6, good: 0.05, bad: 0.0001, flag_at: 0.01, severity: 'critical' },
    autocorrelation: { weight: 0.15, good: 0.2, bad: 0.8, flag_at: 0.5, severity: 'info' },
    degenerate_ci: { weight: 0.4, good: 0, bad: 1, flag_at: 0.25, severity: 'warning' },
    pre_periods: { weight: 0.3, good: 30, bad: 8, flag_at: 20, severity: 'warning' },
    overlap: { weight: 0.4, good: 0.5, bad: 0.05, flag_at: 0.2, severity: 'warning' },
    missing_rows: { weight: 0.3, good: 0.05, bad: 0.5, flag_at: 0.2, severity: 'warning' },
    refutation: { weight: 0.4, good: 0, bad: 2, flag_at: 0.5, severity: 'warning' },
    e_value: { weight: 0.3, good: 2, bad: 1, flag_at: 1.25, severity: 'info' },
  },
};

const ProbabilitySchema = z.number().min(0).max(1);

function bandSchema(defaults: Band) {
  return z
    .strictObject({ min: ProbabilitySchema, max: ProbabilitySchema })
    .refine((band) => band.min <= band.max, { message: 'expected min ≤ max', path: ['max'] })
    .default(defaults);
}

function adjustmentSchema(defaults: AdjustmentRule) {
  return z
    .strictObject({
      weight: z.number().min(0).max(1).default(defaults.weight),
      good: z.number().default(defaults.good),
      bad: z.number().default(defaults.bad),
      flag_at: z.number().nullable().default(defaults.flag_at),
      severity: FlagSeveritySchema.default(defaults.severity),
    })
    .refine((rule) => rule.good !== rule.bad, { message: 'expected good ≠ bad', path: ['bad'] })
    .prefault({});
}

const defaults = DEFAULT_REVIEW_RULES;

const BandsSchema = z
  .strictObject({
    experiment: bandSchema(defaults.bands.experiment),
    'quasi-experiment': bandSchema(defaults.bands['quasi-experiment']),
    'time-series': bandSchema(defaults.bands['time-series']),
    observational: bandSchema(defaults.bands.observational),
  })
  .superRefine((bands, ctx) => {
    // Methodology dominance: a stronger methodology's lowest score is at least a weaker one's highest.
    for (let index = 1; index < MODEL_TYPES.length; index += 1) {
      const stronger = MODEL_TYPES[index - 1]!;
      const weaker = MODEL_TYPES[index]!;
      if (bands[stronger].min < bands[weaker].max) {
        ctx.addIssue({
          code: 'custom',
          path: [stronger, 'min'],
          input: bands[stronger].min,
          message: `expected ${stronger}.min ≥ ${weaker}.max (${bands[weaker].max}) so that methodology dominates`,
        });
      }
    }
  })
  .prefault({});

const AdjustmentsSchema = z
  .strictObject({
    sample_size: adjustmentSchema(defaults.adjustments.sample_size),
    significance: adjustmentSchema(defaults.adjustments.significance),
    ci_width: adjustmentSchema(defaults.adjustments.ci_width),
    pretrend: adjustmentSchema(defaults.adjustments.pretrend),
    placebo: adjustmentSchema(defaults.adjustments.placebo),
    pre_fit: adjustmentSchema(defaults.adjustments.pre_fit),
    post_pre_ratio: adjustmentSchema(defaults.adjustments.post_pre_ratio),
    balance: adjustmentSchema(defaults.adjustments.balance),
    sample_ratio: adjustmentSchema(defaults.adjustments.sample_ratio),
    autocorrelation: adjustmentSchema(defaults.adjustments.autocorrelation),
    degenerate_ci: adjustmentSchema(defaults.adjustments.degenerate_ci),
    pre_periods: adjustmentSchema(defaults.adjustments.pre_periods),
    overlap: adjustmentSchema(defaults.adjustments.overlap),
    missing_rows: adjustmentSchema(defaults.adjustments.missing_rows),
    refutation: adjustmentSchema(defaults.adjustments.refutation),
    e_value: adjustmentSchema(defaults.adjustments.e_value),
  })
  .prefault({});

/**
 * Schema of the deterministic reviewer's rules (snake_case, as written in YAML). Every key is optional and
 * falls back to {@link DEFAULT_REVIEW_RULES}; unknown keys are rejected; bands must be ordered
 * (experiment ≥ quasi-experiment ≥ time-series ≥ observational, without overlap).
 *
 * @example
 * ```ts
 * const rules = ReviewRulesSchema.parse({ adjustments: { ci_width: { weight: 0.1 } } });
 * ```
 */
export const ReviewRulesSchema: z.ZodType<ReviewRules, ReviewRulesInput> = z.strictObject({
  bands: BandsSchema,
  power: z.number().gt(0).lt(1).default(defaults.power),
  minimum_effect: z
    .strictObject({
      relative: z.number().gt(0).default(0.05),
      standardized: z.number().gt(0).default(0.2),
    })
    .prefault({}),
  adjustments: AdjustmentsSchema,
}) as unknown as z.ZodType<ReviewRules, ReviewRulesInput>;

/** Rules as a user writes them: every field optional. */
export interface ReviewRulesInput {
  bands?: Partial<Record<ModelType, Band>>;
  power?: number;
  minimum_effect?: Partial<MinimumEffect>;
  adjustments?: Partial<Record<AdjustmentName, Partial<AdjustmentRule>>>;
}

/**
 * Parse user rules (from code or a YAML object) over the defaults. Throws `ConfigError` (`CONFIG_INVALID`)
 * naming the field, e.g. `adjustments.ci_width.weight: expected a number ≤ 1, got 2`.
 *
 * @example
 * ```ts
 * const rules = parseReviewRules({ bands: { observational: { min: 0.1, max: 0.3 } } });
 * ```
 */
export function parseReviewRules(input: ReviewRulesInput | ReviewRules = {}, file?: string): ReviewRules {
  return parseConfig(input, ReviewRulesSchema, file === undefined ? {} : { file });
}
