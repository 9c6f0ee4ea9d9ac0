export { configPath, loadConfig, type ParseConfigOptions, parseConfig } from './config/load-config';
export {
  ConfigError,
  type ConfigErrorCode,
  type ConfigErrorDetails,
  ContractError,
  type ContractErrorDetails,
  type FieldIssue,
  ImpactError,
  type ImpactErrorOptions,
} from './errors';
export { writeFileAtomic } from './io/atomic-write';
export {
  type CommitFolderOptions,
  commitFolder,
  createStagingFolder,
  FOLDER_MANIFEST,
  type FolderManifest,
  type ManifestEntry,
  verifyFolder,
} from './io/commit-folder';
export { IoError, type IoErrorCode, type IoErrorDetails } from './io/io-error';
export { hashValue, stableStringify } from './io/stable-json';
export {
  type AllocationResult,
  type AllocationResultInput,
  AllocationResultSchema,
} from './schemas/allocation';
export {
  appendCycle,
  type CycleOutcomeRecord,
  emptyLoopHistory,
  historyRecords,
  type LoopHistory,
  type LoopHistoryCycle,
  LoopHistoryCycleSchema,
  type LoopHistoryInput,
  LoopHistorySchema,
  parseLoopHistory,
} from './schemas/history';
export { CONTRACT_SCHEMAS, type ContractName, contractJsonSchema } from './schemas/json-schema';
export { type MeasureResult, type MeasureResultInput, MeasureResultSchema } from './schemas/measure';
export {
  type DroppedInitiative,
  DroppedInitiativeSchema,
  DropReasonSchema,
  type OutcomeRecord,
  OutcomeRecordSchema,
  type OutcomeReport,
  type OutcomeReportInput,
  OutcomeReportSchema,
  type PilotEvidence,
  PilotEvidenceSchema,
  type RunMetadata,
  RunMetadataSchema,
} from './schemas/outcome';
export {
  CiLevelSchema,
  type Confidence,
  ConfidenceSchema,
  type Currency,
  CurrencySchema,
  type Diagnostics,
  DiagnosticsSchema,
  type EffectUnit,
  EffectUnitSchema,
  FiniteNumberSchema,
  type Flag,
  FlagSchema,
  FlagSeveritySchema,
  type InitiativeId,
  InitiativeIdSchema,
  MODEL_TYPES,
  type ModelType,
  ModelTypeSchema,
  ProbabilitySchema,
  SampleSizeSchema,
} from './schemas/primitives';
export {
  type Prediction,
  PredictionQuantileSchema,
  PredictionSchema,
  type ReviewerInfo,
  ReviewerInfoSchema,
  type ReviewResult,
  type ReviewResultInput,
  ReviewResultSchema,
} from './schemas/review';
export { atMost, MONEY_TOLERANCE, nearlyEqual } from './schemas/tolerance';
export {
  type ArrowLibrary,
  type ArrowTableLike,
  type ArrowVectorLike,
  importArrow,
  type TableFromArrowOptions,
  tableFromArrow,
  tableToArrow,
} from './table/arrow';
export { type ColumnValues, createTable, type Table, tableFromRows } from './table/table';
export { describeValue, formatPath, summarizeIssues, toFieldIssues } from './validation/issues';
export {
  assertSelectionWithinReviews,
  type ParseContext,
  parseAllocationResult,
  parseContract,
  parseMeasureResult,
  parseOutcomeReport,
  parseReviewResult,
} from './validation/parse';
