export { ReviewError, type ReviewErrorCode } from './errors';
export {
  createDeterministicReviewer,
  DETERMINISTIC_REVIEWER_NAME,
  reviewParsed,
} from './reviewer/deterministic';
export { type ReviewAllOptions, reviewAll } from './reviewer/review-all';
export {
  type ParsedReviewInput,
  parseReviewInput,
  type Reviewer,
  type ReviewInput,
  type ReviewOptions,
} from './reviewer/reviewer';
export {
  ADJUSTMENT_NAMES,
  type AdjustmentName,
  type AdjustmentRule,
  type Band,
  DEFAULT_REVIEW_RULES,
  parseReviewRules,
  type ReviewRules,
  type ReviewRulesInput,
  ReviewRulesSchema,
} from './rules/rules';
export {
  type Scenarios,
  scenariosFromMeasurement,
  type Valuation,
  type ValuationInput,
  ValuationSchema,
} from './scenarios/valuation';
export {
  type AdjustmentOutcome,
  type ConfidenceBreakdown,
  clampToBand,
  describeBreakdown,
  scoreConfidence,
} from './scoring/confidence';
export { isBeyondFlag, rampScore } from './scoring/ramp';
export { normalCdf, normalQuantile } from './stats/normal';
export { type PowerAnalysis, type PowerInputs, powerAnalysis } from './stats/power';
