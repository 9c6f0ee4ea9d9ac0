import type { LoopPhase } from '../stages/stages';

/** The stages a run reports progress for. */
export type LoopStageName = 'simulate' | 'measure' | 'review' | 'allocate' | 'report';

/**
 * Progress of a run, delivered to `runLoop({ onEvent })` as it happens (the CLI draws its progress display
 * from these). Durations are wall-clock milliseconds.
 *
 * @example
 * ```ts
 * await runLoop({ configPath, outDir, onEvent: (event) => { if (event.type === 'stage-error') console.error(event.message) } });
 * ```
 */
export type LoopEvent =
  | { type: 'run-start'; initiatives: string[] }
  | { type: 'stage-start'; stage: LoopStageName; initiativeId?: string; phase?: LoopPhase }
  | { type: 'stage-end'; stage: LoopStageName; initiativeId?: string; phase?: LoopPhase; durationMs: number }
  | {
      type: 'stage-error';
      stage: LoopStageName;
      initiativeId?: string;
      phase?: LoopPhase;
      code?: string;
      message: string;
    }
  | { type: 'run-end'; durationMs: number; failed: number; files: string[] };
