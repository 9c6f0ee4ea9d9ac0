import { ImpactError } from '@impact/contracts';

/** Codes a {@link LoopError} can carry. */
export type LoopErrorCode =
  /** An initiative failed and `fail_fast` stopped the run. */
  | 'LOOP_STAGE_FAILED'
  /** The allocation stage failed, so nothing can be scaled. */
  | 'LOOP_ALLOCATION_FAILED'
  /** `runLoop` was called with neither `config` nor `configPath`, or with both. */
  | 'LOOP_OPTIONS_INVALID'
  /** The output folder is not usable as one (it is a file). */
  | 'LOOP_OUTPUT_INVALID'
  /**
   * The machine failed, not the data: storage full or unwritable, I/O error, out of memory. The run stops
   * before anything is allocated; no initiative is reported as failed for it.
   */
  | 'LOOP_INFRASTRUCTURE_FAILED';

/** Details carried by a {@link LoopError}. */
export interface LoopErrorDetails {
  /** The initiative concerned, when there is one. */
  initiativeId?: string;
  /** The stage that failed (`simulate`, `measure`, `review`, `allocate`, `report`). */
  stage?: string;
  /** `pilot` or `scale`, for the simulate and measure stages. */
  phase?: 'pilot' | 'scale';
  cause?: unknown;
}

/** The code of the typed error a {@link LoopError} wraps (e.g. `ALLOCATION_INFEASIBLE`), if any. */
function causeCodeOf(cause: unknown): string | undefined {
  return cause instanceof ImpactError ? cause.code : undefined;
}

/**
 * The orchestrator could not complete a run. Errors of single initiatives do not throw (they are reported
 * as `failed` in the outcome report) unless `fail_fast` is set.
 *
 * @example
 * ```ts
 * try { await runLoop({ configPath: 'pipeline.yaml', outDir: 'results' }) }
 * catch (error) { if (error instanceof LoopError) console.error(error.code, error.initiativeId) }
 * ```
 */
export class LoopError extends ImpactError {
  /** The initiative concerned, when there is one. */
  readonly initiativeId: string | undefined;
  /** The stage that failed. */
  readonly stage: string | undefined;
  /** The phase (`pilot` or `scale`) of a failed simulate/measure stage. */
  readonly phase: 'pilot' | 'scale' | undefined;
  /** The code of the typed error underneath (e.g. `ALLOCATION_INFEASIBLE`, `IO_WRITE_FAILED`), if any. */
  readonly causeCode: string | undefined;

  constructor(code: LoopErrorCode, message: string, details: LoopErrorDetails = {}) {
    super(code, message, details.cause === undefined ? {} : { cause: details.cause });
    this.initiativeId = details.initiativeId;
    this.stage = details.stage;
    this.phase = details.phase;
    this.causeCode = causeCodeOf(details.cause);
  }

  override toJSON(): Record<string, unknown> {
    return {
      ...super.toJSON(),
      ...(this.initiativeId === undefined ? {} : { initiative_id: this.initiativeId }),
      ...(this.stage === undefined ? {} : { stage: this.stage }),
      ...(this.phase === undefined ? {} : { phase: this.phase }),
      ...(this.causeCode === undefined ? {} : { cause_code: this.causeCode }),
    };
  }
}

/** System error codes that mean the machine failed (storage, descriptors, memory), not the user's data. */
const INFRASTRUCTURE_SYSTEM_CODES = new Set([
  'ENOSPC',
  'EDQUOT',
  'EIO',
  'EROFS',
  'EFBIG',
  'EMFILE',
  'ENFILE',
  'ENOMEM',
  'ERR_STRING_TOO_LONG',
  'ERR_BUFFER_TOO_LARGE',
]);

/** Typed codes raised when storage fails: a write of ours (contracts) or of the measure stage's artifacts. */
const STORAGE_CODES = new Set(['IO_WRITE_FAILED', 'STORAGE_FAILED']);

function errorChain(error: unknown): unknown[] {
  const chain: unknown[] = [];
  let current: unknown = error;
  while (current !== undefined && current !== null && chain.length < 16 && !chain.includes(current)) {
    chain.push(current);
    current = (current as { cause?: unknown }).cause;
  }
  return chain;
}

function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/**
 * Whether an error (or one of its causes) is an infrastructure failure — storage full or unwritable, an
 * I/O error, too many open files, out of memory — as opposed to a problem with the user's data,
 * configuration or statistics. The loop stops the whole run on these (`LOOP_INFRASTRUCTURE_FAILED`)
 * rather than reporting the initiative as failed, so a full disk can never change who gets funded.
 *
 * @example
 * ```ts
 * isInfrastructureError(Object.assign(new Error('no space'), { code: 'ENOSPC' })); // true
 * ```
 */
export function isInfrastructureError(error: unknown): boolean {
  const chain = errorChain(error);
  const systemFailure = chain.some((link) => {
    const code = codeOf(link);
    return code !== undefined && /^E[A-Z0-9]+$/.test(code) && !code.startsWith('ERR_');
  });
  return chain.some((link) => {
    const code = codeOf(link);
    if (code !== undefined && INFRASTRUCTURE_SYSTEM_CODES.has(code)) return true;
    if (code === 'IO_WRITE_FAILED') return true;
    // The measure stage's STORAGE_FAILED is also raised for invalid job ids; only an OS failure counts.
    if (code !== undefined && STORAGE_CODES.has(code) && systemFailure) return true;
    return (
      link instanceof RangeError &&
      /allocation failed|invalid (typed )?array length|out of memory/i.test(link.message)
    );
  });
}

/** Codes a user fixes by changing configuration, data or the command line (never "internal"). */
const USER_CODE =
  /^(CONFIG_|CONTRACT_|DATA_|MODEL_|TRANSFORM_UNKNOWN|STORAGE_UNKNOWN|REVIEW_(INPUT|OPTIONS|PROVIDER)|SIMULATION_|LOOP_OPTIONS_INVALID|LOOP_OUTPUT_INVALID|ALLOCATION_(EMPTY_INPUT|DUPLICATE_ID|INVALID_|SCENARIO_ORDER|UNKNOWN_|INFEASIBLE|SOLVER_MISSING|TIME_LIMIT))/;

/**
 * What kind of failure an error is, for exit codes and messages: `infrastructure` (see
 * {@link isInfrastructureError}), `user` (a typed error the user fixes: configuration, data, statistics
 * such as a singular design or non-convergence, an infeasible or invalid allocation; also a
 * `LOOP_ALLOCATION_FAILED` wrapping one), `stage` (`LOOP_STAGE_FAILED`: an initiative failed under
 * `fail_fast`) or `internal` (a bug).
 *
 * @example
 * ```ts
 * if (errorKind(error) === 'user') process.exitCode = 2;
 * ```
 */
export function errorKind(error: unknown): 'user' | 'infrastructure' | 'stage' | 'internal' {
  if (isInfrastructureError(error)) return 'infrastructure';
  if (error instanceof LoopError && error.code === 'LOOP_STAGE_FAILED') return 'stage';
  if (!(error instanceof ImpactError)) return 'internal';
  const code = error instanceof LoopError && error.causeCode !== undefined ? error.causeCode : error.code;
  return USER_CODE.test(code) ? 'user' : 'internal';
}
