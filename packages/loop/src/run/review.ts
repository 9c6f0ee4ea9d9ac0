import type { MeasureResult, ReviewResult } from '@impact/contracts';
import { applyCalibration } from '@impact/review';
import { type CycleInput, type PoolEntry, timed } from './cycle-state';

/** REVIEW one initiative's pilot measurement, with the cycle's calibration applied when there is one. */
export async function reviewInitiative(
  input: CycleInput,
  entry: PoolEntry,
  measurement: MeasureResult,
): Promise<ReviewResult> {
  const { initiative } = entry;
  const { calibration } = input;
  return timed(input.emit, 'review', initiative.initiative_id, undefined, async () => {
    const review = await input.stages.review({
      measurement,
      cost: initiative.cost_to_scale,
      valuation: initiative.valuation,
    });
    return calibration === undefined
      ? review
      : applyCalibration(review, calibration, input.reviewRules as Parameters<typeof applyCalibration>[2], {
          method: measurement.method,
        });
  });
}
