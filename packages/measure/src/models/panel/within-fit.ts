import type { OlsFit } from '../../stats/ols';

/** The pieces of a within (fixed-effects) fit that {@link withinOlsFit} completes. */
export type WithinFitParts = Omit<OlsFit, 'standardErrors' | 'rSquared' | 'clusterCount'> & {
  /** Σ ỹ² of the demeaned outcome: the within R² is `1 − rss / totalSs`. */
  totalSs: number;
  clusterCount: number;
};

/**
 * A cluster-robust within fit as an `OlsFit`: standard errors from the covariance diagonal (negative
 * rounding clamped to 0) and the within R² from the demeaned total sum of squares.
 *
 * @example
 * ```ts
 * return withinOlsFit({ coefficients, covariance, residuals, fitted, n, p, dfResidual: n - p, rss, totalSs, names, clusterCount });
 * ```
 */
export function withinOlsFit(parts: WithinFitParts): OlsFit {
  const { totalSs, ...fit } = parts;
  const { p, covariance, rss } = fit;
  return {
    ...fit,
    standardErrors: Float64Array.from({ length: p }, (_, j) =>
      Math.sqrt(Math.max(0, covariance[j * p + j] as number)),
    ),
    rSquared: totalSs > 0 ? 1 - rss / totalSs : 0,
  };
}
