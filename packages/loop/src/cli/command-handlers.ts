import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { type AllocateConfigInput, AllocateConfigSchema, allocateFromConfig } from '@impact/allocate';
import {
  ConfigError,
  loadConfig,
  type OutcomeReport,
  parseConfig,
  type ReviewResult,
  stableStringify,
  writeFileAtomic,
} from '@impact/contracts';
import { evaluateImpact } from '@impact/measure';
import { createReviewerFromConfig, loadReviewConfig, type ReviewInput, reviewAll } from '@impact/review';
import { loadSimulationConfig, simulate, writeSimulation } from '@impact/simulate';
import { z } from 'zod';
import { LoopError } from '../errors';
import { renderCyclesMarkdown } from '../report/cycles-report';
import { droppedTableMarkdown, outcomeTableMarkdown } from '../report/markdown';
import { CYCLES_FILES, REPORT_FILES } from '../run/options';
import { runLoopCycles } from '../run/run-loop';
import { UsageError } from './args';
import { allocationSummary, formatHuman, measureSummary, reviewTable } from './human';
import { loadPlugins, pluginsOfConfig } from './plugins';
import { ProgressDisplay, type ProgressStream } from './progress';
import { terminalSafe } from './terminal';

/** Streams the CLI writes to (injectable for tests). */
export interface CliIo {
  stdout: ProgressStream;
  stderr: ProgressStream;
}

/** What a command handler gets: its file argument and the parsed flags. */
export interface CommandInput {
  file: string;
  strings: Record<string, string>;
  numbers: Record<string, number>;
  booleans: Record<string, boolean>;
}

/** Human output goes through {@link terminalSafe}; JSON escapes control characters itself. */
function say(io: CliIo, text: string, stream: 'stdout' | 'stderr' = 'stdout'): void {
  io[stream].write(terminalSafe(text));
}

function printJson(io: CliIo, value: unknown): void {
  io.stdout.write(`${stableStringify(value, 2)}\n`);
}

function readJson(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError('CONFIG_NOT_FOUND', `${file}: cannot read input file`, { file, cause: error });
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ConfigError('CONFIG_YAML_SYNTAX', `${file}: invalid JSON: ${(error as Error).message}`, {
      file,
      cause: error,
    });
  }
}

/** `--out <dir>` must be a folder (or not exist yet); a file there is the user's mistake, not a crash. */
function checkOutFolder(out: string): void {
  if (existsSync(out) && !statSync(out).isDirectory())
    throw new LoopError('LOOP_OUTPUT_INVALID', `--out ${out}: expected a folder, found a file`);
}

/** `--out <file>` must not be a folder. */
function checkOutFile(out: string): void {
  if (existsSync(out) && statSync(out).isDirectory())
    throw new LoopError('LOOP_OUTPUT_INVALID', `--out ${out}: expected a file, found a folder`);
}

/** Load the `plugins:` of a YAML config (relative to its folder) before the config is validated. */
async function loadConfigPlugins(file: string): Promise<void> {
  const { specifiers, source } = pluginsOfConfig(file);
  await loadPlugins(specifiers, source);
}

/** `impact run`. */
export async function runCommand(input: CommandInput, io: CliIo): Promise<number> {
  const out = input.strings.out;
  if (out === undefined) throw new UsageError('run needs --out <dir>', 'run');
  checkOutFolder(out);
  await loadConfigPlugins(input.file);
  const quiet = input.booleans.quiet === true;
  const progress = new ProgressDisplay(quiet ? { write: () => undefined } : io.stderr);
  const result = await runLoopCycles({
    configPath: input.file,
    outDir: out,
    onEvent: (event) => progress.update(event),
    ...(input.numbers.cycles === undefined ? {} : { cycles: input.numbers.cycles }),
    ...(input.strings.history === undefined ? {} : { history: input.strings.history }),
  });
  const json = input.booleans.json === true;
  const folder = resolve(out);
  const failed = result.reports.flatMap((report) =>
    report.dropped.filter((drop) => drop.reason === 'failed'),
  );
  if (result.reports.length > 1) {
    if (json) printJson(io, { cycles: result.cycles, reports: result.reports });
    else {
      say(io, renderCyclesMarkdown(result.cycles, { budget: result.reports[0]?.budget ?? 0 }));
      say(io, `\nReports: ${CYCLES_FILES.map((name) => join(folder, name)).join(', ')} and cycle-<k>/\n`);
    }
  } else {
    const report = result.reports[0] as OutcomeReport;
    if (json) printJson(io, report);
    else {
      say(io, `${outcomeTableMarkdown(report)}\n\nDropped:\n${droppedTableMarkdown(report)}\n\n`);
      say(
        io,
        `Budget ${formatHuman(report.budget, 12)}, allocated ${formatHuman(report.total_allocated, 12)}. Reports: ${REPORT_FILES.map((name) => join(folder, name)).join(', ')}\n`,
      );
    }
  }
  if (!json)
    for (const drop of failed) say(io, `impact: ${drop.initiative_id} failed: ${drop.message}\n`, 'stderr');
  return failed.length > 0 ? 1 : 0;
}

/** `impact simulate`. */
export async function simulateCommand(input: CommandInput, io: CliIo): Promise<number> {
  const out = input.strings.out;
  if (out === undefined) throw new UsageError('simulate needs --out <dir>', 'simulate');
  checkOutFolder(out);
  const format = input.strings.format ?? 'csv';
  if (format !== 'csv' && format !== 'jsonl')
    throw new UsageError(`--format: expected csv or jsonl, got "${format}"`, 'simulate');
  const result = simulate(loadSimulationConfig(input.file));
  const files = writeSimulation(out, result, { format });
  if (input.booleans.json) printJson(io, { files, ground_truth: result.groundTruth.metrics });
  else {
    say(
      io,
      `simulated ${result.products.rowCount} products, ${result.metrics.rowCount} product-days → ${resolve(out)}\n`,
    );
    const revenue = result.groundTruth.metrics.revenue;
    if (revenue)
      say(io, `true revenue effect on the treated (per product-day): ${formatHuman(revenue.att_absolute)}\n`);
  }
  return 0;
}

/** `impact measure`. */
export async function measureCommand(input: CommandInput, io: CliIo): Promise<number> {
  const out = input.strings.out;
  if (out !== undefined) checkOutFolder(out);
  await loadConfigPlugins(input.file);
  const evaluated = await evaluateImpact({
    configPath: input.file,
    ...(out === undefined ? {} : { storageUrl: resolve(out) }),
  });
  if (input.booleans.json) printJson(io, evaluated.result);
  else {
    say(io, measureSummary(evaluated.result));
    if (evaluated.artifactUri) say(io, `artifacts (result, details, plots): ${evaluated.artifactUri}\n`);
  }
  return 0;
}

/** `impact review`. */
export async function reviewCommand(input: CommandInput, io: CliIo): Promise<number> {
  const out = input.strings.out;
  if (out !== undefined) checkOutFile(out);
  const document = readJson(input.file);
  const config = input.strings.config;
  const reviewConfig = config === undefined ? undefined : loadReviewConfig(config);
  const reviewer = createReviewerFromConfig(reviewConfig ?? {}, { batch: true });
  const inputs = (Array.isArray(document) ? document : [document]) as ReviewInput[];
  const reviews = await reviewAll(inputs, reviewer, {
    multipleTesting: reviewConfig?.multiple_testing ?? 'none',
  });
  const output = Array.isArray(document) ? reviews : reviews[0];
  if (out !== undefined) writeFileAtomic(out, `${stableStringify(output, 2)}\n`);
  if (input.booleans.json) printJson(io, output);
  else {
    say(io, reviewTable(reviews as ReviewResult[]));
    if (out !== undefined) say(io, `${reviews.length} review(s) → ${resolve(out)}\n`);
  }
  return 0;
}

/** An allocate YAML read without its schema, so `budget:` may come from `--budget` instead. */
const AllocateDocumentSchema = z.record(z.string(), z.unknown());

/** `impact allocate`. */
export async function allocateCommand(input: CommandInput, io: CliIo): Promise<number> {
  const out = input.strings.out;
  if (out !== undefined) checkOutFile(out);
  const reviews = readJson(input.file);
  if (!Array.isArray(reviews))
    throw new UsageError(`${input.file}: expected a JSON list of ReviewResults`, 'allocate');
  const file = input.strings.config;
  const document: Record<string, unknown> =
    file === undefined ? {} : { ...loadConfig(file, AllocateDocumentSchema) };
  if (input.numbers.budget !== undefined) document.budget = input.numbers.budget;
  if (document.budget === undefined)
    throw new UsageError('allocate needs --budget <n> (or budget: in --config)', 'allocate');
  const config = parseConfig(document, AllocateConfigSchema, file === undefined ? {} : { file });
  const allocation = await allocateFromConfig(reviews, config as AllocateConfigInput);
  if (out !== undefined) writeFileAtomic(out, `${stableStringify(allocation, 2)}\n`);
  if (input.booleans.json) printJson(io, allocation);
  else {
    say(io, allocationSummary(allocation));
    if (out !== undefined) say(io, `allocation → ${resolve(out)}\n`);
  }
  return 0;
}
