import type { ReviewResult } from '@impact/contracts';
import { describe, expect, it } from 'vitest';
import { createDeterministicReviewer } from '../../src/reviewer/deterministic';
import { reviewAll } from '../../src/reviewer/review-all';
import type { Reviewer } from '../../src/reviewer/reviewer';
import { measurement } from '../helpers';

const inputs = Array.from({ length: 20 }, (_, index) => ({
  measurement: measurement({ initiative_id: `init-${index}`, p_value: index / 20 }),
  cost: index,
}));

describe('reviewAll', () => {
  it('reviews every input and keeps their order', async () => {
    const reviews = await reviewAll(inputs, createDeterministicReviewer(), { concurrency: 3 });
    expect(reviews.map((review) => review.id)).toEqual(
      inputs.map((input) => input.measurement.initiative_id),
    );
    expect(reviews.map((review) => review.cost)).toEqual(inputs.map((input) => input.cost));
  });

  it('never runs more than `concurrency` reviews at once', async () => {
    const inner = createDeterministicReviewer();
    let active = 0;
    let peak = 0;
    const slow: Reviewer = {
      name: 'slow',
      async review(input, options) {
        active += 1;
        peak = Math.max(peak, active);
        await new Promise((resolve) => setTimeout(resolve, 2));
        active -= 1;
        return inner.review(input, options);
      },
    };
    await reviewAll(inputs, slow, { concurrency: 3 });
    expect(peak).toBe(3);
  });

  it('rejects with the first failure', async () => {
    const failing: Reviewer = {
      name: 'failing',
      async review(input): Promise<ReviewResult> {
        throw new Error(`cannot review ${String(input.measurement.initiative_id)}`);
      },
    };
    await expect(reviewAll(inputs, failing)).rejects.toThrow(/cannot review init-0/);
  });

  it('rejects a concurrency below 1', async () => {
    await expect(reviewAll(inputs, createDeterministicReviewer(), { concurrency: 0 })).rejects.toMatchObject({
      code: 'REVIEW_OPTIONS_INVALID',
    });
  });

  it('returns an empty list for no inputs', async () => {
    expect(await reviewAll([], createDeterministicReviewer())).toEqual([]);
  });
});
