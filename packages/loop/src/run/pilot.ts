import { mapWithConcurrency } from './concurrency';
import type { CycleInput, CycleState } from './cycle-state';
import { runPhase } from './phase';
import { reviewInitiative } from './review';

/**
 * MEASURE (pilot) → REVIEW for every initiative of the pool, up to `concurrency` at a time. A failing
 * initiative is recorded on its run; under `fail_fast` no new initiative starts after the first failure.
 */
export async function runPilots(input: CycleInput, state: CycleState): Promise<void> {
  await mapWithConcurrency(
    input.pool,
    input.pipeline.config.concurrency,
    async (entry, index) => {
      const run = state.run(index);
      try {
        run.pilot = await runPhase(input, entry, 'pilot');
        run.review = await reviewInitiative(input, entry, run.pilot.measurement);
      } catch (error) {
        state.fail(run, error);
      }
    },
    () => state.isStopped(),
  );
}
