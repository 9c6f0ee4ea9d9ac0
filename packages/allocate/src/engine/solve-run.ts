import { AllocationError } from '../errors';
import type { MilpModel, RelaxationOutcome, SolveOutcome, SolverAdapter } from '../solvers/model';
import { type SmallMilpOutcome, solveSmallMilp } from './branch-bound';
import { type ColumnFixing, compactModel, fixByReducedCost, neighbourhood } from './reduce';

/** Slack given to the solver when the objective is fixed at its optimum (ties are then decided exactly). */
export const FIX_TOLERANCE = 1e-7;
/** Integer columns left free in the heuristic neighbourhood solve that finds an incumbent to fix against. */
const neighbourhoodColumns = (n: number): number => Math.min(40, Math.max(3, Math.ceil(n / 4)));
/**
 * Nodes the built-in branch and bound spends on that heuristic neighbourhood before answering with its
 * best portfolio so far (proving the neighbourhood's optimum is not needed: only a good threshold is).
 */
const NEIGHBOURHOOD_NODES = 5000;

/** `value` loosened by the fix tolerance in the direction of a worse objective. */
export const loosen = (sense: 'min' | 'max', value: number): number => {
  const slack = FIX_TOLERANCE * Math.max(1, Math.abs(value));
  return sense === 'min' ? value + slack : value - slack;
};

/**
 * The solver calls of one allocation under its overall time limit: each call gets a share of the time left
 * until `deadline`, and the calls and their solver time are counted.
 */
export class SolveRunner {
  /** Number of solver calls. */
  solves = 0;
  /** Milliseconds spent inside the solver. */
  solverTimeMs = 0;
  /** Core solves answered by the built-in branch and bound instead of the engine. */
  builtinSolves = 0;
  /** Milliseconds spent in the built-in branch and bound (including attempts handed on to the engine). */
  builtinTimeMs = 0;
  private readonly solver: SolverAdapter;
  private readonly deadline: number;
  /** Whether reduced-cost fixing is used (LP relaxations are solved). */
  private readonly canReduce: boolean;
  /** Number of eligible initiatives. */
  private readonly n: number;

  /** Whether small cores go to the built-in branch and bound first. */
  private readonly builtin: boolean;

  constructor(solver: SolverAdapter, deadline: number, canReduce: boolean, n: number, builtin = true) {
    this.solver = solver;
    this.deadline = deadline;
    this.canReduce = canReduce;
    this.n = n;
    this.builtin = builtin;
  }

  remaining(share = 1): number {
    return Math.max(1, (this.deadline - performance.now()) * share);
  }

  async run(model: MilpModel, share = 1): Promise<SolveOutcome> {
    const limit = this.remaining(share);
    const outcome = await this.solver.solve(model, { timeLimitMs: limit });
    this.solves++;
    this.solverTimeMs += outcome.timeMs;
    if (outcome.status === 'unbounded') {
      throw new AllocationError(
        'ALLOCATION_SOLVER_FAILED',
        `solver "${this.solver.name}" reported an unbounded model; the rule's objective must be bounded`,
        { field: 'rule' },
      );
    }
    return outcome;
  }

  async relaxRun(model: MilpModel, share: number): Promise<RelaxationOutcome | null> {
    if (!this.canReduce || !this.solver.relax) return null;
    const limit = this.remaining(share);
    const outcome = await this.solver.relax(model, { timeLimitMs: limit });
    this.solves++;
    this.solverTimeMs += outcome.timeMs;
    return outcome.status === 'optimal' ? outcome : null;
  }

  /**
   * Solve a core with the built-in branch and bound when it fits (see `solveSmallMilp`); null when it does
   * not, or when it gives up within the time share, so the engine solves it.
   */
  private runBuiltin(
    model: MilpModel,
    share: number,
    cutoff: number | undefined,
    ties: TieCollection | undefined,
    heuristicNodes: number | undefined,
  ): SmallMilpOutcome | null {
    if (!this.builtin) return null;
    const started = performance.now();
    // Half the share: should it give up, the engine still has the other half.
    const outcome = solveSmallMilp(model, {
      deadline: started + this.remaining(share) * 0.5,
      ...(heuristicNodes === undefined ? {} : { heuristic: true, maxNodes: heuristicNodes }),
      ...(cutoff === undefined ? {} : { cutoff }),
      ...(ties === undefined ? {} : { ties }),
    });
    this.builtinTimeMs += performance.now() - started;
    if (outcome !== null) this.builtinSolves++;
    return outcome;
  }

  /**
   * Solve `model` with columns fixed by `fixing`, on the smaller model without the fixed columns (by the
   * built-in branch and bound when that model is small, else by the engine).
   */
  async runFixed(
    model: MilpModel,
    fixing: ColumnFixing | null,
    share = 1,
    cutoff?: number,
    ties?: TieCollection,
    heuristicNodes?: number,
  ): Promise<SmallMilpOutcome> {
    if (fixing === null) return this.run(model, share);
    const compact = compactModel({ ...model, columnLower: fixing.lower, columnUpper: fixing.upper });
    const empty = new Float64Array(model.objective.length);
    if (compact.model === null)
      return { status: 'infeasible', values: empty, objective: Number.NaN, timeMs: 0 };
    if (compact.model.objective.length === 0) {
      return {
        status: 'optimal',
        values: compact.expand([]),
        objective: compact.offset,
        bound: compact.offset,
        timeMs: 0,
      };
    }
    const outcome =
      this.runBuiltin(
        compact.model,
        share,
        cutoff === undefined ? undefined : cutoff - compact.offset,
        ties,
        heuristicNodes,
      ) ?? (await this.run(compact.model, share));
    const found = (outcome as SmallMilpOutcome).ties;
    return {
      ...outcome,
      values: compact.expand(outcome.values),
      ...(found === undefined ? {} : { ties: found.map((values) => compact.expand(values)) }),
      objective: outcome.objective + compact.offset,
      ...(outcome.bound === undefined ? {} : { bound: outcome.bound + compact.offset }),
    };
  }

  /**
   * Solve a MILP exactly on its core: from the LP relaxation's multipliers, fix every column that cannot
   * move in a solution at least as good as the incumbent, and solve the rest. The answer certifies itself:
   * when the core's solution reaches the incumbent's value the optimum lies in the core; otherwise (a
   * wrong incumbent, or nothing to fix) the full model is solved. With `ties`, a core solved by the
   * built-in branch and bound also returns every portfolio within the tie slack of its optimum.
   */
  async solveOnCore(
    model: MilpModel,
    relaxation: RelaxationOutcome | null,
    known: number | null,
    portfolioValue: (values: Float64Array) => number | null,
    share = 1,
    ties?: TieCollection,
  ): Promise<SmallMilpOutcome> {
    let incumbent = known;
    if (relaxation !== null) {
      // A better incumbent fixes more columns: solve the LP's neighbourhood (the columns with the smallest
      // reduced costs) first. Only its value is used, as the threshold for the exact fixing below.
      const guess = neighbourhood(model, relaxation, neighbourhoodColumns(this.n));
      if (guess !== null) {
        const trial = await this.runFixed(
          model,
          guess,
          share * 0.2,
          incumbent ?? undefined,
          undefined,
          NEIGHBOURHOOD_NODES,
        );
        const value =
          trial.status === 'optimal' || trial.status === 'feasible' ? portfolioValue(trial.values) : null;
        if (
          value !== null &&
          (incumbent === null || (model.sense === 'min' ? value < incumbent : value > incumbent))
        )
          incumbent = value;
      }
    }
    if (relaxation !== null && incumbent !== null && Number.isFinite(incumbent)) {
      const threshold = loosen(model.sense, incumbent);
      const fixing = fixByReducedCost(model, relaxation.rowDuals, threshold);
      if (fixing !== null) {
        const outcome = await this.runFixed(model, fixing, share, threshold, ties);
        const found = outcome.status === 'optimal' || outcome.status === 'feasible';
        const reached =
          model.sense === 'min' ? outcome.objective <= threshold : outcome.objective >= threshold;
        if (found && reached) return outcome;
      }
    }
    return this.run(model, share);
  }
}

/** Which tied portfolios a core solve should collect: within `slack` (relative) of the optimum, at most `max`. */
export interface TieCollection {
  slack: number;
  max: number;
}

/** The error of a solve that found no feasible portfolio within `timeLimitMs`. */
export const timeLimitError = (timeLimitMs: number): AllocationError =>
  new AllocationError(
    'ALLOCATION_TIME_LIMIT',
    `time_limit_ms ${timeLimitMs}: the solver found no feasible portfolio in time; raise time_limit_ms`,
    { field: 'time_limit_ms' },
  );
