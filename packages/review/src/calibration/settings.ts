import { parseConfig } from '@impact/contracts';
import { z } from 'zod';

/**
 * How a confidence penalty is derived from one calibration statistic: a linear ramp from 0 (no concern,
 * score 1) to `bad` (score 0), and a `weight`, the largest share of the band position it can remove
 * (factor `1 − weight·(1 − score)`, as for the review adjustments). `flag_at`: the value beyond which the
 * calibration flag is raised.
 */
export interface CalibrationPenaltyRule {
  weight: number;
  bad: number;
  flag_at: number;
}

/** The parsed settings of calibration (see {@link DEFAULT_CALIBRATION_SETTINGS}). */
export interface CalibrationSettings {
  /** k in the shrinkage weight n/(n + k): how many pseudo-records of "no adjustment" the prior is worth. */
  prior_strength: number;
  /** The coverage the pilots' intervals claim (their `ci_level`), the prior mean of coverage. */
  nominal_coverage: number;
  /** Bound on the relative bias shift applied to scenarios, |shift| ≤ this (< 1 keeps scenarios ordered). */
  max_bias_shift: number;
  /** Bounds on the factor that widens (> 1) or shrinks (< 1) scenario intervals around `R_med`. */
  interval_scale: { min: number; max: number };
  /** Penalty from over-prediction: input `max(0, −shrunk_relative_bias)`. */
  over_prediction: CalibrationPenaltyRule;
  /** Penalty from under-coverage: input `max(0, nominal_coverage − shrunk_coverage)`. */
  under_coverage: CalibrationPenaltyRule;
  /** `CALIBRATION_UNDERPREDICTS` (info) is raised when `shrunk_relative_bias` exceeds this. */
  under_prediction_flag_at: number;
  /** Prior SD of a methodology's bias per unit cost: learned biases shrink toward 0 by `P/(P + SE²)`, `P` its square. */
  bias_prior_sd: number;
  /** How far calibration may move confidence inside its band, up or down (see `trust_score`). */
  trust: CalibrationTrustRule;
  /**
   * `method` (default): besides one row per methodology, one row per estimator (`method`, e.g. matching and
   * IPW apart inside `observational`), their biases shrunk jointly toward a shared methodology bias, so
   * designs of one band that err in opposite directions are corrected apart. `model_type`: methodology rows only.
   */
  group_by: 'method' | 'model_type';
  /**
   * Share of the bias prior variance `bias_prior_sd²` that is the estimator's own under `group_by: method`
   * (the rest is shared by the methodology's estimators): 0 makes every estimator of a methodology share one
   * bias, 1 makes them independent.
   */
  method_variance_share: number;
  /**
   * The pooled scale of the decision model's prior (`PredictiveParams.scale`: `return`, the default, or
   * `per_cost`), on which one true prior mean is fitted jointly with the designs' biases, so the error of
   * the prior mean the predictions were shrunk toward is not read as every design's bias; `ignore` fits the
   * biases alone (the earlier behaviour).
   */
  prior_mean: 'return' | 'per_cost' | 'ignore';
  /**
   * With `prior_mean` fitted, also fit one shrinkage error γ shared by every design (outcomes moved `1 + γ`
   * times the predictions' departures from their prior), so too weak a shrinkage is not read as bias;
   * learned biases are divided by `1 + γ` (default false: with a handful of outcomes γ is poorly determined
   * and its uncertainty swamps every learned bias).
   */
  shrinkage_error: boolean;
  /**
   * What the decision model does with a design's learned excess variance (`shrunk_excess_sd²`): `report`
   * (default) shows it in the table and the trust score only; `apply` adds it to that design's estimates'
   * variance (the earlier behaviour). On the long-history study applying it cost 0.024 ± 0.009 of the
   * hindsight optimum and on the four-cycle study it changed nothing (docs/review-calibration.md).
   */
  excess_variance: 'report' | 'apply';
}

/**
 * How calibration moves confidence: the band position is multiplied by `1 + v·step·(2q − 1)` with
 * `v = P/(P + bias_se²)` the learned bias's precision weight (uninformative outcomes leave trust alone) and the trust score `q = (1 − min(1, |bias|/bias_bad))·(1 − min(1,
 * excess_ratio/excess_bad))` in [0, 1]: well-calibrated methodologies (q > ½) gain confidence, badly
 * calibrated ones lose it, never leaving their band.
 */
export interface CalibrationTrustRule {
  step: number;
  /** Relative bias (|shrunk bias| / mean |predicted return| per unit cost) at which q reaches 0. */
  bias_bad: number;
  /** Excess-variance ratio (shrunk excess / expected residual variance) at which q reaches 0. */
  excess_bad: number;
}

/** Calibration settings as written (snake_case, every key optional). */
export interface CalibrationSettingsInput {
  prior_strength?: number;
  nominal_coverage?: number;
  max_bias_shift?: number;
  interval_scale?: { min?: number; max?: number };
  over_prediction?: Partial<CalibrationPenaltyRule>;
  under_coverage?: Partial<CalibrationPenaltyRule>;
  under_prediction_flag_at?: number;
  bias_prior_sd?: number;
  trust?: Partial<CalibrationTrustRule>;
  group_by?: 'method' | 'model_type';
  method_variance_share?: number;
  prior_mean?: 'return' | 'per_cost' | 'ignore';
  shrinkage_error?: boolean;
  excess_variance?: 'report' | 'apply';
}

/**
 * The default calibration settings:
 *
 * | setting                     | default      | meaning                                                          |
 * | --------------------------- | ------------ | ---------------------------------------------------------------- |
 * | `prior_strength`            | 5            | shrinkage weight n/(n + 5): 5 records move half-way to the data  |
 * | `nominal_coverage`          | 0.95         | claimed coverage of pilot intervals                              |
 * | `max_bias_shift`            | 0.5          | scenarios move by at most ±50% of their absolute value           |
 * | `interval_scale`            | [0.5, 3]     | intervals shrink to at most half, widen to at most three times   |
 * | `over_prediction`           | w 0.5, bad 0.5, flag 0.1 | over-prediction by 50% removes half the band position |
 * | `under_coverage`            | w 0.3, bad 0.5, flag 0.1 | coverage 50 points short removes 30% of the position  |
 * | `under_prediction_flag_at`  | 0.1          | info flag when pilots under-predict by more than 10%             |
 * | `bias_prior_sd`             | 0.5          | learned bias (per unit cost) shrinks by 0.25/(0.25 + SE²)        |
 * | `trust`                     | step 0.5, bias_bad 0.25, excess_bad 2 | band position × [0.5, 1.5] by the trust score |
 * | `group_by`                  | `method`     | rows per estimator too, their biases shrunk jointly               |
 * | `method_variance_share`     | 0.5          | half of an estimator's bias prior variance is its own            |
 *
 * @example
 * ```ts
 * DEFAULT_CALIBRATION_SETTINGS.prior_strength; // 5
 * ```
 */
export const DEFAULT_CALIBRATION_SETTINGS: CalibrationSettings = {
  prior_strength: 5,
  nominal_coverage: 0.95,
  max_bias_shift: 0.5,
  interval_scale: { min: 0.5, max: 3 },
  over_prediction: { weight: 0.5, bad: 0.5, flag_at: 0.1 },
  under_coverage: { weight: 0.3, bad: 0.5, flag_at: 0.1 },
  under_prediction_flag_at: 0.1,
  bias_prior_sd: 0.5,
  trust: { step: 0.5, bias_bad: 0.25, excess_bad: 2 },
  group_by: 'method',
  method_variance_share: 0.5,
  prior_mean: 'return',
  shrinkage_error: false,
  excess_variance: 'report',
};

const defaults = DEFAULT_CALIBRATION_SETTINGS;

function penaltySchema(rule: CalibrationPenaltyRule) {
  return z
    .strictObject({
      weight: z.number().min(0).max(1).default(rule.weight),
      bad: z.number().gt(0).default(rule.bad),
      flag_at: z.number().min(0).default(rule.flag_at),
    })
    .prefault({});
}

/**
 * Schema of the calibration settings (snake_case, as in YAML); every key falls back to
 * {@link DEFAULT_CALIBRATION_SETTINGS}, unknown keys are rejected.
 *
 * @example
 * ```ts
 * CalibrationSettingsSchema.parse({ prior_strength: 10 });
 * ```
 */
export const CalibrationSettingsSchema: z.ZodType<CalibrationSettings, CalibrationSettingsInput> = z
  .strictObject({
    prior_strength: z.number().min(0).default(defaults.prior_strength),
    nominal_coverage: z.number().gt(0).lt(1).default(defaults.nominal_coverage),
    max_bias_shift: z.number().min(0).max(0.9).default(defaults.max_bias_shift),
    interval_scale: z
      .strictObject({
        min: z.number().gt(0).max(1).default(defaults.interval_scale.min),
        max: z.number().min(1).max(100).default(defaults.interval_scale.max),
      })
      .prefault({}),
    over_prediction: penaltySchema(defaults.over_prediction),
    under_coverage: penaltySchema(defaults.under_coverage),
    under_prediction_flag_at: z.number().min(0).default(defaults.under_prediction_flag_at),
    bias_prior_sd: z.number().gt(0).default(defaults.bias_prior_sd),
    trust: z
      .strictObject({
        step: z.number().min(0).max(1).default(defaults.trust.step),
        bias_bad: z.number().gt(0).default(defaults.trust.bias_bad),
        excess_bad: z.number().gt(0).default(defaults.trust.excess_bad),
      })
      .prefault({}),
    group_by: z.enum(['method', 'model_type']).default(defaults.group_by),
    method_variance_share: z.number().min(0).max(1).default(defaults.method_variance_share),
    prior_mean: z.enum(['return', 'per_cost', 'ignore']).default(defaults.prior_mean),
    shrinkage_error: z.boolean().default(defaults.shrinkage_error),
    excess_variance: z.enum(['report', 'apply']).default(defaults.excess_variance),
  })
  .prefault({}) as unknown as z.ZodType<CalibrationSettings, CalibrationSettingsInput>;

/**
 * Parse calibration settings over the defaults. Throws `ConfigError` (`CONFIG_INVALID`) naming the field,
 * e.g. `max_bias_shift: expected a number ≤ 0.9, got 2`.
 *
 * @example
 * ```ts
 * const settings = parseCalibrationSettings({ over_prediction: { weight: 0.3 } });
 * ```
 */
export function parseCalibrationSettings(
  input: CalibrationSettingsInput | CalibrationSettings = {},
  file?: string,
): CalibrationSettings {
  return parseConfig(input, CalibrationSettingsSchema, file === undefined ? {} : { file });
}
