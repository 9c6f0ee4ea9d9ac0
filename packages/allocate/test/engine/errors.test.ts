import { describe, expect, it } from 'vitest';
import { AllocationError, allocate } from '../../src/index';
import { referenceReviews, review } from '../helpers';

const solver = 'highs';

async function rejection(promise: Promise<unknown>): Promise<AllocationError> {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(AllocationError);
  return error as AllocationError;
}

describe('input errors', () => {
  it('rejects empty input with ALLOCATION_EMPTY_INPUT', async () => {
    const error = await rejection(allocate([], { objective: 'gross', budget: 10, solver }));
    expect(error.code).toBe('ALLOCATION_EMPTY_INPUT');
  });

  it('rejects duplicate ids, naming both positions (the Python allocator shared one variable)', async () => {
    const reviews = [...referenceReviews(), review('B', 1, 3, 2, 1, 0.5)];
    const error = await rejection(allocate(reviews, { objective: 'gross', budget: 10, solver }));
    expect(error.code).toBe('ALLOCATION_DUPLICATE_ID');
    expect(error.message).toContain('reviews[5].id');
    expect(error.message).toContain('reviews[1]');
    expect(error.initiativeId).toBe('B');
  });

  it('rejects a negative cost, naming the field and the value', async () => {
    const reviews = [review('A', 4, 15, 10, 2, 0.9), review('B', -3, 12, 8, 1, 0.6)];
    const error = await rejection(allocate(reviews, { objective: 'gross', budget: 10, solver }));
    expect(error.code).toBe('ALLOCATION_INVALID_COST');
    expect(error.field).toBe('reviews[1].cost');
    expect(error.message).toContain('got -3');
  });

  it.each([
    ['cost', Number.NaN, 'ALLOCATION_INVALID_COST'],
    ['cost', Number.POSITIVE_INFINITY, 'ALLOCATION_INVALID_COST'],
    ['R_best', Number.POSITIVE_INFINITY, 'ALLOCATION_INVALID_RETURN'],
    ['R_worst', Number.NaN, 'ALLOCATION_INVALID_RETURN'],
    ['confidence', 1.5, 'ALLOCATION_INVALID_CONFIDENCE'],
  ] as const)('rejects %s = %d with %s', async (field, value, code) => {
    const reviews = referenceReviews();
    (reviews[2] as unknown as Record<string, unknown>)[field] = value;
    const error = await rejection(allocate(reviews, { objective: 'gross', budget: 10, solver }));
    expect(error.code).toBe(code);
    expect(error.field).toBe(`reviews[2].${field}`);
  });

  it('rejects R_worst > R_best with ALLOCATION_SCENARIO_ORDER', async () => {
    const reviews = [review('A', 4, 2, 2, 2, 0.9)];
    reviews[0] = { ...reviews[0], R_worst: 5 } as (typeof reviews)[0];
    const error = await rejection(allocate(reviews, { objective: 'gross', budget: 10, solver }));
    expect(error.code).toBe('ALLOCATION_SCENARIO_ORDER');
    expect(error.message).toContain('R_worst 5');
  });

  it('wraps other contract violations as ALLOCATION_INVALID_REVIEW', async () => {
    const reviews = referenceReviews();
    (reviews[0] as unknown as Record<string, unknown>).model_type = 'astrology';
    const error = await rejection(allocate(reviews, { objective: 'gross', budget: 10, solver }));
    expect(error.code).toBe('ALLOCATION_INVALID_REVIEW');
    expect(error.field).toBe('reviews[0].model_type');
  });

  it.each([
    [{ budget: -1 }, 'budget'],
    [{ budget: Number.NaN }, 'budget'],
    [{ budget: 10, maxSelected: 1.5 }, 'maxSelected'],
    [{ budget: 10, scenarioWeights: { best: 0.5, med: 0.5, worst: 0.5 } }, 'scenarioWeights'],
    [{ budget: 10, scenarioWeights: { best: 1 } as never }, 'scenarioWeights.med'],
  ])('rejects options %o naming %s', async (options, field) => {
    const error = await rejection(allocate(referenceReviews(), { objective: 'gross', ...options, solver }));
    expect(error.code).toBe('ALLOCATION_INVALID_OPTIONS');
    expect(error.message).toContain(field);
  });

  it('rejects unknown ids in mandatory and excluded', async () => {
    const error = await rejection(
      allocate(referenceReviews(), { objective: 'gross', budget: 10, mandatory: ['Z'], solver }),
    );
    expect(error.code).toBe('ALLOCATION_UNKNOWN_ID');
    expect(error.initiativeId).toBe('Z');
    const excluded = await rejection(
      allocate(referenceReviews(), { objective: 'gross', budget: 10, excluded: ['Q'], solver }),
    );
    expect(excluded.field).toBe('excluded');
  });

  it('rejects an unknown rule and an unknown solver, listing the known names', async () => {
    const rule = await rejection(
      allocate(referenceReviews(), { objective: 'gross', budget: 10, rule: 'hurwicz', solver }),
    );
    expect(rule.code).toBe('ALLOCATION_UNKNOWN_RULE');
    expect(rule.message).toContain('"minimax_regret"');
    const engine = await rejection(
      allocate(referenceReviews(), { objective: 'gross', budget: 10, solver: 'cplex' }),
    );
    expect(engine.code).toBe('ALLOCATION_UNKNOWN_SOLVER');
    expect(engine.message).toContain('"highs"');
  });
});

describe('infeasible constraints name the constraint and select nothing', () => {
  it('mandatory initiatives over budget', async () => {
    const error = await rejection(
      allocate(referenceReviews(), { objective: 'gross', budget: 8, mandatory: ['A', 'E'], solver }),
    );
    expect(error.code).toBe('ALLOCATION_INFEASIBLE');
    expect(error.constraint).toBe('budget');
    expect(error.message).toBe('infeasible: the mandatory initiatives (A, E) cost 9, more than the budget 8');
  });

  it('an initiative both mandatory and excluded', async () => {
    const error = await rejection(
      allocate(referenceReviews(), {
        objective: 'gross',
        budget: 10,
        mandatory: ['A'],
        excluded: ['A'],
        solver,
      }),
    );
    expect(error.constraint).toBe('mandatory_excluded');
  });

  it('a mandatory initiative below the minimum confidence', async () => {
    const error = await rejection(
      allocate(referenceReviews(), {
        objective: 'gross',
        budget: 10,
        mandatory: ['D'],
        minConfidence: 0.5,
        solver,
      }),
    );
    expect(error.constraint).toBe('min_confidence');
    expect(error.message).toContain('confidence 0.4, below min_confidence 0.5');
  });

  it('more mandatory initiatives than max_selected', async () => {
    const error = await rejection(
      allocate(referenceReviews(), {
        objective: 'gross',
        budget: 10,
        mandatory: ['A', 'B'],
        maxSelected: 1,
        solver,
      }),
    );
    expect(error.constraint).toBe('max_selected');
  });

  it.each(['minimax_regret', 'expected_return', 'maximin'])(
    'an unreachable worst-case floor (%s) reports the best reachable worst case (7 at budget 10)',
    async (rule) => {
      const error = await rejection(
        allocate(referenceReviews(), { objective: 'gross', budget: 10, minWorstCaseReturn: 8, rule, solver }),
      );
      expect(error.code).toBe('ALLOCATION_INFEASIBLE');
      expect(error.constraint).toBe('min_worst_case_return');
      expect(error.message).toContain('is 7');
    },
  );

  it('a positive floor with no eligible initiative', async () => {
    const error = await rejection(
      allocate(referenceReviews(), {
        objective: 'gross',
        budget: 10,
        minConfidence: 1,
        minWorstCaseReturn: 1,
        solver,
      }),
    );
    expect(error.constraint).toBe('min_worst_case_return');
  });
});
