import { AllocationError } from '../errors';
import type { AllocationProblem } from '../problem/problem';

/**
 * A rule's objective over the shared model. Selection variables `x_i` (one per eligible initiative, in
 * `problem.ids` order) already carry the shared constraints; a rule adds a linear objective on them and,
 * if it needs them, continuous auxiliary variables and extra rows (e.g. `θ ≥ V*_s − Σ x_i R_eff[i,s]`).
 * The optimum of this objective for fixed `x` must equal `evaluate(x)`: tie-breaking fixes the objective
 * at its optimum and relies on it.
 */
export interface RuleObjective {
  /** Minimise or maximise. */
  sense: 'min' | 'max';
  /** Objective coefficient of each selection variable. */
  itemCoefficients: ArrayLike<number>;
  /** Continuous auxiliary variables, each with bounds and an objective coefficient. */
  auxiliary?: { lower: number; upper: number; objective: number }[];
  /** Extra rows `lower ≤ Σ itemCoefficients·x + Σ auxiliaryCoefficients·a ≤ upper`. */
  rows?: {
    itemCoefficients: ArrayLike<number>;
    auxiliaryCoefficients: ArrayLike<number>;
    lower: number;
    upper: number;
  }[];
}

/** The best value of a linear function of the selection over every portfolio meeting the shared constraints. */
export interface LinearOptimum {
  /** `Σ coefficients[i]·x_i` at the optimum, evaluated exactly from the selection. */
  value: number;
  /** The optimal selection (0/1, or fractions in fractional mode). */
  selection: Float64Array;
  /** `optimal`, or `feasible` when the time limit stopped the solve first. */
  status: 'optimal' | 'feasible';
}

/** What a rule can ask of the engine while it prepares. */
export interface RuleContext {
  /** The checked problem. */
  problem: AllocationProblem;
  /** Per-scenario optima `V*_s` under the shared constraints (order of `SCENARIOS`). */
  scenarioOptima: Float64Array;
  /** Optimise a linear function of the selection under the shared constraints. */
  optimizeLinear(coefficients: ArrayLike<number>, sense: 'min' | 'max'): Promise<LinearOptimum>;
}

/**
 * A decision rule: how to score a portfolio, as a MILP objective the engine can solve and as an exact
 * evaluation of one portfolio. Rules never handle constraints, solvers or tie-breaking: the engine does.
 * Register one with {@link registerRule} to select it by name from YAML (`rule: <name>`).
 *
 * @example
 * ```ts
 * const bestCase = defineRule({
 *   name: 'best_case',
 *   objective: (problem) => ({ sense: 'max', itemCoefficients: problem.effectiveReturns[0] }),
 *   evaluate: (problem, _state, x) => problem.ids.reduce((sum, _id, i) => sum + (x[i] ?? 0) * (problem.effectiveReturns[0]?.[i] ?? 0), 0),
 * });
 * ```
 */
export interface AllocationRule<State = unknown> {
  /** Name reported in results and used in YAML. */
  readonly name: string;
  /** Optional preparation (extra solves) before the objective is built; its result is passed on as `state`. */
  prepare?(context: RuleContext): Promise<State>;
  /** The rule's objective over the shared model. */
  objective(problem: AllocationProblem, state: State, context: RuleContext): RuleObjective;
  /** The rule's objective value of one portfolio (selection per `problem.ids`). */
  evaluate(
    problem: AllocationProblem,
    state: State,
    selection: ArrayLike<number>,
    context: RuleContext,
  ): number;
  /** Extra JSON for the result's `detail`. */
  detail?(
    problem: AllocationProblem,
    state: State,
    selection: ArrayLike<number>,
    context: RuleContext,
  ): Record<string, unknown>;
}

/**
 * Check a rule's shape and return it typed.
 *
 * @example
 * ```ts
 * const rule = defineRule({ name: 'median', objective: (p) => ({ sense: 'max', itemCoefficients: p.effectiveReturns[1]! }),
 *   evaluate: (p, _s, x) => dot(p.effectiveReturns[1]!, x) });
 * ```
 */
export function defineRule<State>(rule: AllocationRule<State>): AllocationRule<State> {
  if (
    typeof rule.name !== 'string' ||
    rule.name.length === 0 ||
    typeof rule.objective !== 'function' ||
    typeof rule.evaluate !== 'function'
  ) {
    throw new AllocationError(
      'ALLOCATION_INVALID_RULE',
      'rule: expected an object with a non-empty `name` and `objective` and `evaluate` functions',
      { field: 'rule' },
    );
  }
  return rule;
}
