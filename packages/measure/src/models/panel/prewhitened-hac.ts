import { Matrix, solve } from 'ml-matrix';
import { MeasureError } from '../../errors';

/**
 * Newey–West covariance with VAR(1) prewhitening of the estimating functions (Andrews & Monahan 1992), as
 * R `sandwich::NeweyWest(fit, lag = L, prewhite = TRUE, adjust = FALSE)`: with scores h_t = x_t·e_t, fit
 * h_t = A·h_{t−1} + v_t by OLS (no intercept), take the Bartlett-weighted long-run covariance of v
 * (weights 1 − l/(L+1)), recolour it with D = (I − A)⁻¹ (solved, not inverted) and sandwich it between
 * (X'X)⁻¹. Prewhitening removes most of the downward bias of plain Newey–West under positive autocorrelation.
 *
 * @param columns design columns (time order), `residuals` the OLS residuals, `xtxInverse` (X'X)⁻¹ row-major.
 * @example
 * ```ts
 * const covariance = prewhitenedHacCovariance(columns, fit.residuals, xtxInverse, 4);
 * ```
 */
export function prewhitenedHacCovariance(
  columns: readonly Float64Array[],
  residuals: Float64Array,
  xtxInverse: Float64Array,
  maxLags: number,
): Float64Array {
  const p = columns.length;
  const n = residuals.length;
  if (n - 1 <= p + maxLags) {
    throw new MeasureError(
      'DATA_TOO_FEW_ROWS',
      `prewhitened HAC needs more than ${p + maxLags + 1} periods, found ${n}`,
      { parameter: 'hac_lags' },
    );
  }
  const scores = columns.map((column) => column.map((value, t) => value * (residuals[t] as number)));
  // VAR(1) by OLS: A = (Σ h_t h_{t−1}')(Σ h_{t−1} h_{t−1}')⁻¹, via A' = solve(C0, C1').
  const lagged = new Matrix(p, p);
  const cross = new Matrix(p, p);
  for (let a = 0; a < p; a++) {
    const sa = scores[a] as Float64Array;
    for (let b = 0; b < p; b++) {
      const sb = scores[b] as Float64Array;
      let c0 = 0;
      let c1 = 0;
      for (let t = 1; t < n; t++) {
        c0 += (sa[t - 1] as number) * (sb[t - 1] as number);
        c1 += (sa[t] as number) * (sb[t - 1] as number);
      }
      lagged.set(a, b, c0);
      cross.set(a, b, c1);
    }
  }
  const transition = solveOrRefuse(
    lagged,
    cross.transpose(),
    'the lag-1 cross-products of the scores',
  ).transpose();
  // Prewhitened residuals v_t = h_t − A h_{t−1}, t = 1…n−1.
  const m = n - 1;
  const white = Array.from({ length: p }, () => new Float64Array(m));
  for (let t = 1; t < n; t++) {
    for (let a = 0; a < p; a++) {
      let value = (scores[a] as Float64Array)[t] as number;
      for (let b = 0; b < p; b++)
        value -= transition.get(a, b) * ((scores[b] as Float64Array)[t - 1] as number);
      (white[a] as Float64Array)[t - 1] = value;
    }
  }
  const longRun = new Matrix(p, p);
  for (let lag = 0; lag <= maxLags; lag++) {
    const weight = 1 - lag / (maxLags + 1);
    for (let a = 0; a < p; a++) {
      const va = white[a] as Float64Array;
      for (let b = 0; b < p; b++) {
        const vb = white[b] as Float64Array;
        let sum = 0;
        for (let t = lag; t < m; t++) sum += (va[t] as number) * (vb[t - lag] as number);
        longRun.set(a, b, longRun.get(a, b) + weight * sum);
        if (lag > 0) longRun.set(b, a, longRun.get(b, a) + weight * sum);
      }
    }
  }
  // Recolour: D S D' with D = (I − A)⁻¹, as two solves.
  const identityMinusA = Matrix.eye(p).sub(transition);
  const half = solveOrRefuse(identityMinusA, longRun, 'I − A (a unit root in the VAR(1) of the scores)');
  const meat = solveOrRefuse(
    identityMinusA,
    half.transpose(),
    'I − A (a unit root in the VAR(1) of the scores)',
  );
  const bread = new Matrix(p, p);
  for (let a = 0; a < p; a++) for (let b = 0; b < p; b++) bread.set(a, b, xtxInverse[a * p + b] as number);
  const covariance = bread.mmul(meat).mmul(bread);
  const out = new Float64Array(p * p);
  for (let a = 0; a < p; a++)
    for (let b = 0; b < p; b++) out[a * p + b] = (covariance.get(a, b) + covariance.get(b, a)) / 2;
  if (!out.every(Number.isFinite)) throw singularPrewhitening('the recoloured long-run covariance');
  return out;
}

function singularPrewhitening(what: string, cause?: unknown): MeasureError {
  return new MeasureError(
    'MODEL_SINGULAR_DESIGN',
    `prewhitened HAC cannot be computed: ${what} is singular (too few periods or an exact fit); use more periods or hac_prewhite: false`,
    { parameter: 'hac_prewhite', cause },
  );
}

/** ml-matrix `solve` (LU, with a raw "LU matrix is singular" error) behind a typed refusal. */
function solveOrRefuse(left: Matrix, right: Matrix, what: string): Matrix {
  let solution: Matrix;
  try {
    solution = solve(left, right);
  } catch (error) {
    throw singularPrewhitening(what, error);
  }
  if (!solution.to1DArray().every(Number.isFinite)) throw singularPrewhitening(what);
  return solution;
}
