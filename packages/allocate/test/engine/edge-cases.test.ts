import { describe, expect, it } from 'vitest';
import { allocate } from '../../src/index';
import { referenceReviews, review, SOLVERS } from '../helpers';

describe.each(SOLVERS)('edge cases that broke the Python allocator (%s)', (solver) => {
  it('every R_worst = 0: V*_worst is 0 and the allocation succeeds', async () => {
    const reviews = [
      review('A', 4, 15, 10, 0, 0.9),
      review('B', 3, 12, 8, 0, 0.6),
      review('C', 3, 9, 6, 0, 0.8),
    ];
    for (const rule of ['minimax_regret', 'expected_return', 'maximin']) {
      const result = await allocate(reviews, { objective: 'gross', budget: 7, rule, solver });
      expect((result.detail.v_star as Record<string, number>).worst).toBe(0);
      expect(result.total_cost).toBeLessThanOrEqual(7);
    }
    const maximin = await allocate(reviews, { objective: 'gross', budget: 7, rule: 'maximin', solver });
    expect(maximin.objective_value).toBe(0);
    // Every portfolio has worst case 0: the tie goes to the cheapest, the empty one.
    expect(maximin.selected_initiatives).toEqual([]);
  });

  it("ids differing only in '-' and '_' stay distinct initiatives", async () => {
    const reviews = [
      review('new-search', 3, 10, 9, 8, 1),
      review('new_search', 3, 5, 4, 3, 1),
      review('new-search2', 5, 1, 1, 1, 1),
    ];
    const result = await allocate(reviews, {
      objective: 'gross',
      budget: 6,
      rule: 'expected_return',
      solver,
    });
    expect(result.selected_initiatives).toEqual(['new-search', 'new_search']);
    expect(result.predicted_returns).toEqual({ 'new-search': 9, new_search: 4 });
    const one = await allocate(reviews, { objective: 'gross', budget: 3, rule: 'expected_return', solver });
    expect(one.selected_initiatives).toEqual(['new-search']);
  });

  it('results do not depend on the order of the reviews', async () => {
    const forward = await allocate(referenceReviews(), { objective: 'gross', budget: 5, solver });
    const backward = await allocate(referenceReviews().reverse(), { objective: 'gross', budget: 5, solver });
    expect(backward).toEqual({
      ...forward,
      detail: {
        ...forward.detail,
        solve_time_ms: backward.detail.solve_time_ms,
        solver_time_ms: backward.detail.solver_time_ms,
      },
    });
  });

  it('no eligible initiative: nothing selected, objective 0, reasons reported', async () => {
    const result = await allocate(referenceReviews(), {
      objective: 'gross',
      budget: 10,
      minConfidence: 0.95,
      solver,
    });
    expect(result.selected_initiatives).toEqual([]);
    expect(result.objective_value).toBe(0);
    expect(result.detail.excluded_by_confidence).toEqual(['A', 'B', 'C', 'D', 'E']);
  });

  it('budget 0 funds only free initiatives', async () => {
    const reviews = [...referenceReviews(), review('F', 0, 2, 1, 1, 1)];
    const result = await allocate(reviews, {
      objective: 'gross',
      budget: 0,
      rule: 'expected_return',
      solver,
    });
    expect(result.selected_initiatives).toEqual(['F']);
    expect(result.total_cost).toBe(0);
  });

  it('mandatory, excluded and max_selected shape the portfolio', async () => {
    const result = await allocate(referenceReviews(), {
      objective: 'gross',
      budget: 10,
      mandatory: ['E'],
      excluded: ['A'],
      maxSelected: 2,
      rule: 'expected_return',
      solver,
    });
    expect(result.selected_initiatives).toContain('E');
    expect(result.selected_initiatives).not.toContain('A');
    expect(result.selected_initiatives.length).toBeLessThanOrEqual(2);
    expect(result.detail.excluded).toEqual(['A']);
    expect(result.detail.mandatory).toEqual(['E']);
  });

  it('reports the contract fields: predicted return = R_med, budget allocated = cost', async () => {
    const result = await allocate(referenceReviews(), { objective: 'gross', budget: 10, solver });
    expect(result.predicted_returns).toEqual({ A: 10, B: 8, C: 6 });
    expect(result.budget_allocated).toEqual({ A: 4, B: 3, C: 3 });
    expect(result.budget).toBe(10);
    expect(result.rule).toBe('minimax_regret');
    expect(typeof result.detail.solve_time_ms).toBe('number');
  });
});
