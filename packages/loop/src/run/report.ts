import { join } from 'node:path';
import {
  type AllocationResult,
  hashValue,
  type LoopHistory,
  type OutcomeReport,
  stableStringify,
  writeFileAtomic,
} from '@impact/contracts';
import type { PipelineConfig } from '../config/pipeline-schema';
import type { CycleSummary } from '../cycles/cycle-summary';
import { buildOutcomeReport } from '../report/build-report';
import { renderCyclesHtml, renderCyclesMarkdown } from '../report/cycles-report';
import { renderHtmlReport } from '../report/html';
import type { LoopRun } from '../report/initiative-run';
import { renderMarkdownReport } from '../report/markdown';
import type { CycleInput, CycleState } from './cycle-state';
import { REPORT_FILES } from './options';
import { packageVersions } from './versions';

/** Solver timings vary between identical runs; `run.json` leaves them out to stay reproducible. */
function reproducibleAllocation(allocation: AllocationResult): AllocationResult {
  const detail = Object.fromEntries(
    Object.entries(allocation.detail).filter(([key]) => !key.endsWith('_time_ms')),
  );
  return { ...allocation, detail };
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

/** The first currency written on an initiative's valuation, if any. */
export function pipelineCurrency(config: PipelineConfig): string | undefined {
  return config.initiatives.find((initiative) => initiative.valuation.currency)?.valuation.currency;
}

/**
 * OUTCOME REPORT of one cycle: build the report and write `run.json`, `calibration.json` (with calibration),
 * `outcome.md`, `outcome.html` and, last so its timings cover the rest, `outcome.json`.
 */
export function writeCycleReports(
  input: CycleInput,
  state: CycleState,
  allocation: AllocationResult | undefined,
  timings: Record<string, number>,
  started: number,
): { run: LoopRun; report: OutcomeReport } {
  const { pipeline, outDir, emit, cycle, seed, calibration } = input;
  const { config } = pipeline;
  const runs = state.runs;
  const t0 = performance.now();
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
  const currency = pipelineCurrency(config);
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
  writeFileAtomic(join(outDir, 'outcome.html'), renderHtmlReport(loopRun, { artifactRoot: outDir }));
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
    files: REPORT_FILES.map((name) => join(input.publishDir, name)),
  });
  return { run: loopRun, report };
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

/** The run-level files: `history.json` always; `cycles.json`, `cycles.md`, `cycles.html` with more cycles. */
export function writeRunFiles(
  outDir: string,
  config: PipelineConfig,
  history: LoopHistory,
  summaries: readonly CycleSummary[],
  count: number,
): void {
  writeFileAtomic(join(outDir, 'history.json'), `${stableStringify(reproducibleHistory(history), 2)}\n`);
  if (count <= 1) return;
  const currency = pipelineCurrency(config);
  const context = { budget: config.budget, ...(currency === undefined ? {} : { currency }) };
  writeFileAtomic(
    join(outDir, 'cycles.json'),
    `${stableStringify({ budget: config.budget, cycles: summaries }, 2)}\n`,
  );
  writeFileAtomic(join(outDir, 'cycles.md'), renderCyclesMarkdown([...summaries], context));
  writeFileAtomic(join(outDir, 'cycles.html'), renderCyclesHtml([...summaries], context));
}
