/** Multiple-testing corrections a review can apply across the initiatives of a cycle. */
export const MULTIPLE_TESTING_METHODS = ['none', 'holm', 'bh'] as const;
/** One of {@link MULTIPLE_TESTING_METHODS}. */
export type MultipleTestingMethod = (typeof MULTIPLE_TESTING_METHODS)[number];

/**
 * Adjusted p-values for a family of m tests, in the input order:
 * - `holm` (Holm 1979, family-wise error): sort ascending, p̃₍ᵢ₎ = max_{j ≤ i} min(1, (m − j + 1)·p₍ⱼ₎);
 * - `bh` (Benjamini & Hochberg 1995, false discovery rate): p̃₍ᵢ₎ = min_{j ≥ i} min(1, m·p₍ⱼ₎ / j);
 * - `none`: unchanged.
 * Rejecting where p̃ ≤ α is the corresponding step-down / step-up procedure at level α; the values equal
 * statsmodels `multipletests(p, method='holm' | 'fdr_bh')[1]`. Ties keep their input order.
 *
 * @example
 * ```ts
 * adjustPValues([0.01, 0.04, 0.03], 'holm'); // [0.03, 0.06, 0.06]
 * ```
 */
export function adjustPValues(pValues: readonly number[], method: MultipleTestingMethod): number[] {
  const m = pValues.length;
  if (method === 'none' || m === 0) return [...pValues];
  const order = pValues
    .map((_, index) => index)
    .sort((a, b) => (pValues[a] as number) - (pValues[b] as number));
  const adjusted = new Array<number>(m);
  if (method === 'holm') {
    let running = 0;
    order.forEach((index, rank) => {
      running = Math.max(running, Math.min(1, (m - rank) * (pValues[index] as number)));
      adjusted[index] = running;
    });
    return adjusted;
  }
  let running = 1;
  for (let rank = m - 1; rank >= 0; rank--) {
    const index = order[rank] as number;
    running = Math.min(running, Math.min(1, (m * (pValues[index] as number)) / (rank + 1)));
    adjusted[index] = running;
  }
  return adjusted;
}
