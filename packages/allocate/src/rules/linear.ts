/**
 * `Σ coefficients[i]·selection[i]`.
 *
 * @example
 * ```ts
 * dot([1, 2], [1, 0]); // 1
 * ```
 */
export function dot(coefficients: ArrayLike<number>, selection: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < coefficients.length; i++) sum += (coefficients[i] ?? 0) * (selection[i] ?? 0);
  return sum;
}
