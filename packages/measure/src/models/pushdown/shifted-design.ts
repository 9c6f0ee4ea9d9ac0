/**
 * A regression fitted on shifted columns z_j = x_j − s_j (j ≥ 1, column 0 the intercept) has the same
 * slopes, residuals and slope covariances as on x; only the intercept moves: X = Z·B with B = I + e₀s',
 * so β = B⁻¹γ and V = B⁻¹ V_z B⁻ᵀ, where B⁻¹ = I − e₀s' changes row and column 0 only
 * (β₀ = γ₀ − Σ s_j γ_j). Returns new arrays; the inputs are not modified.
 *
 * @example
 * ```ts
 * const { coefficients, covariance } = unshiftIntercept(gamma, covarianceZ, [0, 0.5], 2);
 * ```
 */
export function unshiftIntercept(
  coefficients: Float64Array,
  covariance: Float64Array,
  shifts: readonly number[],
  p: number,
): { coefficients: Float64Array; covariance: Float64Array } {
  // Row 0 of B⁻¹: r = (1, −s₁, …, −s_{p−1}).
  const r = Float64Array.from({ length: p }, (_, j) => (j === 0 ? 1 : -(shifts[j] ?? 0)));
  const beta = Float64Array.from(coefficients);
  let intercept = 0;
  for (let j = 0; j < p; j++) intercept += (r[j] as number) * (coefficients[j] as number);
  beta[0] = intercept;
  const v = Float64Array.from(covariance);
  // (B⁻¹V)_{0j} = Σ_a r_a V_aj for every j; then V'_00 = Σ_b (B⁻¹V)_{0b} r_b.
  const row = new Float64Array(p);
  for (let j = 0; j < p; j++) {
    let value = 0;
    for (let a = 0; a < p; a++) value += (r[a] as number) * (covariance[a * p + j] as number);
    row[j] = value;
  }
  let corner = 0;
  for (let b = 0; b < p; b++) corner += (row[b] as number) * (r[b] as number);
  for (let j = 1; j < p; j++) {
    v[j] = row[j] as number;
    v[j * p] = row[j] as number;
  }
  v[0] = corner;
  return { coefficients: beta, covariance: v };
}
