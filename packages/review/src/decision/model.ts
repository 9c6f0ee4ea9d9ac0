import {
  ConfigError,
  describeValue,
  type Flag,
  type MeasureResult,
  type ModelType,
  type OutcomeRecord,
  type PilotEvidence,
  type Prediction,
  type ReviewResult,
} from '@impact/contracts';
import type { z } from 'zod';
import type { ReviewRules } from '../rules/rules';

/** One reviewed initiative as a decision model sees it: its review, pilot measurement and valuation. */
export interface DecisionItem {
  review: ReviewResult;
  measurement: MeasureResult;
  /** `return = effect × value_per_unit × units`. */
  valuation: { value_per_unit: number; units: number };
}

/**
 * What calibration learned about one methodology, on the pooled scale (return per unit cost): the mean
 * bias of its estimates and the variance they show beyond what the model predicted, each with its
 * standard error. Decision models subtract `bias` and add `excess_variance`.
 */
export interface MethodologyCorrection {
  bias: number;
  excess_variance: number;
}

/**
 * Learned corrections per estimator, keyed by methodology and then by `MeasureResult.method`, so an
 * estimator name used by two methodologies keeps two corrections.
 */
export type MethodCorrections = Readonly<
  Partial<Record<ModelType, Readonly<Record<string, MethodologyCorrection>>>>
>;

/** Everything a decision model may use besides the items. */
export interface DecisionContext {
  /** The review rules (bands), for models that read confidence relative to a methodology's band. */
  rules: ReviewRules;
  /** Learned corrections per methodology (from calibration); absent methodologies are uncorrected. */
  corrections?: Partial<Record<ModelType, MethodologyCorrection>>;
  /**
   * Learned corrections per estimator (from calibration with `group_by: method`), by methodology then
   * `MeasureResult.method`; where an item's methodology and method have one, it is used instead of its
   * methodology's.
   */
  method_corrections?: MethodCorrections;
  /**
   * Pilots of earlier cycles (`OutcomeReport.evidence` of the history), funded or not. Models that
   * estimate a prior may pool them; they are not decided again.
   */
  history?: readonly PilotEvidence[];
  /**
   * Scale outcomes of earlier cycles (`OutcomeReport.records` of the history). The predictive model with
   * `outcomes: prior` conditions on them (see `outcome-evidence.ts`).
   */
  outcomes?: readonly ScaleOutcome[];
}

/** What a decision model reads of one scale outcome: the initiative, its cost and the measured return. */
export type ScaleOutcome = Pick<
  OutcomeRecord,
  'initiative_id' | 'budget' | 'actual_return' | 'actual_ci_lower' | 'actual_ci_upper'
>;

/** What a decision model returns for one item: the scenarios and, optionally, the distribution behind them. */
export interface DecisionOutcome {
  R_worst: number;
  R_med: number;
  R_best: number;
  /** The predictive distribution; omit it when the scenarios are interval bounds (the allocator then applies its confidence penalty under `auto`). */
  prediction?: Omit<Prediction, 'model'>;
  /** One or two sentences appended to the review's rationale. */
  rationale: string;
  flags?: Flag[];
}

/**
 * A decision model: turns the reviewed measurements of a whole portfolio into return scenarios for the
 * allocator. It sees every item at once, so it can pool information across initiatives.
 *
 * @example
 * ```ts
 * const pointOnly = defineDecisionModel({
 *   name: 'point_only',
 *   parameters: z.strictObject({}),
 *   decide: (items) => items.map(({ measurement, valuation }) => {
 *     const r = measurement.effect_estimate * valuation.value_per_unit * valuation.units;
 *     return { R_worst: r, R_med: r, R_best: r, rationale: 'point estimate only' };
 *   }),
 * });
 * ```
 */
export interface DecisionModel<Params = unknown> {
  readonly name: string;
  /** Strict schema of the model's parameters (YAML `decision_model: { name, ...params }`), with defaults. */
  readonly parameters: z.ZodType<Params>;
  decide(items: readonly DecisionItem[], params: Params, context: DecisionContext): DecisionOutcome[];
}

/**
 * Check a decision model's shape and return it typed.
 *
 * @example
 * ```ts
 * const model = defineDecisionModel({ name: 'mine', parameters: z.strictObject({}), decide: (items) => … });
 * ```
 */
export function defineDecisionModel<Params>(model: DecisionModel<Params>): DecisionModel<Params> {
  if (
    typeof model?.name !== 'string' ||
    model.name.length === 0 ||
    typeof model.decide !== 'function' ||
    typeof model.parameters?.safeParse !== 'function'
  ) {
    throw decisionModelError(
      'an object with a non-empty `name`, a zod `parameters` schema and a `decide` function',
      model,
    );
  }
  return model;
}

/**
 * A `ConfigError` about the `decision_model` key.
 *
 * @example
 * ```ts
 * throw decisionModelError('one of "predictive", "design_ci"', 'bayes');
 * ```
 */
export function decisionModelError(expected: string, found: unknown): ConfigError {
  const shown =
    typeof found === 'object' && found !== null ? 'an invalid model object' : describeValue(found);
  const message = `decision_model: expected ${expected}, got ${shown}`;
  return new ConfigError('CONFIG_INVALID', message, {
    issues: [{ path: 'decision_model', expected, found: shown, message }],
  });
}
