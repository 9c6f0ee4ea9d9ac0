import {
  ContractError,
  parseReviewResult,
  type ReviewResult,
  type ReviewResultInput,
} from '@impact/contracts';
import { AllocationError } from '../errors';

/**
 * The three return scenarios every review carries, in this order (`R_best`, `R_med`, `R_worst`).
 *
 * @example
 * ```ts
 * SCENARIOS.indexOf('worst'); // 2: problem.effectiveReturns[2] holds R_worst
 * ```
 */
export const SCENARIOS = ['best', 'med', 'worst'] as const;
/** One of {@link SCENARIOS}. */
export type Scenario = (typeof SCENARIOS)[number];

/** Scenario weights for `expected_return`; non-negative and summing to 1. */
export type ScenarioWeights = Record<Scenario, number>;

/**
 * What the rules optimise. `net` (the default): each initiative's value in a scenario is its return minus
 * its cost, so unspent budget keeps its face value and an initiative that does not earn its cost back is
 * never funded to fill the budget. `gross`: the return alone, cost only counting against the budget (the
 * original design's allocator).
 *
 * @example
 * ```ts
 * const objective: AllocationObjective = 'gross'; // reproduce the original allocator
 * ```
 */
export type AllocationObjective = 'net' | 'gross';

/**
 * When the confidence penalty `R_eff = c·R + (1 − c)·R_worst` applies. `auto` (the default): to reviews
 * without a `prediction`, whose scenarios are interval bounds (the `design_ci` decision model, hand-written
 * reviews), and not to reviews whose scenarios are quantiles of a predictive distribution, which already
 * carry the uncertainty; `always` / `never` force it on or off for every review.
 *
 * @example
 * ```ts
 * const penalty: ConfidencePenalty = 'always'; // the original design, whatever produced the scenarios
 * ```
 */
export type ConfidencePenalty = 'auto' | 'always' | 'never';

/** The constraints shared by every rule, already checked. */
export interface ProblemConstraints {
  /** Total cost may not exceed this. */
  budget: number;
  /** Initiatives with confidence below this are not eligible. */
  minConfidence: number;
  /** Ids that must be funded. */
  mandatory: string[];
  /** Ids that may not be funded. */
  excluded: string[];
  /** At most this many initiatives may be funded. */
  maxSelected: number | undefined;
  /** Every scenario's portfolio return must be at least this. */
  minWorstCaseReturn: number | undefined;
  /** Fund fractions in [0, 1] (LP relaxation) instead of all-or-nothing. */
  fractional: boolean;
  /** Net (return − cost, the default) or gross returns. */
  objective: AllocationObjective;
  /** When the confidence penalty applies. */
  confidencePenalty: ConfidencePenalty;
}

/**
 * A checked allocation problem (what a custom rule receives): the eligible initiatives (sorted by id, so
 * results never depend on input order), their costs and their value per scenario,
 * `V[i,s] = R_eff[i,s] − cost_i` under the `net` objective (`R_eff[i,s]` under `gross`), where
 * `R_eff[i,s] = c_i·R[i,s] + (1 − c_i)·R_worst[i]` when the confidence penalty applies to initiative i and
 * `R[i,s]` otherwise. The empty portfolio is worth 0 in every scenario.
 *
 * @example
 * ```ts
 * const worstCase = (problem: AllocationProblem, x: Float64Array) => dot(problem.effectiveReturns[2]!, x);
 * ```
 */
export interface AllocationProblem {
  /** Ids of the eligible initiatives, ascending by UTF-16 code units. */
  ids: string[];
  /** Cost of each eligible initiative. */
  costs: Float64Array;
  /** Median (un-penalised) return of each eligible initiative: the predicted return reported. */
  medianReturns: Float64Array;
  /** `effectiveReturns[s][i]` = the value V of initiative i in scenario `SCENARIOS[s]` (net of cost under `net`). */
  effectiveReturns: Float64Array[];
  /** 1 where the confidence penalty was applied to the initiative's scenarios. */
  penalized: Uint8Array;
  /** 1 where the initiative is mandatory. */
  mandatory: Uint8Array;
  /** Scenario weights (used by `expected_return`). */
  scenarioWeights: ScenarioWeights;
  /** The shared constraints. */
  constraints: ProblemConstraints;
  /** Ids dropped because their confidence is below `minConfidence`. */
  excludedByConfidence: string[];
  /** Ids dropped because they were listed in `excluded`. */
  excludedByOption: string[];
}

/** Inputs to {@link buildProblem}, after option parsing. */
export interface ProblemOptions
  extends Omit<
    ProblemConstraints,
    'minConfidence' | 'mandatory' | 'excluded' | 'objective' | 'confidencePenalty'
  > {
  objective?: AllocationObjective;
  confidencePenalty?: ConfidencePenalty;
  minConfidence?: number;
  mandatory?: readonly string[];
  excluded?: readonly string[];
  scenarioWeights?: ScenarioWeights;
}

/**
 * Confidence penalty shared by every rule: low confidence collapses every scenario toward the worst case,
 * `R_eff = c·R + (1 − c)·R_worst` (the Python allocator's `(1 − γ)·R + γ·R_worst` with `γ = 1 − c`).
 *
 * @example
 * ```ts
 * effectiveReturn(15, 2, 0.9); // 13.7
 * ```
 */
export function effectiveReturn(scenarioReturn: number, worstReturn: number, confidence: number): number {
  return confidence * scenarioReturn + (1 - confidence) * worstReturn;
}

const describe = (value: unknown): string =>
  typeof value === 'number' ? String(value) : value === undefined ? 'nothing' : JSON.stringify(value);

/** Check the review fields allocation depends on, with allocation's own error codes. */
function checkReviewFields(review: ReviewResultInput, index: number): void {
  const where = `reviews[${index}]`;
  const id = String(review.id);
  const cost = review.cost as unknown;
  if (typeof cost !== 'number' || !Number.isFinite(cost) || cost < 0) {
    throw new AllocationError(
      'ALLOCATION_INVALID_COST',
      `${where}.cost: expected a finite number ≥ 0 for initiative "${id}", got ${describe(cost)}`,
      { field: `${where}.cost`, initiativeId: id },
    );
  }
  for (const field of ['R_best', 'R_med', 'R_worst'] as const) {
    const value = review[field] as unknown;
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      throw new AllocationError(
        'ALLOCATION_INVALID_RETURN',
        `${where}.${field}: expected a finite number for initiative "${id}", got ${describe(value)}`,
        { field: `${where}.${field}`, initiativeId: id },
      );
    }
  }
  const confidence = review.confidence as unknown;
  if (typeof confidence !== 'number' || !Number.isFinite(confidence) || confidence < 0 || confidence > 1) {
    throw new AllocationError(
      'ALLOCATION_INVALID_CONFIDENCE',
      `${where}.confidence: expected a number in [0, 1] for initiative "${id}", got ${describe(confidence)}`,
      { field: `${where}.confidence`, initiativeId: id },
    );
  }
  if (review.R_worst > review.R_best || review.R_worst > review.R_med || review.R_med > review.R_best) {
    throw new AllocationError(
      'ALLOCATION_SCENARIO_ORDER',
      `${where}: expected R_worst ≤ R_med ≤ R_best for initiative "${id}", got R_worst ${review.R_worst}, R_med ${review.R_med}, R_best ${review.R_best}`,
      { field: `${where}.R_worst`, initiativeId: id },
    );
  }
}

/**
 * Check reviews, apply eligibility (confidence, exclusions) and compute effective returns. Throws
 * {@link AllocationError} for empty input, duplicate ids, bad numbers, unknown ids in `mandatory`/`excluded`
 * and constraints that are infeasible before any solve (mandatory over budget, conflicting lists, …).
 *
 * @example
 * ```ts
 * const problem = buildProblem(reviews, { budget: 10, fractional: false, maxSelected: undefined, minWorstCaseReturn: undefined });
 * ```
 */
export function buildProblem(
  reviews: readonly ReviewResultInput[],
  options: ProblemOptions,
): AllocationProblem {
  if (!Array.isArray(reviews) || reviews.length === 0) {
    throw new AllocationError('ALLOCATION_EMPTY_INPUT', 'reviews: expected at least one review, got none', {
      field: 'reviews',
    });
  }
  const parsed: ReviewResult[] = [];
  const seen = new Map<string, number>();
  reviews.forEach((review, index) => {
    const previous = seen.get(review.id);
    if (previous !== undefined) {
      throw new AllocationError(
        'ALLOCATION_DUPLICATE_ID',
        `reviews[${index}].id: initiative "${review.id}" is already reviewed at reviews[${previous}]; expected unique ids`,
        { field: `reviews[${index}].id`, initiativeId: review.id },
      );
    }
    seen.set(review.id, index);
    checkReviewFields(review, index);
    try {
      parsed.push(parseReviewResult(review));
    } catch (error) {
      if (!(error instanceof ContractError)) throw error;
      throw new AllocationError('ALLOCATION_INVALID_REVIEW', `reviews[${index}]: ${error.message}`, {
        field: `reviews[${index}]${error.path && error.path !== '(root)' ? `.${error.path}` : ''}`,
        initiativeId: review.id,
        cause: error,
      });
    }
  });
  const byId = new Map(parsed.map((review) => [review.id, review]));
  const minConfidence = options.minConfidence ?? 0;
  const mandatory = [...new Set(options.mandatory ?? [])].sort(compareIds);
  const excluded = [...new Set(options.excluded ?? [])].sort(compareIds);
  for (const [field, ids] of [
    ['mandatory', mandatory],
    ['excluded', excluded],
  ] as const) {
    for (const id of ids) {
      if (!byId.has(id)) {
        throw new AllocationError(
          'ALLOCATION_UNKNOWN_ID',
          `${field}: expected ids of reviewed initiatives, got "${id}" which has no review`,
          { field, initiativeId: id },
        );
      }
    }
  }
  const excludedSet = new Set(excluded);
  for (const id of mandatory) {
    if (excludedSet.has(id)) {
      throw new AllocationError(
        'ALLOCATION_INFEASIBLE',
        `infeasible: initiative "${id}" is both mandatory and excluded`,
        { field: 'mandatory', initiativeId: id, constraint: 'mandatory_excluded' },
      );
    }
    const confidence = byId.get(id)?.confidence ?? 0;
    if (confidence < minConfidence) {
      throw new AllocationError(
        'ALLOCATION_INFEASIBLE',
        `infeasible: mandatory initiative "${id}" has confidence ${confidence}, below min_confidence ${minConfidence}, so it is not eligible`,
        { field: 'mandatory', initiativeId: id, constraint: 'min_confidence' },
      );
    }
  }
  const mandatoryCost = mandatory.reduce((sum, id) => sum + (byId.get(id)?.cost ?? 0), 0);
  if (mandatoryCost > options.budget * (1 + 1e-12)) {
    throw new AllocationError(
      'ALLOCATION_INFEASIBLE',
      `infeasible: the mandatory initiatives (${mandatory.join(', ')}) cost ${mandatoryCost}, more than the budget ${options.budget}`,
      { field: 'mandatory', constraint: 'budget' },
    );
  }
  if (options.maxSelected !== undefined && mandatory.length > options.maxSelected) {
    throw new AllocationError(
      'ALLOCATION_INFEASIBLE',
      `infeasible: ${mandatory.length} initiatives are mandatory but max_selected is ${options.maxSelected}`,
      { field: 'max_selected', constraint: 'max_selected' },
    );
  }
  const excludedByConfidence: string[] = [];
  const excludedByOption: string[] = [];
  const eligible: ReviewResult[] = [];
  for (const review of [...parsed].sort((a, b) => compareIds(a.id, b.id))) {
    if (excludedSet.has(review.id)) excludedByOption.push(review.id);
    else if (review.confidence < minConfidence) excludedByConfidence.push(review.id);
    else eligible.push(review);
  }
  const mandatorySet = new Set(mandatory);
  const n = eligible.length;
  const objective = options.objective ?? 'net';
  const confidencePenalty = options.confidencePenalty ?? 'auto';
  const penalized = Uint8Array.from(eligible, (review) =>
    appliesPenalty(review, confidencePenalty) ? 1 : 0,
  );
  const effectiveReturns = SCENARIOS.map((scenario) => {
    const column = new Float64Array(n);
    eligible.forEach((review, i) => {
      const raw = scenario === 'best' ? review.R_best : scenario === 'med' ? review.R_med : review.R_worst;
      const value = penalized[i] === 1 ? effectiveReturn(raw, review.R_worst, review.confidence) : raw;
      // `+ 0` keeps −0 out of the JSON detail.
      column[i] = (objective === 'net' ? value - review.cost : value) + 0;
    });
    return column;
  });
  return {
    ids: eligible.map((review) => review.id),
    costs: Float64Array.from(eligible, (review) => review.cost),
    medianReturns: Float64Array.from(eligible, (review) => review.R_med),
    effectiveReturns,
    penalized,
    mandatory: Uint8Array.from(eligible, (review) => (mandatorySet.has(review.id) ? 1 : 0)),
    scenarioWeights: options.scenarioWeights ?? { best: 1 / 3, med: 1 / 3, worst: 1 / 3 },
    constraints: {
      budget: options.budget,
      minConfidence,
      mandatory,
      excluded,
      maxSelected: options.maxSelected,
      minWorstCaseReturn: options.minWorstCaseReturn,
      fractional: options.fractional,
      objective,
      confidencePenalty,
    },
    excludedByConfidence,
    excludedByOption,
  };
}

/**
 * Whether the confidence penalty applies to one review under a {@link ConfidencePenalty} setting: `auto`
 * applies it exactly when the review carries no `prediction` (its scenarios are interval bounds).
 *
 * @example
 * ```ts
 * appliesPenalty({ ...review, prediction: undefined }, 'auto'); // true
 * ```
 */
export function appliesPenalty(
  review: Pick<ReviewResult, 'prediction'>,
  setting: ConfidencePenalty,
): boolean {
  if (setting === 'always') return true;
  if (setting === 'never') return false;
  return review.prediction === undefined;
}

/**
 * Order of ids used everywhere (variable order, tie-breaking, output): plain UTF-16 code-unit order, so it
 * does not depend on the locale.
 *
 * @example
 * ```ts
 * ['b', 'B', 'a'].sort(compareIds); // ['B', 'a', 'b']
 * ```
 */
export function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
