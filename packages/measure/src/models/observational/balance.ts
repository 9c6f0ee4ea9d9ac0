/**
 * Standardized mean difference of each covariate between treated and control rows:
 * SMD_j = (x̄_j,treated − x̄_j,control) / √((s²_j,treated + s²_j,control)/2), where the means are
 * weighted by `weights` when given (matching, subclassification or IPW weights) and the variances in the
 * denominator are always the unweighted sample variances (n − 1), so before/after values share one scale
 * (the convention of R `cobalt::bal.tab` with `s.d.denom = "pooled"`). A covariate constant in both
 * groups has SMD 0.
 *
 * @param covariates covariate columns (each of length n).
 * @param treatment 0/1 per row.
 * @param weights optional non-negative weight per row (rows with weight 0 are ignored in the means).
 * @example
 * ```ts
 * standardizedMeanDifferences([Float64Array.of(1, 2, 3, 4)], Uint8Array.of(0, 0, 1, 1)); // [2.828…]
 * ```
 */
export function standardizedMeanDifferences(
  covariates: readonly Float64Array[],
  treatment: Uint8Array,
  weights?: Float64Array,
): number[] {
  const n = treatment.length;
  return covariates.map((column) => {
    let sumT = 0;
    let sumC = 0;
    let sqT = 0;
    let sqC = 0;
    let nT = 0;
    let nC = 0;
    let wT = 0;
    let wC = 0;
    let wsumT = 0;
    let wsumC = 0;
    for (let i = 0; i < n; i++) {
      const x = column[i] as number;
      const w = weights === undefined ? 1 : (weights[i] as number);
      if (treatment[i] === 1) {
        sumT += x;
        sqT += x * x;
        nT++;
        wT += w;
        wsumT += w * x;
      } else {
        sumC += x;
        sqC += x * x;
        nC++;
        wC += w;
        wsumC += w * x;
      }
    }
    const variance = (sum: number, sq: number, count: number) =>
      count > 1 ? Math.max(0, (sq - (sum * sum) / count) / (count - 1)) : 0;
    const pooled = Math.sqrt((variance(sumT, sqT, nT) + variance(sumC, sqC, nC)) / 2);
    const difference = wsumT / wT - wsumC / wC;
    if (!(pooled > 0))
      return Math.abs(difference) < 1e-12 ? 0 : Math.sign(difference) * Number.POSITIVE_INFINITY;
    return difference / pooled;
  });
}
