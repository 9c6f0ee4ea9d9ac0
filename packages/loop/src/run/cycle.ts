import type { OutcomeReport } from '@impact/contracts';
import type { LoopRun } from '../report/initiative-run';
import { allocateReviewed } from './allocate';
import { type CycleInput, CycleState } from './cycle-state';
import { runPilots } from './pilot';
import { writeCycleReports } from './report';
import { runHindsight, runScale } from './scale';

/**
 * One cycle of the loop, stage by stage: pilot → review ({@link runPilots}), allocate
 * ({@link allocateReviewed}), scale and hindsight ({@link runScale}, {@link runHindsight}), report
 * ({@link writeCycleReports}).
 */
export async function runCycle(input: CycleInput): Promise<{ run: LoopRun; report: OutcomeReport }> {
  const started = performance.now();
  const timings: Record<string, number> = {};
  const state = new CycleState(input.pool, input.pipeline.config.fail_fast);
  input.emit({ type: 'run-start', initiatives: state.runs.map((run) => run.initiative_id) });

  let t0 = performance.now();
  await runPilots(input, state);
  timings.pilot_and_review = performance.now() - t0;
  state.throwIfStopped();

  t0 = performance.now();
  const allocation = await allocateReviewed(input, state);
  if (allocation !== undefined) timings.allocate = performance.now() - t0;

  t0 = performance.now();
  await runScale(input, state, allocation);
  timings.scale = performance.now() - t0;
  state.throwIfStopped();

  t0 = performance.now();
  await runHindsight(input, state);
  timings.hindsight = performance.now() - t0;

  return writeCycleReports(input, state, allocation, timings, started);
}
