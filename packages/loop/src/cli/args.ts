import { COMMANDS, type CommandSpec, type FlagSpec, GLOBAL_FLAGS } from './commands';

/** A mistake on the command line (exit code 2, with a pointer to `--help`). */
export class UsageError extends Error {
  override readonly name = 'UsageError';
  constructor(
    message: string,
    /** The command whose help to point at, when known. */
    readonly command?: string,
  ) {
    super(message);
  }
}

/** A parsed command line. */
export interface ParsedCommandLine {
  command?: CommandSpec;
  /** The one positional argument (a file), when given. */
  argument?: string;
  strings: Record<string, string>;
  numbers: Record<string, number>;
  booleans: Record<string, boolean>;
  lists: Record<string, string[]>;
}

/** Edit distance (Levenshtein) between two short strings. */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] as number) + 1, (current[j - 1] as number) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] as number;
}

/** The closest candidate within a small edit distance (or a unique prefix match), for "did you mean". */
export function closest(input: string, candidates: readonly string[]): string | undefined {
  const prefixed = candidates.filter((candidate) => candidate.startsWith(input) && input.length >= 2);
  if (prefixed.length === 1) return prefixed[0];
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(input.length / 3)) + 1;
  for (const candidate of candidates) {
    const distance = editDistance(input, candidate);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

const DECIMAL = /^[+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * Parse a flag's number strictly: a plain decimal (`60000`, `1.5e4`), never hex (`0x10`), an empty string,
 * whitespace, `Infinity` or a sign other than `+`. `integer` flags take whole numbers ≥ 1.
 */
export function parseFlagNumber(flag: FlagSpec, text: string): number {
  if (flag.type === 'integer') {
    if (!/^\+?\d+$/.test(text) || Number(text) < 1 || !Number.isSafeInteger(Number(text)))
      throw new UsageError(`--${flag.name}: expected a whole number ≥ 1, got "${text}"`);
    return Number(text);
  }
  const value = Number(text);
  if (!DECIMAL.test(text) || !Number.isFinite(value))
    throw new UsageError(`--${flag.name}: expected a decimal number ≥ 0 (e.g. 60000), got "${text}"`);
  return value;
}

function findFlag(flags: readonly FlagSpec[], token: string): FlagSpec | undefined {
  return token.startsWith('--')
    ? flags.find((flag) => flag.name === token.slice(2))
    : flags.find((flag) => flag.short !== undefined && flag.short === token.slice(1));
}

/**
 * Parse `impact <command> <file> [options]` against the command's own flags (plus the global ones). Unknown
 * commands and flags get a "did you mean" from the known ones; values are type-checked here, so a command
 * only sees valid input.
 *
 * @example
 * ```ts
 * const parsed = parseCommandLine(['allocate', 'reviews.json', '--budget', '60000']);
 * parsed.numbers.budget; // 60000
 * ```
 */
export function parseCommandLine(argv: readonly string[]): ParsedCommandLine {
  const parsed: ParsedCommandLine = { strings: {}, numbers: {}, booleans: {}, lists: {} };
  const positionals: string[] = [];
  let flags: FlagSpec[] = GLOBAL_FLAGS;
  let optionsEnded = false;
  for (let index = 0; index < argv.length; index++) {
    const raw = argv[index] as string;
    if (optionsEnded || !raw.startsWith('-') || raw === '-') {
      if (parsed.command === undefined && positionals.length === 0 && !optionsEnded) {
        const command = COMMANDS.find((candidate) => candidate.name === raw);
        if (command === undefined) {
          if (raw === 'help') {
            parsed.booleans.help = true;
            continue;
          }
          const suggestion = closest(
            raw,
            COMMANDS.map((candidate) => candidate.name),
          );
          throw new UsageError(
            `unknown command "${raw}"${suggestion ? ` — did you mean "${suggestion}"?` : ''} (commands: ${COMMANDS.map((c) => c.name).join(', ')})`,
          );
        }
        parsed.command = command;
        flags = [...command.flags, ...GLOBAL_FLAGS];
        continue;
      }
      positionals.push(raw);
      continue;
    }
    if (raw === '--') {
      optionsEnded = true;
      continue;
    }
    const equals = raw.indexOf('=');
    const token = raw.startsWith('--') && equals > 0 ? raw.slice(0, equals) : raw;
    const inline = raw.startsWith('--') && equals > 0 ? raw.slice(equals + 1) : undefined;
    const flag = findFlag(flags, token);
    if (flag === undefined) {
      const name = token.replace(/^-+/, '');
      const suggestion = closest(
        name,
        flags.map((candidate) => candidate.name),
      );
      const where = parsed.command ? ` for "${parsed.command.name}"` : '';
      throw new UsageError(
        `unknown option "${token}"${where}${suggestion ? ` — did you mean "--${suggestion}"?` : ''}`,
        parsed.command?.name,
      );
    }
    if (flag.type === 'boolean') {
      if (inline !== undefined) throw new UsageError(`--${flag.name} takes no value`, parsed.command?.name);
      parsed.booleans[flag.name] = true;
      continue;
    }
    const value = inline ?? argv[++index];
    if (value === undefined || (inline === undefined && value.startsWith('--')))
      throw new UsageError(
        `--${flag.name} needs a value ${flag.value ?? ''}`.trimEnd(),
        parsed.command?.name,
      );
    if (flag.type === 'number' || flag.type === 'integer')
      parsed.numbers[flag.name] = parseFlagNumber(flag, value);
    else if (flag.repeatable) parsed.lists[flag.name] = [...(parsed.lists[flag.name] ?? []), value];
    else if (parsed.strings[flag.name] !== undefined)
      throw new UsageError(`--${flag.name} given twice`, parsed.command?.name);
    else parsed.strings[flag.name] = value;
  }
  if (positionals.length > 1)
    throw new UsageError(`unexpected argument "${positionals[1]}"`, parsed.command?.name);
  if (positionals[0] !== undefined) parsed.argument = positionals[0];
  return parsed;
}
