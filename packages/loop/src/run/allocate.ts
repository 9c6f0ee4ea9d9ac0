import type { AllocationResult, ReviewResult } from '@impact/contracts';
import { isInfrastructureError, LoopError } from '../errors';
import { type CycleInput, type CycleState, errorInfo, infrastructureFailure } from './cycle-state';

/** ALLOCATE the budget over the reviewed initiatives (none reviewed: no allocation). */
export async function allocateReviewed(
  input: CycleInput,
  state: CycleState,
): Promise<AllocationResult | undefined> {
  const { config } = input.pipeline;
  const reviews = state.runs.flatMap((run) => (run.review === undefined ? [] : [run.review as ReviewResult]));
  if (reviews.length === 0) return undefined;
  const t0 = performance.now();
  input.emit({ type: 'stage-start', stage: 'allocate' });
  let allocation: AllocationResult;
  try {
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
