import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  type AllocationResult,
  appendCycle,
  ConfigError,
  emptyLoopHistory,
  hashValue,
  ImpactError,
  type LoopHistory,
  type LoopHistoryInput,
  loadConfig,
  type MeasureResult,
  type OutcomeReport,
  parseLoopHistory,
  type ReviewResult,
  stableStringify,
  writeFileAtomic,
} from '@impact/contracts';
import {
  applyCalibration,
  type CalibrationSettings,
  type CalibrationTable,
  estimateCalibration,
  parseCalibrationSettings,
} from '@impact/review';
import { z } from 'zod';
import {
  type InitiativeConfig,
  type LoadedPipeline,
  loadPipelineConfig,
  type PipelineConfig,
  type PipelineConfigInput,
  parsePipelineConfig,
  prefixConfigError,
} from '../config/pipeline-schema';
import { type CycleSummary, summarizeCycle } from '../cycles/cycle-summary';
import { LoopError } from '../errors';
import { buildOutcomeReport } from '../report/build-report';
import { renderCyclesHtml, renderCyclesMarkdown } from '../report/cycles-report';
import { renderHtmlReport } from '../report/html';
import type { InitiativeFailure, InitiativeRun, LoopRun, PhaseRun } from '../report/initiative-run';
import { renderMarkdownReport } from '../report/markdown';
import { createDefaultStages } from '../stages/default-stages';
import type { LoopPhase, LoopStages, SimulatedData } from '../stages/stages';
import { mapWithConcurrency } from './concurrency';
import type { LoopEvent } from './events';
import { packageVersions } from './versions';

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

const StageConfigSchema = z.record(z.string(), z.unknown());

/**
 * A seed derived from a base seed and names (first 32 bits of a SHA-256), so every initiative and phase
 * draws its own stream: the scale run's seed differs from the pilot's, giving fresh draws.
 *
 * @example
 * ```ts
 * deriveSeed(42, 'checkout-flow-optimization', 'pilot'); // a fixed integer in [0, 2^32)
 * ```
 */
export function deriveSeed(base: number, ...names: string[]): number {
  return Number.parseInt(hashValue([base, ...names]).slice(0, 8), 16);
}

function resolvePipeline(options: RunLoopOptions): LoadedPipeline {
  if ((options.configPath === undefined) === (options.config === undefined)) {
    throw new LoopError('LOOP_OPTIONS_INVALID', 'runLoop: pass exactly one of configPath and config');
  }
  if (options.configPath !== undefined) return loadPipelineConfig(options.configPath);
  return parsePipelineConfig(options.config, options.baseDir ?? process.cwd());
}

/** A stage configuration written inline or in a file, with `data.path` resolved against its folder. */
function stageConfig(value: string | Record<string, unknown>, baseDir: string): Record<string, unknown> {
  const [config, folder] =
    typeof value === 'string'
      ? [loadConfig(value, StageConfigSchema), dirname(resolve(value))]
      : [value, baseDir];
  const data = config.data;
  if (data !== null && typeof data === 'object' && !Array.isArray(data)) {
    const path = (data as Record<string, unknown>).path;
    if (typeof path === 'string' && !isAbsolute(path)) {
      return { ...config, data: { ...(data as Record<string, unknown>), path: resolve(folder, path) } };
    }
  }
  return { ...config };
}

function configIssue(field: string, message: string, file: string | undefined): ConfigError {
  const text = `${field}: ${message}`;
  return new ConfigError('CONFIG_INVALID', file === undefined ? text : `${file}: ${text}`, {
    issues: [{ path: field, expected: message.replace(/^expected /, ''), found: '', message: text }],
    ...(file === undefined ? {} : { file }),
  });
}

/** The measure config of one phase with `initiative_id` and a derived `seed` filled in. */
function measureConfig(
  raw: Record<string, unknown>,
  initiative: InitiativeConfig,
  field: string,
  seed: number,
  cycle: number,
  simulated: boolean,
  file: string | undefined,
): Record<string, unknown> {
  const id = raw.initiative_id;
  if (id !== undefined && id !== initiative.initiative_id) {
    throw configIssue(
      `${field}.initiative_id`,
      `expected "${initiative.initiative_id}" (the initiative's id) or nothing, got ${JSON.stringify(id)}`,
      file,
    );
  }
  if (simulated && raw.data !== undefined) {
    throw configIssue(`${field}.data`, 'expected no data section: the simulated data are measured', file);
  }
  const explicit = typeof raw.seed === 'number' ? cycleSeed(raw.seed, cycle) : raw.seed;
  return { ...raw, initiative_id: initiative.initiative_id, seed: explicit ?? seed };
}

function errorInfo(error: unknown): { code?: string; message: string } {
  if (error instanceof ImpactError) return { code: error.code, message: error.message };
  return { message: error instanceof Error ? error.message : String(error) };
}

/** Of a simulated truth record, the true effect of the measured metric in the measurement's unit. */
function trueEffectOf(data: SimulatedData | undefined, measurement: MeasureResult): number | undefined {
  const truth = data?.truth?.[measurement.metric];
  if (truth === undefined) return undefined;
  return measurement.effect_unit === 'relative' ? truth.att_relative : truth.att_absolute;
}

/** An artifact location inside `outDir` as a relative path, so `run.json` does not depend on where it was written. */
function portableUri(uri: string, outDir: string): string {
  const path = uri.startsWith('file://') ? fileURLToPath(uri) : uri;
  if (!isAbsolute(path)) return uri;
  const inside = relative(outDir, path);
  return inside.startsWith('..') || isAbsolute(inside) ? uri : inside.split(sep).join('/');
}

/** Solver timings vary between identical runs; `run.json` leaves them out to stay reproducible. */
function reproducibleAllocation(allocation: AllocationResult): AllocationResult {
  const detail = Object.fromEntries(
    Object.entries(allocation.detail).filter(([key]) => !key.endsWith('_time_ms')),
  );
  return { ...allocation, detail };
}

class StageFailure extends Error {
  constructor(
    readonly failure: InitiativeFailure,
    readonly original: unknown,
  ) {
    super(failure.message);
  }
}

/**
 * Run the loop once: MEASURE (pilot) → REVIEW → ALLOCATE → MEASURE (scale) → OUTCOME REPORT, and write
 * `outcome.json` (the validated `OutcomeReport`, keys sorted, byte-identical for the same config and seed
 * except `metadata.timings_ms`), `outcome.md`, a self-contained `outcome.html` and `run.json` (every
 * measurement, review and the allocation) to `outDir`, with measurement artifacts under
 * `artifacts/<initiative>/{pilot,scale}`. Pilots (and scale runs) of different initiatives run concurrently
 * up to `concurrency`. A failing initiative is reported as dropped with reason `failed` and does not stop
 * the others, unless `fail_fast: true` (then `LoopError` `LOOP_STAGE_FAILED`). Invalid configuration
 * throws `ConfigError` naming the field. Also writes `history.json` (the input history, if any, plus this
 * cycle) and, with `calibration:`, `calibration.json`. With `cycles` > 1 it runs {@link runLoopCycles} and
 * returns the last cycle's report.
 *
 * @example
 * ```ts
 * const report = await runLoop({ configPath: 'pipeline.yaml', outDir: 'results' });
 * for (const record of report.records) console.log(record.initiative_id, record.prediction_error);
 * ```
 */
export async function runLoop(options: RunLoopOptions): Promise<OutcomeReport> {
  const result = await runLoopCycles(options);
  return result.reports.at(-1) as OutcomeReport;
}

/** One initiative of a cycle's pool: its configuration (with the restudy pilot when re-studied). */
interface PoolEntry {
  initiative: InitiativeConfig;
  /** Its index in the pipeline's `initiatives`. */
  index: number;
  restudied: boolean;
}

interface CycleInput {
  pipeline: LoadedPipeline;
  stages: LoopStages;
  emit: (event: LoopEvent) => void;
  outDir: string;
  cycle: number;
  seed: number;
  pool: PoolEntry[];
  calibration?: CalibrationTable;
  reviewRules?: unknown;
}

/** A seed written in a stage config: as written in cycle 1, derived from it and the cycle number after. */
function cycleSeed(explicit: number, cycle: number): number {
  return cycle === 1 ? explicit : deriveSeed(explicit, 'cycle', String(cycle));
}

/** The base seed of a cycle: the pipeline's in cycle 1, derived from it and the cycle number after. */
function cycleBaseSeed(seed: number, cycle: number): number {
  return cycleSeed(seed, cycle);
}

function readHistory(source: LoopHistory | LoopHistoryInput | string | undefined): LoopHistory {
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
 * Run one or more cycles of the loop (`cycles:` in the pipeline or `options.cycles`), starting after the
 * input history (`history:` or `options.history`). Before each cycle the pool is formed from the history
 * alone: initiatives whose `joins_in_cycle` has come, minus those already scaled in an earlier cycle;
 * those dropped earlier are piloted with their `restudy` design when they have one. With `calibration:`
 * enabled, a calibration table is estimated from the history before each cycle and applied to every review.
 * Each cycle runs like {@link runLoop} with the full budget and a base seed derived from the pipeline seed
 * and the cycle number (the pipeline seed itself in cycle 1). With one cycle the report files go to
 * `outDir` as before; with more, to `outDir/cycle-<k>/`, plus `cycles.json`, `cycles.md` and a
 * self-contained `cycles.html` with charts over cycles. `history.json` (input history + this run's
 * cycles) is always written. Same inputs, byte-identical files (timings excepted).
 *
 * @example
 * ```ts
 * const { cycles, history } = await runLoopCycles({ configPath: 'pipeline.yaml', outDir: 'results', cycles: 4 });
 * for (const c of cycles) console.log(c.cycle, c.realized_return, c.regret);
 * ```
 */
export async function runLoopCycles(options: RunLoopOptions): Promise<LoopCyclesResult> {
  const pipeline = resolvePipeline(options);
  const { config, file } = pipeline;
  const outDir = resolve(options.outDir);
  const emit = (event: LoopEvent) => options.onEvent?.(event);
  const count = options.cycles ?? config.cycles ?? 1;
  if (!Number.isInteger(count) || count < 1) {
    throw new LoopError('LOOP_OPTIONS_INVALID', `runLoop: cycles: expected an integer ≥ 1, got ${count}`);
  }
  let history = readHistory(options.history ?? config.history);
  let settings: CalibrationSettings | undefined;
  if (config.calibration?.enabled === true) {
    try {
      settings = parseCalibrationSettings(config.calibration.settings);
    } catch (error) {
      throw prefixConfigError(error, 'calibration.settings', file);
    }
  }
  const given = options.stages ?? {};
  const needsDefaults =
    given.simulate === undefined ||
    given.measure === undefined ||
    given.review === undefined ||
    given.allocate === undefined;
  const stages: LoopStages = {
    ...(needsDefaults
      ? createDefaultStages({
          review: config.review,
          allocate: config.allocate,
          budget: config.budget,
          ...(file === undefined ? {} : { file }),
        })
      : (given as LoopStages)),
    ...given,
  } as LoopStages;
  const reports: OutcomeReport[] = [];
  const summaries: CycleSummary[] = [];
  const first = (history.cycles.at(-1)?.cycle ?? 0) + 1;
  for (let cycle = first; cycle < first + count; cycle++) {
    const scaled = new Set<string>();
    const dropped = new Set<string>();
    for (const entry of history.cycles) {
      for (const record of entry.report.records) scaled.add(record.initiative_id);
      for (const drop of entry.report.dropped) dropped.add(drop.initiative_id);
    }
    const pool: PoolEntry[] = [];
    config.initiatives.forEach((initiative, index) => {
      const id = initiative.initiative_id;
      if ((initiative.joins_in_cycle ?? 1) > cycle || scaled.has(id)) return;
      const restudied = dropped.has(id) && initiative.restudy !== undefined;
      pool.push({
        initiative: restudied
          ? { ...initiative, pilot: initiative.restudy?.pilot ?? initiative.pilot }
          : initiative,
        index,
        restudied,
      });
    });
    const calibration = settings === undefined ? undefined : estimateCalibration(history, settings);
    const seed = cycleBaseSeed(config.seed, cycle);
    const { run, report } = await runCycle({
      pipeline,
      stages,
      emit,
      outDir: count === 1 ? outDir : join(outDir, `cycle-${cycle}`),
      cycle,
      seed,
      pool,
      ...(calibration === undefined ? {} : { calibration }),
      reviewRules: config.review.rules,
    });
    history = appendCycle(history, report, cycle);
    reports.push(report);
    summaries.push(
      summarizeCycle(run, {
        cycle,
        seed,
        budget: config.budget,
        restudied: pool.filter((entry) => entry.restudied).map((entry) => entry.initiative.initiative_id),
        joined: pool
          .filter((entry) => (entry.initiative.joins_in_cycle ?? 1) === cycle && cycle > 1)
          .map((entry) => entry.initiative.initiative_id),
      }),
    );
  }
  writeFileAtomic(join(outDir, 'history.json'), `${stableStringify(reproducibleHistory(history), 2)}\n`);
  if (count > 1) {
    const currency = config.initiatives.find((initiative) => initiative.valuation.currency)?.valuation
      .currency;
    writeFileAtomic(
      join(outDir, 'cycles.json'),
      `${stableStringify({ budget: config.budget, cycles: summaries }, 2)}\n`,
    );
    writeFileAtomic(
      join(outDir, 'cycles.md'),
      renderCyclesMarkdown(summaries, {
        budget: config.budget,
        ...(currency === undefined ? {} : { currency }),
      }),
    );
    writeFileAtomic(
      join(outDir, 'cycles.html'),
      renderCyclesHtml(summaries, { budget: config.budget, ...(currency === undefined ? {} : { currency }) }),
    );
  }
  return { reports, cycles: summaries, history };
}

/** `history.json` leaves out timings so that the same inputs give the same file. */
function reproducibleHistory(history: LoopHistory): LoopHistory {
  return {
    ...history,
    cycles: history.cycles.map((entry) => ({
      ...entry,
      report: { ...entry.report, metadata: { ...entry.report.metadata, timings_ms: {} } },
    })),
  };
}

async function runCycle(input: CycleInput): Promise<{ run: LoopRun; report: OutcomeReport }> {
  const started = performance.now();
  const { pipeline, stages, emit, outDir, cycle, seed, pool } = input;
  const { config, baseDir, file } = pipeline;
  const timings: Record<string, number> = {};
  const failFast = config.fail_fast;
  let stopped: StageFailure | undefined;

  async function timed<T>(
    stage: 'simulate' | 'measure' | 'review',
    initiativeId: string | undefined,
    phase: LoopPhase | undefined,
    work: () => Promise<T> | T,
  ): Promise<T> {
    const where = {
      ...(initiativeId === undefined ? {} : { initiativeId }),
      ...(phase === undefined ? {} : { phase }),
    };
    emit({ type: 'stage-start', stage, ...where });
    const t0 = performance.now();
    try {
      const value = await work();
      emit({ type: 'stage-end', stage, ...where, durationMs: performance.now() - t0 });
      return value;
    } catch (error) {
      const info = errorInfo(error);
      emit({ type: 'stage-error', stage, ...where, ...info });
      throw new StageFailure({ stage, ...(phase ? { phase } : {}), ...info }, error);
    }
  }

  /** The simulation config of a phase (undefined when not simulated) and the measure config. */
  function phaseConfigs(
    entry: PoolEntry,
    phase: LoopPhase,
  ): { simulationConfig: Record<string, unknown> | undefined; measureRaw: Record<string, unknown> } {
    const { initiative, index } = entry;
    const id = initiative.initiative_id;
    const field = `initiatives[${index}]`;
    const pilotField = entry.restudied ? `${field}.restudy.pilot` : `${field}.pilot`;
    let simulationConfig: Record<string, unknown> | undefined;
    let measureRaw: Record<string, unknown>;
    try {
      const pilotSimulation =
        initiative.pilot.simulation === undefined
          ? undefined
          : stageConfig(initiative.pilot.simulation, baseDir);
      const pilotSeed =
        typeof pilotSimulation?.seed === 'number'
          ? cycleSeed(pilotSimulation.seed, cycle)
          : deriveSeed(seed, id, 'pilot');
      if (phase === 'pilot') {
        simulationConfig = pilotSimulation && { ...pilotSimulation, seed: pilotSeed };
        measureRaw = stageConfig(initiative.pilot.measure, baseDir);
      } else {
        const scale = initiative.scale;
        if (scale?.simulation !== undefined) {
          const own = stageConfig(scale.simulation, baseDir);
          simulationConfig = {
            ...own,
            seed:
              typeof own.seed === 'number' ? cycleSeed(own.seed, cycle) : deriveSeed(pilotSeed, id, 'scale'),
          };
        } else if (pilotSimulation !== undefined) {
          const treatment = pilotSimulation.treatment as Record<string, unknown> | undefined;
          simulationConfig = {
            ...pilotSimulation,
            seed: deriveSeed(pilotSeed, id, 'scale'),
            products: initiative.scale_sample_size ?? scale?.sample_size,
            ...(treatment === undefined && scale?.treatment === undefined
              ? {}
              : { treatment: { ...treatment, ...scale?.treatment } }),
          };
        }
        measureRaw = stageConfig(scale?.measure ?? initiative.pilot.measure, baseDir);
      }
      measureRaw = measureConfig(
        measureRaw,
        initiative,
        phase === 'scale' && initiative.scale?.measure !== undefined
          ? `${field}.scale.measure`
          : `${pilotField}.measure`,
        deriveSeed(seed, id, phase, 'measure'),
        cycle,
        simulationConfig !== undefined,
        file,
      );
    } catch (error) {
      emit({ type: 'stage-error', stage: 'measure', initiativeId: id, phase, ...errorInfo(error) });
      throw new StageFailure({ stage: 'config', phase, ...errorInfo(error) }, error);
    }
    return { simulationConfig, measureRaw };
  }

  async function runPhase(entry: PoolEntry, phase: LoopPhase): Promise<PhaseRun> {
    const id = entry.initiative.initiative_id;
    const { simulationConfig, measureRaw } = phaseConfigs(entry, phase);
    const simulated =
      simulationConfig === undefined
        ? undefined
        : await timed('simulate', id, phase, () =>
            stages.simulate({ initiativeId: id, phase, config: simulationConfig as Record<string, unknown> }),
          );
    const artifactDir = join(outDir, 'artifacts', id, phase);
    const measured = await timed('measure', id, phase, () =>
      stages.measure({
        initiativeId: id,
        phase,
        config: measureRaw,
        ...(simulated === undefined ? {} : { data: simulated.data }),
        artifactDir,
      }),
    );
    const trueEffect = trueEffectOf(simulated, measured.result);
    const uri = measured.artifactUri;
    return {
      measurement: measured.result,
      ...(uri === undefined ? {} : { artifact_uri: portableUri(uri, outDir) }),
      ...(trueEffect === undefined ? {} : { true_effect: trueEffect }),
    };
  }

  const runs: InitiativeRun[] = pool.map(({ initiative, restudied }) => ({
    initiative_id: initiative.initiative_id,
    cost_to_scale: initiative.cost_to_scale,
    valuation: initiative.valuation,
    ...(restudied ? { design: 'restudy' as const } : {}),
  }));

  /** Record a stage failure on its initiative; anything else is a bug of the loop itself and propagates. */
  function fail(run: InitiativeRun, error: unknown): void {
    if (!(error instanceof StageFailure)) throw error;
    run.failure = error.failure;
    if (failFast && stopped === undefined) stopped = error;
  }

  function throwIfStopped(): void {
    if (stopped === undefined) return;
    const failed = runs.find((run) => run.failure !== undefined);
    const failure = stopped.failure;
    const where = failure.phase === undefined ? failure.stage : `${failure.stage} (${failure.phase})`;
    throw new LoopError(
      'LOOP_STAGE_FAILED',
      `${failed?.initiative_id ?? 'an initiative'}: ${where} failed and fail_fast is set: ${failure.message}`,
      {
        stage: failure.stage,
        ...(failed === undefined ? {} : { initiativeId: failed.initiative_id }),
        ...(failure.phase === undefined ? {} : { phase: failure.phase }),
        cause: stopped.original,
      },
    );
  }

  emit({ type: 'run-start', initiatives: runs.map((run) => run.initiative_id) });

  // MEASURE (pilot) → REVIEW, per initiative.
  let t0 = performance.now();
  const calibration = input.calibration;
  await mapWithConcurrency(
    pool,
    config.concurrency,
    async (entry, index) => {
      const run = runs[index] as InitiativeRun;
      const { initiative } = entry;
      try {
        run.pilot = await runPhase(entry, 'pilot');
        const measurement = run.pilot.measurement;
        run.review = await timed('review', initiative.initiative_id, undefined, async () => {
          const review = await stages.review({
            measurement,
            cost: initiative.cost_to_scale,
            valuation: initiative.valuation,
          });
          return calibration === undefined
            ? review
            : applyCalibration(
                review,
                calibration,
                input.reviewRules as Parameters<typeof applyCalibration>[2],
              );
        });
      } catch (error) {
        fail(run, error);
      }
    },
    () => stopped !== undefined,
  );
  timings.pilot_and_review = performance.now() - t0;
  throwIfStopped();

  // ALLOCATE.
  const reviews = runs.flatMap((run) => (run.review === undefined ? [] : [run.review as ReviewResult]));
  let allocation: AllocationResult | undefined;
  if (reviews.length > 0) {
    t0 = performance.now();
    emit({ type: 'stage-start', stage: 'allocate' });
    try {
      allocation = await stages.allocate(reviews, { budget: config.budget, config: config.allocate });
    } catch (error) {
      emit({ type: 'stage-error', stage: 'allocate', ...errorInfo(error) });
      throw new LoopError('LOOP_ALLOCATION_FAILED', `allocate failed: ${errorInfo(error).message}`, {
        stage: 'allocate',
        cause: error,
      });
    }
    timings.allocate = performance.now() - t0;
    emit({ type: 'stage-end', stage: 'allocate', durationMs: timings.allocate });
  }

  // MEASURE (scale) for the funded initiatives.
  t0 = performance.now();
  const funded = new Set(allocation?.selected_initiatives ?? []);
  const toScale = pool
    .map((entry, index) => ({ entry, index }))
    .filter(({ entry }) => funded.has(entry.initiative.initiative_id));
  await mapWithConcurrency(
    toScale,
    config.concurrency,
    async ({ entry, index }) => {
      const run = runs[index] as InitiativeRun;
      try {
        run.scale = await runPhase(entry, 'scale');
      } catch (error) {
        fail(run, error);
      }
    },
    () => stopped !== undefined,
  );
  timings.scale = performance.now() - t0;
  throwIfStopped();

  // HINDSIGHT: the true scale effect of every reviewed initiative that was not scaled (simulated data
  // only), from its scale world simulated with the seed its scale run would have used. No measurement.
  t0 = performance.now();
  await mapWithConcurrency(pool, config.concurrency, async (entry, index) => {
    const run = runs[index] as InitiativeRun;
    if (run.review === undefined || run.scale !== undefined || run.failure !== undefined) return;
    try {
      const { simulationConfig } = phaseConfigs(entry, 'scale');
      if (simulationConfig === undefined) return;
      const world = await stages.simulate({
        initiativeId: entry.initiative.initiative_id,
        phase: 'scale',
        config: simulationConfig,
      });
      const truth = world.truth?.[run.review === undefined ? '' : (run.pilot?.measurement.metric ?? '')];
      if (truth === undefined || run.pilot === undefined) return;
      run.hindsight_true_effect =
        run.pilot.measurement.effect_unit === 'relative' ? truth.att_relative : truth.att_absolute;
    } catch {
      // Without the truth the cycle's regret is unknown (null); the run itself is unaffected.
    }
  });
  timings.hindsight = performance.now() - t0;

  // OUTCOME REPORT.
  t0 = performance.now();
  emit({ type: 'stage-start', stage: 'report' });
  const metadata = {
    schema_version: 1 as const,
    config_hash: hashValue(pipeline.portable),
    seed,
    versions: packageVersions(),
    timings_ms: timings,
  };
  const report = buildOutcomeReport({
    budget: config.budget,
    initiatives: runs,
    ...(allocation === undefined ? {} : { allocation }),
    metadata,
  });
  const currency = config.initiatives.find((initiative) => initiative.valuation.currency)?.valuation.currency;
  const loopRun: LoopRun = {
    report,
    initiatives: runs,
    ...(allocation === undefined ? {} : { allocation: reproducibleAllocation(allocation) }),
    ...(currency === undefined ? {} : { currency }),
    ...(calibration === undefined ? {} : { calibration }),
    ...(cycle === 1 ? {} : { cycle }),
  };
  writeFileAtomic(join(outDir, 'run.json'), `${stableStringify(runFile(loopRun, config), 2)}\n`);
  if (calibration !== undefined) {
    writeFileAtomic(join(outDir, 'calibration.json'), `${stableStringify(calibration, 2)}\n`);
  }
  writeFileAtomic(join(outDir, 'outcome.md'), renderMarkdownReport(loopRun));
  writeFileAtomic(join(outDir, 'outcome.html'), renderHtmlReport(loopRun));
  // outcome.json goes last so its timings cover everything else, including the other report files.
  timings.report = performance.now() - t0;
  timings.total = performance.now() - started;
  report.metadata.timings_ms = { ...timings };
  writeFileAtomic(join(outDir, 'outcome.json'), `${stableStringify(report, 2)}\n`);
  emit({ type: 'stage-end', stage: 'report', durationMs: performance.now() - t0 });
  emit({
    type: 'run-end',
    durationMs: performance.now() - started,
    failed: runs.filter((run) => run.failure !== undefined).length,
    files: REPORT_FILES.map((name) => join(outDir, name)),
  });
  return { run: loopRun, report };
}

/** `run.json`: everything behind the report, without timings. */
function runFile(run: LoopRun, config: PipelineConfig): Record<string, unknown> {
  return {
    budget: config.budget,
    seed: run.report.metadata.seed,
    config_hash: run.report.metadata.config_hash,
    initiatives: run.initiatives,
    ...(run.allocation === undefined ? {} : { allocation: run.allocation }),
    ...(run.calibration === undefined ? {} : { calibration: run.calibration }),
    ...(run.cycle === undefined ? {} : { cycle: run.cycle }),
  };
}
