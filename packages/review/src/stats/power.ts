import { normalCdf, normalQuantile } from './normal';

/** Inputs of a two-sided z-test power calculation. */
export interface PowerInputs {
  /** The observed (or hypothesised) effect, in the measurement's units. */
  effect: number;
  /** Standard error of the effect at the achieved sample size. */
  standardError: number;
  /** Achieved number of observations. */
  sampleSize: number;
  /** Two-sided significance level α (e.g. `1 − ci_level`). */
  alpha: number;
  /** Target power, e.g. 0.8. */
  power: number;
}

/** What a power calculation yields. */
export interface PowerAnalysis {
  /** z_{1−α/2} + z_{power}: how many standard errors an effect must span to be detected with `power`. */
  criticalSpan: number;
  /** Minimum detectable effect at the achieved n: `criticalSpan · SE`. */
  minimumDetectableEffect: number;
  /** Observations needed to detect `|effect|` with `power`: `n · (criticalSpan · SE / |effect|)²` (∞ when the effect is 0). */
  requiredSampleSize: number;
  /** Achieved over required n: `(|effect| / (criticalSpan · SE))²` (∞ when SE = 0 and the effect is not 0; 0 when the effect is 0). */
  adequacy: number;
  /** Power of the achieved two-sided test against `|effect|`: Φ(|effect|/SE − z_{1−α/2}) + Φ(−|effect|/SE − z_{1−α/2}). */
  achievedPower: number;
}

/**
 * Sample-size adequacy of a measurement for its own observed effect. Standard errors scale as 1/√n, so
 * the n that gives power `π` at two-sided level `α` for effect `δ` is
 * `n_req = n · ((z_{1−α/2} + z_π) · SE / |δ|)²` and the adequacy ratio is `n / n_req`.
 *
 * @example
 * ```ts
 * powerAnalysis({ effect: 2, standardError: 1, sampleSize: 100, alpha: 0.05, power: 0.8 }).requiredSampleSize; // ≈ 196.2
 * ```
 */
export function powerAnalysis(inputs: PowerInputs): PowerAnalysis {
  const zAlpha = normalQuantile(1 - inputs.alpha / 2);
  const zPower = normalQuantile(inputs.power);
  const criticalSpan = zAlpha + zPower;
  const absEffect = Math.abs(inputs.effect);
  const se = inputs.standardError;
  let adequacy: number;
  if (absEffect === 0) adequacy = 0;
  else if (se === 0) adequacy = Number.POSITIVE_INFINITY;
  else adequacy = (absEffect / (criticalSpan * se)) ** 2;
  const requiredSampleSize = adequacy === 0 ? Number.POSITIVE_INFINITY : inputs.sampleSize / adequacy;
  const achievedPower =
    se === 0
      ? absEffect === 0
        ? inputs.alpha
        : 1
      : normalCdf(absEffect / se - zAlpha) + normalCdf(-absEffect / se - zAlpha);
  return {
    criticalSpan,
    minimumDetectableEffect: criticalSpan * se,
    requiredSampleSize,
    adequacy,
    achievedPower,
  };
}
