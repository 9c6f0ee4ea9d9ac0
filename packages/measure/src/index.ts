export { type MeasureConfig, type MeasureConfigInput, MeasureConfigSchema } from './config/schema';
export { binaryColumn, hasColumn, numericColumn, stringColumn } from './data/columns';
export { MeasureError, type MeasureErrorCode, type MeasureErrorDetails } from './errors';
export { type EvaluateOptions, type EvaluateResult, evaluateImpact } from './evaluate';
export {
  type BuildDesignOptions,
  buildDesign,
  type FormulaFactor,
  type FormulaTerm,
  type ParsedFormula,
  parseFormula,
} from './formula/formula';
export {
  type DifferenceInDifferencesParams,
  DifferenceInDifferencesParamsSchema,
  differenceInDifferencesModel,
  type EventStudyTerm,
  estimateDifferenceInDifferences,
} from './models/did';
export {
  type ExperimentFitSetup,
  type ExperimentParams,
  ExperimentParamsSchema,
  experimentEstimateFromFit,
  experimentFormula,
  experimentModel,
} from './models/experiment';
export {
  confidenceSequenceHalfWidth,
  mixtureLikelihoodRatio,
  optimalMixtureRatio,
  type SequentialParams,
  SequentialParamsSchema,
} from './models/experiment/sequential';
export {
  defaultHacLags,
  estimateInterruptedTimeSeries,
  type InterruptedTimeSeriesParams,
  InterruptedTimeSeriesParamsSchema,
  interruptedTimeSeriesModel,
} from './models/its';
export {
  defineModel,
  type EstimateContext,
  estimateFromInference,
  type JsonValue,
  type ModelAdapter,
  type ModelContext,
  type ModelEstimate,
} from './models/model';
export { standardizedMeanDifferences } from './models/observational/balance';
export { type IpwParams, IpwParamsSchema, ipwModel } from './models/observational/ipw';
export {
  type NearestNeighbourMatchingParams,
  NearestNeighbourMatchingParamsSchema,
  nearestNeighbourMatchingModel,
} from './models/observational/matching';
export {
  type RegressionAdjustmentParams,
  RegressionAdjustmentParamsSchema,
  regressionAdjustmentModel,
} from './models/observational/regression-adjustment';
export {
  type Stratum,
  type SubclassificationParams,
  SubclassificationParamsSchema,
  subclassificationModel,
} from './models/observational/subclassification';
export { pushdownDifferenceInDifferences } from './models/pushdown/did';
export { pushdownExperiment } from './models/pushdown/experiment';
export {
  type PushdownOutcome,
  pushdownIfRequested,
  registerPushdownModel,
} from './models/pushdown/run';
export {
  crossProductsSql,
  fitOlsInSql,
  residualSql,
  type SqlCovariance,
  type SqlDesign,
  type SqlOlsFit,
  type SqlOlsQueries,
} from './models/pushdown/sql-ols';
export {
  canStream,
  fitOlsStreamed,
  type StreamChecks,
  type StreamedOls,
  type StreamFirstPass,
  streamedFrom,
} from './models/pushdown/stream-ols';
export { PushdownUnsupported } from './models/pushdown/unsupported';
export {
  estimateStaggeredDid,
  type StaggeredDidParams,
  StaggeredDidParamsSchema,
  staggeredDidModel,
} from './models/staggered/model';
export {
  estimateSyntheticControl,
  fitSyntheticControl,
  type SyntheticControlParams,
  SyntheticControlParamsSchema,
  type SyntheticFit,
  syntheticControlModel,
} from './models/synthetic-control';
export { noncentralTCdf } from './planning/noncentral-t';
export {
  type PilotPlan,
  type PilotPlanSpec,
  type PilotPlanSpecInput,
  PilotPlanSpecSchema,
  planPilot,
} from './planning/plan-pilot';
export { minimumDetectableEffect, tTestPower, zTestPower } from './planning/power';
export { type BalanceRow, groupHistogramSvg, lovePlotSvg } from './plots/balance-plots';
export { type MeasurementPlot, measurementPlots } from './plots/measurement-plots';
export {
  type EventStudyPoint,
  eventStudyPlotSvg,
  interruptedTimeSeriesPlotSvg,
  type PlaceboPath,
  type SyntheticGapPoint,
  syntheticControlPlotSvg,
  syntheticGapPlotSvg,
  type TimeSeriesPoint,
} from './plots/panel-plots';
export { type ChartLayer, COLORS, escapeXml, niceTicks, type XYChartSpec, xyChartSvg } from './plots/svg';
export {
  type MeanDifferenceEValues,
  meanDifferenceEValues,
  riskRatioEValue,
} from './refute/e-value';
export { type RefutationName, type RefutationResult, refuteEstimate } from './refute/refute';
export { type RefuteConfig, type RefuteConfigInput, RefuteConfigSchema } from './refute/schema';
export {
  getDataSource,
  getModel,
  getStorage,
  getTransform,
  listModels,
  Registry,
  registerDataSource,
  registerModel,
  registerStorage,
  registerTransform,
} from './registry';
export { parseDecimalString } from './sources/csv/decimal';
export {
  createDuckDbSource,
  type DuckDbSourceSpec,
  DuckDbSourceSpecSchema,
  duckDbSource,
} from './sources/duckdb';
export {
  type FileSourceSpec,
  type FileSourceSpecInput,
  FileSourceSpecSchema,
  fileSource,
  type LoadTableFileOptions,
  loadTableFile,
  parseCsv,
  tableFromCsvText,
} from './sources/file';
export { MemorySourceSpecSchema, memorySource } from './sources/memory';
export {
  attachMissingReport,
  type ColumnsWithMissing,
  columnsUsedByRun,
  combineMissingReports,
  DEFAULT_MISSING_MARKERS,
  DEFAULT_MISSING_POLICY,
  dropMissingRows,
  isMissingMarker,
  MISSING_POLICIES,
  type MissingPolicy,
  type MissingPolicyName,
  type MissingReport,
  MissingSpecSchema,
  missingDiagnostics,
  missingReportOf,
  missingValueError,
  namesReferencedByRun,
  PROJECTION_SAFE_TRANSFORMS,
  referencedNames,
  resolveMissingPolicy,
} from './sources/missing';
export {
  createSimulatorSource,
  joinProductCovariates,
  type SimulatorLibrary,
  SimulatorSourceSpecSchema,
  simulatorSource,
} from './sources/simulator';
export { type DataSourceAdapter, type DataSourceContext, defineDataSource } from './sources/source';
export { type SqlSourceSpec, SqlSourceSpecSchema, sqlSource } from './sources/sql';
export {
  ansiDialect,
  bigQueryDialect,
  doubleLiteral,
  duckdbDialect,
  postgresDialect,
  type SqlDialect,
  snowflakeDialect,
  sparkDialect,
  stringLiteral,
  trinoDialect,
} from './sql/dialect';
export { createDuckDbEngine, type DuckDbLibrary, duckDbEngine, importDuckDb } from './sql/duckdb';
export {
  defineSqlEngine,
  queryAggregateRow,
  type SqlChunk,
  type SqlColumn,
  type SqlEngine,
  type SqlEngineFactory,
  type SqlEngineOptions,
  type SqlResult,
} from './sql/engine';
export { createPostgresEngine, importPg, type PgLibrary, postgresEngine } from './sql/postgres';
export { getSqlEngine, listSqlEngines, registerSqlEngine } from './sql/registry';
export {
  buildSqlRelation,
  type DeclaredType,
  loadSqlRelation,
  type SqlRelation,
  SqlRelationKeys,
} from './sql/relation';
export { defineSqlDataSource, isSqlDataSource, type SqlDataSourceAdapter } from './sql/sql-source';
export {
  chiSquaredSurvival,
  fSurvival,
  logBeta,
  logGamma,
  normalCdf,
  normalQuantile,
  regularizedIncompleteBeta,
  regularizedUpperGamma,
  studentTCdf,
  studentTQuantile,
  twoSidedPValue,
} from './stats/distributions';
export {
  COVARIANCE_TYPES,
  type CoefficientInference,
  type CovarianceSpec,
  coefficientInference,
  type DesignMatrix,
  fitOls,
  inferenceFromEstimate,
  type OlsFit,
  type OlsInput,
  sandwichCovariance,
  solveCrossProducts,
  type WaldTest,
  waldTest,
} from './stats/ols';
export { createFilesystemStorage, filesystemStorageFactory } from './storage/filesystem';
export { createMemoryStorage, type MemoryStorage, memoryStorageFactory } from './storage/memory';
export type { ArtifactFile, RunArtifacts, StorageAdapter, StorageFactory } from './storage/storage';
export {
  AggregateByDateParamsSchema,
  AggregateByProductParamsSchema,
  aggregateByDateTransform,
  aggregateByProductTransform,
  PrepareForSyntheticControlParamsSchema,
  passthroughTransform,
  prepareForSyntheticControlTransform,
} from './transforms/builtin-transforms';
export {
  type CompareOp,
  type Condition,
  ConditionSchema,
  evaluateCondition,
  type Operand,
  parseCondition,
  StructuredConditionSchema,
} from './transforms/expression';
export { PivotLongerParamsSchema, pivotLongerTransform } from './transforms/pivot-longer';
export {
  DropMissingParamsSchema,
  dropMissingTransform,
  FilterParamsSchema,
  filterTransform,
  IndicatorParamsSchema,
  indicatorTransform,
} from './transforms/rows';
export { defineTransform, type TransformAdapter } from './transforms/transform';
