/**
 * A design matrix stored column by column: `columns[j][i]` is row i of regressor j.
 * Column-major storage lets X'X be accumulated with one tight loop per pair of columns.
 */
export interface DesignMatrix {
  /** Number of rows (observations). */
  n: number;
  /** Number of columns (regressors, intercept included when present). */
  p: number;
  /** `p` columns of length `n`. */
  columns: Float64Array[];
  /** Column names, for messages and output. */
  names: string[];
}

/**
 * Which covariance estimator of the coefficients to use.
 * - `classical`: σ̂²(X'X)⁻¹ with σ̂² = RSS/(n−p).
 * - `HC0`…`HC3`: White's heteroskedasticity-consistent sandwich (X'X)⁻¹ X'ΩX (X'X)⁻¹ with ω_i = e_i² (HC0),
 *   ·n/(n−p) (HC1), e_i²/(1−h_ii) (HC2), e_i²/(1−h_ii)² (HC3) — MacKinnon & White (1985), as R `sandwich::vcovHC`.
 * - `cluster`: CR1, meat Σ_g (X_g'e_g)(X_g'e_g)' scaled by G/(G−1)·(N−1)/(N−K), as Stata, statsmodels
 *   `cov_type='cluster'` and R `sandwich::vcovCL(type = "HC1")`.
 * - `hac`: Newey–West with Bartlett weights 1 − l/(L+1) for lags l = 1…L and no small-sample factor, as statsmodels
 *   `cov_type='HAC', cov_kwds={'maxlags': L}` (default `use_correction=False`) and R `sandwich::NeweyWest(lag = L,
 *   prewhite = FALSE, adjust = FALSE)`. Rows must be in time order.
 */
export type CovarianceSpec =
  | { type: 'classical' }
  | { type: 'HC0' | 'HC1' | 'HC2' | 'HC3' }
  | { type: 'cluster'; clusters: Int32Array | readonly string[] }
  | { type: 'hac'; maxLags: number };

/** Names of the covariance types, for parameter schemas. */
export const COVARIANCE_TYPES = ['classical', 'HC0', 'HC1', 'HC2', 'HC3', 'cluster', 'hac'] as const;

/** Inputs of {@link fitOls}. */
export interface OlsInput {
  design: DesignMatrix;
  y: Float64Array;
  /** Optional positive weights (weighted least squares; robust covariances use √w-scaled rows). */
  weights?: Float64Array;
  /** Covariance estimator; `classical` when omitted. */
  covariance?: CovarianceSpec;
}

/** A fitted least-squares regression. */
export interface OlsFit {
  coefficients: Float64Array;
  standardErrors: Float64Array;
  /** p×p covariance of the coefficients, row-major. */
  covariance: Float64Array;
  /**
   * y − Xβ̂ (unweighted). For classical and HC0–HC3 fits, `residuals` and `fitted` are computed together on
   * first access (one more read of the design and y; like statsmodels' `resid` and `fittedvalues`), so a
   * fit whose residuals are never read skips two n-long arrays; do not modify the inputs before reading them.
   * Cluster and HAC fits compute them eagerly.
   */
  residuals: Float64Array;
  /** Xβ̂ (see `residuals` for when it is computed). */
  fitted: Float64Array;
  n: number;
  p: number;
  /** n − p. */
  dfResidual: number;
  /** Residual sum of squares (weighted when weights are given). */
  rss: number;
  /** Centered R² (uncentered when the design has no constant column). */
  rSquared: number;
  names: string[];
  /** Number of clusters, for `cluster` covariances (use G − 1 degrees of freedom for t tests). */
  clusterCount?: number;
}
