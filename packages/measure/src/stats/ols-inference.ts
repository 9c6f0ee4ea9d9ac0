import { MeasureError } from '../errors';
import { chiSquaredSurvival, fSurvival, studentTQuantile, twoSidedPValue } from './distributions';
import { choleskyScaled, choleskySolve } from './ols-cholesky';
import type { OlsFit } from './ols-types';

/** Inference for one coefficient. */
export interface CoefficientInference {
  estimate: number;
  standardError: number;
  /** estimate / standardError. */
  statistic: number;
  pValue: number;
  ciLower: number;
  ciUpper: number;
}

/**
 * t-based (or normal, with `df = Infinity`) inference for coefficient `index` of a fit:
 * estimate ± t_{1−α/2, df}·SE and the two-sided p-value. `df` defaults to the residual df.
 *
 * @example
 * ```ts
 * const { ciLower, ciUpper, pValue } = coefficientInference(fit, 1, 0.95);
 * ```
 */
export function coefficientInference(
  fit: OlsFit,
  index: number,
  ciLevel: number,
  df: number = fit.dfResidual,
): CoefficientInference {
  const estimate = fit.coefficients[index];
  const standardError = fit.standardErrors[index];
  if (estimate === undefined || standardError === undefined) {
    throw new MeasureError(
      'MODEL_PARAMS_INVALID',
      `coefficient index ${index} out of range [0, ${fit.p - 1}]`,
      { parameter: 'index' },
    );
  }
  return inferenceFromEstimate(estimate, standardError, ciLevel, df);
}

/**
 * Interval and p-value for an estimate with a known standard error, using t with `df` (Infinity: normal).
 *
 * @example
 * ```ts
 * inferenceFromEstimate(2, 1, 0.95, Infinity); // { ciLower: 0.04, ciUpper: 3.96, pValue: 0.0455, … }
 * ```
 */
export function inferenceFromEstimate(
  estimate: number,
  standardError: number,
  ciLevel: number,
  df: number,
): CoefficientInference {
  const critical = studentTQuantile(1 - (1 - ciLevel) / 2, df);
  const statistic =
    standardError > 0
      ? estimate / standardError
      : estimate === 0
        ? 0
        : Math.sign(estimate) * Number.POSITIVE_INFINITY;
  const pValue = standardError > 0 ? twoSidedPValue(statistic, df) : estimate === 0 ? 1 : 0;
  return {
    estimate,
    standardError,
    statistic,
    pValue,
    ciLower: estimate - critical * standardError,
    ciUpper: estimate + critical * standardError,
  };
}

/** Result of a joint Wald test. */
export interface WaldTest {
  /** χ² statistic β_R'V_R⁻¹β_R (or that divided by q for the F form). */
  statistic: number;
  /** Number of restrictions q. */
  df: number;
  /** Denominator df of the F form; absent for χ². */
  dfDenominator?: number;
  pValue: number;
  distribution: 'chi2' | 'F';
}

/**
 * Joint Wald test that the coefficients at `indices` are all zero, using the fit's covariance. With
 * `dfDenominator` finite the statistic is W/q referred to F(q, dfDenominator); with `Infinity` (default)
 * W is referred to χ²(q). The quadratic form is solved by Cholesky, not by inversion.
 *
 * @example
 * ```ts
 * waldTest(fit, [2, 3], fit.dfResidual); // F test that β₂ = β₃ = 0
 * ```
 */
export function waldTest(
  fit: OlsFit,
  indices: readonly number[],
  dfDenominator: number = Number.POSITIVE_INFINITY,
): WaldTest {
  const q = indices.length;
  if (q === 0)
    throw new MeasureError('MODEL_PARAMS_INVALID', 'Wald test needs at least one coefficient', {
      parameter: 'indices',
    });
  const sub = new Float64Array(q * q);
  const beta = new Float64Array(q);
  for (let a = 0; a < q; a++) {
    const ia = indices[a] as number;
    if (!(ia >= 0 && ia < fit.p))
      throw new MeasureError('MODEL_PARAMS_INVALID', `coefficient index ${ia} out of range`, {
        parameter: 'indices',
      });
    beta[a] = fit.coefficients[ia] as number;
    for (let b = 0; b < q; b++)
      sub[a * q + b] = fit.covariance[ia * fit.p + (indices[b] as number)] as number;
  }
  const names = indices.map((index) => fit.names[index] ?? String(index));
  const { lower, scale } = choleskyScaled(sub, q, names);
  const solved = beta.map((value, j) => value * (scale[j] as number));
  choleskySolve(lower, q, solved);
  let chi2 = 0;
  for (let j = 0; j < q; j++) chi2 += (beta[j] as number) * (solved[j] as number) * (scale[j] as number);
  if (dfDenominator === Number.POSITIVE_INFINITY) {
    return { statistic: chi2, df: q, pValue: chiSquaredSurvival(chi2, q), distribution: 'chi2' };
  }
  const f = chi2 / q;
  return { statistic: f, df: q, dfDenominator, pValue: fSurvival(f, q, dfDenominator), distribution: 'F' };
}
