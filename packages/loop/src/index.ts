export { EXIT_CODES } from './cli/main';
export { loadPlugins, type PluginSource, pluginsOfConfig } from './cli/plugins';
export { ProgressDisplay, type ProgressStream } from './cli/progress';
export { CONFIG_SCHEMAS, type ConfigSchemaName, configJsonSchema } from './config/config-json-schemas';
export {
  type CalibrationConfig,
  CalibrationConfigSchema,
  type InitiativeConfig,
  InitiativeConfigSchema,
  type LoadedPipeline,
  loadPipelineConfig,
  PilotConfigSchema,
  type PipelineConfig,
  type PipelineConfigInput,
  PipelineConfigSchema,
  type PipelineValuation,
  PipelineValuationSchema,
  parsePipelineConfig,
  prefixConfigError,
  RestudyConfigSchema,
  ScaleConfigSchema,
} from './config/pipeline-schema';
export { type CycleCalibrationRow, type CycleSummary, summarizeCycle } from './cycles/cycle-summary';
export { type HindsightItem, type HindsightPortfolio, hindsightOptimum } from './cycles/hindsight';
export {
  errorKind,
  isInfrastructureError,
  LoopError,
  type LoopErrorCode,
  type LoopErrorDetails,
} from './errors';
export { type BuildReportInput, buildOutcomeReport } from './report/build-report';
export {
  CALIBRATION_HEADER,
  calibrationCells,
  calibrationPriorSentence,
  calibrationTableMarkdown,
} from './report/calibration-table';
export { budgetChartSvg, escapeXml, niceTicks, returnsChartSvg } from './report/charts';
export {
  type ChartSeries,
  type CyclesReportContext,
  lineChartSvg,
  renderCyclesHtml,
  renderCyclesMarkdown,
} from './report/cycles-report';
export { type HtmlReportOptions, renderHtmlReport } from './report/html';
export type { InitiativeFailure, InitiativeRun, LoopRun, PhaseRun } from './report/initiative-run';
export {
  droppedTableMarkdown,
  escapeMarkdownCell,
  outcomeTableMarkdown,
  renderMarkdownReport,
} from './report/markdown';
export { type ArtifactPlot, readArtifactPlots } from './report/plots/artifact-plots';
export {
  type PredictionLike,
  type PredictiveRow,
  predictiveDistributionsSvg,
} from './report/plots/predictive-plot';
export { managerSummary } from './report/summary';
export {
  type BudgetChartRow,
  type ReportView,
  type ReturnsChartRow,
  reportView,
  type TruthCheck,
} from './report/view';
export { mapWithConcurrency } from './run/concurrency';
export type { LoopEvent, LoopStageName } from './run/events';
// The run, stage by stage: validate → pilot → review → allocate → scale → report (see run/cycle.ts).
export { CYCLES_FILES, type LoopCyclesResult, REPORT_FILES, type RunLoopOptions } from './run/options';
export { runLoop, runLoopCycles } from './run/run-loop';
export { deriveSeed } from './run/seeds';
export { packageVersions } from './run/versions';
export { createDefaultStages, type DefaultStagesOptions } from './stages/default-stages';
export type {
  AllocateRequest,
  LoopPhase,
  LoopStages,
  MeasureOutcome,
  MeasureRequest,
  ReviewRequest,
  SimulatedData,
  SimulateRequest,
  TrueMetricEffect,
} from './stages/stages';
export {
  type DecisionBenchmarkOptions,
  type PolicyOutcome,
  type PredictionSummary,
  runDecisionBenchmark,
  runDecisionWorld,
  type WorldOutcome,
} from './study/benchmark';
export {
  type CalibrationStudyOptions,
  type CalibrationStudyWorld,
  calibrationStudyMarkdown,
  runCalibrationStudy,
  type StudyCycle,
} from './study/calibration-study';
export {
  DESIGN_LAWS_LABEL,
  DESIGN_LAWS_POLICY,
  type DesignLaw,
  designLaws,
  withDesignLaws,
} from './study/design-laws';
export {
  type HistoryCycle,
  historyStudyPolicies,
  runStudyCycle,
  studyHistory,
} from './study/history-study';
export { type LoopPolicyConfig, MeasuredWorld, type PilotView } from './study/measured-world';
export {
  type BaselinePolicy,
  type DecisionPolicy,
  estimatedReturn,
  knownPriorPolicy,
  type LoopPolicy,
  loopDefaultPolicy,
  loopOriginalPolicy,
  loopRulePolicy,
  naiveNetPolicy,
  naiveRatioPolicy,
  oraclePolicy,
  randomPolicy,
  significancePolicy,
  standardPolicies,
} from './study/policies';
export {
  POPULATION_PRIOR_LABEL,
  POPULATION_PRIOR_POLICY,
  withPopulationPrior,
} from './study/population-prior';
export {
  type PredictiveCalibrationRow,
  predictiveCalibration,
  predictiveCalibrationMarkdown,
} from './study/predictive-calibration';
export {
  type BenchmarkSummary,
  benchmarkTableMarkdown,
  type DesignAccuracy,
  designAccuracy,
  designAccuracyMarkdown,
  type PolicySummary,
  summarizeBenchmark,
} from './study/summary';
export {
  type DecisionWorld,
  type DecisionWorldOptions,
  generateDecisionWorld,
  WORLD_DESIGNS,
  type WorldDesign,
  type WorldInitiativeTruth,
} from './study/world';
