/**
 * Sampling variances of the planned estimators under stated assumptions (pure functions, exact under the
 * stated model; tested against Monte-Carlo variances of the real models in `validate/planning.validate.ts`).
 */

/** AR(1) correlation ρ^|a−b| summed over weights: Σ_a Σ_b w_a·w_b·ρ^|a−b| in O(n) by the recursion S_a = ρ·S_{a−1} + w_a. */
function ar1QuadraticForm(weights: Float64Array, rho: number): number {
  let total = 0;
  let running = 0; // Σ_{b<a} w_b ρ^{a−b}
  for (let a = 0; a < weights.length; a++) {
    const w = weights[a] as number;
    running *= rho;
    total += w * w + 2 * w * running;
    running += w;
  }
  return total;
}

/**
 * Variance of a randomised experiment's difference in means (or CUPED-adjusted difference) with N units,
 * a share p treated, outcome SD σ and CUPED R² ρ² (the squared correlation with the pre-period metric):
 * Var = σ²(1 − ρ²)/(N·p(1 − p)).
 *
 * @example
 * ```ts
 * experimentVariance(1000, { sd: 2, rSquared: 0.3, treatedShare: 0.5 });
 * ```
 */
export function experimentVariance(
  units: number,
  assumptions: { sd: number; rSquared: number; treatedShare: number },
): number {
  const p = assumptions.treatedShare;
  return (assumptions.sd ** 2 * (1 - assumptions.rSquared)) / (units * p * (1 - p));
}

/**
 * Variance of the two-way fixed-effects DiD on a balanced panel with common timing (the 2×2 of unit mean
 * changes): N units, share p treated, m pre and r post periods, y_it = α_i + λ_t + δD_it + ε_it with
 * Var(α_i) = ICC·σ² (differenced out) and ε AR(1) with correlation ρ and variance (1 − ICC)·σ².
 * Var = (1 − ICC)σ²·w'R(ρ)w/(N·p(1 − p)), with w = −1/m on pre and 1/r on post periods
 * (cf. Burlig, Preonas & Woerman 2020 for the serially correlated case).
 *
 * @example
 * ```ts
 * didVariance(200, { sd: 1, icc: 0.5, autocorrelation: 0.4, prePeriods: 8, postPeriods: 8, treatedShare: 0.5 });
 * ```
 */
export function didVariance(
  units: number,
  assumptions: {
    sd: number;
    icc: number;
    autocorrelation: number;
    prePeriods: number;
    postPeriods: number;
    treatedShare: number;
  },
): number {
  const p = assumptions.treatedShare;
  return didUnitChangeVariance(assumptions) / (units * p * (1 - p));
}

/**
 * Variance of one unit's change in mean outcome, post minus pre: (1 − ICC)σ²·w'R(ρ)w (see {@link didVariance}).
 *
 * @example
 * ```ts
 * didUnitChangeVariance({ sd: 1, icc: 0.5, autocorrelation: 0.4, prePeriods: 8, postPeriods: 8 });
 * ```
 */
export function didUnitChangeVariance(assumptions: {
  sd: number;
  icc: number;
  autocorrelation: number;
  prePeriods: number;
  postPeriods: number;
}): number {
  const { prePeriods: m, postPeriods: r } = assumptions;
  const weights = new Float64Array(m + r);
  for (let t = 0; t < m + r; t++) weights[t] = t < m ? -1 / m : 1 / r;
  return assumptions.sd ** 2 * (1 - assumptions.icc) * ar1QuadraticForm(weights, assumptions.autocorrelation);
}

/**
 * Variance of the interrupted-time-series mean post-period gap: mean of the r post observations minus the mean
 * of the pre-period linear trend (fit by OLS on the m pre periods) extrapolated over them, with AR(1) errors of
 * SD σ and correlation ρ: Var = σ²·w'R(ρ)w with w = 1/r on post periods and −h_s on pre periods,
 * h_s = 1/m + (t̄_post − t̄_pre)(s − t̄_pre)/Σ(s − t̄_pre)².
 *
 * @example
 * ```ts
 * itsVariance({ sd: 1, autocorrelation: 0.3, prePeriods: 24, postPeriods: 6 });
 * ```
 */
export function itsVariance(assumptions: {
  sd: number;
  autocorrelation: number;
  prePeriods: number;
  postPeriods: number;
}): number {
  const { prePeriods: m, postPeriods: r } = assumptions;
  const preMean = (m - 1) / 2;
  const postMean = m + (r - 1) / 2;
  let spread = 0;
  for (let s = 0; s < m; s++) spread += (s - preMean) ** 2;
  const weights = new Float64Array(m + r);
  for (let s = 0; s < m; s++) weights[s] = -(1 / m + ((postMean - preMean) * (s - preMean)) / spread);
  for (let t = m; t < m + r; t++) weights[t] = 1 / r;
  return assumptions.sd ** 2 * ar1QuadraticForm(weights, assumptions.autocorrelation);
}
