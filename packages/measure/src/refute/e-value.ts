/**
 * E-values (VanderWeele & Ding 2017, Ann. Intern. Med. 167:268): the minimum strength of association, on the
 * risk-ratio scale, that an unmeasured confounder would need with both treatment and outcome to explain away
 * an observed association.
 */

/**
 * E-value of a risk ratio: RR + √(RR·(RR − 1)) for RR ≥ 1, and that of 1/RR for RR < 1.
 *
 * @example
 * ```ts
 * riskRatioEValue(3.9); // ≈ 7.26 (VanderWeele & Ding's worked example)
 * ```
 */
export function riskRatioEValue(riskRatio: number): number {
  const rr = riskRatio >= 1 ? riskRatio : 1 / riskRatio;
  return rr + Math.sqrt(rr * (rr - 1));
}

/** E-values of a difference in means: of the estimate and of the CI limit closest to the null. */
export interface MeanDifferenceEValues {
  /** Standardised mean difference d = effect / SD(outcome). */
  standardizedEffect: number;
  /** Approximate risk ratio exp(0.91·d) (VanderWeele & Ding 2017, after Chinn 2000). */
  riskRatio: number;
  eValue: number;
  /** 1 when the interval contains the null. */
  eValueCi: number;
}

/**
 * E-values for a continuous outcome: the difference in means is standardised by the outcome SD and converted
 * to an approximate risk ratio RR ≈ exp(0.91·d); the E-value of the interval uses the limit closest to 0
 * (1 when the interval covers 0).
 *
 * @example
 * ```ts
 * meanDifferenceEValues(3.4, 2.4, 4.5, 7.8); // NHEFS-like weight gain
 * ```
 */
export function meanDifferenceEValues(
  effect: number,
  ciLower: number,
  ciUpper: number,
  outcomeSd: number,
): MeanDifferenceEValues {
  const convert = (value: number) => Math.exp((0.91 * value) / outcomeSd);
  const standardizedEffect = effect / outcomeSd;
  const riskRatio = convert(effect);
  const coversNull = ciLower <= 0 && ciUpper >= 0;
  const nearest = effect >= 0 ? ciLower : ciUpper;
  return {
    standardizedEffect,
    riskRatio,
    eValue: riskRatioEValue(riskRatio),
    eValueCi: coversNull ? 1 : riskRatioEValue(convert(nearest)),
  };
}
