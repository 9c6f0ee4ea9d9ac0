import { join, resolve } from 'node:path';
import { appendCycle, type LoopHistory, type OutcomeReport } from '@impact/contracts';
import { estimateCalibration } from '@impact/review';
import type { LoadedPipeline } from '../config/pipeline-schema';
import { type CycleSummary, summarizeCycle } from '../cycles/cycle-summary';
import { isInfrastructureError, LoopError } from '../errors';
import { createDefaultStages } from '../stages/default-stages';
import type { LoopStages } from '../stages/stages';
import { abandonRun, commitRun, openRunStaging } from './commit';
import { runCycle } from './cycle';
import type { PoolEntry } from './cycle-state';
import { infrastructureFailure } from './cycle-state';
import type { LoopEvent } from './events';
import type { LoopCyclesResult, RunLoopOptions } from './options';
import { writeRunFiles } from './report';
import { cycleSeed } from './seeds';
import { calibrationSettings, cycleCount, readHistory, resolvePipeline } from './validate';
import { validatePipelineStages } from './validate-stages';

export { CYCLES_FILES, type LoopCyclesResult, REPORT_FILES, type RunLoopOptions } from './options';
export { deriveSeed } from './seeds';

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

/** The stages of a run: the given ones, the real packages for the rest. */
function resolveStages(options: RunLoopOptions, pipeline: LoadedPipeline): LoopStages {
  const { config, file } = pipeline;
  const given = options.stages ?? {};
  const needsDefaults =
    given.simulate === undefined ||
    given.measure === undefined ||
    given.review === undefined ||
    given.allocate === undefined;
  return {
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
}

/**
 * A cycle's pool, formed from the history alone: initiatives whose `joins_in_cycle` has come and whose
 * `leaves_after_cycle` has not passed, minus those already scaled; those dropped earlier are piloted with
 * their `restudy` design when they have one.
 */
function cyclePool(pipeline: LoadedPipeline, history: LoopHistory, cycle: number): PoolEntry[] {
  const scaled = new Set<string>();
  const dropped = new Set<string>();
  for (const entry of history.cycles) {
    for (const record of entry.report.records) scaled.add(record.initiative_id);
    for (const drop of entry.report.dropped) dropped.add(drop.initiative_id);
  }
  const pool: PoolEntry[] = [];
  pipeline.config.initiatives.forEach((initiative, index) => {
    const id = initiative.initiative_id;
    if ((initiative.joins_in_cycle ?? 1) > cycle || scaled.has(id)) return;
    if (initiative.leaves_after_cycle !== undefined && initiative.leaves_after_cycle < cycle) return;
    const restudied = dropped.has(id) && initiative.restudy !== undefined;
    pool.push({
      initiative: restudied
        ? { ...initiative, pilot: initiative.restudy?.pilot ?? initiative.pilot }
        : initiative,
      index,
      restudied,
    });
  });
  return pool;
}

/**
 * Run one or more cycles of the loop (`cycles:` in the pipeline or `options.cycles`), starting after the
 * input history (`history:` or `options.history`). Before each cycle the pool is formed from the history
 * alone: initiatives whose `joins_in_cycle` has come and whose `leaves_after_cycle` has not passed, minus
 * those already scaled in an earlier cycle;
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
  const { config } = pipeline;
  const outDir = resolve(options.outDir);
  const emit = (event: LoopEvent) => options.onEvent?.(event);
  const count = cycleCount(options, pipeline);
  let history = readHistory(options.history ?? config.history);
  const settings = calibrationSettings(pipeline);
  const stages = resolveStages(options, pipeline);
  // VALIDATE: every stage config, referenced file and id, before any pilot runs.
  validatePipelineStages(pipeline, options.stages ?? {});
  const reports: OutcomeReport[] = [];
  const summaries: CycleSummary[] = [];
  const first = (history.cycles.at(-1)?.cycle ?? 0) + 1;
  const staging = openRunStaging(outDir);
  try {
    for (let cycle = first; cycle < first + count; cycle++) {
      const pool = cyclePool(pipeline, history, cycle);
      const calibration = settings === undefined ? undefined : estimateCalibration(history, settings);
      const evidence = history.cycles.flatMap((entry) => entry.report.evidence ?? []);
      const outcomes = history.cycles.flatMap((entry) => entry.report.records);
      const seed = cycleSeed(config.seed, cycle);
      const folder = count === 1 ? '' : `cycle-${cycle}`;
      const { run, report } = await runCycle({
        pipeline,
        stages,
        emit,
        outDir: join(staging, folder),
        publishDir: join(outDir, folder),
        cycle,
        seed,
        pool,
        ...(calibration === undefined ? {} : { calibration }),
        ...(evidence.length === 0 ? {} : { evidence }),
        ...(outcomes.length === 0 ? {} : { outcomes }),
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
          last_chance: pool
            .filter((entry) => entry.initiative.leaves_after_cycle === cycle)
            .map((entry) => entry.initiative.initiative_id),
        }),
      );
    }
    writeRunFiles(staging, config, history, summaries, count);
    commitRun(outDir, staging);
  } catch (error) {
    // A report file or the commit could not be written: the machine's failure, not the run's.
    if (isInfrastructureError(error) && !(error instanceof LoopError))
      throw infrastructureFailure(error, 'report');
    throw error;
  } finally {
    abandonRun(staging);
  }
  return { reports, cycles: summaries, history };
}
