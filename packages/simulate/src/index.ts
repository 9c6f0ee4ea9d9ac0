export { buildCalendar, type Calendar } from './calendar/calendar';
export { dateOfEpochDay, epochDayOf, isCalendarDate, weekdayOf } from './calendar/dates';
export { CATEGORIES, CATEGORY_PROFILES, type Category, type CategoryProfile } from './catalog/categories';
export { loadSimulationConfig } from './config/load';
export {
  AssignmentSchema,
  CatalogConfigSchema,
  METRICS,
  type MetricName,
  SeasonalityConfigSchema,
  type SimulationConfig,
  type SimulationConfigInput,
  SimulationConfigSchema,
  TREATMENT_TARGETS,
  type TreatmentConfig,
  TreatmentConfigSchema,
  type TreatmentTarget,
} from './config/schema';
export {
  type PilotAndScaleOptions,
  type PilotAndScaleResult,
  scaleSeed,
  simulatePilotAndScale,
} from './engine/pilot-and-scale';
export {
  MAX_IN_MEMORY_ROWS,
  parseSimulationConfig,
  type SimulatedDay,
  type SimulateOptions,
  type SimulationResult,
  type SimulationStream,
  simulate,
  simulateByDay,
} from './engine/simulate';
export { THREADS_ENV } from './engine/threads';
export {
  type GroundTruth,
  GroundTruthSchema,
  type MetricTruth,
  MetricTruthSchema,
  ProductTruthSchema,
  parseGroundTruth,
} from './ground-truth/schema';
export {
  encodeTable,
  formatCsv,
  formatCsvHeader,
  formatCsvRows,
  formatJsonLines,
  formatJsonLinesRows,
  type TableFormat,
} from './output/format';
export {
  type SimulationFiles,
  writeGroundTruth,
  writeSimulation,
  writeSimulationByDay,
  writeTable,
} from './output/write';
export { binomialQuantile, normalQuantile, poissonQuantile } from './random/distributions';
export { streamKey, Xoshiro128 } from './random/prng';
