import { readFileSync } from 'node:fs';
import {
  ConfigError,
  emptyLoopHistory,
  type LoopHistory,
  type LoopHistoryInput,
  parseLoopHistory,
} from '@impact/contracts';
import { type CalibrationSettings, parseCalibrationSettings } from '@impact/review';
import {
  type LoadedPipeline,
  loadPipelineConfig,
  parsePipelineConfig,
  prefixConfigError,
} from '../config/pipeline-schema';
import { LoopError } from '../errors';
import { errorInfo } from './cycle-state';
import type { RunLoopOptions } from './options';

/** The pipeline of a run, from `configPath` or `config` (exactly one). */
export function resolvePipeline(options: RunLoopOptions): LoadedPipeline {
  if ((options.configPath === undefined) === (options.config === undefined)) {
    throw new LoopError('LOOP_OPTIONS_INVALID', 'runLoop: pass exactly one of configPath and config');
  }
  if (options.configPath !== undefined) return loadPipelineConfig(options.configPath);
  return parsePipelineConfig(options.config, options.baseDir ?? process.cwd());
}

/** The number of cycles to run: `options.cycles`, else the pipeline's `cycles:`, else 1. */
export function cycleCount(options: RunLoopOptions, pipeline: LoadedPipeline): number {
  const count = options.cycles ?? pipeline.config.cycles ?? 1;
  if (!Number.isInteger(count) || count < 1) {
    throw new LoopError('LOOP_OPTIONS_INVALID', `runLoop: cycles: expected an integer ≥ 1, got ${count}`);
  }
  return count;
}

/** The history before this run: none, a `LoopHistory` object, or a `history.json` file. */
export function readHistory(source: LoopHistory | LoopHistoryInput | string | undefined): LoopHistory {
  if (source === undefined) return emptyLoopHistory();
  if (typeof source !== 'string') return parseLoopHistory(source);
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(source, 'utf8'));
  } catch (error) {
    throw new ConfigError(
      'CONFIG_INVALID',
      `${source}: expected a readable history JSON file (${errorInfo(error).message})`,
      {
        issues: [
          {
            path: 'history',
            expected: 'a readable history JSON file',
            found: source,
            message: errorInfo(error).message,
          },
        ],
        file: source,
      },
    );
  }
  return parseLoopHistory(value, { file: source });
}

/**
 * The calibration settings when `calibration.enabled` is true (a `ConfigError` names the field). Unless
 * the settings name `prior_mean`, it follows the decision model's pooled scale (`review.decision_model.scale`),
 * so the prior mean is learned on the scale the predictions were shrunk on.
 */
export function calibrationSettings(pipeline: LoadedPipeline): CalibrationSettings | undefined {
  const { config, file } = pipeline;
  if (config.calibration?.enabled !== true) return undefined;
  const settings = config.calibration.settings;
  const model = config.review?.decision_model;
  const scale =
    typeof model === 'object' && model !== null ? (model as { scale?: unknown }).scale : undefined;
  const named = typeof settings === 'object' && settings !== null && 'prior_mean' in settings;
  try {
    return parseCalibrationSettings(
      scale === 'per_cost' && !named ? { ...(settings ?? {}), prior_mean: 'per_cost' } : settings,
    );
  } catch (error) {
    throw prefixConfigError(error, 'calibration.settings', file);
  }
}
