import { ImpactError, type OutcomeRecord, type PilotEvidence } from '@impact/contracts';
import type { CalibrationTable } from '@impact/review';
import type { InitiativeConfig, LoadedPipeline } from '../config/pipeline-schema';
import { isInfrastructureError, LoopError } from '../errors';
import type { InitiativeFailure, InitiativeRun } from '../report/initiative-run';
import type { LoopPhase, LoopStages } from '../stages/stages';
import type { LoopEvent } from './events';

/** One initiative of a cycle's pool: its configuration (with the restudy pilot when re-studied). */
export interface PoolEntry {
  initiative: InitiativeConfig;
  /** Its index in the pipeline's `initiatives`. */
  index: number;
  restudied: boolean;
}

/** Everything one cycle's stages read: the pipeline, the stage implementations, where to write, the seed. */
export interface CycleInput {
  pipeline: LoadedPipeline;
  stages: LoopStages;
  emit: (event: LoopEvent) => void;
  /** Where this cycle's files are written (inside the run's staging folder). */
  outDir: string;
  /** Where this cycle's files are published when the run commits (named in events). */
  publishDir: string;
  cycle: number;
  seed: number;
  pool: PoolEntry[];
  calibration?: CalibrationTable;
  /** The pilots of earlier cycles (from the history), passed to the decide stage. */
  evidence?: readonly PilotEvidence[];
  /** The scale outcomes of earlier cycles (the history's records), passed to the decide stage. */
  outcomes?: readonly OutcomeRecord[];
  reviewRules?: unknown;
}

/** The code (for typed errors) and message of anything thrown. */
export function errorInfo(error: unknown): { code?: string; message: string } {
  if (error instanceof ImpactError) return { code: error.code, message: error.message };
  return { message: error instanceof Error ? error.message : String(error) };
}

/** A failure of one initiative's stage, carrying what the report records and the original error. */
export class StageFailure extends Error {
  constructor(
    readonly failure: InitiativeFailure,
    readonly original: unknown,
  ) {
    super(failure.message);
  }
}

/**
 * Run one stage of one initiative with `stage-start` / `stage-end` / `stage-error` events; an error becomes a
 * {@link StageFailure} of that initiative.
 */
export async function timed<T>(
  emit: (event: LoopEvent) => void,
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

/** A `LOOP_INFRASTRUCTURE_FAILED` error for an infrastructure failure met in `stage`. */
export function infrastructureFailure(error: unknown, stage: string, initiativeId?: string): LoopError {
  const original = error instanceof StageFailure ? error.original : error;
  const info = errorInfo(original);
  const where = initiativeId === undefined ? stage : `${initiativeId}: ${stage}`;
  return new LoopError(
    'LOOP_INFRASTRUCTURE_FAILED',
    `${where}: the run stopped on an infrastructure failure (not a problem of the initiative): ${info.message}`,
    { stage, ...(initiativeId === undefined ? {} : { initiativeId }), cause: original },
  );
}

/**
 * The initiatives of one cycle as they go through the stages, the first failure under `fail_fast`, and the
 * first infrastructure failure (which always stops the cycle).
 */
export class CycleState {
  readonly runs: InitiativeRun[];
  private stopped: StageFailure | undefined;
  private infrastructure: LoopError | undefined;

  constructor(
    pool: readonly PoolEntry[],
    private readonly failFast: boolean,
  ) {
    this.runs = pool.map(({ initiative, restudied }) => ({
      initiative_id: initiative.initiative_id,
      cost_to_scale: initiative.cost_to_scale,
      valuation: initiative.valuation,
      ...(restudied ? { design: 'restudy' as const } : {}),
    }));
  }

  /** The run record of the pool entry at `index`. */
  run(index: number): InitiativeRun {
    return this.runs[index] as InitiativeRun;
  }

  /** Whether `fail_fast` has stopped the cycle (no new initiative work starts). */
  isStopped(): boolean {
    return this.stopped !== undefined || this.infrastructure !== undefined;
  }

  /**
   * Record a stage failure on its initiative. An infrastructure failure (full disk, I/O error, out of
   * memory) is not the initiative's: it stops the cycle instead. Anything else is a bug of the loop itself
   * and propagates.
   */
  fail(run: InitiativeRun, error: unknown): void {
    if (!(error instanceof StageFailure)) throw error;
    if (isInfrastructureError(error.original)) {
      this.infrastructure ??= infrastructureFailure(error, error.failure.stage, run.initiative_id);
      return;
    }
    run.failure = error.failure;
    if (this.failFast && this.stopped === undefined) this.stopped = error;
  }

  /**
   * Throw `LOOP_INFRASTRUCTURE_FAILED` for an infrastructure failure, or under `fail_fast`
   * `LOOP_STAGE_FAILED` for the first failure.
   */
  throwIfStopped(): void {
    if (this.infrastructure !== undefined) throw this.infrastructure;
    const stopped = this.stopped;
    if (stopped === undefined) return;
    const failed = this.runs.find((run) => run.failure !== undefined);
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
}
