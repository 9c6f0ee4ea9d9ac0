import type { LoopHistory, LoopHistoryInput, OutcomeReport } from '@impact/contracts';
import type { PipelineConfigInput } from '../config/pipeline-schema';
import type { CycleSummary } from '../cycles/cycle-summary';
import type { LoopStages } from '../stages/stages';
import type { LoopEvent } from './events';

/** Options of {@link runLoop}: a pipeline (file or object), where to write, and optional hooks. */
export interface RunLoopOptions {
  /** Path of a pipeline YAML file (alternative to `config`). */
  configPath?: string;
  /** A pipeline configuration object; relative paths resolve against `baseDir`. */
  config?: PipelineConfigInput;
  /** Folder relative paths of `config` resolve against (default: the working directory). */
  baseDir?: string;
  /** Folder for `outcome.json`, `outcome.md`, `outcome.html`, `run.json` and the measurement artifacts. */
  outDir: string;
  /** Progress callback. */
  onEvent?: (event: LoopEvent) => void;
  /** Replace any stage; the others are the real packages (`createDefaultStages`). */
  stages?: Partial<LoopStages>;
  /**
   * The loop's history before this run: a `LoopHistory` object or the path of a `history.json` file.
   * Overrides the pipeline's `history:`. Default: no earlier cycles.
   */
  history?: LoopHistory | LoopHistoryInput | string;
  /** Cycles to run in one go; overrides the pipeline's `cycles:` (default 1). */
  cycles?: number;
}

/** What {@link runLoopCycles} returns: every cycle's report and summary, and the updated history. */
export interface LoopCyclesResult {
  /** The outcome report of each cycle of this run, in order. */
  reports: OutcomeReport[];
  /** One summary per cycle of this run (also written to `cycles.json`). */
  cycles: CycleSummary[];
  /** The input history with this run's cycles appended (also written to `history.json`). */
  history: LoopHistory;
}

/**
 * The report files a run writes, relative to `outDir`.
 *
 * @example
 * ```ts
 * for (const name of REPORT_FILES) console.log(join(outDir, name));
 * ```
 */
export const REPORT_FILES = ['outcome.json', 'outcome.md', 'outcome.html', 'run.json'] as const;

/**
 * The files a multi-cycle run (`cycles` > 1) writes next to its `cycle-<k>/` folders, relative to `outDir`.
 * Every run also writes `history.json`.
 *
 * @example
 * ```ts
 * for (const name of CYCLES_FILES) console.log(join(outDir, name));
 * ```
 */
export const CYCLES_FILES = ['history.json', 'cycles.json', 'cycles.md', 'cycles.html'] as const;
