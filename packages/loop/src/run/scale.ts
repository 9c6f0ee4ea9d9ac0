import type { AllocationResult } from '@impact/contracts';
import { mapWithConcurrency } from './concurrency';
import type { CycleInput, CycleState } from './cycle-state';
import { runPhase } from './phase';
import { phaseConfigs } from './phase-config';

/** MEASURE (scale) for the funded initiatives, up to `concurrency` at a time. */
export async function runScale(
  input: CycleInput,
  state: CycleState,
  allocation: AllocationResult | undefined,
): Promise<void> {
  const funded = new Set(allocation?.selected_initiatives ?? []);
  const toScale = input.pool
    .map((entry, index) => ({ entry, index }))
    .filter(({ entry }) => funded.has(entry.initiative.initiative_id));
  await mapWithConcurrency(
    toScale,
    input.pipeline.config.concurrency,
    async ({ entry, index }) => {
      const run = state.run(index);
      try {
        run.scale = await runPhase(input, entry, 'scale');
      } catch (error) {
        state.fail(run, error);
      }
    },
    () => state.isStopped(),
  );
}

/**
 * HINDSIGHT: the true scale effect of every reviewed initiative that was not scaled (simulated data only),
 * from its scale world simulated with the seed its scale run would have used. No measurement.
 */
export async function runHindsight(input: CycleInput, state: CycleState): Promise<void> {
  await mapWithConcurrency(input.pool, input.pipeline.config.concurrency, async (entry, index) => {
    const run = state.run(index);
    if (run.review === undefined || run.scale !== undefined || run.failure !== undefined) return;
    try {
      const { simulationConfig } = phaseConfigs(input, entry, 'scale');
      if (simulationConfig === undefined) return;
      const world = await input.stages.simulate({
        initiativeId: entry.initiative.initiative_id,
        phase: 'scale',
        config: simulationConfig,
      });
      const truth = world.truth?.[run.pilot?.measurement.metric ?? ''];
      if (truth === undefined || run.pilot === undefined) return;
      run.hindsight_true_effect =
        run.pilot.measurement.effect_unit === 'relative' ? truth.att_relative : truth.att_absolute;
    } catch {
      // Without the truth the cycle's regret is unknown (null); the run itself is unaffected.
    }
  });
}
