import type { MilpModel, SolveOutcome } from '../solvers/model';
import { copyBasis, type LpBasis, solveDenseLp } from './simplex';

/**
 * The built-in exact solver for small reduced-cost cores: depth-first branch and bound over binary
 * columns with the dense LP relaxation of {@link solveDenseLp} as the bound, reduced-cost fixing at every
 * node against the incumbent, and continuous columns (e.g. minimax regret's θ) solved by the LP. A node
 * is pruned only when its LP bound is no better than the incumbent (relative 1e-12), so the answer is an
 * optimum of the model to floating-point round-off, as an engine's would be. It never guesses: when the
 * model is outside its scope (an integer column that is not 0/1, too many columns or rows), the LP
 * stalls, or the node or time cap is hit, it returns null and the caller hands the model to the engine.
 */

/** Free binary columns up to which the built-in solver is tried on a core. */
export const BUILTIN_MAX_COLUMNS = 128;
/** Rows up to which the built-in solver is tried (no-good cuts of the tie-break add one each). */
export const BUILTIN_MAX_ROWS = 96;
/** Branch-and-bound nodes before the built-in solver gives the model to the engine. */
export const BUILTIN_MAX_NODES = 20_000;

/** Options of {@link solveSmallMilp}. */
export interface SmallMilpOptions {
  /** Give up (return null) after this many nodes (default {@link BUILTIN_MAX_NODES}). */
  maxNodes?: number;
  /**
   * A heuristic solve: at the node cap, answer with the best portfolio found so far (status `feasible`,
   * no bound) instead of null.
   */
  heuristic?: boolean;
  /** Give up (return null) once `performance.now()` passes this. */
  deadline?: number;
  /**
   * Only solutions at least this good are wanted (in the model's sense): nodes whose bound is worse are
   * pruned from the start, and `infeasible` is returned when the model has none.
   */
  cutoff?: number;
  /**
   * Also collect every portfolio whose objective is within `slack` (relative) of the optimum, up to
   * `max` of them (the tie-break's candidates); when there are more, none are returned.
   */
  ties?: { slack: number; max: number };
}

/** What {@link solveSmallMilp} returns: the optimum and, when asked for and complete, the tied points. */
export interface SmallMilpOutcome extends SolveOutcome {
  /** Every point within the tie slack of the optimum (the optimum among them), when complete. */
  ties?: Float64Array[];
}

/** Relative slack under which an LP bound counts as no better than the incumbent. */
const PRUNE_TOLERANCE = 1e-12;
/** Distance from an integer under which a binary column's LP value counts as integral. */
const INTEGRALITY_TOLERANCE = 1e-9;

/** Whether `model` is in the built-in solver's scope: binary integer columns, few columns and rows. */
export function fitsBuiltin(model: MilpModel): boolean {
  const columns = model.objective.length;
  if (columns > BUILTIN_MAX_COLUMNS + 8 || model.rows.length > BUILTIN_MAX_ROWS) return false;
  let binaries = 0;
  for (let j = 0; j < columns; j++) {
    if (model.integer[j] !== 1) continue;
    const lo = model.columnLower[j] ?? 0;
    const hi = model.columnUpper[j] ?? 0;
    if (!((lo === 0 || lo === 1) && (hi === 0 || hi === 1) && lo <= hi)) return false;
    binaries++;
  }
  return binaries > 0 && binaries <= BUILTIN_MAX_COLUMNS;
}

interface Node {
  lower: Float64Array;
  upper: Float64Array;
  /** The parent's final basis, to warm-start this node's LP (none at the root). */
  start?: LpBasis;
}

/**
 * Solve a small MILP exactly by branch and bound, or return null (see the module note).
 *
 * @example
 * ```ts
 * const outcome = fitsBuiltin(model) ? solveSmallMilp(model, { deadline: performance.now() + 1000 }) : null;
 * ```
 */
export function solveSmallMilp(model: MilpModel, options: SmallMilpOptions = {}): SmallMilpOutcome | null {
  const started = performance.now();
  if (!fitsBuiltin(model)) return null;
  const columns = model.objective.length;
  const sigma = model.sense === 'min' ? 1 : -1;
  const cost = Float64Array.from({ length: columns }, (_, j) => sigma * (model.objective[j] ?? 0));
  const integer = Uint8Array.from({ length: columns }, (_, j) => (model.integer[j] === 1 ? 1 : 0));
  const hasContinuous = integer.some((flag) => flag === 0);
  const maxNodes = options.maxNodes ?? BUILTIN_MAX_NODES;
  const deadline = options.deadline ?? Number.POSITIVE_INFINITY;
  const ties = options.ties;
  let collecting = ties !== undefined;
  const pool = new Map<string, { x: Float64Array; z: number }>();
  // The region still of interest, in the minimising sense: better than the incumbent or, while
  // collecting ties, within the relative slack of it.
  const limitOf = (z: number): number => (collecting ? z + (ties?.slack ?? 0) * Math.max(1, Math.abs(z)) : z);
  const pruned = (bound: number, z: number): boolean =>
    collecting ? bound > limitOf(z) : bound >= z - PRUNE_TOLERANCE * Math.max(1, Math.abs(z));
  const stack: Node[] = [
    {
      lower: Float64Array.from({ length: columns }, (_, j) => model.columnLower[j] ?? 0),
      upper: Float64Array.from({ length: columns }, (_, j) => model.columnUpper[j] ?? 0),
    },
  ];
  let incumbent: { x: Float64Array | null; z: number } | null =
    options.cutoff === undefined || !Number.isFinite(options.cutoff)
      ? null
      : { x: null, z: sigma * options.cutoff };
  let nodes = 0;
  while (stack.length > 0) {
    nodes++;
    if (nodes > maxNodes || ((nodes & 31) === 0 && performance.now() > deadline)) {
      if (options.heuristic !== true || incumbent?.x == null) return null;
      const timeMs = performance.now() - started;
      return { status: 'feasible', values: incumbent.x, objective: sigma * incumbent.z, timeMs };
    }
    const node = stack.pop() as Node;
    const lp = solveDenseLp(
      { cost, columnLower: node.lower, columnUpper: node.upper, rows: model.rows },
      node.start,
    );
    if (lp.status === 'infeasible') continue;
    if (lp.status !== 'optimal') return null;
    if (incumbent !== null && pruned(lp.objective, incumbent.z)) continue;
    let branch = mostFractional(lp.x, integer);
    const lower = Float64Array.from(node.lower);
    const upper = Float64Array.from(node.upper);
    if (branch < 0) {
      const candidate = integralPoint(lp, integer, hasContinuous, node, cost, model);
      if (candidate === null) return null;
      if (
        incumbent === null ||
        candidate.z < incumbent.z ||
        (incumbent.x === null && candidate.z <= incumbent.z)
      )
        incumbent = candidate;
      if (!collecting) continue;
      pool.set(keyOf(candidate.x, integer), candidate);
      if (pool.size > (ties?.max ?? 0)) {
        collecting = false;
        continue;
      }
      // Other tied portfolios may share this node: fix what cannot move, branch on a free binary.
      fixByLpReducedCost(lp, integer, lower, upper, limitOf(incumbent.z));
      branch = integer.findIndex((flag, j) => flag === 1 && (lower[j] as number) < (upper[j] as number));
      if (branch < 0) continue;
    } else if (incumbent !== null) fixByLpReducedCost(lp, integer, lower, upper, limitOf(incumbent.z));
    const down: Node = {
      lower: Float64Array.from(lower),
      upper: Float64Array.from(upper),
      start: copyBasis(lp.basis),
    };
    down.upper[branch] = 0;
    const up: Node = { lower, upper, start: lp.basis };
    up.lower[branch] = 1;
    // Depth first, the side the LP leans to first (popped last-in, first-out).
    if ((lp.x[branch] as number) >= 0.5) stack.push(down, up);
    else stack.push(up, down);
  }
  const timeMs = performance.now() - started;
  if (incumbent?.x == null)
    return { status: 'infeasible', values: new Float64Array(columns), objective: Number.NaN, timeMs };
  const objective = sigma * incumbent.z;
  const best = incumbent.z;
  return {
    status: 'optimal',
    values: incumbent.x,
    objective,
    bound: objective,
    timeMs,
    ...(collecting
      ? { ties: [...pool.values()].filter((point) => point.z <= limitOf(best)).map((point) => point.x) }
      : {}),
  };
}

/** The integer column farthest from an integer in `x` (−1 when all are integral). */
function mostFractional(x: Float64Array, integer: Uint8Array): number {
  let branch = -1;
  let fractionality = 0;
  for (let j = 0; j < x.length; j++) {
    if (integer[j] !== 1) continue;
    const distance = Math.abs((x[j] as number) - Math.round(x[j] as number));
    if (distance > INTEGRALITY_TOLERANCE && distance > fractionality) {
      fractionality = distance;
      branch = j;
    }
  }
  return branch;
}

/** The 0/1 pattern of a point's integer columns. */
const keyOf = (x: Float64Array, integer: Uint8Array): string => {
  let key = '';
  for (let j = 0; j < x.length; j++) if (integer[j] === 1) key += (x[j] as number) > 0.5 ? '1' : '0';
  return key;
};

/**
 * The portfolio an integral LP solution encodes: binaries snapped to 0/1 and, when there are continuous
 * columns, their best values for those binaries (one more LP). Null when that LP fails.
 */
function integralPoint(
  lp: { x: Float64Array; basis: LpBasis },
  integer: Uint8Array,
  hasContinuous: boolean,
  node: Node,
  cost: Float64Array,
  model: MilpModel,
): { x: Float64Array; z: number } | null {
  const snapped = Float64Array.from(lp.x, (v, j) => (integer[j] === 1 ? Math.round(v) : v));
  if (hasContinuous) {
    const lower = Float64Array.from(node.lower, (v, j) => (integer[j] === 1 ? (snapped[j] as number) : v));
    const upper = Float64Array.from(node.upper, (v, j) => (integer[j] === 1 ? (snapped[j] as number) : v));
    const exact = solveDenseLp({ cost, columnLower: lower, columnUpper: upper, rows: model.rows }, lp.basis);
    if (exact.status !== 'optimal') return null;
    for (let j = 0; j < snapped.length; j++) if (integer[j] !== 1) snapped[j] = exact.x[j] as number;
  }
  let z = 0;
  for (let j = 0; j < snapped.length; j++) z += (cost[j] as number) * (snapped[j] as number);
  return { x: snapped, z };
}

/**
 * Reduced-cost fixing at a node: a binary column at a bound whose reduced cost alone lifts the LP bound
 * past `limit` (the incumbent, or the end of the tie region) cannot move in any better solution below this node, so its bound is fixed.
 */
function fixByLpReducedCost(
  lp: { x: Float64Array; objective: number; reduced: Float64Array },
  integer: Uint8Array,
  lower: Float64Array,
  upper: Float64Array,
  limit: number,
): void {
  const room = limit - lp.objective + 1e-9 * Math.max(1, Math.abs(limit));
  for (let j = 0; j < integer.length; j++) {
    if (integer[j] !== 1 || lower[j] === upper[j]) continue;
    const d = lp.reduced[j] as number;
    const v = lp.x[j] as number;
    if (d > room && v === lower[j]) upper[j] = lower[j] as number;
    else if (-d > room && v === upper[j]) lower[j] = upper[j] as number;
  }
}
