export {
  type ApplyCalibrationOptions,
  applyCalibration,
  CALIBRATED_FLAG,
  withCalibration,
} from './calibration/apply';
export {
  type CalibrationSource,
  calibrationCorrections,
  calibrationMethodCorrections,
  estimateCalibration,
} from './calibration/estimate';
export { fitPredictionResiduals, type ResidualFit } from './calibration/residuals';
export {
  type CalibrationPenaltyRule,
  type CalibrationSettings,
  type CalibrationSettingsInput,
  CalibrationSettingsSchema,
  type CalibrationTrustRule,
  DEFAULT_CALIBRATION_SETTINGS,
  parseCalibrationSettings,
} from './calibration/settings';
export {
  type CalibrationRow,
  CalibrationRowSchema,
  type CalibrationTable,
  type CalibrationTableInput,
  CalibrationTableSchema,
  parseCalibrationTable,
} from './calibration/table';
export {
  createReviewerFromConfig,
  loadReviewConfig,
  type ReviewConfig,
  type ReviewConfigInput,
  ReviewConfigSchema,
  type ReviewerFromConfigOptions,
} from './config/review-config';
export { type ApplyDecisionOptions, applyDecisionModel } from './decision/apply';
export { designCiDecisionModel } from './decision/design-ci';
export {
  applyDesignOffsets,
  type GroupedObservation,
  type OffsetObservation,
} from './decision/design-offsets';
export {
  type IntegratedPrior,
  type IntegratedPriorOptions,
  integratedPosterior,
  integrateNormalPrior,
  type MixtureComponent,
  type MixturePosterior,
  mixtureCdf,
  mixtureQuantile,
} from './decision/integrated-prior';
export {
  type DecisionContext,
  type DecisionItem,
  type DecisionModel,
  type DecisionOutcome,
  defineDecisionModel,
  type MethodCorrections,
  type MethodologyCorrection,
  type ScaleOutcome,
} from './decision/model';
export {
  decidePredictive,
  type PredictiveParams,
  PredictiveParamsSchema,
  predictiveDecisionModel,
} from './decision/predictive';
export {
  type DecisionModelSpec,
  DecisionModelSpecSchema,
  listDecisionModels,
  type ResolvedDecisionModel,
  registerDecisionModel,
  resolveDecisionModel,
} from './decision/registry';
export {
  estimateNormalPrior,
  type NormalPosterior,
  type NormalPrior,
  type NormalPriorOptions,
  type PooledObservation,
  shrinkToPrior,
} from './decision/shrinkage';
export { ReviewError, type ReviewErrorCode } from './errors';
export { type AgentLimits, type AgentOutcome, MalformedAnswerError, runReviewAgent } from './llm/agent';
export { DATA_BLOCK_CLOSE, DATA_BLOCK_OPEN, dataBlock, toPromptJson } from './llm/data-block';
export { createLlmReviewer, type LlmReviewerOptions, type LlmReviewerSettings } from './llm/llm-reviewer';
export { METHODOLOGY_KNOWLEDGE, type MethodologyKnowledge } from './llm/methodology';
export { type AnswerParse, type LlmReview, LlmReviewSchema, parseLlmAnswer } from './llm/output';
export { REVIEW_SYSTEM_PROMPT, reviewUserPrompt } from './llm/prompt';
export {
  type BedrockLib,
  type BedrockReviewerOptions,
  createBedrockReviewer,
  createOllamaReviewer,
  type OllamaLib,
  type OllamaReviewerOptions,
} from './llm/providers';
export { reviewToolDefinitions, runReviewTool, SUBMIT_TOOL_NAME, type ToolDefinition } from './llm/tools';
export {
  createDeterministicReviewer,
  DETERMINISTIC_REVIEWER_NAME,
  reviewParsed,
} from './reviewer/deterministic';
export { adjustForMultipleTesting, type ReviewAllOptions, reviewAll } from './reviewer/review-all';
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
  DEFAULT_MINIMUM_EFFECT,
  type MinimumEffect,
  type MinimumEffectSource,
  type SampleSizeAdequacy,
  sampleSizeAdequacy,
} from './scoring/adequacy';
export {
  type AdjustmentOutcome,
  type ConfidenceBreakdown,
  clampToBand,
  describeBreakdown,
  scoreConfidence,
} from './scoring/confidence';
export { isBeyondFlag, rampScore } from './scoring/ramp';
export {
  adjustPValues,
  MULTIPLE_TESTING_METHODS,
  type MultipleTestingMethod,
} from './stats/multiplicity';
export { NORMAL_LIMIT_DF, studentTCritical, type TTestPower, tTestPower } from './stats/noncentral-t';
export { normalCdf, normalQuantile } from './stats/normal';
export { type PowerAnalysis, type PowerInputs, powerAnalysis } from './stats/power';
