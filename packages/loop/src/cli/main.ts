import { ImpactError } from '@impact/contracts';
import { errorKind } from '../errors';
import { packageVersions } from '../run/versions';
import { parseCommandLine, UsageError } from './args';
import {
  allocateCommand,
  type CliIo,
  type CommandInput,
  measureCommand,
  reviewCommand,
  runCommand,
  simulateCommand,
} from './command-handlers';
import { commandHelp, globalHelp } from './commands';
import { loadPlugins } from './plugins';
import { terminalSafe } from './terminal';

export type { CliIo } from './command-handlers';

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
  /** Invalid configuration, data, input file or command line: every typed error a user can cause. */
  invalid: 2,
  /** An unexpected internal error (a bug). */
  internal: 3,
  /** The machine failed, not the input: storage full or unwritable, I/O error, out of memory. */
  infrastructure: 4,
} as const;

/** The `impact --help` text. */
export const USAGE = globalHelp();

/**
 * The exit code for an error: usage and every user-caused typed error (configuration, data, statistics,
 * allocation input; see `errorKind`) → 2; infrastructure → 4; `fail_fast` stops → 1; anything else → 3.
 */
export function exitCodeOf(error: unknown): number {
  if (error instanceof UsageError) return EXIT_CODES.invalid;
  const kind = errorKind(error);
  if (kind === 'infrastructure') return EXIT_CODES.infrastructure;
  if (kind === 'stage') return EXIT_CODES.someFailed;
  if (kind === 'user') return EXIT_CODES.invalid;
  return EXIT_CODES.internal;
}

function versionText(): string {
  const versions = packageVersions();
  const own = versions['@impact/loop'] ?? 'unknown';
  const others = Object.entries(versions)
    .filter(([name]) => name !== '@impact/loop')
    .map(([name, version]) => `${name} ${version}`);
  return `impact ${own}${others.length === 0 ? '' : ` (${others.join(', ')})`}, node ${process.version}\n`;
}

const HANDLERS: Record<string, (input: CommandInput, io: CliIo) => Promise<number>> = {
  run: runCommand,
  simulate: simulateCommand,
  measure: measureCommand,
  review: reviewCommand,
  allocate: allocateCommand,
};

/**
 * The `impact` command line. Returns the exit code (see {@link EXIT_CODES}); never calls `process.exit`.
 * Every message is printed with control characters escaped, so data cannot drive the terminal.
 *
 * @example
 * ```ts
 * process.exitCode = await main(['run', 'pipeline.yaml', '--out', 'results'], { stdout: process.stdout, stderr: process.stderr });
 * ```
 */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  try {
    const parsed = parseCommandLine(argv);
    if (parsed.booleans.version) {
      io.stdout.write(versionText());
      return EXIT_CODES.ok;
    }
    const command = parsed.command;
    if (parsed.booleans.help || command === undefined) {
      io.stdout.write(`${command === undefined ? globalHelp() : commandHelp(command)}\n`);
      return command === undefined && !parsed.booleans.help ? EXIT_CODES.invalid : EXIT_CODES.ok;
    }
    if (parsed.argument === undefined)
      throw new UsageError(`${command.name} needs ${command.argument.name}`, command.name);
    await loadPlugins(parsed.lists.plugin ?? [], { origin: '--plugin', baseDir: process.cwd() });
    const handler = HANDLERS[command.name] as (input: CommandInput, io: CliIo) => Promise<number>;
    return await handler({ file: parsed.argument, ...parsed }, io);
  } catch (error) {
    return reportError(error, io);
  }
}

function reportError(error: unknown, io: CliIo): number {
  const code = exitCodeOf(error);
  const message = error instanceof Error ? error.message : String(error);
  const prefix =
    error instanceof ImpactError && code === EXIT_CODES.internal ? `internal error ${error.code}: ` : '';
  io.stderr.write(terminalSafe(`impact: ${prefix}${message}\n`));
  if (error instanceof UsageError)
    io.stderr.write(
      `Run \`impact ${error.command === undefined ? '' : `${error.command} `}--help\` for usage.\n`,
    );
  if (code === EXIT_CODES.internal) {
    if (error instanceof Error && error.stack) io.stderr.write(terminalSafe(`${error.stack}\n`));
    io.stderr.write('This is a bug in impact: please report it with the command and the stack above.\n');
  }
  return code;
}
