import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  type AllocationResult,
  ConfigError,
  hashValue,
  ImpactError,
  loadConfig,
  type MeasureResult,
  type OutcomeReport,
  type ReviewResult,
  stableStringify,
  writeFileAtomic,
} from '@impact/contracts';
import { z } from 'zod';
import {
  type InitiativeConfig,
  type LoadedPipeline,
  loadPipelineConfig,
  type PipelineConfig,
  type PipelineConfigInput,
  parsePipelineConfig,
} from '../config/pipeline-schema';
import { LoopError } from '../errors';
import { buildOutcomeReport } from '../report/build-report';
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
  return { ...raw, initiative_id: initiative.initiative_id, seed: raw.seed ?? seed };
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
 * throws `ConfigError` naming the field.
 *
 * @example
 * ```ts
 * const report = await runLoop({ configPath: 'pipeline.yaml', outDir: 'results' });
 * for (const record of report.records) console.log(record.initiative_id, record.prediction_error);
 * ```
 */
export async function runLoop(options: RunLoopOptions): Promise<OutcomeReport> {
  const started = performance.now();
  const pipeline = resolvePipeline(options);
  const { config, baseDir, file } = pipeline;
  const outDir = resolve(options.outDir);
  const emit = (event: LoopEvent) => options.onEvent?.(event);
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

  async function runPhase(initiative: InitiativeConfig, index: number, phase: LoopPhase): Promise<PhaseRun> {
    const id = initiative.initiative_id;
    const field = `initiatives[${index}]`;
    let simulationConfig: Record<string, unknown> | undefined;
    let measureRaw: Record<string, unknown>;
    try {
      const pilotSimulation =
        initiative.pilot.simulation === undefined
          ? undefined
          : stageConfig(initiative.pilot.simulation, baseDir);
      const pilotSeed =
        typeof pilotSimulation?.seed === 'number'
          ? pilotSimulation.seed
          : deriveSeed(config.seed, id, 'pilot');
      if (phase === 'pilot') {
        simulationConfig = pilotSimulation && { ...pilotSimulation, seed: pilotSeed };
        measureRaw = stageConfig(initiative.pilot.measure, baseDir);
      } else {
        const scale = initiative.scale;
        if (scale?.simulation !== undefined) {
          const own = stageConfig(scale.simulation, baseDir);
          simulationConfig = { ...own, seed: own.seed ?? deriveSeed(pilotSeed, id, 'scale') };
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
          : `${field}.pilot.measure`,
        deriveSeed(config.seed, id, phase, 'measure'),
        simulationConfig !== undefined,
        file,
      );
    } catch (error) {
      emit({ type: 'stage-error', stage: 'measure', initiativeId: id, phase, ...errorInfo(error) });
      throw new StageFailure({ stage: 'config', phase, ...errorInfo(error) }, error);
    }
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

  const runs: InitiativeRun[] = config.initiatives.map((initiative) => ({
    initiative_id: initiative.initiative_id,
    cost_to_scale: initiative.cost_to_scale,
    valuation: initiative.valuation,
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
  await mapWithConcurrency(
    config.initiatives,
    config.concurrency,
    async (initiative, index) => {
      const run = runs[index] as InitiativeRun;
      try {
        run.pilot = await runPhase(initiative, index, 'pilot');
        const measurement = run.pilot.measurement;
        run.review = await timed('review', initiative.initiative_id, undefined, () =>
          stages.review({ measurement, cost: initiative.cost_to_scale, valuation: initiative.valuation }),
        );
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
  const toScale = config.initiatives
    .map((initiative, index) => ({ initiative, index }))
    .filter(({ initiative }) => funded.has(initiative.initiative_id));
  await mapWithConcurrency(
    toScale,
    config.concurrency,
    async ({ initiative, index }) => {
      const run = runs[index] as InitiativeRun;
      try {
        run.scale = await runPhase(initiative, index, 'scale');
      } catch (error) {
        fail(run, error);
      }
    },
    () => stopped !== undefined,
  );
  timings.scale = performance.now() - t0;
  throwIfStopped();

  // OUTCOME REPORT.
  t0 = performance.now();
  emit({ type: 'stage-start', stage: 'report' });
  const metadata = {
    schema_version: 1 as const,
    config_hash: hashValue(pipeline.portable),
    seed: config.seed,
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
  };
  writeFileAtomic(join(outDir, 'run.json'), `${stableStringify(runFile(loopRun, config), 2)}\n`);
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
  return report;
}

/** `run.json`: everything behind the report, without timings. */
function runFile(run: LoopRun, config: PipelineConfig): Record<string, unknown> {
  return {
    budget: config.budget,
    seed: config.seed,
    config_hash: run.report.metadata.config_hash,
    initiatives: run.initiatives,
    ...(run.allocation === undefined ? {} : { allocation: run.allocation }),
  };
}
