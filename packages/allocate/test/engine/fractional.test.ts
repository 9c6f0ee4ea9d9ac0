import { describe, expect, it } from 'vitest';
import { allocate } from '../../src/index';
import { referenceReviews, review, SOLVERS } from '../helpers';

/** Dantzig's greedy solution of the fractional knapsack: fill by value/cost ratio, split the last item. */
function fractionalKnapsack(values: number[], costs: number[], budget: number): number {
  const order = values
    .map((_, i) => i)
    .filter((i) => (values[i] as number) > 0)
    .sort(
      (a, b) => (values[b] as number) / (costs[b] as number) - (values[a] as number) / (costs[a] as number),
    );
  let left = budget;
  let total = 0;
  for (const i of order) {
    const share = Math.min(1, left / (costs[i] as number));
    if (share <= 0) break;
    total += share * (values[i] as number);
    left -= share * (costs[i] as number);
  }
  return total;
}

describe.each(SOLVERS)('fractional funding (LP relaxation) (%s)', (solver) => {
  it('expected return equals the greedy fractional knapsack and allocates money proportionally', async () => {
    const reviews = referenceReviews();
    const result = await allocate(reviews, {
      objective: 'gross',
      budget: 9,
      rule: 'expected_return',
      fractional: true,
      solver,
    });
    // Equal-weight effective returns: A 8.3, B 4.6, C 4.933…, D 3.8, E 4.5.
    const expected = [8.3, 4.6, 4.8 + 2 / 15, 3.8, 4.5];
    const costs = reviews.map((r) => r.cost as number);
    expect(result.objective_value).toBeCloseTo(fractionalKnapsack(expected, costs, 9), 9);
    const allocated = Object.values(result.budget_allocated).reduce((a, b) => a + b, 0);
    expect(allocated).toBeCloseTo(9, 9);
    expect(result.total_cost).toBeCloseTo(allocated, 9);
    const fractions = result.detail.fractions as Record<string, number>;
    for (const id of result.selected_initiatives) {
      const share = fractions[id] as number;
      expect(share).toBeGreaterThan(0);
      expect(share).toBeLessThanOrEqual(1);
      const r = reviews.find((x) => x.id === id);
      expect(result.budget_allocated[id]).toBeCloseTo(share * (r?.cost as number), 9);
      expect(result.predicted_returns[id]).toBeCloseTo(share * (r?.R_med as number), 9);
    }
  });

  it("minimax regret's V*_s are the fractional knapsack optima and regret is no larger than in binary mode", async () => {
    const reviews = referenceReviews();
    const fractional = await allocate(reviews, { objective: 'gross', budget: 10, fractional: true, solver });
    const costs = reviews.map((r) => r.cost as number);
    const best = [13.7, 7.6, 7.6, 4.6, 9];
    const worst = [2, 1, 2, 3, 0];
    const vStar = fractional.detail.v_star as Record<string, number>;
    expect(vStar.best).toBeCloseTo(fractionalKnapsack(best, costs, 10), 9);
    expect(vStar.worst).toBeCloseTo(fractionalKnapsack(worst, costs, 10), 9);
    expect(fractional.total_cost).toBeLessThanOrEqual(10 + 1e-9);
  });

  it('max_selected caps the number of funded initiatives in fractional mode', async () => {
    const reviews = [review('A', 10, 5, 5, 5, 1), review('B', 10, 4, 4, 4, 1), review('C', 10, 3, 3, 3, 1)];
    const result = await allocate(reviews, {
      objective: 'gross',
      budget: 25,
      rule: 'expected_return',
      fractional: true,
      maxSelected: 2,
      solver,
    });
    expect(result.selected_initiatives).toEqual(['A', 'B']);
    expect(result.objective_value).toBeCloseTo(9, 9);
    const open = await allocate(reviews, {
      objective: 'gross',
      budget: 25,
      rule: 'expected_return',
      fractional: true,
      solver,
    });
    expect(open.objective_value).toBeCloseTo(10.5, 9);
  });
});
