import { ImpactError } from '@impact/contracts';

/** Codes a {@link LoopError} can carry. */
export type LoopErrorCode =
  /** An initiative failed and `fail_fast` stopped the run. */
  | 'LOOP_STAGE_FAILED'
  /** The allocation stage failed, so nothing can be scaled. */
  | 'LOOP_ALLOCATION_FAILED'
  /** `runLoop` was called with neither `config` nor `configPath`, or with both. */
  | 'LOOP_OPTIONS_INVALID';

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

  constructor(code: LoopErrorCode, message: string, details: LoopErrorDetails = {}) {
    super(code, message, details.cause === undefined ? {} : { cause: details.cause });
    this.initiativeId = details.initiativeId;
    this.stage = details.stage;
    this.phase = details.phase;
  }

  override toJSON(): Record<string, unknown> {
    return {
      ...super.toJSON(),
      ...(this.initiativeId === undefined ? {} : { initiative_id: this.initiativeId }),
      ...(this.stage === undefined ? {} : { stage: this.stage }),
      ...(this.phase === undefined ? {} : { phase: this.phase }),
    };
  }
}
