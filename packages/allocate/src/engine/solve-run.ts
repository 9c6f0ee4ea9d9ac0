import { AllocationError } from '../errors';
import type { MilpModel, RelaxationOutcome, SolveOutcome, SolverAdapter } from '../solvers/model';
import { type ColumnFixing, compactModel, fixByReducedCost, neighbourhood } from './reduce';

/** Slack given to the solver when the objective is fixed at its optimum (ties are then decided exactly). */
export const FIX_TOLERANCE = 1e-7;
/** Integer columns left free in the heuristic neighbourhood solve that finds an incumbent to fix against. */
const neighbourhoodColumns = (n: number): number => Math.min(40, Math.max(3, Math.ceil(n / 4)));

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
  private readonly solver: SolverAdapter;
  private readonly deadline: number;
  /** Whether reduced-cost fixing is used (LP relaxations are solved). */
  private readonly canReduce: boolean;
  /** Number of eligible initiatives. */
  private readonly n: number;

  constructor(solver: SolverAdapter, deadline: number, canReduce: boolean, n: number) {
    this.solver = solver;
    this.deadline = deadline;
    this.canReduce = canReduce;
    this.n = n;
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

  /** Solve `model` with columns fixed by `fixing`, on the smaller model without the fixed columns. */
  async runFixed(model: MilpModel, fixing: ColumnFixing | null, share = 1): Promise<SolveOutcome> {
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
    const outcome = await this.run(compact.model, share);
    return {
      ...outcome,
      values: compact.expand(outcome.values),
      objective: outcome.objective + compact.offset,
      ...(outcome.bound === undefined ? {} : { bound: outcome.bound + compact.offset }),
    };
  }

  /**
   * Solve a MILP exactly on its core: from the LP relaxation's multipliers, fix every column that cannot
   * move in a solution at least as good as the incumbent, and solve the rest. The answer certifies itself:
   * when the core's solution reaches the incumbent's value the optimum lies in the core; otherwise (a
   * wrong incumbent, or nothing to fix) the full model is solved.
   */
  async solveOnCore(
    model: MilpModel,
    relaxation: RelaxationOutcome | null,
    known: number | null,
    portfolioValue: (values: Float64Array) => number | null,
    share = 1,
  ): Promise<SolveOutcome> {
    let incumbent = known;
    if (relaxation !== null) {
      // A better incumbent fixes more columns: solve the LP's neighbourhood (the columns with the smallest
      // reduced costs) first. Only its value is used, as the threshold for the exact fixing below.
      const guess = neighbourhood(model, relaxation, neighbourhoodColumns(this.n));
      if (guess !== null) {
        const trial = await this.runFixed(model, guess, share * 0.2);
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
        const outcome = await this.runFixed(model, fixing, share);
        const found = outcome.status === 'optimal' || outcome.status === 'feasible';
        const reached =
          model.sense === 'min' ? outcome.objective <= threshold : outcome.objective >= threshold;
        if (found && reached) return outcome;
      }
    }
    return this.run(model, share);
  }
}

/** The error of a solve that found no feasible portfolio within `timeLimitMs`. */
export const timeLimitError = (timeLimitMs: number): AllocationError =>
  new AllocationError(
    'ALLOCATION_TIME_LIMIT',
    `time_limit_ms ${timeLimitMs}: the solver found no feasible portfolio in time; raise time_limit_ms`,
    { field: 'time_limit_ms' },
  );
