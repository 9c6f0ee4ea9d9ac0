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

/** The calibration settings when `calibration.enabled` is true (a `ConfigError` names the field). */
export function calibrationSettings(pipeline: LoadedPipeline): CalibrationSettings | undefined {
  const { config, file } = pipeline;
  if (config.calibration?.enabled !== true) return undefined;
  try {
    return parseCalibrationSettings(config.calibration.settings);
  } catch (error) {
    throw prefixConfigError(error, 'calibration.settings', file);
  }
}
