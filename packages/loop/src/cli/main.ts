import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { type AllocateConfigInput, allocateFromConfig, loadAllocateConfig } from '@impact/allocate';
import {
  ConfigError,
  ImpactError,
  type OutcomeReport,
  stableStringify,
  writeFileAtomic,
} from '@impact/contracts';
import { evaluateImpact } from '@impact/measure';
import { createReviewerFromConfig, loadReviewConfig, type ReviewInput, reviewAll } from '@impact/review';
import { loadSimulationConfig, simulate, writeSimulation } from '@impact/simulate';
import { errorKind } from '../errors';
import { renderCyclesMarkdown } from '../report/cycles-report';
import { droppedTableMarkdown, outcomeTableMarkdown } from '../report/markdown';
import { CYCLES_FILES, REPORT_FILES, runLoopCycles } from '../run/run-loop';
import { ProgressDisplay, type ProgressStream } from './progress';

/**
 * Exit codes of the `impact` CLI.
 *
 * @example
 * ```ts
 * if (code === EXIT_CODES.someFailed) console.warn('some initiatives failed');
 * ```
 */
export const EXIT_CODES = {
  /** Everything ran; no initiative failed. */
  ok: 0,
  /** The run finished but some initiatives failed (or `fail_fast` stopped it). */
  someFailed: 1,
  /** Invalid configuration, input file or command line. */
  invalid: 2,
  /** An unexpected internal error. */
  internal: 3,
  /** The machine failed, not the input: storage full or unwritable, I/O error, out of memory. */
  infrastructure: 4,
} as const;

/** Streams the CLI writes to (injectable for tests). */
export interface CliIo {
  stdout: ProgressStream;
  stderr: ProgressStream;
}

/** The `impact --help` text. */
export const USAGE = `Usage: impact <command> [options]

Commands:
  run <pipeline.yaml> --out <dir> [--cycles <n>] [--history <history.json>]
                                         run the whole loop and write outcome.{json,md,html}, run.json and
                                         history.json; with --cycles n > 1, cycle-<k>/ folders and cycles.{json,md,html}
  simulate <simulation.yaml> --out <dir> simulate a retail panel (products, metrics, ground_truth, config)
  measure <measure.yaml> [--out <dir>]   measure one initiative; prints the MeasureResult
  review <inputs.json> [--config <review.yaml>] [--out <file>]
                                         review ReviewInput(s) {measurement, cost, valuation}; prints ReviewResult(s)
  allocate <reviews.json> --budget <n> [--config <allocate.yaml>] [--out <file>]
                                         allocate a budget over ReviewResults; prints the AllocationResult

Options:
  --json        print machine-readable JSON on stdout
  --format      simulate only: csv (default) or jsonl
  --quiet       run only: no progress display
  --cycles      run only: number of cycles (overrides the pipeline's cycles:)
  --history     run only: history.json of earlier cycles (overrides the pipeline's history:)
  -h, --help    show this help

Exit codes: 0 ok; 1 some initiatives failed; 2 invalid configuration, input or usage; 3 internal error; 4 infrastructure failure (disk full, I/O, memory).`;

class UsageError extends Error {}

const OPTIONS = {
  out: { type: 'string' },
  json: { type: 'boolean', default: false },
  quiet: { type: 'boolean', default: false },
  format: { type: 'string' },
  config: { type: 'string' },
  budget: { type: 'string' },
  cycles: { type: 'string' },
  history: { type: 'string' },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

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

function exitCodeOf(error: unknown): number {
  if (error instanceof UsageError || error instanceof ConfigError) return EXIT_CODES.invalid;
  const nodeCode = (error as { code?: unknown } | null)?.code;
  if (typeof nodeCode === 'string' && nodeCode.startsWith('ERR_PARSE_ARGS')) return EXIT_CODES.invalid;
  // Infrastructure, fail_fast stops and every user-caused typed error (see errorKind in ../errors).
  const kind = errorKind(error);
  if (kind === 'infrastructure') return EXIT_CODES.infrastructure;
  if (kind === 'stage') return EXIT_CODES.someFailed;
  if (kind === 'user') return EXIT_CODES.invalid;
  if (error instanceof ImpactError) {
    // Typed input errors of the stages (bad data, bad parameters, bad contract input) are the user's to fix.
    if (
      /^(DATA_|MODEL_PARAMS|MODEL_UNKNOWN|MODEL_FORMULA|CONTRACT_|ALLOCATION_INVALID|REVIEW_OPTIONS)/.test(
        error.code,
      )
    )
      return EXIT_CODES.invalid;
  }
  return EXIT_CODES.internal;
}

function one(positionals: string[], what: string): string {
  const [file, ...rest] = positionals;
  if (file === undefined) throw new UsageError(`missing ${what}`);
  if (rest.length > 0) throw new UsageError(`unexpected argument "${rest[0]}"`);
  return file;
}

function printJson(io: CliIo, value: unknown): void {
  io.stdout.write(`${stableStringify(value, 2)}\n`);
}

/**
 * The `impact` command line. Returns the exit code (see {@link EXIT_CODES}); never calls `process.exit`.
 *
 * @example
 * ```ts
 * process.exitCode = await main(['run', 'pipeline.yaml', '--out', 'results'], { stdout: process.stdout, stderr: process.stderr });
 * ```
 */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  try {
    const { values, positionals } = parseArgs({
      args: [...argv],
      options: OPTIONS,
      allowPositionals: true,
      strict: true,
    });
    const [command, ...rest] = positionals;
    if (values.help || command === undefined || command === 'help') {
      io.stdout.write(`${USAGE}\n`);
      return command === undefined && !values.help ? EXIT_CODES.invalid : EXIT_CODES.ok;
    }
    switch (command) {
      case 'run':
        return await runCommand(one(rest, 'pipeline file'), values, io);
      case 'simulate': {
        const file = one(rest, 'simulation config file');
        if (values.out === undefined) throw new UsageError('simulate needs --out <dir>');
        const format = values.format ?? 'csv';
        if (format !== 'csv' && format !== 'jsonl')
          throw new UsageError(`--format: expected csv or jsonl, got "${format}"`);
        const result = simulate(loadSimulationConfig(file));
        const files = writeSimulation(values.out, result, { format });
        if (values.json) printJson(io, { files, ground_truth: result.groundTruth.metrics });
        else {
          io.stdout.write(
            `simulated ${result.products.rowCount} products, ${result.metrics.rowCount} product-days → ${resolve(values.out)}\n`,
          );
          const revenue = result.groundTruth.metrics.revenue;
          if (revenue)
            io.stdout.write(
              `true revenue effect on the treated (per product-day): ${revenue.att_absolute}\n`,
            );
        }
        return EXIT_CODES.ok;
      }
      case 'measure': {
        const file = one(rest, 'measure config file');
        const evaluated = await evaluateImpact({
          configPath: file,
          ...(values.out === undefined ? {} : { storageUrl: resolve(values.out) }),
        });
        if (values.json) printJson(io, evaluated.result);
        else {
          const r = evaluated.result;
          io.stdout.write(
            `${r.initiative_id}: ${r.method} effect on ${r.metric} ${r.effect_estimate} (${Math.round(r.ci_level * 100)}% CI ${r.ci_lower} to ${r.ci_upper}), p = ${r.p_value}, n = ${r.sample_size}\n`,
          );
          if (evaluated.artifactUri) io.stdout.write(`artifacts: ${evaluated.artifactUri}\n`);
        }
        return EXIT_CODES.ok;
      }
      case 'review': {
        const file = one(rest, 'review inputs file (JSON)');
        const input = readJson(file);
        const reviewer = createReviewerFromConfig(
          values.config === undefined ? {} : loadReviewConfig(values.config),
        );
        const inputs = (Array.isArray(input) ? input : [input]) as ReviewInput[];
        const reviews = await reviewAll(inputs, reviewer);
        const output = Array.isArray(input) ? reviews : reviews[0];
        if (values.out !== undefined) writeFileAtomic(values.out, `${stableStringify(output, 2)}\n`);
        if (values.json || values.out === undefined) printJson(io, output);
        else io.stdout.write(`${reviews.length} review(s) → ${resolve(values.out)}\n`);
        return EXIT_CODES.ok;
      }
      case 'allocate': {
        const file = one(rest, 'reviews file (JSON)');
        const reviews = readJson(file);
        if (!Array.isArray(reviews)) throw new UsageError(`${file}: expected a JSON list of ReviewResults`);
        const config: Record<string, unknown> =
          values.config === undefined ? {} : { ...loadAllocateConfig(values.config) };
        if (values.budget !== undefined) {
          const budget = Number(values.budget);
          if (!Number.isFinite(budget) || budget < 0)
            throw new UsageError(`--budget: expected a number ≥ 0, got "${values.budget}"`);
          config.budget = budget;
        }
        if (config.budget === undefined)
          throw new UsageError('allocate needs --budget <n> (or budget in --config)');
        const allocation = await allocateFromConfig(reviews, config as AllocateConfigInput);
        if (values.out !== undefined) writeFileAtomic(values.out, `${stableStringify(allocation, 2)}\n`);
        if (values.json || values.out === undefined) printJson(io, allocation);
        else
          io.stdout.write(
            `selected ${allocation.selected_initiatives.join(', ') || 'nothing'} (cost ${allocation.total_cost} of ${allocation.budget}) → ${resolve(values.out)}\n`,
          );
        return EXIT_CODES.ok;
      }
      default:
        throw new UsageError(`unknown command "${command}"`);
    }
  } catch (error) {
    const code = exitCodeOf(error);
    const message = error instanceof Error ? error.message : String(error);
    io.stderr.write(`impact: ${message}\n`);
    if (code === EXIT_CODES.invalid && !(error instanceof ImpactError))
      io.stderr.write('Run `impact --help` for usage.\n');
    if (code === EXIT_CODES.internal && error instanceof Error && error.stack)
      io.stderr.write(`${error.stack}\n`);
    return code;
  }
}

async function runCommand(
  file: string,
  values: {
    out?: string | undefined;
    json?: boolean | undefined;
    quiet?: boolean | undefined;
    cycles?: string | undefined;
    history?: string | undefined;
  },
  io: CliIo,
): Promise<number> {
  if (values.out === undefined) throw new UsageError('run needs --out <dir>');
  let cycles: number | undefined;
  if (values.cycles !== undefined) {
    cycles = Number(values.cycles);
    if (!Number.isInteger(cycles) || cycles < 1) {
      throw new UsageError(`--cycles: expected an integer ≥ 1, got "${values.cycles}"`);
    }
  }
  const progress = new ProgressDisplay(values.quiet ? { write: () => undefined } : io.stderr);
  const result = await runLoopCycles({
    configPath: file,
    outDir: values.out,
    onEvent: (event) => progress.update(event),
    ...(cycles === undefined ? {} : { cycles }),
    ...(values.history === undefined ? {} : { history: values.history }),
  });
  if (result.reports.length > 1) {
    const failed = result.reports.flatMap((report) =>
      report.dropped.filter((drop) => drop.reason === 'failed'),
    );
    if (values.json) printJson(io, { cycles: result.cycles, reports: result.reports });
    else {
      const budget = result.reports[0]?.budget ?? 0;
      io.stdout.write(renderCyclesMarkdown(result.cycles, { budget }));
      io.stdout.write(
        `\nReports: ${CYCLES_FILES.map((name) => join(resolve(values.out as string), name)).join(', ')} and cycle-<k>/\n`,
      );
      for (const drop of failed) io.stderr.write(`impact: ${drop.initiative_id} failed: ${drop.message}\n`);
    }
    return failed.length > 0 ? EXIT_CODES.someFailed : EXIT_CODES.ok;
  }
  const report = result.reports[0] as OutcomeReport;
  const failed = report.dropped.filter((drop) => drop.reason === 'failed');
  if (values.json) printJson(io, report);
  else {
    io.stdout.write(`${outcomeTableMarkdown(report)}\n\nDropped:\n${droppedTableMarkdown(report)}\n\n`);
    io.stdout.write(
      `Budget ${report.budget}, allocated ${report.total_allocated}. Reports: ${REPORT_FILES.map((name) => join(resolve(values.out as string), name)).join(', ')}\n`,
    );
    for (const drop of failed) io.stderr.write(`impact: ${drop.initiative_id} failed: ${drop.message}\n`);
  }
  return failed.length > 0 ? EXIT_CODES.someFailed : EXIT_CODES.ok;
}
