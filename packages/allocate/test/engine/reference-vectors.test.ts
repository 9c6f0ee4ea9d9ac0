import { describe, expect, it } from 'vitest';
import { allocate } from '../../src/index';
import { referenceReviews, SOLVERS } from '../helpers';

// Vectors computed with the Python allocator and verified by enumeration (python-ecosystem.md).
describe.each(SOLVERS)('Python cross-check vectors (%s)', (solver) => {
  it('minimax regret, budget 10, min confidence 0.5, floor 4: A, B, C with V* = 28.9/19.6/5 and regret 0', async () => {
    const result = await allocate(referenceReviews(), {
      objective: 'gross',
      budget: 10,
      minConfidence: 0.5,
      minWorstCaseReturn: 4,
      solver,
    });
    expect(result.selected_initiatives).toEqual(['A', 'B', 'C']);
    expect(result.total_cost).toBe(10);
    expect(result.objective_value).toBeCloseTo(0, 9);
    const vStar = result.detail.v_star as Record<string, number>;
    expect(vStar.best).toBeCloseTo(28.9, 9);
    expect(vStar.med).toBeCloseTo(19.6, 9);
    expect(vStar.worst).toBeCloseTo(5, 9);
    expect(result.detail.excluded_by_confidence).toEqual(['D']);
    expect(result.detail.eligible).toEqual(['A', 'B', 'C', 'E']);
    expect(result.detail.status).toBe('optimal');
    expect(result.detail.solver).toBe(solver);
  });

  it('minimax regret, budget 10, no confidence filter: A, B, C with max regret 2 (V* worst = 7)', async () => {
    const result = await allocate(referenceReviews(), { objective: 'gross', budget: 10, solver });
    expect(result.selected_initiatives).toEqual(['A', 'B', 'C']);
    expect(result.objective_value).toBeCloseTo(2, 9);
    expect((result.detail.v_star as Record<string, number>).worst).toBeCloseTo(7, 9);
    expect((result.detail.regrets as Record<string, number>).worst).toBeCloseTo(2, 9);
  });

  it('minimax regret, budget 5: the {B, D} / {C, D} tie at 1.5 resolves to B, D (equal cost; B sorts before C)', async () => {
    const result = await allocate(referenceReviews(), { objective: 'gross', budget: 5, solver });
    expect(result.objective_value).toBeCloseTo(1.5, 9);
    expect(result.selected_initiatives).toEqual(['B', 'D']);
    expect(result.detail.tie_break).toMatchObject({ complete: true });
    expect((result.detail.tie_break as { candidates: number }).candidates).toBeGreaterThanOrEqual(2);
  });

  it.each([
    [{ best: 1 / 3, med: 1 / 3, worst: 1 / 3 }, 10, ['A', 'B', 'C'], 107 / 6],
    [{ best: 0.1, med: 0.3, worst: 0.6 }, 10, ['A', 'C', 'D'], 12.25],
    [{ best: 0.25, med: 0.5, worst: 0.25 }, 10, ['A', 'B', 'C'], 18.275],
    [{ best: 1 / 3, med: 1 / 3, worst: 1 / 3 }, 5, ['C', 'D'], 26.2 / 3],
  ])(
    'expected return with weights %o and budget %d selects %o (objective %d)',
    async (weights, budget, selected, objective) => {
      const result = await allocate(referenceReviews(), {
        objective: 'gross',
        budget,
        rule: 'expected_return',
        scenarioWeights: weights,
        solver,
      });
      expect(result.selected_initiatives).toEqual(selected);
      expect(result.objective_value).toBeCloseTo(objective, 9);
      expect(result.rule).toBe('expected_return');
    },
  );

  it('expected return defaults to equal (Laplace) weights', async () => {
    const result = await allocate(referenceReviews(), {
      objective: 'gross',
      budget: 10,
      rule: 'expected_return',
      solver,
    });
    expect(result.objective_value).toBeCloseTo(107 / 6, 9);
  });
});
