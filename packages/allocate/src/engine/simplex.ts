import type { MilpRow } from '../solvers/model';

/**
 * A small dense LP solver for the reduced-cost cores: minimise `Σ cost[j]·x[j]` subject to
 * `lower_r ≤ a_r·x ≤ upper_r` and `columnLower ≤ x ≤ columnUpper` (any bound may be infinite). Bounded
 * primal simplex on a dense tableau over the columns and one activity variable per row (`a_r·x − s_r = 0`,
 * `s_r` carrying the row's bounds), started from the all-activity basis; phase 1 minimises the sum of
 * bound violations (stopping at the first breakpoint), phase 2 the cost. Dantzig pricing, switching to
 * Bland's rule after a run of degenerate steps so it cannot cycle. Sized for a few rows over ≤ ~100
 * columns, where it beats a call into a WebAssembly engine by orders of magnitude.
 */
export interface DenseLp {
  /** Objective coefficients (minimised), one per column. */
  cost: ArrayLike<number>;
  columnLower: ArrayLike<number>;
  columnUpper: ArrayLike<number>;
  rows: readonly MilpRow[];
}

/** How {@link solveDenseLp} ended: `stalled` when the iteration cap was hit (callers fall back). */
export interface DenseLpResult {
  status: 'optimal' | 'infeasible' | 'unbounded' | 'stalled';
  /** Column values (meaningful when optimal; a view into the workspace). */
  x: Float64Array;
  /** `Σ cost·x` at `x`. */
  objective: number;
  /** Reduced cost of every column (first the columns, then the row activities; 0 when basic). */
  reduced: Float64Array;
  /** The final basis, to warm-start a solve of the same rows with other column bounds. */
  basis: LpBasis;
}

/** A simplex basis of one {@link DenseLp}'s rows: the tableau, which variables are basic, their values. */
export interface LpBasis {
  t: Float64Array;
  basis: Int32Array;
  rowOf: Int32Array;
  values: Float64Array;
}

/**
 * Scratch arrays of one LP size, reused across solves (branch and bound solves thousands of LPs of the
 * same shape: allocating typed arrays per solve cost more than the pivots). A solve given a workspace
 * returns `x` and `reduced` as views into it, valid until the next solve with the same workspace.
 */
export interface LpWorkspace {
  lower: Float64Array;
  upper: Float64Array;
  tolerance: Float64Array;
  cost: Float64Array;
  reduced: Float64Array;
  x: Float64Array;
}

/** A workspace for LPs with `columns` columns and `rows` rows. */
export const createWorkspace = (columns: number, rows: number): LpWorkspace => ({
  lower: new Float64Array(columns + rows),
  upper: new Float64Array(columns + rows),
  tolerance: new Float64Array(columns + rows),
  cost: new Float64Array(columns + rows),
  reduced: new Float64Array(columns + rows),
  x: new Float64Array(columns),
});

/** An independent copy of a basis (solves write to the one they start from). */
export const copyBasis = (basis: LpBasis): LpBasis => ({
  t: Float64Array.from(basis.t),
  basis: Int32Array.from(basis.basis),
  rowOf: Int32Array.from(basis.rowOf),
  values: Float64Array.from(basis.values),
});

/** Relative primal feasibility tolerance on a variable's bounds. */
const PRIMAL_TOLERANCE = 1e-9;
/** Pivots smaller than this (relative to the column's largest entry) are never taken. */
const PIVOT_TOLERANCE = 1e-9;
/** Degenerate steps in a row before switching to Bland's rule. */
const DEGENERATE_RUN = 25;

/** The tableau state of one solve. */
interface Tableau {
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

function initialTableau(lp: DenseLp, start: LpBasis | undefined, workspace: LpWorkspace): Tableau {
  const k = lp.cost.length;
  const m = lp.rows.length;
  const width = k + m;
  const { lower, upper, tolerance } = workspace;
  for (let j = 0; j < k; j++) {
    lower[j] = lp.columnLower[j] ?? 0;
    upper[j] = lp.columnUpper[j] ?? 0;
  }
  lp.rows.forEach((row, r) => {
    lower[k + r] = row.lower;
    upper[k + r] = row.upper;
  });
  for (let j = 0; j < width; j++) {
    const lo = lower[j] as number;
    const hi = upper[j] as number;
    let scale = 1;
    if (Number.isFinite(lo) && Math.abs(lo) > scale) scale = Math.abs(lo);
    if (Number.isFinite(hi) && Math.abs(hi) > scale) scale = Math.abs(hi);
    tolerance[j] = PRIMAL_TOLERANCE * scale;
  }
  if (start !== undefined) {
    // Warm start: the same basis; nonbasic columns outside their new bounds move onto them.
    const { values, rowOf } = start;
    for (let j = 0; j < k; j++) {
      if (rowOf[j] !== -1) continue;
      if ((values[j] as number) < (lower[j] as number)) values[j] = lower[j] as number;
      else if ((values[j] as number) > (upper[j] as number)) values[j] = upper[j] as number;
    }
    return { m, width, ...start, lower, upper, tolerance };
  }
  const t = new Float64Array(m * width);
  lp.rows.forEach((row, r) => {
    row.indices.forEach((j, p) => {
      t[r * width + j] = (t[r * width + j] as number) - (row.values[p] ?? 0);
    });
    t[r * width + k + r] = 1;
  });
  const values = new Float64Array(width);
  for (let j = 0; j < k; j++) {
    const lo = lower[j] as number;
    const hi = upper[j] as number;
    values[j] = Number.isFinite(lo) ? lo : Number.isFinite(hi) ? hi : 0;
  }
  const basis = Int32Array.from({ length: m }, (_, r) => k + r);
  const rowOf = new Int32Array(width).fill(-1);
  for (let r = 0; r < m; r++) rowOf[k + r] = r;
  return { m, width, t, basis, rowOf, lower, upper, tolerance, values };
}

/** Basic values from the nonbasic ones: `v_b = −Σ_{j nonbasic} t[r,j]·v_j`. */
function updateBasics(tab: Tableau): void {
  const { m, width, t, basis, rowOf, values } = tab;
  for (let r = 0; r < m; r++) {
    let sum = 0;
    const base = r * width;
    for (let j = 0; j < width; j++)
      if (rowOf[j] === -1 && values[j] !== 0) sum -= (t[base + j] as number) * (values[j] as number);
    values[basis[r] as number] = sum;
  }
}

function pivot(tab: Tableau, row: number, column: number): void {
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

/**
 * Solve a small LP exactly (to floating-point tolerances), from the all-activity basis or warm from
 * `start` (a basis of the same rows, which the solve takes over and modifies).
 *
 * @example
 * ```ts
 * const lp = solveDenseLp({ cost: [-3, -2], columnLower: [0, 0], columnUpper: [1, 1],
 *   rows: [{ indices: [0, 1], values: [2, 2], lower: -Infinity, upper: 3 }] });
 * lp.objective; // -4 (x = [1, 0.5])
 * ```
 */
export function solveDenseLp(
  lp: DenseLp,
  start?: LpBasis,
  workspace: LpWorkspace = createWorkspace(lp.cost.length, lp.rows.length),
  maxIterations = 2000,
): DenseLpResult {
  const k = lp.cost.length;
  const tab = initialTableau(lp, start, workspace);
  const { basis, lower, upper, values } = tab;
  let costScale = 1;
  for (let j = 0; j < k; j++) costScale = Math.max(costScale, Math.abs(lp.cost[j] ?? 0));
  const { cost, reduced } = workspace;
  cost.fill(0);
  let degenerate = 0;
  if (start !== undefined) {
    // A warm start after a bound change keeps the parent's optimal reduced costs: dual simplex.
    for (let j = 0; j < k; j++) cost[j] = lp.cost[j] ?? 0;
    const dual = dualSimplex(tab, cost, reduced, 1e-9 * costScale, maxIterations);
    if (dual === 'infeasible') return finish(lp, tab, 'infeasible', workspace);
  }
  for (let iteration = 0; iteration < maxIterations; iteration++) {
    updateBasics(tab);
    const phaseOne = phaseCosts(tab, lp.cost, cost);
    reducedCosts(tab, cost, reduced);
    const bland = degenerate >= DEGENERATE_RUN;
    const { entering, direction } = primalEntering(tab, reduced, 1e-9 * (phaseOne ? 1 : costScale), bland);
    if (entering < 0) return finish(lp, tab, phaseOne ? 'infeasible' : 'optimal', workspace);
    const { step, row, target } = primalRatio(tab, entering, direction, bland);
    if (!Number.isFinite(step)) return finish(lp, tab, phaseOne ? 'stalled' : 'unbounded', workspace);
    degenerate = step <= 1e-12 * Math.max(1, Math.abs(values[entering] as number)) ? degenerate + 1 : 0;
    if (row < 0) {
      // A bound flip: the entering variable reaches its other bound first.
      values[entering] = direction > 0 ? (upper[entering] as number) : (lower[entering] as number);
      continue;
    }
    values[entering] = (values[entering] as number) + direction * step;
    const leaving = basis[row] as number;
    pivot(tab, row, entering);
    values[leaving] = target;
  }
  return finish(lp, tab, 'stalled', workspace);
}

/**
 * Phase 1 costs (±1 on violated basic variables) while anything is infeasible, else the objective;
 * returns whether this is phase 1.
 */
function phaseCosts(tab: Tableau, objective: ArrayLike<number>, cost: Float64Array): boolean {
  const { m, basis, lower, upper, tolerance, values } = tab;
  let phaseOne = false;
  cost.fill(0);
  for (let r = 0; r < m; r++) {
    const b = basis[r] as number;
    const v = values[b] as number;
    if (v < (lower[b] as number) - (tolerance[b] as number)) {
      cost[b] = -1;
      phaseOne = true;
    } else if (v > (upper[b] as number) + (tolerance[b] as number)) {
      cost[b] = 1;
      phaseOne = true;
    }
  }
  if (!phaseOne) for (let j = 0; j < objective.length; j++) cost[j] = objective[j] ?? 0;
  return phaseOne;
}

/** Entering variable: Dantzig (largest |d|), or Bland (smallest index) after a degenerate run. */
function primalEntering(
  tab: Tableau,
  reduced: Float64Array,
  dualTolerance: number,
  bland: boolean,
): { entering: number; direction: number } {
  const { width, rowOf, lower, upper, values } = tab;
  let entering = -1;
  let direction = 0;
  let bestScore = 0;
  for (let j = 0; j < width; j++) {
    if (rowOf[j] !== -1) continue;
    const d = reduced[j] as number;
    const v = values[j] as number;
    let dir = 0;
    if (d < -dualTolerance && v < (upper[j] as number)) dir = 1;
    else if (d > dualTolerance && v > (lower[j] as number)) dir = -1;
    if (dir === 0) continue;
    if (bland) return { entering: j, direction: dir };
    if (Math.abs(d) > bestScore) {
      bestScore = Math.abs(d);
      entering = j;
      direction = dir;
    }
  }
  return { entering, direction };
}

/**
 * Ratio test: the first bound (or, in phase 1, violated bound) a basic variable reaches as the entering
 * variable moves; `row` −1 when the entering variable's own other bound comes first (a bound flip).
 */
function primalRatio(
  tab: Tableau,
  entering: number,
  direction: number,
  bland: boolean,
): { step: number; row: number; target: number } {
  const { m, width, t, basis, lower, upper, tolerance, values } = tab;
  let step =
    direction > 0
      ? (upper[entering] as number) - (values[entering] as number)
      : (values[entering] as number) - (lower[entering] as number);
  let row = -1;
  let target = 0;
  let leavingPivot = 0;
  let columnMax = 0;
  for (let r = 0; r < m; r++) columnMax = Math.max(columnMax, Math.abs(t[r * width + entering] as number));
  const pivotFloor = Math.max(1e-12, PIVOT_TOLERANCE * columnMax);
  for (let r = 0; r < m; r++) {
    const entry = t[r * width + entering] as number;
    if (Math.abs(entry) <= pivotFloor) continue;
    const rate = -entry * direction;
    const b = basis[r] as number;
    const v = values[b] as number;
    const lo = lower[b] as number;
    const hi = upper[b] as number;
    const tol = tolerance[b] as number;
    let bound = Number.NaN;
    if (rate > 0) {
      if (v < lo - tol) bound = lo;
      else if (v <= hi + tol && Number.isFinite(hi)) bound = hi;
    } else if (v > hi + tol) bound = hi;
    else if (v >= lo - tol && Number.isFinite(lo)) bound = lo;
    if (Number.isNaN(bound)) continue;
    const limit = Math.max(0, (bound - v) / rate);
    const better =
      limit < step ||
      (limit === step && row >= 0 && (bland ? b < (basis[row] as number) : Math.abs(entry) > leavingPivot));
    if (better) {
      step = limit;
      row = r;
      target = bound;
      leavingPivot = Math.abs(entry);
    }
  }
  return { step, row, target };
}

/** `d_j = c_j − Σ_r c_{basis[r]}·t[r,j]` for nonbasic j, 0 for basic ones. */
function reducedCosts(tab: Tableau, cost: Float64Array, reduced: Float64Array): void {
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
function dualSimplex(
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

function finish(
  lp: DenseLp,
  tab: Tableau,
  status: DenseLpResult['status'],
  workspace: LpWorkspace,
): DenseLpResult {
  const k = lp.cost.length;
  const { x } = workspace;
  let objective = 0;
  for (let j = 0; j < k; j++) {
    x[j] = tab.values[j] as number;
    objective += (lp.cost[j] ?? 0) * (x[j] as number);
  }
  const { t, basis, rowOf, values } = tab;
  return { status, x, objective, reduced: workspace.reduced, basis: { t, basis, rowOf, values } };
}
