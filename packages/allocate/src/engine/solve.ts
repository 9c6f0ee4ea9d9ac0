import { atMost } from '@impact/contracts';
import { AllocationError } from '../errors';
import { type AllocationProblem, SCENARIOS } from '../problem/problem';
import { dot } from '../rules/linear';
import type { AllocationRule, LinearOptimum, RuleContext, RuleObjective } from '../rules/rule';
import type { SolverAdapter } from '../solvers/model';
import { buildModel, type ModelLayout, modelLayout, roundDown, toSelection } from './milp-build';
import { satisfies } from './reduce';
import { FIX_TOLERANCE, SolveRunner, timeLimitError } from './solve-run';
import { breakTies, MAX_TIE_CANDIDATES } from './tie-break';

/** How the chosen portfolio was reached. */
export interface PortfolioSolution {
  /** Selection per `problem.ids` (0/1, or fractions in fractional mode). */
  selection: Float64Array;
  /** The rule's objective value of the selection. */
  objective: number;
  /** `optimal`, or `time_limit` when a solve was stopped early. */
  status: 'optimal' | 'time_limit';
  /** Per-scenario optima. */
  scenarioOptima: Float64Array;
  /** Whether every `V*_s` was proved optimal. */
  scenarioOptimaExact: boolean;
  /** Relative optimality gap of the main solve (0 when optimal, null when unknown). */
  gap: number | null;
  /** Best proved bound on the rule's objective from the main solve, when known. */
  bound: number | null;
  /** Number of solver calls. */
  solves: number;
  /** Milliseconds spent inside the solver. */
  solverTimeMs: number;
  /** Core solves answered by the built-in branch and bound (not counted in `solves`). */
  builtinSolves: number;
  /** Milliseconds spent in the built-in branch and bound. */
  builtinTimeMs: number;
  /** Tie-breaking summary. */
  tieBreak: { candidates: number; complete: boolean };
  /** Extra JSON from the rule. */
  ruleDetail: Record<string, unknown>;
}

/**
 * Default overall time limit of one allocation (every solve together), in milliseconds. A solve stopped by
 * it returns the best portfolio found with `status: time_limit` and its optimality gap.
 *
 * @example
 * ```ts
 * await allocate(reviews, { budget, timeLimitMs: 4 * DEFAULT_TIME_LIMIT_MS }); // allow longer proofs
 * ```
 */
export const DEFAULT_TIME_LIMIT_MS = 30_000;

/**
 * Below this many eligible initiatives every MILP is solved on the full model: the reduced-cost core costs
 * extra solves (LP relaxation, neighbourhood) that only pay off on large portfolios.
 */
export const CORE_MIN_INITIATIVES = 400;

/** Options of {@link solvePortfolio}. */
export interface SolvePortfolioOptions {
  /** Overall time limit for every solve of this allocation together (default {@link DEFAULT_TIME_LIMIT_MS}). */
  timeLimitMs?: number;
  /** Solve on the reduced-cost core from this many initiatives on (default {@link CORE_MIN_INITIATIVES}). */
  coreMinInitiatives?: number;
  /**
   * Solve small cores with the built-in exact branch and bound before asking the engine (default true;
   * false sends every core to the engine, for comparisons).
   */
  builtinCores?: boolean;
}

/** The state of one {@link solvePortfolio} call shared by its solves. */
interface SolveSession {
  problem: AllocationProblem;
  layout: ModelLayout;
  runner: SolveRunner;
  timeLimitMs: number;
  /** Selections seen so far (per-scenario optima), offered as incumbents to the main solve. */
  seenSelections: Float64Array[];
  /** Whether a solve was stopped early (by the time limit) with a feasible portfolio. */
  anyStoppedEarly: boolean;
}

/**
 * Solve one allocation problem with a rule and an engine: per-scenario optima, the rule's optimum, then
 * deterministic tie-breaking (binary mode): among portfolios whose objective ties with the optimum, the
 * lowest total cost wins, then the lexicographically smallest sorted list of ids. Ties are found exactly by
 * enumerating alternative optima with no-good cuts (each found portfolio is cut off and the solve repeated
 * until none is left), and decided in JavaScript on exactly evaluated objectives.
 *
 * @example
 * ```ts
 * const solution = await solvePortfolio(problem, minimaxRegretRule, resolveSolver('highs'));
 * ```
 */
export async function solvePortfolio(
  problem: AllocationProblem,
  rule: AllocationRule,
  solver: SolverAdapter,
  options: SolvePortfolioOptions = {},
): Promise<PortfolioSolution> {
  const n = problem.ids.length;
  const { constraints } = problem;
  const fractional = constraints.fractional;
  const started = performance.now();
  const timeLimitMs = options.timeLimitMs ?? DEFAULT_TIME_LIMIT_MS;
  const deadline = started + timeLimitMs;
  const layout = modelLayout(problem);

  // Reduced-cost fixing needs an engine that returns LP multipliers; fractional models are LPs already.
  const canReduce =
    !fractional &&
    typeof solver.relax === 'function' &&
    n >= (options.coreMinInitiatives ?? CORE_MIN_INITIATIVES);
  const runner = new SolveRunner(solver, deadline, canReduce, n, options.builtinCores ?? true);
  const session: SolveSession = {
    problem,
    layout,
    runner,
    timeLimitMs,
    seenSelections: [],
    anyStoppedEarly: false,
  };

  // Per-scenario optima V*_s under every shared constraint.
  const scenarioOptima = new Float64Array(SCENARIOS.length);
  let scenarioOptimaExact = true;
  for (let s = 0; s < SCENARIOS.length; s++) {
    const optimum = await optimizeLinear(session, problem.effectiveReturns[s] ?? [], 'max', 0.15);
    scenarioOptima[s] = optimum.value;
    scenarioOptimaExact &&= optimum.status === 'optimal';
  }
  const context: RuleContext = {
    problem,
    scenarioOptima,
    optimizeLinear: (c, sense) => optimizeLinear(session, c, sense),
  };
  const state = rule.prepare ? await rule.prepare(context) : undefined;
  const evaluate = (selection: ArrayLike<number>): number =>
    rule.evaluate(problem, state, selection, context);

  if (n === 0) {
    const selection = new Float64Array(0);
    return {
      selection,
      objective: evaluate(selection),
      status: 'optimal',
      scenarioOptima,
      scenarioOptimaExact,
      gap: 0,
      bound: null,
      solves: runner.solves,
      solverTimeMs: runner.solverTimeMs,
      builtinSolves: runner.builtinSolves,
      builtinTimeMs: runner.builtinTimeMs,
      tieBreak: { candidates: 1, complete: true },
      ruleDetail: rule.detail?.(problem, state, selection, context) ?? {},
    };
  }

  const objective = rule.objective(problem, state, context);
  const { selection, best, status, gap, bound, tieBreak } = await solveRule(
    session,
    solver,
    objective,
    evaluate,
  );
  return {
    selection,
    objective: best,
    status,
    scenarioOptima,
    scenarioOptimaExact,
    gap,
    bound,
    solves: runner.solves,
    solverTimeMs: runner.solverTimeMs,
    builtinSolves: runner.builtinSolves,
    builtinTimeMs: runner.builtinTimeMs,
    tieBreak,
    ruleDetail: rule.detail?.(problem, state, selection, context) ?? {},
  };
}

/**
 * The rule's optimum on the main MILP (solved on its reduced-cost core when it pays off), then, when it is
 * proved optimal, the deterministic tie-break among alternative optima.
 */
async function solveRule(
  session: SolveSession,
  solver: SolverAdapter,
  objective: RuleObjective,
  evaluate: (selection: ArrayLike<number>) => number,
): Promise<
  Pick<PortfolioSolution, 'selection' | 'status' | 'gap' | 'bound' | 'tieBreak'> & { best: number }
> {
  const { problem, layout, runner, timeLimitMs } = session;
  const incumbentOf = (selections: Float64Array[]): number | null =>
    bestIncumbent(layout, selections, evaluate, objective.sense)?.value ?? null;
  const mainModel = buildModel(layout, objective);
  // Half the time left: at 10,000 initiatives the LP takes seconds under load, and without it no core.
  const mainRelaxation = await runner.relaxRun(mainModel, 0.5);
  const known = bestIncumbent(
    layout,
    [
      ...session.seenSelections,
      ...(mainRelaxation === null ? [] : [roundDown(layout, mainRelaxation.values)]),
    ],
    evaluate,
    objective.sense,
  );
  // Binary cores solved by the built-in branch and bound also collect the tie region (the tie-break's
  // candidates), which then needs no enumeration of its own.
  const ties = layout.fractional ? undefined : { slack: FIX_TOLERANCE, max: MAX_TIE_CANDIDATES };
  const main = await runner.solveOnCore(
    mainModel,
    mainRelaxation,
    known?.value ?? null,
    (values) => incumbentOf([toSelection(layout, values)]),
    1,
    ties,
  );
  if (main.status === 'infeasible') return infeasible(session, 'rule');
  if (main.status === 'no_solution') {
    if (known === null) throw timeLimitError(timeLimitMs);
    // Stopped before the engine found a portfolio: answer with the best known one (a per-scenario optimum
    // or the rounded LP optimum), its gap measured against the LP relaxation's bound (unknown without it).
    const bound = mainRelaxation?.objective ?? null;
    return {
      selection: known.selection,
      best: known.value,
      status: 'time_limit',
      gap: bound === null ? null : Math.abs(known.value - bound) / Math.max(1e-12, Math.abs(known.value)),
      bound,
      tieBreak: { candidates: 1, complete: false },
    };
  }
  let selection = toSelection(layout, main.values);
  let best = evaluate(selection);
  let status: PortfolioSolution['status'] =
    main.status === 'optimal' && !session.anyStoppedEarly ? 'optimal' : 'time_limit';
  const bound = main.bound ?? null;
  const gap =
    main.status === 'optimal'
      ? 0
      : bound === null
        ? null
        : Math.abs(best - bound) / Math.max(1e-12, Math.abs(best));
  let tieBreak = { candidates: 1, complete: false };

  if (main.status === 'optimal') {
    const tie = await breakTies({
      problem,
      layout,
      solver,
      runner,
      objective,
      mainModel,
      mainRelaxation,
      selection,
      best,
      evaluate,
      ...(main.ties === undefined ? {} : { ties: main.ties.map((values) => toSelection(layout, values)) }),
    });
    tieBreak = tie.tieBreak;
    selection = tie.selection;
    best = tie.objective;
  } else {
    status = 'time_limit';
  }

  return { selection, best, status, gap, bound, tieBreak };
}

/** The best selection by the rule's objective among those that meet the shared constraints (null when none does). */
function bestIncumbent(
  layout: ModelLayout,
  selections: Float64Array[],
  evaluate: (selection: ArrayLike<number>) => number,
  sense: 'min' | 'max',
): { selection: Float64Array; value: number } | null {
  const shared = buildModel(layout, { sense: 'max', itemCoefficients: new Float64Array(layout.n) });
  let best: { selection: Float64Array; value: number } | null = null;
  for (const candidate of selections) {
    if (!satisfies(shared, candidate)) continue;
    const value = evaluate(candidate);
    if (!Number.isFinite(value)) continue;
    if (best === null || (sense === 'min' ? value < best.value : value > best.value))
      best = { selection: candidate, value };
  }
  return best;
}

/**
 * Throw the infeasibility of the `where` (problem or rule); when min_worst_case_return is what fails, name
 * the best worst-case return reachable.
 */
async function infeasible(session: SolveSession, where: string): Promise<never> {
  const { problem, layout, runner } = session;
  const { constraints, n } = layout;
  if (constraints.minWorstCaseReturn === undefined) {
    throw new AllocationError(
      'ALLOCATION_INFEASIBLE',
      `infeasible: the ${where} has no feasible portfolio under the rule's own constraints`,
      { constraint: 'rule' },
    );
  }
  // Mandatory initiatives fit the budget and max_selected (checked earlier), so the floor is what fails:
  // report the best worst-case return reachable without it.
  const floorless = buildModel(
    layout,
    {
      sense: 'max',
      itemCoefficients: new Float64Array(n),
      auxiliary: [{ lower: Number.NEGATIVE_INFINITY, upper: Number.POSITIVE_INFINITY, objective: 1 }],
      rows: SCENARIOS.map((_, s) => ({
        itemCoefficients: problem.effectiveReturns[s] ?? [],
        auxiliaryCoefficients: [-1],
        lower: 0,
        upper: Number.POSITIVE_INFINITY,
      })),
    },
    [],
    false,
  );
  const best =
    n === 0 ? { status: 'optimal', values: new Float64Array(1), objective: 0 } : await runner.run(floorless);
  const reachable =
    best.status === 'optimal' || best.status === 'feasible'
      ? `${Math.round(best.objective * 1e6) / 1e6}`
      : 'unknown';
  throw new AllocationError(
    'ALLOCATION_INFEASIBLE',
    `infeasible: min_worst_case_return ${constraints.minWorstCaseReturn} cannot be met; the best worst-case portfolio return reachable within the budget${constraints.mandatory.length > 0 ? ', mandatory initiatives' : ''}${constraints.maxSelected !== undefined ? ' and max_selected' : ''} is ${reachable}`,
    { field: 'min_worst_case_return', constraint: 'min_worst_case_return' },
  );
}

/** The optimum of a linear objective under every shared constraint (also recorded as an incumbent). */
async function optimizeLinear(
  session: SolveSession,
  coefficients: ArrayLike<number>,
  sense: 'min' | 'max',
  share = 1,
): Promise<LinearOptimum> {
  const { layout, runner } = session;
  const { constraints, n } = layout;
  if (n === 0) {
    if (constraints.minWorstCaseReturn !== undefined && constraints.minWorstCaseReturn > 0)
      await infeasible(session, 'problem');
    return { value: 0, selection: new Float64Array(0), status: 'optimal' };
  }
  const model = buildModel(layout, { sense, itemCoefficients: coefficients });
  // The whole share: at 10,000 initiatives the LP alone takes ~0.2–1.7 s, and without it there is no core.
  const relaxation = await runner.relaxRun(model, share);
  let incumbent: number | null = null;
  let fallback: Float64Array | null = null;
  if (relaxation !== null) {
    const rounded = roundDown(layout, relaxation.values);
    if (satisfies(model, rounded)) {
      incumbent = dot(coefficients, rounded);
      fallback = rounded;
    }
  }
  const portfolioValue = (values: Float64Array): number | null => {
    const selection = roundDown(
      layout,
      values.map((v) => v + 0.5),
    );
    return satisfies(model, selection) ? dot(coefficients, selection) : null;
  };
  const outcome = await runner.solveOnCore(model, relaxation, incumbent, portfolioValue, share);
  if (outcome.status === 'infeasible') return infeasible(session, 'problem');
  if (outcome.status === 'no_solution') {
    if (fallback === null) throw timeLimitError(session.timeLimitMs);
    // Stopped before the engine found a portfolio: the rounded LP optimum is feasible, so answer with it
    // (not proved optimal: the allocation reports `time_limit` and `v_star_exact: false`).
    session.anyStoppedEarly = true;
    session.seenSelections.push(fallback);
    return { value: dot(coefficients, fallback), selection: fallback, status: 'feasible' };
  }
  if (outcome.status === 'feasible') session.anyStoppedEarly = true;
  const selection = toSelection(layout, outcome.values);
  session.seenSelections.push(selection);
  return {
    value: dot(coefficients, selection),
    selection,
    status: outcome.status === 'optimal' ? 'optimal' : 'feasible',
  };
}

/** Whether a selection satisfies the budget (used by callers as a final guard). */
export function withinBudget(problem: AllocationProblem, selection: ArrayLike<number>): boolean {
  return atMost(dot(problem.costs, selection), problem.constraints.budget);
}
