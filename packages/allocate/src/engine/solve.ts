import { atMost } from '@impact/contracts';
import { AllocationError } from '../errors';
import { type AllocationProblem, compareIds, SCENARIOS } from '../problem/problem';
import { dot } from '../rules/linear';
import type { AllocationRule, LinearOptimum, RuleContext, RuleObjective } from '../rules/rule';
import type { MilpModel, MilpRow, RelaxationOutcome, SolveOutcome, SolverAdapter } from '../solvers/model';
import { type ColumnFixing, compactModel, fixByReducedCost, neighbourhood, satisfies } from './reduce';

/**
 * At most this many alternative optima are enumerated when breaking ties (`tie_break.complete` is false
 * when the cap is hit).
 *
 * @example
 * ```ts
 * if (result.detail.tie_break.candidates >= MAX_TIE_CANDIDATES) console.warn('tie-break truncated');
 * ```
 */
export const MAX_TIE_CANDIDATES = 64;

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
}

/** Relative tolerance under which two objective values (or costs) count as tied. */
const TIE_TOLERANCE = 1e-9;
/** Slack given to the solver when the objective is fixed at its optimum (ties are then decided exactly). */
const FIX_TOLERANCE = 1e-7;
/** Integer columns left free in the heuristic neighbourhood solve that finds an incumbent to fix against. */
const neighbourhoodColumns = (n: number): number => Math.min(40, Math.max(3, Math.ceil(n / 4)));

const tied = (a: number, b: number): boolean =>
  Math.abs(a - b) <= TIE_TOLERANCE * Math.max(1, Math.abs(a), Math.abs(b));

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
  let solves = 0;
  let solverTimeMs = 0;
  let anyStoppedEarly = false;

  const withIndicators = fractional && constraints.maxSelected !== undefined;
  const baseColumns = withIndicators ? 2 * n : n;

  /** The shared constraints over the selection columns (and indicator columns in fractional mode). */
  const baseRows = (withFloor: boolean): MilpRow[] => {
    const rows: MilpRow[] = [];
    const all = Array.from({ length: n }, (_, i) => i);
    rows.push({
      indices: all,
      values: Array.from(problem.costs),
      lower: Number.NEGATIVE_INFINITY,
      upper: constraints.budget,
    });
    if (constraints.maxSelected !== undefined) {
      const counted = withIndicators ? all.map((i) => n + i) : all;
      rows.push({
        indices: counted,
        values: all.map(() => 1),
        lower: Number.NEGATIVE_INFINITY,
        upper: constraints.maxSelected,
      });
    }
    if (withIndicators) {
      // x_i ≤ y_i: a funded fraction needs its indicator.
      for (let i = 0; i < n; i++)
        rows.push({ indices: [i, n + i], values: [1, -1], lower: Number.NEGATIVE_INFINITY, upper: 0 });
    }
    if (withFloor && constraints.minWorstCaseReturn !== undefined) {
      SCENARIOS.forEach((_, s) => {
        rows.push({
          indices: all,
          values: Array.from(problem.effectiveReturns[s] ?? []),
          lower: constraints.minWorstCaseReturn ?? 0,
          upper: Number.POSITIVE_INFINITY,
        });
      });
    }
    return rows;
  };

  const buildModel = (objective: RuleObjective, extraRows: MilpRow[] = [], withFloor = true): MilpModel => {
    const auxiliary = objective.auxiliary ?? [];
    const columns = baseColumns + auxiliary.length;
    const objectiveCoefficients = new Float64Array(columns);
    const lower = new Float64Array(columns);
    const upper = new Float64Array(columns);
    const integer = new Uint8Array(columns);
    for (let i = 0; i < n; i++) {
      objectiveCoefficients[i] = objective.itemCoefficients[i] ?? 0;
      lower[i] = problem.mandatory[i] === 1 ? 1 : 0;
      upper[i] = 1;
      integer[i] = fractional ? 0 : 1;
      if (withIndicators) {
        lower[n + i] = 0;
        upper[n + i] = 1;
        integer[n + i] = 1;
      }
    }
    auxiliary.forEach((column, k) => {
      objectiveCoefficients[baseColumns + k] = column.objective;
      lower[baseColumns + k] = column.lower;
      upper[baseColumns + k] = column.upper;
    });
    const rows = baseRows(withFloor);
    for (const row of objective.rows ?? [])
      rows.push(objectiveRow(row.itemCoefficients, row.auxiliaryCoefficients, row.lower, row.upper));
    rows.push(...extraRows);
    return {
      sense: objective.sense,
      objective: objectiveCoefficients,
      columnLower: lower,
      columnUpper: upper,
      integer,
      rows,
    };
  };

  const objectiveRow = (
    itemCoefficients: ArrayLike<number>,
    auxiliaryCoefficients: ArrayLike<number>,
    lower: number,
    upper: number,
  ): MilpRow => {
    const indices: number[] = [];
    const values: number[] = [];
    for (let i = 0; i < n; i++) {
      const value = itemCoefficients[i] ?? 0;
      if (value !== 0) {
        indices.push(i);
        values.push(value);
      }
    }
    for (let k = 0; k < auxiliaryCoefficients.length; k++) {
      const value = auxiliaryCoefficients[k] ?? 0;
      if (value !== 0) {
        indices.push(baseColumns + k);
        values.push(value);
      }
    }
    return { indices, values, lower, upper };
  };

  const remaining = (share = 1): number => Math.max(1, (deadline - performance.now()) * share);

  const run = async (model: MilpModel, share = 1): Promise<SolveOutcome> => {
    const limit = remaining(share);
    const outcome = await solver.solve(model, { timeLimitMs: limit });
    solves++;
    solverTimeMs += outcome.timeMs;
    if (outcome.status === 'unbounded') {
      throw new AllocationError(
        'ALLOCATION_SOLVER_FAILED',
        `solver "${solver.name}" reported an unbounded model; the rule's objective must be bounded`,
        { field: 'rule' },
      );
    }
    return outcome;
  };

  // Reduced-cost fixing needs an engine that returns LP multipliers; fractional models are LPs already.
  const canReduce =
    !fractional &&
    typeof solver.relax === 'function' &&
    n >= (options.coreMinInitiatives ?? CORE_MIN_INITIATIVES);

  const relaxRun = async (model: MilpModel, share: number): Promise<RelaxationOutcome | null> => {
    if (!canReduce || !solver.relax) return null;
    const limit = remaining(share);
    const outcome = await solver.relax(model, { timeLimitMs: limit });
    solves++;
    solverTimeMs += outcome.timeMs;
    return outcome.status === 'optimal' ? outcome : null;
  };

  /** Solve `model` with columns fixed by `fixing`, on the smaller model without the fixed columns. */
  const runFixed = async (
    model: MilpModel,
    fixing: ColumnFixing | null,
    share = 1,
  ): Promise<SolveOutcome> => {
    if (fixing === null) return run(model, share);
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
    const outcome = await run(compact.model, share);
    return {
      ...outcome,
      values: compact.expand(outcome.values),
      objective: outcome.objective + compact.offset,
      ...(outcome.bound === undefined ? {} : { bound: outcome.bound + compact.offset }),
    };
  };

  /** `value` loosened by the fix tolerance in the direction of a worse objective. */
  const loosen = (sense: 'min' | 'max', value: number): number => {
    const slack = FIX_TOLERANCE * Math.max(1, Math.abs(value));
    return sense === 'min' ? value + slack : value - slack;
  };

  /**
   * Solve a MILP exactly on its core: from the LP relaxation's multipliers, fix every column that cannot
   * move in a solution at least as good as the incumbent, and solve the rest. The answer certifies itself:
   * when the core's solution reaches the incumbent's value the optimum lies in the core; otherwise (a
   * wrong incumbent, or nothing to fix) the full model is solved.
   */
  const solveOnCore = async (
    model: MilpModel,
    relaxation: RelaxationOutcome | null,
    known: number | null,
    portfolioValue: (values: Float64Array) => number | null,
    share = 1,
  ): Promise<SolveOutcome> => {
    let incumbent = known;
    if (relaxation !== null) {
      // A better incumbent fixes more columns: solve the LP's neighbourhood (the columns with the smallest
      // reduced costs) first. Only its value is used, as the threshold for the exact fixing below.
      const guess = neighbourhood(model, relaxation, neighbourhoodColumns(n));
      if (guess !== null) {
        const trial = await runFixed(model, guess, share * 0.2);
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
        const outcome = await runFixed(model, fixing, share);
        const found = outcome.status === 'optimal' || outcome.status === 'feasible';
        const reached =
          model.sense === 'min' ? outcome.objective <= threshold : outcome.objective >= threshold;
        if (found && reached) return outcome;
      }
    }
    return run(model, share);
  };

  /** Round the integer item columns of an LP solution down (a feasible point for ≤-rows with x ≥ 0). */
  const roundDown = (values: Float64Array): Float64Array =>
    Float64Array.from({ length: n }, (_, i) => Math.floor((values[i] ?? 0) + 1e-9));

  /** Selections seen so far (per-scenario optima), offered as incumbents to the main solve. */
  const seenSelections: Float64Array[] = [];

  const toSelection = (values: Float64Array): Float64Array => {
    const selection = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const value = values[i] ?? 0;
      selection[i] = fractional ? (value < 1e-9 ? 0 : value > 1 - 1e-9 ? 1 : value) : value > 0.5 ? 1 : 0;
    }
    return selection;
  };

  const infeasible = async (where: string): Promise<never> => {
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
      n === 0 ? { status: 'optimal', values: new Float64Array(1), objective: 0 } : await run(floorless);
    const reachable =
      best.status === 'optimal' || best.status === 'feasible'
        ? `${Math.round(best.objective * 1e6) / 1e6}`
        : 'unknown';
    throw new AllocationError(
      'ALLOCATION_INFEASIBLE',
      `infeasible: min_worst_case_return ${constraints.minWorstCaseReturn} cannot be met; the best worst-case portfolio return reachable within the budget${constraints.mandatory.length > 0 ? ', mandatory initiatives' : ''}${constraints.maxSelected !== undefined ? ' and max_selected' : ''} is ${reachable}`,
      { field: 'min_worst_case_return', constraint: 'min_worst_case_return' },
    );
  };

  const optimizeLinear = async (
    coefficients: ArrayLike<number>,
    sense: 'min' | 'max',
    share = 1,
  ): Promise<LinearOptimum> => {
    if (n === 0) {
      if (constraints.minWorstCaseReturn !== undefined && constraints.minWorstCaseReturn > 0)
        await infeasible('problem');
      return { value: 0, selection: new Float64Array(0), status: 'optimal' };
    }
    const model = buildModel({ sense, itemCoefficients: coefficients });
    const relaxation = await relaxRun(model, share * 0.2);
    let incumbent: number | null = null;
    if (relaxation !== null) {
      const rounded = roundDown(relaxation.values);
      if (satisfies(model, rounded)) incumbent = dot(coefficients, rounded);
    }
    const portfolioValue = (values: Float64Array): number | null => {
      const selection = roundDown(values.map((v) => v + 0.5));
      return satisfies(model, selection) ? dot(coefficients, selection) : null;
    };
    const outcome = await solveOnCore(model, relaxation, incumbent, portfolioValue, share);
    if (outcome.status === 'infeasible') return infeasible('problem');
    if (outcome.status === 'no_solution') throw timeLimitError();
    if (outcome.status === 'feasible') anyStoppedEarly = true;
    const selection = toSelection(outcome.values);
    seenSelections.push(selection);
    return {
      value: dot(coefficients, selection),
      selection,
      status: outcome.status === 'optimal' ? 'optimal' : 'feasible',
    };
  };

  const timeLimitError = (): AllocationError =>
    new AllocationError(
      'ALLOCATION_TIME_LIMIT',
      `time_limit_ms ${timeLimitMs}: the solver found no feasible portfolio in time; raise time_limit_ms`,
      { field: 'time_limit_ms' },
    );

  // Per-scenario optima V*_s under every shared constraint.
  const scenarioOptima = new Float64Array(SCENARIOS.length);
  let scenarioOptimaExact = true;
  for (let s = 0; s < SCENARIOS.length; s++) {
    const optimum = await optimizeLinear(problem.effectiveReturns[s] ?? [], 'max', 0.15);
    scenarioOptima[s] = optimum.value;
    scenarioOptimaExact &&= optimum.status === 'optimal';
  }
  const context: RuleContext = {
    problem,
    scenarioOptima,
    optimizeLinear: (c, sense) => optimizeLinear(c, sense),
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
      solves,
      solverTimeMs,
      tieBreak: { candidates: 1, complete: true },
      ruleDetail: rule.detail?.(problem, state, selection, context) ?? {},
    };
  }

  const objective = rule.objective(problem, state, context);
  const mainModel = buildModel(objective);
  const mainRelaxation = await relaxRun(mainModel, 0.2);
  const mainIncumbent =
    mainRelaxation === null ? null : bestIncumbent([...seenSelections, roundDown(mainRelaxation.values)]);
  const main = await solveOnCore(mainModel, mainRelaxation, mainIncumbent, (values) =>
    bestIncumbent([toSelection(values)]),
  );
  if (main.status === 'infeasible') return infeasible('rule');
  if (main.status === 'no_solution') throw timeLimitError();
  let selection = toSelection(main.values);
  let best = evaluate(selection);
  let status: PortfolioSolution['status'] =
    main.status === 'optimal' && !anyStoppedEarly ? 'optimal' : 'time_limit';
  const bound = main.bound ?? null;
  const gap =
    main.status === 'optimal'
      ? 0
      : bound === null
        ? null
        : Math.abs(best - bound) / Math.max(1e-12, Math.abs(best));
  let tieBreak = { candidates: 1, complete: false };

  if (main.status === 'optimal') {
    // Fix the objective at its optimum (with a little slack; ties are then decided exactly below).
    const slack = FIX_TOLERANCE * Math.max(1, Math.abs(best));
    const fixRow = objectiveRow(
      objective.itemCoefficients,
      (objective.auxiliary ?? []).map((column) => column.objective),
      objective.sense === 'max' ? best - slack : Number.NEGATIVE_INFINITY,
      objective.sense === 'min' ? best + slack : Number.POSITIVE_INFINITY,
    );
    const costObjective: RuleObjective = {
      ...objective,
      sense: 'min',
      itemCoefficients: problem.costs,
      auxiliary: (objective.auxiliary ?? []).map((column) => ({ ...column, objective: 0 })),
    };
    const candidates: Float64Array[] = [selection];
    let complete = false;
    // Every tie lies in the region the fix row defines, so columns fixed for that region stay fixed.
    const tieFixing =
      mainRelaxation === null
        ? null
        : fixByReducedCost(mainModel, mainRelaxation.rowDuals, loosen(objective.sense, best));
    if (fractional) {
      // Fractional optima form a continuum: prefer the cheapest one (no id-order step).
      const cheapest = await run(buildModel(costObjective, [fixRow]));
      if (cheapest.status === 'optimal') {
        candidates.push(toSelection(cheapest.values));
        complete = true;
      }
    } else {
      // Enumerate the other portfolios at the optimum, cheapest first, cutting off each one found; once the
      // cheapest is known only portfolios at that cost are still of interest. Infeasibility proves the list
      // complete (for a unique optimum this costs a single extra solve).
      const cuts: MilpRow[] = [noGoodCut(selection)];
      let costCap = dot(problem.costs, selection);
      let bestValue = best;
      while (candidates.length < MAX_TIE_CANDIDATES) {
        const costRow: MilpRow = {
          indices: Array.from({ length: n }, (_, i) => i),
          values: Array.from(problem.costs),
          lower: Number.NEGATIVE_INFINITY,
          upper: costCap + FIX_TOLERANCE * Math.max(1, Math.abs(costCap)),
        };
        const tieModel = buildModel(costObjective, [fixRow, costRow, ...cuts]);
        if (solver.probeFeasibility === true) {
          // Same rows, zero objective: HiGHS proves an empty set ~10x faster without an objective to bound.
          // Only a proved infeasibility is used; otherwise the cheapest-first solve below runs unchanged, so
          // the enumeration order and the outcome are the same.
          const probe = await runFixed(
            { ...tieModel, objective: new Float64Array(tieModel.objective.length) },
            tieFixing,
          );
          if (probe.status === 'infeasible') {
            complete = true;
            break;
          }
        }
        const next = await runFixed(tieModel, tieFixing);
        if (next.status === 'infeasible') {
          complete = true;
          break;
        }
        if (next.status !== 'optimal') break;
        const found = toSelection(next.values);
        candidates.push(found);
        cuts.push(noGoodCut(found));
        // Only a portfolio that ties the best objective (or beats it: solver round-off) may lower the cap;
        // a merely near-optimal one (within the solver slack) must not hide the true ties.
        const value = evaluate(found);
        const cost = dot(problem.costs, found);
        if (tied(value, bestValue)) {
          costCap = Math.min(costCap, cost);
        } else if (objective.sense === 'min' ? value < bestValue : value > bestValue) {
          bestValue = value;
          costCap = cost;
        }
      }
    }
    tieBreak = { candidates: candidates.length, complete };
    const chosen = chooseAmongTies(problem, candidates, evaluate, objective.sense);
    selection = chosen;
    best = evaluate(chosen);
  } else {
    status = 'time_limit';
  }

  return {
    selection,
    objective: best,
    status,
    scenarioOptima,
    scenarioOptimaExact,
    gap,
    bound,
    solves,
    solverTimeMs,
    tieBreak,
    ruleDetail: rule.detail?.(problem, state, selection, context) ?? {},
  };

  /** The best rule objective among selections that meet the shared constraints (null when none does). */
  function bestIncumbent(selections: Float64Array[]): number | null {
    const shared = buildModel({ sense: 'max', itemCoefficients: new Float64Array(n) });
    let bestValue: number | null = null;
    for (const candidate of selections) {
      if (!satisfies(shared, candidate)) continue;
      const value = evaluate(candidate);
      if (!Number.isFinite(value)) continue;
      if (bestValue === null || (objective.sense === 'min' ? value < bestValue : value > bestValue))
        bestValue = value;
    }
    return bestValue;
  }

  function noGoodCut(cut: Float64Array): MilpRow {
    // Σ_{i∉S} x_i − Σ_{i∈S} x_i ≥ 1 − |S|: any other 0/1 portfolio.
    const indices: number[] = [];
    const values: number[] = [];
    let size = 0;
    for (let i = 0; i < n; i++) {
      indices.push(i);
      const inSet = (cut[i] ?? 0) > 0.5;
      values.push(inSet ? -1 : 1);
      if (inSet) size++;
    }
    return { indices, values, lower: 1 - size, upper: Number.POSITIVE_INFINITY };
  }
}

/**
 * The tie-break, decided exactly: best objective (ties within 1e-9 relative), then lowest total cost (same
 * tolerance), then the lexicographically smallest sorted id list (at the first position where the lists
 * differ the smaller id wins; a list that is a prefix of another wins).
 */
function chooseAmongTies(
  problem: AllocationProblem,
  candidates: Float64Array[],
  evaluate: (selection: ArrayLike<number>) => number,
  sense: 'min' | 'max',
): Float64Array {
  const scored = candidates.map((selection) => ({
    selection,
    objective: evaluate(selection),
    cost: dot(problem.costs, selection),
    ids: problem.ids.filter((_, i) => (selection[i] ?? 0) > 0),
  }));
  scored.sort((a, b) => {
    if (!tied(a.objective, b.objective))
      return sense === 'min' ? a.objective - b.objective : b.objective - a.objective;
    if (!tied(a.cost, b.cost)) return a.cost - b.cost;
    return compareIdLists(a.ids, b.ids);
  });
  const winner = scored[0];
  if (!winner) throw new AllocationError('ALLOCATION_SOLVER_FAILED', 'no candidate portfolio to choose from');
  return winner.selection;
}

/**
 * Lexicographic order of two ascending id lists.
 *
 * @example
 * ```ts
 * compareIdLists(['B', 'D'], ['C', 'D']); // < 0
 * ```
 */
export function compareIdLists(a: readonly string[], b: readonly string[]): number {
  const length = Math.min(a.length, b.length);
  for (let k = 0; k < length; k++) {
    const order = compareIds(a[k] ?? '', b[k] ?? '');
    if (order !== 0) return order;
  }
  return a.length - b.length;
}

/** Whether a selection satisfies the budget (used by callers as a final guard). */
export function withinBudget(problem: AllocationProblem, selection: ArrayLike<number>): boolean {
  return atMost(dot(problem.costs, selection), problem.constraints.budget);
}
