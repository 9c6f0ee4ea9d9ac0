/** The dense tableau the small LP solver (simplex.ts) works on, and its two primitive operations. */

/** Relative primal feasibility tolerance on a variable's bounds. */
export const PRIMAL_TOLERANCE = 1e-9;
/** Pivots smaller than this (relative to the column's largest entry) are never taken. */
export const PIVOT_TOLERANCE = 1e-9;
/** Degenerate steps in a row before switching to Bland's rule. */
export const DEGENERATE_RUN = 25;

/** The tableau state of one solve. */
export interface Tableau {
  m: number;
  width: number;
  /** Row-major `m × width`: row r reads `Σ_j t[r,j]·v_j = 0` with `t[r, basis[r]] = 1`. */
  t: Float64Array;
  basis: Int32Array;
  /** Row of each basic variable, −1 for nonbasic ones. */
  rowOf: Int32Array;
  lower: Float64Array;
  upper: Float64Array;
  tolerance: Float64Array;
  values: Float64Array;
}

/** Basic values from the nonbasic ones: `v_b = −Σ_{j nonbasic} t[r,j]·v_j`. */
export function updateBasics(tab: Tableau): void {
  const { m, width, t, basis, rowOf, values } = tab;
  for (let r = 0; r < m; r++) {
    let sum = 0;
    const base = r * width;
    for (let j = 0; j < width; j++)
      if (rowOf[j] === -1 && values[j] !== 0) sum -= (t[base + j] as number) * (values[j] as number);
    values[basis[r] as number] = sum;
  }
}

/** Pivot column `column` into row `row`: normalise the row, eliminate the column from the others. */
export function pivot(tab: Tableau, row: number, column: number): void {
  const { m, width, t, basis, rowOf } = tab;
  const base = row * width;
  const inverse = 1 / (t[base + column] as number);
  for (let j = 0; j < width; j++) t[base + j] = (t[base + j] as number) * inverse;
  t[base + column] = 1;
  for (let r = 0; r < m; r++) {
    if (r === row) continue;
    const other = r * width;
    const factor = t[other + column] as number;
    if (factor === 0) continue;
    for (let j = 0; j < width; j++)
      t[other + j] = (t[other + j] as number) - factor * (t[base + j] as number);
    t[other + column] = 0;
  }
  rowOf[basis[row] as number] = -1;
  basis[row] = column;
  rowOf[column] = row;
}
