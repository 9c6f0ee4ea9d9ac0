import { parseReviewResult, type ReviewResult } from '@impact/contracts';
import { ReviewError } from '../errors';
import { parseReviewRules, type ReviewRules, type ReviewRulesInput } from '../rules/rules';
import type { DecisionContext, DecisionItem } from './model';
import { type DecisionModelSpec, resolveDecisionModel } from './registry';

/** Options of {@link applyDecisionModel}. */
export interface ApplyDecisionOptions {
  /** Review rules (bands) the reviews were scored with (defaults otherwise). */
  rules?: ReviewRulesInput | ReviewRules;
  /** Learned per-methodology corrections (see `calibrationCorrections`). */
  corrections?: DecisionContext['corrections'];
  /** Learned per-estimator corrections, used before the methodology's (see `calibrationMethodCorrections`). */
  method_corrections?: DecisionContext['method_corrections'];
  /** Pilots of earlier cycles (the history's `evidence`), pooled into the prior by models that estimate one. */
  history?: DecisionContext['history'];
  /** Scale outcomes of earlier cycles (the history's records), for models that learn from them. */
  outcomes?: DecisionContext['outcomes'];
}

/**
 * Turn the reviewed measurements of a portfolio into allocation-ready reviews with a decision model
 * (default `predictive`): scenarios replaced by the model's, `decision_model` recorded, the predictive
 * distribution attached when the model gives one, the model's sentence appended to the rationale and
 * its flags added. Scenarios are always recomputed from the measurement, so applying twice equals
 * applying once. Throws `ConfigError` for an unknown model or bad parameters, `ContractError` when a
 * model returns scenarios out of order.
 *
 * @example
 * ```ts
 * const decided = applyDecisionModel(
 *   reviews.map((review, i) => ({ review, measurement: measurements[i], valuation: { value_per_unit: 1, units: 45_000 } })),
 *   { name: 'predictive', interval: 0.8 },
 * );
 * ```
 */
export function applyDecisionModel(
  items: readonly DecisionItem[],
  spec: DecisionModelSpec = 'predictive',
  options: ApplyDecisionOptions = {},
): ReviewResult[] {
  const { model, params } = resolveDecisionModel(spec);
  const context: DecisionContext = {
    rules: parseReviewRules(options.rules ?? {}),
    ...(options.corrections === undefined ? {} : { corrections: options.corrections }),
    ...(options.method_corrections === undefined ? {} : { method_corrections: options.method_corrections }),
    ...(options.history === undefined ? {} : { history: options.history }),
    ...(options.outcomes === undefined ? {} : { outcomes: options.outcomes }),
  };
  const outcomes = model.decide(items, params, context);
  return items.map(({ review }, index) => {
    const decided = outcomes[index];
    if (decided === undefined) {
      throw new ReviewError(
        'REVIEW_DECISION_INVALID',
        `decision model "${model.name}": expected one outcome per item (${items.length}), got ${outcomes.length}; none for "${review.id}"`,
      );
    }
    const previousFlags = review.flags.filter(
      (flag) => !(decided.flags ?? []).some((added) => added.code === flag.code),
    );
    const base = review.decision_model === undefined ? review.rationale : stripDecision(review.rationale);
    const { prediction: _previous, ...rest } = review;
    return parseReviewResult({
      ...rest,
      R_worst: decided.R_worst,
      R_med: decided.R_med,
      R_best: decided.R_best,
      decision_model: model.name,
      ...(decided.prediction === undefined
        ? {}
        : { prediction: { model: model.name, ...decided.prediction } }),
      flags: [...previousFlags, ...(decided.flags ?? [])],
      rationale:
        base === '' ? `${DECISION_MARK}${decided.rationale}` : `${base} ${DECISION_MARK}${decided.rationale}`,
    });
  });
}

/** Marks where the decision model's sentence starts in a rationale, so re-applying replaces it. */
const DECISION_MARK = '[decision] ';

function stripDecision(rationale: string): string {
  const at = rationale.indexOf(DECISION_MARK);
  return at < 0 ? rationale : rationale.slice(0, at).trimEnd();
}
