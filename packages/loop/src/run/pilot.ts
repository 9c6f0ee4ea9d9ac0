import type { MeasureResult, ReviewResult } from '@impact/contracts';
import { adjustForMultipleTesting, type MultipleTestingMethod } from '@impact/review';
import { mapWithConcurrency } from './concurrency';
import type { CycleInput, CycleState } from './cycle-state';
import { runPhase } from './phase';
import { reviewInitiative } from './review';

/** The cycle's `review.multiple_testing` (validated with the review section; `none` when absent). */
function multipleTestingOf(input: CycleInput): MultipleTestingMethod {
  const review = input.pipeline.config.review as { multiple_testing?: MultipleTestingMethod } | undefined;
  return review?.multiple_testing ?? 'none';
}

/**
 * MEASURE (pilot) → REVIEW for every initiative of the pool, up to `concurrency` at a time. A failing
 * initiative is recorded on its run; under `fail_fast` no new initiative starts after the first failure.
 *
 * With `review.multiple_testing: holm | bh` the cycle's initiatives are one family: every pilot is measured
 * first, the p-values of those measured are adjusted together (`adjustForMultipleTesting`), and each review
 * sees its adjusted p-value and carries a `MULTIPLE_TESTING` flag with both values. An initiative whose
 * pilot failed is not part of the family.
 */
export async function runPilots(input: CycleInput, state: CycleState): Promise<void> {
  const method = multipleTestingOf(input);
  const { concurrency } = input.pipeline.config;
  const measured: number[] = [];
  // Without a family correction each initiative is reviewed as soon as its pilot is measured.
  await mapWithConcurrency(
    input.pool,
    concurrency,
    async (entry, index) => {
      const run = state.run(index);
      try {
        run.pilot = await runPhase(input, entry, 'pilot');
        if (method === 'none') run.review = await reviewInitiative(input, entry, run.pilot.measurement);
        else measured.push(index);
      } catch (error) {
        state.fail(run, error);
      }
    },
    () => state.isStopped(),
  );
  if (method === 'none' || state.isStopped()) return;
  measured.sort((a, b) => a - b);
  const family = measured.map((index) => {
    const { initiative } = input.pool[index] as (typeof input.pool)[number];
    return {
      measurement: state.run(index).pilot?.measurement as MeasureResult,
      cost: initiative.cost_to_scale,
      valuation: initiative.valuation,
    };
  });
  const { adjusted, flags } = adjustForMultipleTesting(family, method);
  await mapWithConcurrency(
    measured,
    concurrency,
    async (index, position) => {
      const run = state.run(index);
      try {
        const review: ReviewResult = await reviewInitiative(
          input,
          input.pool[index] as (typeof input.pool)[number],
          // The adjusted copy of a parsed MeasureResult (only p_value and diagnostics differ).
          (adjusted[position] as (typeof adjusted)[number]).measurement as MeasureResult,
        );
        const flag = flags[position];
        run.review = flag === undefined ? review : { ...review, flags: [...review.flags, flag] };
      } catch (error) {
        state.fail(run, error);
      }
    },
    () => state.isStopped(),
  );
}
