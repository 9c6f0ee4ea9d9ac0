/**
 * One field-level problem found while validating a value against a schema.
 * `path` uses the notation users see in messages, e.g. `initiatives[2].cost_to_scale`.
 */
export interface FieldIssue {
  /** Where the problem is, e.g. `initiatives[2].cost_to_scale`; `(root)` for the value itself. */
  path: string;
  /** What the schema expected there, in words, e.g. `a number ≥ 0`. */
  expected: string;
  /** What was found there, rendered for a human (JSON for values), e.g. `"ten"`. */
  found: string;
  /** The full one-line message: `path: expected …, got …`. */
  message: string;
}

/** Options shared by every {@link ImpactError}. */
export interface ImpactErrorOptions {
  /** The error that caused this one, when wrapping. */
  cause?: unknown;
}

/**
 * Base class of every error thrown by Impact Loop packages. `code` is stable across releases and is the
 * thing to branch on; the message is for people.
 *
 * @example
 * ```ts
 * try { loadConfig('pipeline.yaml', schema) } catch (e) { if (e instanceof ImpactError) console.error(e.code) }
 * ```
 */
export class ImpactError extends Error {
  /** Stable machine-readable code, e.g. `CONFIG_INVALID`. */
  readonly code: string;

  constructor(code: string, message: string, options: ImpactErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
  }

  /** A plain object for logs and `--json` output. */
  toJSON(): Record<string, unknown> {
    return { name: this.name, code: this.code, message: this.message };
  }
}

/** Codes a {@link ConfigError} can carry. */
export type ConfigErrorCode =
  | 'CONFIG_INVALID'
  | 'CONFIG_YAML_SYNTAX'
  | 'CONFIG_NOT_FOUND'
  | 'CONFIG_UNREADABLE';

/** Details carried by a {@link ConfigError}. */
export interface ConfigErrorDetails extends ImpactErrorOptions {
  /** The configuration file, when the value came from one. */
  file?: string;
  /** Every problem found; the message names the first. */
  issues?: FieldIssue[];
  /** 1-based line of a YAML syntax error. */
  line?: number;
  /** 1-based column of a YAML syntax error. */
  column?: number;
}

/**
 * A configuration (YAML file or options object) is missing, unreadable, not valid YAML, or does not match
 * its schema. Carries the file, the field path, what was expected and what was found.
 *
 * @example
 * ```ts
 * // ConfigError: pipeline.yaml: initiatives[3].cost_to_scale: expected a number ≥ 0, got "ten"
 * ```
 */
export class ConfigError extends ImpactError {
  /** The configuration file, when there is one. */
  readonly file: string | undefined;
  /** Every field-level problem; empty for syntax and file errors. */
  readonly issues: FieldIssue[];
  /** Path of the first problem (`(root)` when it concerns the whole value). */
  readonly path: string | undefined;
  /** What the first problem's field expected. */
  readonly expected: string | undefined;
  /** What the first problem's field held. */
  readonly found: string | undefined;
  /** 1-based line of a YAML syntax error. */
  readonly line: number | undefined;
  /** 1-based column of a YAML syntax error. */
  readonly column: number | undefined;

  constructor(code: ConfigErrorCode, message: string, details: ConfigErrorDetails = {}) {
    super(code, message, details);
    this.file = details.file;
    this.issues = details.issues ?? [];
    this.path = this.issues[0]?.path;
    this.expected = this.issues[0]?.expected;
    this.found = this.issues[0]?.found;
    this.line = details.line;
    this.column = details.column;
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), file: this.file, line: this.line, column: this.column, issues: this.issues };
  }
}

/** Details carried by a {@link ContractError}. */
export interface ContractErrorDetails extends ImpactErrorOptions {
  /** Name of the contract that was violated, e.g. `MeasureResult`. */
  contract: string;
  /** The file the value was read from, if any. */
  file?: string;
  /** Every problem found; the message names the first. */
  issues: FieldIssue[];
}

/**
 * A value crossing a stage boundary (a `MeasureResult`, `ReviewResult`, …) breaks its contract: a missing
 * or mistyped field, a non-finite number, or a violated invariant such as `ci_lower ≤ effect_estimate`.
 *
 * @example
 * ```ts
 * parseMeasureResult({ ...result, ci_lower: 5, effect_estimate: 1 }); // throws ContractError (CONTRACT_VIOLATION)
 * ```
 */
export class ContractError extends ImpactError {
  /** The violated contract's name. */
  readonly contract: string;
  /** The file the value came from, if any. */
  readonly file: string | undefined;
  /** Every field-level problem. */
  readonly issues: FieldIssue[];
  /** Path of the first problem. */
  readonly path: string | undefined;
  /** What the first problem's field expected. */
  readonly expected: string | undefined;
  /** What the first problem's field held. */
  readonly found: string | undefined;

  constructor(message: string, details: ContractErrorDetails) {
    super('CONTRACT_VIOLATION', message, details);
    this.contract = details.contract;
    this.file = details.file;
    this.issues = details.issues;
    this.path = details.issues[0]?.path;
    this.expected = details.issues[0]?.expected;
    this.found = details.issues[0]?.found;
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), contract: this.contract, file: this.file, issues: this.issues };
  }
}
