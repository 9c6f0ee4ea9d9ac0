import type { MilpModel, SolveOutcome } from '../solvers/model';
import { copyBasis, createWorkspace, type LpBasis, type LpWorkspace, solveDenseLp } from './simplex';

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
  if (!fitsBuiltin(model)) return null;
  return new Search(model, options).run();
}

/** One branch-and-bound search (depth first; node arrays and bases are recycled through pools). */
class Search {
  private readonly started = performance.now();
  private readonly model: MilpModel;
  private readonly options: SmallMilpOptions;
  private readonly columns: number;
  private readonly sigma: number;
  /** The objective in the minimising sense. */
  private readonly cost: Float64Array;
  private readonly integer: Uint8Array;
  private readonly hasContinuous: boolean;
  private readonly workspace: LpWorkspace;
  /** A second workspace for the LP that prices an integral point (the node's LP is still in use). */
  private readonly pointWorkspace: LpWorkspace;
  private readonly stack: Node[] = [];
  private readonly bases: LpBasis[] = [];
  private readonly arrays: Float64Array[] = [];
  private readonly pool = new Map<string, { x: Float64Array; z: number }>();
  private collecting: boolean;
  private incumbent: { x: Float64Array | null; z: number } | null;

  constructor(model: MilpModel, options: SmallMilpOptions) {
    this.model = model;
    this.options = options;
    const columns = model.objective.length;
    this.columns = columns;
    this.sigma = model.sense === 'min' ? 1 : -1;
    this.cost = new Float64Array(columns);
    this.integer = new Uint8Array(columns);
    for (let j = 0; j < columns; j++) {
      this.cost[j] = this.sigma * (model.objective[j] ?? 0);
      this.integer[j] = model.integer[j] === 1 ? 1 : 0;
    }
    this.hasContinuous = this.integer.some((flag) => flag === 0);
    this.workspace = createWorkspace(columns, model.rows.length);
    this.pointWorkspace = createWorkspace(columns, model.rows.length);
    this.collecting = options.ties !== undefined;
    this.incumbent =
      options.cutoff === undefined || !Number.isFinite(options.cutoff)
        ? null
        : { x: null, z: this.sigma * options.cutoff };
  }

  /** The end of the region still of interest (minimising sense): the incumbent, or its tie slack. */
  private limitOf(z: number): number {
    return this.collecting ? z + (this.options.ties?.slack ?? 0) * Math.max(1, Math.abs(z)) : z;
  }

  private pruned(bound: number): boolean {
    if (this.incumbent === null) return false;
    const z = this.incumbent.z;
    return this.collecting
      ? bound > this.limitOf(z)
      : bound >= z - PRUNE_TOLERANCE * Math.max(1, Math.abs(z));
  }

  private copyOf(source: Float64Array): Float64Array {
    const target = this.arrays.pop();
    if (target === undefined) return Float64Array.from(source);
    target.set(source);
    return target;
  }

  private basisCopy(source: LpBasis): LpBasis {
    const target = this.bases.pop();
    if (target === undefined) return copyBasis(source);
    target.t.set(source.t);
    target.basis.set(source.basis);
    target.rowOf.set(source.rowOf);
    target.values.set(source.values);
    return target;
  }

  private release(node: Node, basis: LpBasis): void {
    this.arrays.push(node.lower, node.upper);
    this.bases.push(basis);
  }

  run(): SmallMilpOutcome | null {
    const { columns, model, options } = this;
    this.stack.push({
      lower: Float64Array.from({ length: columns }, (_, j) => model.columnLower[j] ?? 0),
      upper: Float64Array.from({ length: columns }, (_, j) => model.columnUpper[j] ?? 0),
    });
    const maxNodes = options.maxNodes ?? BUILTIN_MAX_NODES;
    const deadline = options.deadline ?? Number.POSITIVE_INFINITY;
    let nodes = 0;
    while (this.stack.length > 0) {
      nodes++;
      if (nodes > maxNodes || ((nodes & 31) === 0 && performance.now() > deadline)) return this.stopped();
      if (!this.visit(this.stack.pop() as Node)) return null;
    }
    return this.finished();
  }

  /** Solve one node and push its children; false when the search must give up (an LP failed). */
  private visit(node: Node): boolean {
    const { cost, integer, model } = this;
    const lp = solveDenseLp(
      { cost, columnLower: node.lower, columnUpper: node.upper, rows: model.rows },
      node.start,
      this.workspace,
    );
    if (lp.status === 'infeasible' || (lp.status === 'optimal' && this.pruned(lp.objective))) {
      this.release(node, lp.basis);
      return true;
    }
    if (lp.status !== 'optimal') return false;
    let branch = mostFractional(lp.x, integer);
    const { lower, upper } = node;
    if (branch < 0) {
      const candidate = this.integralPoint(lp, node);
      if (candidate === null) return false;
      const known = this.incumbent;
      if (known === null || candidate.z < known.z || (known.x === null && candidate.z <= known.z))
        this.incumbent = candidate;
      if (this.collecting) {
        this.pool.set(keyOf(candidate.x, integer), candidate);
        if (this.pool.size > (this.options.ties?.max ?? 0)) this.collecting = false;
      }
      if (!this.collecting) {
        this.release(node, lp.basis);
        return true;
      }
      // Other tied portfolios may share this node: fix what cannot move, branch on a free binary.
      fixByLpReducedCost(lp, integer, lower, upper, this.limitOf(candidate.z));
      branch = integer.findIndex((flag, j) => flag === 1 && (lower[j] as number) < (upper[j] as number));
      if (branch < 0) {
        this.release(node, lp.basis);
        return true;
      }
    } else if (this.incumbent !== null) {
      fixByLpReducedCost(lp, integer, lower, upper, this.limitOf(this.incumbent.z));
    }
    const down: Node = {
      lower: this.copyOf(lower),
      upper: this.copyOf(upper),
      start: this.basisCopy(lp.basis),
    };
    down.upper[branch] = 0;
    const up: Node = { lower, upper, start: lp.basis };
    up.lower[branch] = 1;
    // Depth first, the side the LP leans to first (popped last-in, first-out).
    if ((lp.x[branch] as number) >= 0.5) this.stack.push(down, up);
    else this.stack.push(up, down);
    return true;
  }

  /**
   * The portfolio an integral LP solution encodes: binaries snapped to 0/1 and, when there are continuous
   * columns, their best values for those binaries (one more LP). Null when that LP fails.
   */
  private integralPoint(
    lp: { x: Float64Array; basis: LpBasis },
    node: Node,
  ): { x: Float64Array; z: number } | null {
    const { cost, integer, columns } = this;
    const snapped = new Float64Array(columns);
    for (let j = 0; j < columns; j++)
      snapped[j] = integer[j] === 1 ? Math.round(lp.x[j] as number) : (lp.x[j] as number);
    if (this.hasContinuous) {
      const lower = this.copyOf(node.lower);
      const upper = this.copyOf(node.upper);
      for (let j = 0; j < columns; j++) {
        if (integer[j] !== 1) continue;
        lower[j] = snapped[j] as number;
        upper[j] = snapped[j] as number;
      }
      const exact = solveDenseLp(
        { cost, columnLower: lower, columnUpper: upper, rows: this.model.rows },
        this.basisCopy(lp.basis),
        this.pointWorkspace,
      );
      this.arrays.push(lower, upper);
      this.bases.push(exact.basis);
      if (exact.status !== 'optimal') return null;
      for (let j = 0; j < columns; j++) if (integer[j] !== 1) snapped[j] = exact.x[j] as number;
    }
    let z = 0;
    for (let j = 0; j < columns; j++) z += (cost[j] as number) * (snapped[j] as number);
    return { x: snapped, z };
  }

  /** At the node or time cap: null, or (heuristic) the best portfolio so far. */
  private stopped(): SmallMilpOutcome | null {
    const incumbent = this.incumbent;
    if (this.options.heuristic !== true || incumbent?.x == null) return null;
    const timeMs = performance.now() - this.started;
    return { status: 'feasible', values: incumbent.x, objective: this.sigma * incumbent.z, timeMs };
  }

  private finished(): SmallMilpOutcome {
    const timeMs = performance.now() - this.started;
    const incumbent = this.incumbent;
    if (incumbent?.x == null)
      return { status: 'infeasible', values: new Float64Array(this.columns), objective: Number.NaN, timeMs };
    const objective = this.sigma * incumbent.z;
    const limit = this.limitOf(incumbent.z);
    return {
      status: 'optimal',
      values: incumbent.x,
      objective,
      bound: objective,
      timeMs,
      ...(this.collecting
        ? { ties: [...this.pool.values()].filter((point) => point.z <= limit).map((point) => point.x) }
        : {}),
    };
  }
}

/** The integer column farthest from an integer in `x` (−1 when all are integral). */
function mostFractional(x: Float64Array, integer: Uint8Array): number {
  let branch = -1;
  let fractionality = 0;
  for (let j = 0; j < integer.length; j++) {
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
  for (let j = 0; j < integer.length; j++) if (integer[j] === 1) key += (x[j] as number) > 0.5 ? '1' : '0';
  return key;
};

/**
 * Reduced-cost fixing at a node: a binary column at a bound whose reduced cost alone lifts the LP bound
 * past `limit` (the incumbent, or the end of the tie region) cannot move in any better solution below
 * this node, so its bound is fixed.
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
