import { DEGENERATE_RUN, pivot, type Tableau, updateBasics } from './simplex-tableau';

/** `d_j = c_j − Σ_r c_{basis[r]}·t[r,j]` for nonbasic j, 0 for basic ones. */
export function reducedCosts(tab: Tableau, cost: Float64Array, reduced: Float64Array): void {
  const { m, width, t, basis, rowOf } = tab;
  for (let j = 0; j < width; j++) reduced[j] = rowOf[j] === -1 ? (cost[j] as number) : 0;
  for (let r = 0; r < m; r++) {
    const cb = cost[basis[r] as number] as number;
    if (cb === 0) continue;
    const base = r * width;
    for (let j = 0; j < width; j++)
      if (rowOf[j] === -1) reduced[j] = (reduced[j] as number) - cb * (t[base + j] as number);
  }
}

/**
 * Bounded dual simplex from a dual feasible basis (every nonbasic column at the bound its reduced cost
 * favours): a violated basic variable leaves at its violated bound, the entering column keeps the reduced
 * costs dual feasible (smallest `|d_j / t_rj|`). `done` when primal feasible (the primal loop then
 * confirms optimality), `infeasible` when a violated row cannot move, `skip` when the start is not dual
 * feasible or the iteration cap is hit (the primal loop then takes over from wherever this stopped).
 */
export function dualSimplex(
  tab: Tableau,
  cost: Float64Array,
  reduced: Float64Array,
  dualTolerance: number,
  maxIterations: number,
): 'done' | 'infeasible' | 'skip' {
  const { m, width, t, basis, rowOf, lower, upper, tolerance, values } = tab;
  reducedCosts(tab, cost, reduced);
  for (let j = 0; j < width; j++) {
    if (rowOf[j] !== -1 || lower[j] === upper[j]) continue;
    const d = reduced[j] as number;
    const v = values[j] as number;
    if ((d < -dualTolerance && v < (upper[j] as number)) || (d > dualTolerance && v > (lower[j] as number)))
      return 'skip';
  }
  let degenerate = 0;
  for (let iteration = 0; iteration < maxIterations; iteration++) {
    updateBasics(tab);
    const bland = degenerate >= DEGENERATE_RUN;
    let row = -1;
    let worst = 0;
    let target = 0;
    for (let r = 0; r < m; r++) {
      const b = basis[r] as number;
      const v = values[b] as number;
      const below = (lower[b] as number) - v;
      const above = v - (upper[b] as number);
      const violation =
        below > (tolerance[b] as number) ? below : above > (tolerance[b] as number) ? above : 0;
      if (violation === 0) continue;
      if (bland ? row < 0 || b < (basis[row] as number) : violation > worst) {
        worst = violation;
        row = r;
        target = below > 0 ? (lower[b] as number) : (upper[b] as number);
      }
    }
    if (row < 0) return 'done';
    const base = row * width;
    // x_b = −Σ t[row,j]·x_j must rise (below its lower bound) or fall (above its upper bound).
    const rise = target > (values[basis[row] as number] as number) ? 1 : -1;
    let entering = -1;
    let ratio = Number.POSITIVE_INFINITY;
    let entry = 0;
    for (let j = 0; j < width; j++) {
      if (rowOf[j] !== -1 || lower[j] === upper[j]) continue;
      const a = t[base + j] as number;
      if (Math.abs(a) <= 1e-9) continue;
      // Moving x_j by Δ changes x_b by −a·Δ: the wanted direction of x_j.
      const direction = -a * rise > 0 ? 1 : -1;
      const v = values[j] as number;
      if (direction > 0 ? v >= (upper[j] as number) : v <= (lower[j] as number)) continue;
      const candidate = Math.abs(reduced[j] as number) / Math.abs(a);
      if (candidate < ratio || (candidate === ratio && (bland ? false : Math.abs(a) > entry))) {
        ratio = candidate;
        entering = j;
        entry = Math.abs(a);
      }
    }
    if (entering < 0) return 'infeasible';
    degenerate = ratio <= 1e-12 ? degenerate + 1 : 0;
    const leaving = basis[row] as number;
    const dq = reduced[entering] as number;
    pivot(tab, row, entering);
    values[leaving] = target;
    // d_j −= d_q·t[row,j] over the normalised pivot row (the leaving column gets −d_q·t[row,leaving]).
    if (dq !== 0)
      for (let j = 0; j < width; j++) reduced[j] = (reduced[j] as number) - dq * (t[base + j] as number);
    reduced[entering] = 0;
  }
  return 'skip';
}
