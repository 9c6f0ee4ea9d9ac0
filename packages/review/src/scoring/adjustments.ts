import type { MeasureResult } from '@impact/contracts';
import type { AdjustmentName } from '../rules/rules';
import type { PowerAnalysis } from '../stats/power';
import type { SampleSizeAdequacy } from './adequacy';

/** What an adjustment's input is computed from. */
export interface AdjustmentContext {
  measurement: MeasureResult;
  /** Two-sided significance level of the measurement, `1 − ci_level`. */
  alpha: number;
  power: PowerAnalysis;
  /** Adequacy against the minimum effect of interest (see `sampleSizeAdequacy`). */
  adequacy: SampleSizeAdequacy;
}

/** How one adjustment reads its input and words its flag. */
export interface AdjustmentDefinition {
  name: AdjustmentName;
  /** Human label used in rationales. */
  label: string;
  /** The diagnostics key it reads, when it reads one. */
  diagnostic?: string;
  /** The input value, or `undefined` when the adjustment does not apply (its diagnostic is absent). */
  input(context: AdjustmentContext, diagnostic: number | undefined): number | undefined;
  /** Flag code raised when the input is beyond `flag_at`. */
  flagCode: string;
  /** Flag message for an input beyond `flag_at`. */
  flagMessage(input: number, flagAt: number, context: AdjustmentContext): string;
}

const fmt = (value: number): string =>
  Number.isFinite(value) ? Number(value.toPrecision(4)).toString() : value > 0 ? '∞' : '−∞';

/** Ratio of a non-negative quantity to |effect|; ∞ when the effect is 0. */
const relativeToEffect = (quantity: number, effect: number): number =>
  effect === 0 ? Number.POSITIVE_INFINITY : quantity / Math.abs(effect);

/** Relative tolerance under which an interval counts as zero-width: width ≤ tol · max(|ci_lower|, |ci_upper|). */
export const DEGENERATE_CI_TOLERANCE = 1e-9;

/**
 * Input of the `degenerate_ci` adjustment: 1 for a zero-width interval (width ≤ {@link DEGENERATE_CI_TOLERANCE}
 * relative to the bounds, or exactly 0) while `standard_error > 0` — a point presented as a confidence
 * interval; 0.5 for a positive-width interval the model reports as a fallback (`diagnostics.ci_inversion_empty`
 * true, or a `diagnostics.ci_method` containing "fallback"); `undefined` (does not apply) otherwise. A zero-width
 * interval with `standard_error` 0 is taken as genuinely noiseless data.
 *
 * @example
 * ```ts
 * degenerateIntervalSeverity(measurement); // 1 for ci_lower = ci_upper = estimate with SE 12
 * ```
 */
export function degenerateIntervalSeverity(measurement: MeasureResult): number | undefined {
  const width = measurement.ci_upper - measurement.ci_lower;
  const scale = Math.max(Math.abs(measurement.ci_lower), Math.abs(measurement.ci_upper));
  if (measurement.standard_error > 0 && width <= DEGENERATE_CI_TOLERANCE * scale) return 1;
  const { ci_inversion_empty: inversionEmpty, ci_method: ciMethod } = measurement.diagnostics;
  if (inversionEmpty === true || (typeof ciMethod === 'string' && ciMethod.includes('fallback'))) return 0.5;
  return undefined;
}

/**
 * Every adjustment of the deterministic reviewer: where its input comes from and the flag it raises.
 * Numbers (ramps, weights, thresholds) live in the rules table, not here.
 */
export const ADJUSTMENT_DEFINITIONS: readonly AdjustmentDefinition[] = [
  {
    name: 'sample_size',
    label: 'sample-size adequacy (achieved n / n needed for the minimum effect of interest)',
    // Judged against an effect that matters (planned MDE, relative lift, standardized effect), never the
    // observed one: observed power only restates the z-statistic, so n would cancel.
    input: ({ adequacy }) => adequacy.adequacy,
    flagCode: 'UNDERPOWERED',
    flagMessage: (input, _flagAt, { adequacy, measurement }) =>
      adequacy.df > 0
        ? `the pilot has ${fmt(100 * adequacy.power)}% power (two-sided t-test, df = ${fmt(adequacy.df)}) to detect ${describeTarget(adequacy)}: ${fmt(input)}× the sample it needs for the target power (n = ${measurement.sample_size})`
        : `no degrees of freedom are left to estimate the noise (n = ${measurement.sample_size}, df = ${fmt(adequacy.df)}): no effect is detectable`,
  },
  {
    name: 'significance',
    label: 'significance (p-value / α)',
    input: ({ measurement, alpha }) => measurement.p_value / alpha,
    flagCode: 'NOT_SIGNIFICANT',
    flagMessage: (_input, _flagAt, { measurement, alpha }) =>
      `p-value ${fmt(measurement.p_value)} is above α = ${fmt(alpha)} (ci_level ${measurement.ci_level})`,
  },
  {
    name: 'ci_width',
    label: 'relative CI width ((ci_upper − ci_lower) / |effect|)',
    input: ({ measurement }) =>
      relativeToEffect(measurement.ci_upper - measurement.ci_lower, measurement.effect_estimate),
    flagCode: 'WIDE_CI',
    flagMessage: (input, flagAt, { measurement }) =>
      `the interval [${fmt(measurement.ci_lower)}, ${fmt(measurement.ci_upper)}] is ${fmt(input)}× the effect ${fmt(measurement.effect_estimate)} (flagged above ${fmt(flagAt)}×)`,
  },
  {
    name: 'pretrend',
    label: 'pre-trend test p-value',
    diagnostic: 'pretrend_p_value',
    input: (_context, value) => value,
    flagCode: 'PRETREND_VIOLATION',
    flagMessage: (input, flagAt) =>
      `the pre-trend test rejects parallel trends (p = ${fmt(input)} < ${fmt(flagAt)})`,
  },
  {
    name: 'placebo',
    label: 'placebo p-value',
    diagnostic: 'placebo_p_value',
    input: (_context, value) => value,
    flagCode: 'PLACEBO_NOT_REJECTED',
    flagMessage: (input, flagAt) =>
      `the effect is not unusual among placebo units (placebo p = ${fmt(input)} > ${fmt(flagAt)})`,
  },
  {
    name: 'pre_fit',
    label: 'pre-period fit (pre_rmspe / |effect|)',
    diagnostic: 'pre_rmspe',
    input: ({ measurement }, value) =>
      value === undefined ? undefined : relativeToEffect(value, measurement.effect_estimate),
    flagCode: 'POOR_PRE_FIT',
    flagMessage: (input, flagAt) =>
      `the pre-period fit error is ${fmt(input)}× the effect (flagged above ${fmt(flagAt)}×)`,
  },
  {
    name: 'post_pre_ratio',
    label: 'post/pre RMSPE ratio',
    diagnostic: 'post_pre_rmspe_ratio',
    input: (_context, value) => value,
    flagCode: 'WEAK_POST_PRE_RATIO',
    flagMessage: (input, flagAt) =>
      `the post/pre RMSPE ratio ${fmt(input)} is below ${fmt(flagAt)}: the post-period gap is hard to tell from pre-period misfit`,
  },
  {
    name: 'balance',
    label: 'covariate balance (max |SMD| after adjustment)',
    diagnostic: 'max_abs_smd_after',
    input: (_context, value) => (value === undefined ? undefined : Math.abs(value)),
    flagCode: 'IMBALANCED_COVARIATES',
    flagMessage: (input, flagAt) =>
      `covariates remain imbalanced after adjustment (max |SMD| = ${fmt(input)} > ${fmt(flagAt)})`,
  },
  {
    name: 'sample_ratio',
    label: 'sample-ratio mismatch test p-value',
    diagnostic: 'srm_p_value',
    input: (_context, value) => value,
    flagCode: 'SRM',
    flagMessage: (input, flagAt) =>
      `sample-ratio mismatch: the assignment ratio differs from the design (χ² p = ${fmt(input)} < ${fmt(flagAt)})`,
  },
  {
    name: 'autocorrelation',
    label: 'residual autocorrelation (|lag-1|)',
    diagnostic: 'residual_autocorrelation_lag1',
    input: (_context, value) => (value === undefined ? undefined : Math.abs(value)),
    flagCode: 'AUTOCORRELATED_RESIDUALS',
    flagMessage: (input, flagAt) =>
      `residuals are autocorrelated (|lag-1 ρ| = ${fmt(input)} > ${fmt(flagAt)}); standard errors may be too small`,
  },
  {
    name: 'degenerate_ci',
    label: 'degenerate interval (1 = zero width with SE > 0, 0.5 = fallback interval)',
    input: ({ measurement }) => degenerateIntervalSeverity(measurement),
    flagCode: 'DEGENERATE_CI',
    flagMessage: (input, _flagAt, { measurement }) =>
      input >= 1
        ? `the interval [${fmt(measurement.ci_lower)}, ${fmt(measurement.ci_upper)}] has zero width although standard_error = ${fmt(measurement.standard_error)}: a point estimate is not a ${fmt(measurement.ci_level * 100)}% confidence interval`
        : `the model's primary interval construction failed and it reported a fallback interval (diagnostics.ci_method = ${JSON.stringify(measurement.diagnostics.ci_method ?? null)}, ci_inversion_empty = ${JSON.stringify(measurement.diagnostics.ci_inversion_empty ?? null)}); read the interval and p-value with care`,
  },
  {
    name: 'pre_periods',
    label: 'pre-intervention periods (time-series models)',
    diagnostic: 'n_pre_periods',
    input: ({ measurement }, value) => (measurement.model_type === 'time-series' ? value : undefined),
    flagCode: 'SHORT_PRE_PERIOD',
    flagMessage: (input, flagAt) =>
      `only ${fmt(input)} pre-intervention periods (flagged below ${fmt(flagAt)}): the counterfactual trend is extrapolated from a short history, and with autocorrelated errors the interval may still be too narrow`,
  },
  {
    name: 'overlap',
    label: 'overlap (effective share of the rows used, smallest arm)',
    diagnostic: 'overlap_effective_share',
    input: (_context, value) => value,
    flagCode: 'POOR_OVERLAP',
    flagMessage: (input, flagAt) =>
      `poor overlap: the weights concentrate on a few rows (effective share ${fmt(input)} < ${fmt(flagAt)}), so the estimate rests on the few units comparable across groups; consider trimming (trim: crump) or overlap weights (estimand: ATO)`,
  },
  {
    name: 'missing_rows',
    label: 'share of rows dropped for missing values',
    diagnostic: 'share_dropped_missing',
    input: (_context, value) => value,
    flagCode: 'MANY_ROWS_DROPPED',
    flagMessage: (input, flagAt, { measurement }) =>
      `${fmt(100 * input)}% of the rows read were dropped for missing values (${JSON.stringify(measurement.diagnostics.rows_dropped_missing ?? null)} of ${JSON.stringify(measurement.diagnostics.rows_read ?? null)}; flagged above ${fmt(100 * flagAt)}%): unless values are missing completely at random, the estimate describes the complete cases only`,
  },
  {
    name: 'refutation',
    label: 'refutation checks failed (refute:)',
    diagnostic: 'refutation_failures',
    input: (_context, value) => value,
    flagCode: 'REFUTATION_FAILED',
    flagMessage: (input, _flagAt, { measurement }) =>
      `${fmt(input)} of ${JSON.stringify(measurement.diagnostics.refutations_run ?? null)} refutation checks failed (${String(measurement.diagnostics.refutation_failed ?? 'see details.refutation')}): the estimate may reflect a trend, a confounder or a fragile subset rather than the treatment`,
  },
  {
    name: 'e_value',
    label: 'E-value of the interval (robustness to unmeasured confounding)',
    diagnostic: 'e_value_ci',
    input: ({ measurement }, value) => (measurement.model_type === 'observational' ? value : undefined),
    flagCode: 'WEAK_TO_CONFOUNDING',
    flagMessage: (input, flagAt) =>
      `E-value of the interval ${fmt(input)} < ${fmt(flagAt)}: an unmeasured confounder associated with treatment and outcome by a risk ratio of ${fmt(input)} each could move the interval to no effect`,
  },
];

/** The effect a sample-size adequacy was judged against, in words. */
function describeTarget(adequacy: SampleSizeAdequacy): string {
  const effect = fmt(adequacy.targetEffect);
  if (adequacy.source === 'planned_mde') return `the planned MDE ${effect}`;
  if (adequacy.source === 'standardized') {
    return `a standardized effect of ${fmt(adequacy.effectSize ?? Number.NaN)} SD (${effect} in the metric's units; rules.minimum_effect.standardized, as there is no planned MDE or control mean to judge by)`;
  }
  return adequacy.baseline === undefined
    ? `a relative effect of ${effect} (rules.minimum_effect.relative)`
    : `${effect}, rules.minimum_effect.relative of the control mean ${fmt(adequacy.baseline)}`;
}

export { fmt as formatNumber };
