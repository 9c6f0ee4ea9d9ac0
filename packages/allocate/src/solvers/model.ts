/**
 * A mixed-integer linear program in the small, engine-neutral form every {@link SolverAdapter} accepts:
 * optimise `Σ objective[j]·v[j]` subject to `rowLower[r] ≤ Σ_j a[r,j]·v[j] ≤ rowUpper[r]` and
 * `columnLower[j] ≤ v[j] ≤ columnUpper[j]`, with `v[j]` integer where `integer[j]` is 1.
 * Columns and rows are addressed by index only, so initiative ids never become solver names (ids that
 * differ only in `-` and `_` cannot collide).
 *
 * @example
 * ```ts
 * const model: MilpModel = { sense: 'max', objective: [3, 2], columnLower: [0, 0], columnUpper: [1, 1],
 *   integer: [1, 1], rows: [{ indices: [0, 1], values: [2, 2], lower: -Infinity, upper: 3 }] };
 * ```
 */
export interface MilpModel {
  /** Whether to minimise or maximise the objective. */
  sense: 'min' | 'max';
  /** Objective coefficient of each column. */
  objective: ArrayLike<number>;
  /** Lower bound of each column (`-Infinity` for none). */
  columnLower: ArrayLike<number>;
  /** Upper bound of each column (`Infinity` for none). */
  columnUpper: ArrayLike<number>;
  /** 1 where the column must take an integer value, 0 where it is continuous. */
  integer: ArrayLike<number>;
  /** Sparse linear constraints. */
  rows: MilpRow[];
}

/** One sparse constraint `lower ≤ Σ values[k]·v[indices[k]] ≤ upper` (either bound may be infinite). */
export interface MilpRow {
  /** Column indices with a non-zero coefficient. */
  indices: number[];
  /** The coefficients, aligned with `indices`. */
  values: number[];
  /** Lower bound (`-Infinity` for none). */
  lower: number;
  /** Upper bound (`Infinity` for none). */
  upper: number;
}

/**
 * How a solve ended: `optimal` (proved), `feasible` (stopped by the time limit with an incumbent),
 * `infeasible`, `unbounded`, or `no_solution` (stopped by the time limit before any feasible point).
 */
export type SolveStatus = 'optimal' | 'feasible' | 'infeasible' | 'unbounded' | 'no_solution';

/** What a {@link SolverAdapter} returns. */
export interface SolveOutcome {
  /** How the solve ended. */
  status: SolveStatus;
  /** Value of every column (meaningful for `optimal` and `feasible`). */
  values: Float64Array;
  /** Objective of `values` as the engine reports it. */
  objective: number;
  /** Best proved bound on the optimum when the engine reports one (equal to `objective` when optimal). */
  bound?: number;
  /** Wall-clock time of the solve in milliseconds. */
  timeMs: number;
}

/** Options passed to every solve. */
export interface SolveOptions {
  /** Stop after this many milliseconds and return the best portfolio found. */
  timeLimitMs?: number;
}

/**
 * A MILP engine behind the smallest interface the allocator needs. Implement it to plug in another engine
 * (CBC, Gurobi, a remote service) and pass the instance as `solver`, or register it to name it in YAML.
 *
 * @example
 * ```ts
 * const solver = defineSolver({ name: 'my-engine', async solve(model, options) { ... } });
 * ```
 */
export interface SolverAdapter {
  /** Name used in YAML (`solver: <name>`) and reported in results. */
  readonly name: string;
  /** Solve one model. Must not throw for infeasible or unbounded models; report them in `status`. */
  solve(model: MilpModel, options: SolveOptions): Promise<SolveOutcome>;
  /**
   * Set when the engine proves a model infeasible much faster with a zero objective (HiGHS does; GLPK does
   * not). The tie-break then checks each remaining tie region for feasibility first and runs the
   * cheapest-first solve only when it is not empty; results are the same either way.
   */
  readonly probeFeasibility?: boolean;
  /**
   * Solve the LP relaxation (every column continuous) and return row multipliers. Optional: when present,
   * the allocator fixes columns by reduced cost before each MILP (see `fixByReducedCost`), which shrinks
   * large portfolios to a small core; results are the same with or without it.
   */
  relax?(model: MilpModel, options: SolveOptions): Promise<RelaxationOutcome>;
}

/** What {@link SolverAdapter.relax} returns. */
export interface RelaxationOutcome {
  /** How the LP solve ended (`feasible` and `no_solution` when stopped early). */
  status: SolveStatus;
  /** Column values of the LP optimum. */
  values: Float64Array;
  /** LP objective. */
  objective: number;
  /** One multiplier per row, in the engine's own sign convention (either is accepted). */
  rowDuals: Float64Array;
  /** Wall-clock time of the solve in milliseconds. */
  timeMs: number;
}
