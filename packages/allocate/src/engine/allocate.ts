import {
  type AllocationResult,
  parseAllocationResult,
  type ReviewResultInput,
  summarizeIssues,
  toFieldIssues,
} from '@impact/contracts';
import { z } from 'zod';
import { AllocationError } from '../errors';
import {
  type AllocationObjective,
  buildProblem,
  type ConfidencePenalty,
  SCENARIOS,
  type ScenarioWeights,
} from '../problem/problem';
import { dot } from '../rules/linear';
import { resolveRule } from '../rules/registry';
import type { AllocationRule } from '../rules/rule';
import type { SolverAdapter } from '../solvers/model';
import { resolveSolver } from '../solvers/registry';
import { solvePortfolio } from './solve';
import { MAX_TIE_CANDIDATES } from './tie-break';

/**
 * Options of {@link allocate}.
 *
 * @example
 * ```ts
 * const options: AllocateOptions = { budget: 100_000, rule: 'minimax_regret', minConfidence: 0.5, solver: 'highs' };
 * ```
 */
export interface AllocateOptions {
  /** Total money available; the portfolio's cost never exceeds it. */
  budget: number;
  /** Decision rule: a registered name (`minimax_regret`, the default; `expected_return`; `maximin`) or an instance. */
  rule?: string | AllocationRule<unknown>;
  /**
   * `net` (default): rules optimise return − cost, unspent budget keeps its face value, so an initiative
   * that does not earn its cost back is never funded to use up the budget. `gross`: return only (the
   * original design).
   */
  objective?: AllocationObjective;
  /**
   * When `R_eff = c·R + (1 − c)·R_worst` applies: `auto` (default) to reviews without a `prediction`
   * (interval scenarios, e.g. the `design_ci` decision model), `always`, or `never`.
   */
  confidencePenalty?: ConfidencePenalty;
  /** Initiatives with confidence below this are not eligible (default 0). */
  minConfidence?: number;
  /** Ids that must be funded. */
  mandatory?: readonly string[];
  /** Ids that may not be funded. */
  excluded?: readonly string[];
  /** Fund at most this many initiatives. */
  maxSelected?: number;
  /** The portfolio's value (net of cost under `net`) must be at least this in every scenario (its worst case). */
  minWorstCaseReturn?: number;
  /** Fund fractions in [0, 1] (LP relaxation; money allocated proportionally) instead of all-or-nothing. */
  fractional?: boolean;
  /** Scenario weights for `expected_return`, non-negative and summing to 1 (default equal: Laplace). */
  scenarioWeights?: ScenarioWeights;
  /** MILP engine: `highs` (default; MIT, a dependency), `glpk` (GPL-3.0 glpk.js, an opt-in peer) or an adapter. */
  solver?: 'glpk' | 'highs' | (string & {}) | SolverAdapter;
  /**
   * Stop solving after this many milliseconds (default 30,000) and return the best portfolio found with
   * `detail.status: time_limit` and its optimality gap.
   */
  timeLimitMs?: number;
  /**
   * From 400 initiatives on, solve the small reduced-cost cores (≤ 128 free binaries) with the built-in
   * exact branch and bound instead of the engine, and take the tie-break's candidates from that solve
   * (default true; results are the same either way, `detail.builtin_solves` counts them). `false` sends
   * every MILP to `solver`.
   */
  builtinCores?: boolean;
}

const WEIGHT_TOLERANCE = 1e-9;

const OptionsSchema = z.strictObject({
  budget: z.number().min(0),
  objective: z.enum(['net', 'gross']).optional(),
  confidencePenalty: z.enum(['auto', 'always', 'never']).optional(),
  minConfidence: z.number().min(0).max(1).optional(),
  mandatory: z.array(z.string()).optional(),
  excluded: z.array(z.string()).optional(),
  maxSelected: z.number().int().min(0).optional(),
  minWorstCaseReturn: z.number().optional(),
  fractional: z.boolean().optional(),
  scenarioWeights: z
    .strictObject({ best: z.number().min(0), med: z.number().min(0), worst: z.number().min(0) })
    .refine((weights) => Math.abs(weights.best + weights.med + weights.worst - 1) <= WEIGHT_TOLERANCE, {
      message: 'expected scenario weights summing to 1',
    })
    .optional(),
  timeLimitMs: z.number().positive().optional(),
  builtinCores: z.boolean().optional(),
});

function checkOptions(options: AllocateOptions): z.output<typeof OptionsSchema> {
  const { rule: _rule, solver: _solver, ...rest } = options as AllocateOptions & Record<string, unknown>;
  const parsed = OptionsSchema.safeParse(rest, { reportInput: true });
  if (parsed.success) return parsed.data;
  const issues = toFieldIssues(parsed.error.issues, rest);
  throw new AllocationError('ALLOCATION_INVALID_OPTIONS', `options: ${summarizeIssues(issues)}`, {
    field: issues[0]?.path,
    cause: parsed.error,
  });
}

/**
 * Choose which initiatives to fund from their reviews under a budget, with a decision rule solved exactly
 * as a MILP. Results are deterministic: among portfolios with the same objective, the cheapest wins, then
 * the lexicographically smallest sorted id list. The objective is net of cost by default (`objective`);
 * `predicted_returns[id]` is the review's gross `R_med` (times the funded fraction in fractional mode);
 * `detail` reports `objective`, `status`, `solver`, `v_star`, `regrets`, `portfolio_returns` (in the
 * objective's terms), `net_values` (each eligible initiative's value per scenario), `expected_net_return`,
 * `unspent_budget`, `confidence_penalty`, `solve_time_ms`, `eligible` and `excluded_by_confidence`, among
 * others.
 * Throws {@link AllocationError} for bad input and for infeasible constraints, naming the constraint.
 *
 * @example
 * ```ts
 * const result = await allocate(reviews, { budget: 10, minConfidence: 0.5, solver: 'highs' });
 * result.selected_initiatives; // ['A', 'B', 'C']
 * ```
 */
export async function allocate(
  reviews: readonly ReviewResultInput[],
  options: AllocateOptions,
): Promise<AllocationResult> {
  const started = performance.now();
  if (options === null || typeof options !== 'object') {
    throw new AllocationError(
      'ALLOCATION_INVALID_OPTIONS',
      'options: expected an object with at least `budget`',
      {
        field: 'options',
      },
    );
  }
  const checked = checkOptions(options);
  const rule = resolveRule(options.rule ?? 'minimax_regret');
  const solver: SolverAdapter = resolveSolver(options.solver ?? 'highs');
  const problem = buildProblem(reviews, {
    budget: checked.budget,
    fractional: checked.fractional ?? false,
    ...(checked.objective === undefined ? {} : { objective: checked.objective }),
    ...(checked.confidencePenalty === undefined ? {} : { confidencePenalty: checked.confidencePenalty }),
    maxSelected: checked.maxSelected,
    minWorstCaseReturn: checked.minWorstCaseReturn,
    ...(checked.minConfidence === undefined ? {} : { minConfidence: checked.minConfidence }),
    ...(checked.mandatory === undefined ? {} : { mandatory: checked.mandatory }),
    ...(checked.excluded === undefined ? {} : { excluded: checked.excluded }),
    ...(checked.scenarioWeights === undefined ? {} : { scenarioWeights: checked.scenarioWeights }),
  });
  const solution = await solvePortfolio(problem, rule, solver, {
    ...(checked.timeLimitMs === undefined ? {} : { timeLimitMs: checked.timeLimitMs }),
    ...(checked.builtinCores === undefined ? {} : { builtinCores: checked.builtinCores }),
  });
  const { selection } = solution;
  const selected: string[] = [];
  const predictedReturns: Record<string, number> = {};
  const budgetAllocated: Record<string, number> = {};
  const fractions: Record<string, number> = {};
  problem.ids.forEach((id, i) => {
    const share = selection[i] ?? 0;
    if (share <= 0) return;
    selected.push(id);
    predictedReturns[id] = share * (problem.medianReturns[i] ?? 0);
    budgetAllocated[id] = share * (problem.costs[i] ?? 0);
    fractions[id] = share;
  });
  const totalCost = dot(problem.costs, selection);
  const portfolioReturns: Record<string, number> = {};
  const vStar: Record<string, number> = {};
  const regrets: Record<string, number> = {};
  SCENARIOS.forEach((scenario, s) => {
    const value = dot(problem.effectiveReturns[s] ?? [], selection);
    portfolioReturns[scenario] = value;
    vStar[scenario] = solution.scenarioOptima[s] ?? 0;
    regrets[scenario] = (solution.scenarioOptima[s] ?? 0) - value;
  });
  const values: Record<string, Record<string, number>> = {};
  const penalized: string[] = [];
  problem.ids.forEach((id, i) => {
    const row: Record<string, number> = {};
    SCENARIOS.forEach((scenario, s) => {
      row[scenario] = problem.effectiveReturns[s]?.[i] ?? 0;
    });
    values[id] = row;
    if (problem.penalized[i] === 1) penalized.push(id);
  });
  const expectedNet = problem.ids.reduce(
    (sum, _id, i) => sum + (selection[i] ?? 0) * ((problem.medianReturns[i] ?? 0) - (problem.costs[i] ?? 0)),
    0,
  );
  const detail: Record<string, unknown> = {
    ...solution.ruleDetail,
    objective: problem.constraints.objective,
    confidence_penalty: { setting: problem.constraints.confidencePenalty, applied_to: penalized },
    [problem.constraints.objective === 'net' ? 'net_values' : 'gross_values']: values,
    expected_net_return: expectedNet,
    unspent_budget: Math.max(0, problem.constraints.budget - totalCost),
    status: solution.status,
    solver: solver.name,
    v_star: vStar,
    v_star_exact: solution.scenarioOptimaExact,
    regrets,
    max_regret: Math.max(...Object.values(regrets)),
    portfolio_returns: portfolioReturns,
    optimality_gap: solution.gap,
    best_bound: solution.bound,
    solve_time_ms: performance.now() - started,
    solver_time_ms: solution.solverTimeMs,
    solves: solution.solves,
    builtin_solves: solution.builtinSolves,
    builtin_time_ms: solution.builtinTimeMs,
    eligible: problem.ids,
    excluded_by_confidence: problem.excludedByConfidence,
    excluded: problem.excludedByOption,
    mandatory: problem.constraints.mandatory,
    fractional: problem.constraints.fractional,
    tie_break: {
      order: 'objective, then lowest total cost, then lexicographically smallest sorted id list',
      candidates: solution.tieBreak.candidates,
      complete: solution.tieBreak.complete,
      max_candidates: MAX_TIE_CANDIDATES,
    },
    ...(problem.constraints.fractional ? { fractions } : {}),
  };
  return parseAllocationResult({
    selected_initiatives: selected,
    predicted_returns: predictedReturns,
    budget_allocated: budgetAllocated,
    rule: rule.name,
    objective_value: solution.objective,
    total_cost: totalCost,
    budget: problem.constraints.budget,
    status: solution.status,
    optimality_gap: solution.gap,
    detail: JSON.parse(JSON.stringify(detail)) as Record<string, unknown>,
  });
}
