import type { AllocationResult, ReviewResult } from '@impact/contracts';
import { isInfrastructureError, LoopError } from '../errors';
import type { InitiativeRun } from '../report/initiative-run';
import { type CycleInput, type CycleState, errorInfo, infrastructureFailure } from './cycle-state';

/** ALLOCATE the budget over the reviewed initiatives (none reviewed: no allocation). */
export async function allocateReviewed(
  input: CycleInput,
  state: CycleState,
): Promise<AllocationResult | undefined> {
  const { config } = input.pipeline;
  const reviewed = state.runs.filter((run) => run.review !== undefined);
  if (reviewed.length === 0) return undefined;
  const t0 = performance.now();
  input.emit({ type: 'stage-start', stage: 'allocate' });
  let allocation: AllocationResult;
  try {
    await decideReviewed(input, reviewed);
    const reviews = reviewed.map((run) => run.review as ReviewResult);
    allocation = await input.stages.allocate(reviews, { budget: config.budget, config: config.allocate });
  } catch (error) {
    input.emit({ type: 'stage-error', stage: 'allocate', ...errorInfo(error) });
    if (isInfrastructureError(error)) throw infrastructureFailure(error, 'allocate');
    throw new LoopError('LOOP_ALLOCATION_FAILED', `allocate failed: ${errorInfo(error).message}`, {
      stage: 'allocate',
      cause: error,
    });
  }
  input.emit({ type: 'stage-end', stage: 'allocate', durationMs: performance.now() - t0 });
  return allocation;
}

/** DECIDE: the decision model turns the reviews into scenarios (whole portfolio at once); runs keep the result. */
async function decideReviewed(input: CycleInput, reviewed: InitiativeRun[]): Promise<void> {
  const decide = input.stages.decide;
  if (decide === undefined) return;
  const items = reviewed.flatMap((run) =>
    run.pilot === undefined || run.review === undefined
      ? []
      : [{ review: run.review, measurement: run.pilot.measurement, valuation: run.valuation }],
  );
  if (items.length !== reviewed.length) return;
  const decided = await decide.call(input.stages, items, {
    ...(input.calibration === undefined ? {} : { calibration: input.calibration }),
    ...(input.evidence === undefined || input.evidence.length === 0 ? {} : { history: input.evidence }),
    ...(input.outcomes === undefined || input.outcomes.length === 0 ? {} : { outcomes: input.outcomes }),
  });
  reviewed.forEach((run, index) => {
    run.review = decided[index] ?? run.review;
  });
}
