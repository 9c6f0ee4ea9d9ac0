import type { MeasureResult } from '@impact/contracts';
import { tTestPower } from '../stats/noncentral-t';

/** The smallest effect worth detecting when the measurement carries no planned MDE. */
export interface MinimumEffect {
  /** As a fraction of the outcome's level: used for relative effects and with `diagnostics.control_mean`. */
  relative: number;
  /** As a standardized effect size (Cohen's d, in per-unit standard deviations): used otherwise. */
  standardized: number;
}

/** Defaults: a 5% relative lift; a "small" standardized effect (Cohen's d = 0.2). */
export const DEFAULT_MINIMUM_EFFECT: MinimumEffect = { relative: 0.05, standardized: 0.2 };

/** Where the effect the pilot is judged against came from. */
export type MinimumEffectSource = 'planned_mde' | 'relative_lift' | 'standardized';

/** Whether a measurement could detect an effect that matters, and how that was judged. */
export interface SampleSizeAdequacy {
  /** The effect the pilot is judged against, in the measurement's units. */
  targetEffect: number;
  source: MinimumEffectSource;
  /** The outcome level the relative lift was taken of (`relative_lift` with an absolute effect only). */
  baseline?: number;
  /** The standardized effect size d (Cohen's d) the target stands for (`standardized` only). */
  effectSize?: number;
  /** Degrees of freedom of the t-test (`diagnostics.df`, else arms − 2, else n − 2); ≤ 0: no test possible. */
  df: number;
  /** λ = targetEffect / SE: how many standard errors the target effect spans. */
  noncentrality: number;
  /** λ_π: the noncentrality at which the two-sided t-test on `df` has the target power (∞ when df ≤ 0). */
  requiredNoncentrality: number;
  /** Power of the two-sided level-α t-test on `df` against the target effect (0 when df ≤ 0). */
  power: number;
  /** (λ / λ_π)²: achieved n over the n needed for the target power at this df (SE ∝ 1/√n). */
  adequacy: number;
}

const positiveFinite = (value: unknown): number | undefined =>
  typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : undefined;

/**
 * Sample-size adequacy judged against an effect that matters, never against the observed effect (whose
 * power only restates the z-statistic, so n cancels). The target effect δ* is, in order:
 * `diagnostics.planned_mde` (a pilot sized by `planPilot`); for a relative effect, `minimum.relative`;
 * with `diagnostics.control_mean`, `minimum.relative × |control_mean|`; otherwise the standardized effect
 * `minimum.standardized` per-unit SDs, with σ̂ = SE / √(1/n_t + 1/n_c) from `diagnostics.n_treated` /
 * `n_control` (balanced halves of n when absent), so λ = d / √(1/n_t + 1/n_c), as in a two-sample t-test.
 * The test is a two-sided t-test on the measurement's own df (exact noncentral t), so a pilot with few
 * degrees of freedom needs a much larger λ; with df ≤ 0 nothing is detectable and adequacy is 0.
 *
 * @example
 * ```ts
 * sampleSizeAdequacy(measurement, { alpha: 0.05, power: 0.8 }).adequacy; // 1 = just powered for δ*
 * ```
 */
export function sampleSizeAdequacy(
  measurement: MeasureResult,
  options: { alpha: number; power: number; minimumEffect?: MinimumEffect },
): SampleSizeAdequacy {
  const minimum = options.minimumEffect ?? DEFAULT_MINIMUM_EFFECT;
  const { diagnostics, standard_error: se, sample_size: n } = measurement;
  const nTreated = positiveFinite(diagnostics.n_treated);
  const nControl = positiveFinite(diagnostics.n_control);
  const armsVariance = nTreated && nControl ? 1 / nTreated + 1 / nControl : 4 / n;
  const df = positiveFinite(diagnostics.df) ?? (nTreated && nControl ? nTreated + nControl - 2 : n - 2);
  const planned = positiveFinite(diagnostics.planned_mde);
  const baseline = diagnostics.control_mean;
  let target: Pick<SampleSizeAdequacy, 'targetEffect' | 'source' | 'baseline' | 'effectSize'>;
  if (planned !== undefined) target = { targetEffect: planned, source: 'planned_mde' };
  else if (measurement.effect_unit === 'relative')
    target = { targetEffect: minimum.relative, source: 'relative_lift' };
  else if (typeof baseline === 'number' && Number.isFinite(baseline) && baseline !== 0) {
    target = { targetEffect: minimum.relative * Math.abs(baseline), source: 'relative_lift', baseline };
  } else {
    const targetEffect = (minimum.standardized * se) / Math.sqrt(armsVariance);
    target = { targetEffect, source: 'standardized', effectSize: minimum.standardized };
  }
  const noncentrality =
    target.source === 'standardized'
      ? minimum.standardized / Math.sqrt(armsVariance)
      : se === 0
        ? Number.POSITIVE_INFINITY
        : target.targetEffect / se;
  if (!(df > 0)) {
    return {
      ...target,
      df,
      noncentrality,
      requiredNoncentrality: Number.POSITIVE_INFINITY,
      power: 0,
      adequacy: 0,
    };
  }
  const test = tTestPower({ noncentrality, df, alpha: options.alpha, targetPower: options.power });
  const ratio =
    test.requiredNoncentrality === 0 ? Number.POSITIVE_INFINITY : noncentrality / test.requiredNoncentrality;
  return {
    ...target,
    df,
    noncentrality,
    requiredNoncentrality: test.requiredNoncentrality,
    power: test.power,
    adequacy: ratio * ratio,
  };
}
