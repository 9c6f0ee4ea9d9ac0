import { MeasureError } from '../errors';
import type { CovarianceSpec, OlsFit } from '../stats/ols';
import type { DifferenceInDifferencesParams } from './did-params';

/**
 * Re-scale a cluster covariance computed on within-transformed data so its small-sample factor counts the
 * absorbed fixed effects, G/(G−1)·(N−1)/(N−K) with K = slopes + first-FE levels + second-FE levels − 1: the
 * same number as OLS with dummies under statsmodels `cov_type='cluster'`, R `sandwich::vcovCL(type="HC1")` and
 * Stata `regress … i.unit i.time, vce(cluster unit)`. (Assumes a connected unit × time graph.)
 */
export function absorbFixedEffectsDf<
  F extends Pick<OlsFit, 'n' | 'p' | 'covariance' | 'standardErrors' | 'dfResidual'>,
>(fit: F, absorbed: number): F {
  const k = fit.p + absorbed;
  if (fit.n <= k) {
    throw new MeasureError(
      'DATA_TOO_FEW_ROWS',
      `difference in differences needs more rows (${fit.n}) than parameters including fixed effects (${k})`,
      { parameter: 'fixed_effects' },
    );
  }
  const factor = (fit.n - fit.p) / (fit.n - k);
  const covariance = fit.covariance.map((value) => value * factor);
  const standardErrors = fit.standardErrors.map((value) => value * Math.sqrt(factor));
  return { ...fit, covariance, standardErrors, dfResidual: fit.n - k };
}

/**
 * The covariance of the headline DiD coefficient and how many absorbed fixed effects its small-sample factor
 * counts: all of them, except under `CR1` + `df: within`, where the `nestedInClusters` unit effects are left
 * out (fixest / `xtreg, fe`).
 */
export function headlineCovariance(
  params: DifferenceInDifferencesParams,
  clusters: { type: 'cluster'; clusters: Int32Array },
  absorbed: number,
  nestedInClusters: number,
): { spec: CovarianceSpec; absorbedInK: number } {
  if (params.covariance === 'classical') return { spec: { type: 'classical' }, absorbedInK: absorbed };
  if (params.covariance === 'HC1') return { spec: { type: 'HC1' }, absorbedInK: absorbed };
  return { spec: clusters, absorbedInK: params.df === 'within' ? absorbed - nestedInClusters : absorbed };
}

/** The `details.standard_errors` label of the headline covariance. */
export function standardErrorLabel(params: DifferenceInDifferencesParams, k: number, df: number): string {
  if (params.covariance === 'classical')
    return `classical σ̂²(X'X)⁻¹ with σ̂² = RSS/(N−K), K = ${k}, t with ${df} df`;
  if (params.covariance === 'HC1') return `HC1 (White, factor N/(N−K), K = ${k}), t with ${df} df`;
  return params.df === 'within'
    ? `cluster-robust by "${params.unit}" (CR1: G/(G−1)·(N−1)/(N−K), K without the unit effects nested in the clusters, as fixest / xtreg), t with G−1 = ${df} df`
    : `cluster-robust by "${params.unit}" (CR1: G/(G−1)·(N−1)/(N−K), K = ${k} incl. absorbed fixed effects), t with G−1 = ${df} df`;
}
