import { normalCdf, normalQuantile, studentTQuantile } from '../stats/distributions';
import { noncentralTCdf } from './noncentral-t';

/** Alternative of the planned test. */
export type Alternative = 'two-sided' | 'larger';

/**
 * Power of the z-test of an effect `mde` whose estimator has standard error `se` (statsmodels
 * `normal_power`): two-sided Φ(mde/se − z_{1−α/2}) + Φ(−mde/se − z_{1−α/2}); one-sided Φ(mde/se − z_{1−α}).
 *
 * @example
 * ```ts
 * zTestPower(0.1, 0.035, 0.05, 'two-sided'); // ≈ 0.81
 * ```
 */
export function zTestPower(mde: number, se: number, alpha: number, alternative: Alternative): number {
  const critical = normalQuantile(1 - (alternative === 'two-sided' ? alpha / 2 : alpha));
  const shift = Math.abs(mde) / se;
  const upper = normalCdf(shift - critical);
  return alternative === 'two-sided' ? upper + normalCdf(-shift - critical) : upper;
}

/**
 * Power of the t-test of an effect `mde` whose estimator has standard error `se` and whose studentised
 * statistic has `df` degrees of freedom (statsmodels `ttest_power`, which `TTestPower` and `TTestIndPower`
 * use): with δ = mde/se the noncentrality, two-sided P(T > t_{1−α/2}) + P(T < −t_{1−α/2}), T ~ t′(df, δ);
 * one-sided P(T > t_{1−α}). Exact for normal outcomes; at small df it is below {@link zTestPower}.
 *
 * @example
 * ```ts
 * tTestPower(0.1, 0.035, 18, 0.05, 'two-sided'); // ≈ 0.77 (z-test: 0.81)
 * ```
 */
export function tTestPower(
  mde: number,
  se: number,
  df: number,
  alpha: number,
  alternative: Alternative,
): number {
  const critical = studentTQuantile(1 - (alternative === 'two-sided' ? alpha / 2 : alpha), df);
  const shift = Math.abs(mde) / se;
  const upper = 1 - noncentralTCdf(critical, df, shift);
  return alternative === 'two-sided' ? upper + noncentralTCdf(-critical, df, shift) : upper;
}

/**
 * Smallest x in [low, high] with f(x) ≥ target for an increasing f, by bisection to relative precision
 * 1e-13 (the continuous solution; callers round up to whole units). Returns undefined when f(high) < target.
 */
export function solveIncreasing(
  f: (x: number) => number,
  target: number,
  low: number,
  high: number,
): number | undefined {
  if (f(high) < target) return undefined;
  if (f(low) >= target) return low;
  let a = low;
  let b = high;
  for (let k = 0; k < 400 && b - a > 1e-13 * Math.max(1, Math.abs(b)); k++) {
    const middle = 0.5 * (a + b);
    if (f(middle) >= target) b = middle;
    else a = middle;
  }
  return b;
}

/**
 * Minimum detectable effect at standard error `se`: the effect with power `power` (solved exactly, including
 * the far tail of the two-sided test; ≈ (z_{1−α/2} + z_power)·se). With `df`, the effect the t-test of
 * {@link tTestPower} detects with that power.
 *
 * @example
 * ```ts
 * minimumDetectableEffect(0.035, 0.05, 0.8, 'two-sided'); // ≈ 0.098
 * ```
 */
export function minimumDetectableEffect(
  se: number,
  alpha: number,
  power: number,
  alternative: Alternative,
  df?: number,
): number {
  const tail = 1 - (alternative === 'two-sided' ? alpha / 2 : alpha);
  const critical = df === undefined ? normalQuantile(tail) : studentTQuantile(tail, df);
  const guess = (critical + (df === undefined ? normalQuantile(power) : studentTQuantile(power, df))) * se;
  const powerAt = (mde: number) =>
    df === undefined ? zTestPower(mde, se, alpha, alternative) : tTestPower(mde, se, df, alpha, alternative);
  let high = 2 * guess + se;
  for (let k = 0; k < 60 && powerAt(high) < power; k++) high *= 2; // t with very few df: power saturates slowly
  return solveIncreasing(powerAt, power, 0, high) as number;
}
