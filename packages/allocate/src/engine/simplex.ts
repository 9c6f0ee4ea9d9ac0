import type { MilpRow } from '../solvers/model';
import { dualSimplex, reducedCosts } from './simplex-dual';
import {
  DEGENERATE_RUN,
  PIVOT_TOLERANCE,
  PRIMAL_TOLERANCE,
  pivot,
  type Tableau,
  updateBasics,
} from './simplex-tableau';

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
