import { describe, expect, it } from 'vitest';
import { AllocationError, allocate } from '../../src/index';
import { referenceReviews } from '../helpers';

describe('allocate() options are strict', () => {
  it.each([
    ['scenario_weights', { best: 0.1, med: 0.3, worst: 0.6 }],
    ['min_confidence', 0.5],
    ['budgetLimit', 10],
  ])('rejects the unknown key %s naming it instead of ignoring it', async (key, value) => {
    const options = { budget: 100, rule: 'expected_return', [key]: value };
    const error = await allocate(referenceReviews(), options as never).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AllocationError);
    expect((error as AllocationError).code).toBe('ALLOCATION_INVALID_OPTIONS');
    expect((error as AllocationError).message).toContain(key);
  });
});
