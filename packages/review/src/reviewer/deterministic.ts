import { type Flag, parseReviewResult, type ReviewResult } from '@impact/contracts';
import { ReviewError } from '../errors';
import { parseReviewRules, type ReviewRules, type ReviewRulesInput } from '../rules/rules';
import { scenariosFromMeasurement } from '../scenarios/valuation';
import { describeBreakdown, scoreConfidence } from '../scoring/confidence';
import { type ParsedReviewInput, parseReviewInput, type Reviewer, type ReviewOptions } from './reviewer';

/**
 * Name recorded in `reviewer.name` by the deterministic reviewer.
 *
 * @example
 * ```ts
 * review.reviewer.name === DETERMINISTIC_REVIEWER_NAME; // true for rule-based (and fallback) reviews
 * ```
 */
export const DETERMINISTIC_REVIEWER_NAME = 'deterministic';

/**
 * Review an already-parsed input with parsed rules (no I/O, synchronous). The building block of the
 * deterministic reviewer and of the LLM reviewer's baseline and fallback.
 *
 * @example
 * ```ts
 * const result = reviewParsed(parseReviewInput({ measurement, cost: 100 }), parseReviewRules());
 * ```
 */
export function reviewParsed(input: ParsedReviewInput, rules: ReviewRules): ReviewResult {
  const { measurement, valuation } = input;
  const breakdown = scoreConfidence(measurement, rules);
  const scenarios = scenariosFromMeasurement(measurement, valuation);
  const flags: Flag[] = [...breakdown.flags];
  if (measurement.effect_unit === 'relative' && !input.valued) {
    flags.push({
      code: 'RELATIVE_EFFECT_UNVALUED',
      message:
        'effect_unit is relative but no valuation was given: returns equal the fractional effect, which is not comparable with cost; set valuation.value_per_unit to the baseline value',
      severity: 'warning',
    });
  }
  if (scenarios.R_med < 0) {
    flags.push({
      code: 'NEGATIVE_EFFECT',
      message: `the point estimate ${measurement.effect_estimate} is negative: scaling is expected to lose value`,
      severity: 'info',
    });
  }
  const unit = valuation.currency === undefined ? '' : ` ${valuation.currency}`;
  const valuationText =
    `Returns = effect × ${valuation.value_per_unit} per unit × ${valuation.units} units` +
    `${valuation.label === undefined ? '' : ` (${valuation.label})`}: ` +
    `R_worst ${scenarios.R_worst}${unit}, R_med ${scenarios.R_med}${unit}, R_best ${scenarios.R_best}${unit}.`;
  return parseReviewResult({
    id: measurement.initiative_id,
    confidence: breakdown.confidence,
    cost: input.cost,
    ...scenarios,
    model_type: measurement.model_type,
    flags,
    rationale: `${describeBreakdown(breakdown)} ${valuationText}`,
    reviewer: { name: DETERMINISTIC_REVIEWER_NAME, kind: 'deterministic' },
  });
}

/**
 * The default reviewer: methodology band plus documented, monotone adjustments (see
 * `DEFAULT_REVIEW_RULES`), scenarios through the valuation, and flags. Deterministic and synchronous
 * underneath; `rules` override the defaults (validated, unknown keys rejected).
 *
 * @example
 * ```ts
 * const reviewer = createDeterministicReviewer({ adjustments: { ci_width: { weight: 0.1 } } });
 * const review = await reviewer.review({ measurement, cost: 12_000, valuation: { units: 45_000 } });
 * ```
 */
export function createDeterministicReviewer(rules?: ReviewRulesInput): Reviewer {
  const parsedRules = parseReviewRules(rules ?? {});
  return {
    name: DETERMINISTIC_REVIEWER_NAME,
    async review(input, options: ReviewOptions = {}) {
      if (options.signal?.aborted) {
        throw new ReviewError('REVIEW_ABORTED', 'review aborted before it started', {
          cause: options.signal.reason,
        });
      }
      return reviewParsed(parseReviewInput(input), parsedRules);
    },
  };
}
