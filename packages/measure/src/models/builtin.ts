import { duckDbSource } from '../sources/duckdb';
import { fileSource } from '../sources/file';
import { memorySource } from '../sources/memory';
import { simulatorSource } from '../sources/simulator';
import { sqlSource } from '../sources/sql';
import { filesystemStorageFactory } from '../storage/filesystem';
import { memoryStorageFactory } from '../storage/memory';
import {
  aggregateByDateTransform,
  aggregateByProductTransform,
  passthroughTransform,
  prepareForSyntheticControlTransform,
} from '../transforms/builtin-transforms';
import { pivotLongerTransform } from '../transforms/pivot-longer';
import { dropMissingTransform, filterTransform, indicatorTransform } from '../transforms/rows';
import { differenceInDifferencesModel } from './did';
import { experimentModel } from './experiment';
import { interruptedTimeSeriesModel } from './its';
import type { ModelAdapter } from './model';
import { ipwModel } from './observational/ipw';
import { nearestNeighbourMatchingModel } from './observational/matching';
import { regressionAdjustmentModel } from './observational/regression-adjustment';
import { subclassificationModel } from './observational/subclassification';
import { staggeredDidModel } from './staggered/model';
import { syntheticControlModel } from './synthetic-control';

/**
 * The built-in models, registered on first use of the model registry. New built-in models are added
 * here (and exported from `src/index.ts`).
 */
// biome-ignore lint/suspicious/noExplicitAny: adapters of different parameter types share one list
export const BUILTIN_MODELS: ModelAdapter<any>[] = [
  experimentModel,
  differenceInDifferencesModel,
  staggeredDidModel,
  syntheticControlModel,
  interruptedTimeSeriesModel,
  regressionAdjustmentModel,
  nearestNeighbourMatchingModel,
  subclassificationModel,
  ipwModel,
];

/**
 * Built-in data sources: `file` (CSV/JSONL), `memory` (rows or a Table from code), `simulator` (@impact/simulate),
 * `duckdb` (Parquet/CSV/JSON/.duckdb through DuckDB) and `sql` (any registered SQL engine).
 */
export const BUILTIN_DATA_SOURCES = [fileSource, memorySource, simulatorSource, duckDbSource, sqlSource];

/** Built-in transforms. */
export const BUILTIN_TRANSFORMS = [
  passthroughTransform,
  aggregateByDateTransform,
  aggregateByProductTransform,
  prepareForSyntheticControlTransform,
  dropMissingTransform,
  filterTransform,
  indicatorTransform,
  pivotLongerTransform,
];

/** Built-in storage factories: `filesystem` and `memory`. */
export const BUILTIN_STORAGES = [filesystemStorageFactory, memoryStorageFactory];
