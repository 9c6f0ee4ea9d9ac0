import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AllocationError, allocate } from '../../src/index';
import { review, SOLVERS } from '../helpers';

const instance = fc.record({
  items: fc.array(
    fc.record({
      // Money in cents and confidence in hundredths, as reviews produce them.
      cost: fc.integer({ min: 0, max: 100_000 }).map((cents) => cents / 100),
      worst: fc.integer({ min: -10_000, max: 10_000 }).map((cents) => cents / 100),
      up1: fc.integer({ min: 0, max: 20_000 }).map((cents) => cents / 100),
      up2: fc.integer({ min: 0, max: 20_000 }).map((cents) => cents / 100),
      confidence: fc.integer({ min: 0, max: 100 }).map((hundredths) => hundredths / 100),
    }),
    { minLength: 1, maxLength: 30 },
  ),
  budgetShare: fc.double({ min: 0, max: 1, noNaN: true }),
  rule: fc.constantFrom('minimax_regret', 'expected_return', 'maximin'),
  fractional: fc.boolean(),
  maxSelected: fc.option(fc.integer({ min: 0, max: 10 }), { nil: undefined, freq: 2 }),
  mandatoryPick: fc.option(fc.nat(), { nil: undefined, freq: 2 }),
});

describe.each(SOLVERS)('invariants on real-valued instances up to 30 initiatives (%s)', (solver) => {
  it('the budget is never exceeded, mandatory is funded, max_selected holds, and the result meets its contract', async () => {
    await fc.assert(
      fc.asyncProperty(instance, async (raw) => {
        const reviews = raw.items.map((item, i) =>
          review(
            `p${i}`,
            item.cost,
            item.worst + item.up1 + item.up2,
            item.worst + item.up1,
            item.worst,
            item.confidence,
          ),
        );
        const budget = raw.budgetShare * reviews.reduce((sum, r) => sum + (r.cost as number), 0);
        const mandatory = raw.mandatoryPick === undefined ? [] : [`p${raw.mandatoryPick % reviews.length}`];
        try {
          const result = await allocate(reviews, {
            objective: 'gross',
            budget,
            rule: raw.rule,
            fractional: raw.fractional,
            mandatory,
            solver,
            ...(raw.maxSelected === undefined ? {} : { maxSelected: raw.maxSelected }),
          });
          expect(result.total_cost).toBeLessThanOrEqual(budget * (1 + 1e-9) + 1e-9);
          for (const id of mandatory) expect(result.selected_initiatives).toContain(id);
          if (raw.maxSelected !== undefined)
            expect(result.selected_initiatives.length).toBeLessThanOrEqual(raw.maxSelected);
          expect(result.detail.status).toBe('optimal');
        } catch (error) {
          // Only a mandatory initiative that does not fit, or more mandatory than max_selected, may fail.
          expect(error).toBeInstanceOf(AllocationError);
          expect((error as AllocationError).code).toBe('ALLOCATION_INFEASIBLE');
          expect(['budget', 'max_selected']).toContain((error as AllocationError).constraint);
        }
      }),
      { seed: 7, numRuns: 30 },
    );
  });
});
