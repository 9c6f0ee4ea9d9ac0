import { describe, expect, it } from 'vitest';
import { allocate, defineSolver, resolveSolver, type SolverAdapter } from '../../src/index';
import { SOLVERS, seededInstance } from '../helpers';

/** An engine whose LP relaxations work but whose MILP solves always run out of time before a solution. */
const outOfTime = (inner: SolverAdapter): SolverAdapter =>
  defineSolver({
    name: `${inner.name}-out-of-time`,
    solve: async (model) => ({
      status: 'no_solution',
      values: new Float64Array(model.objective.length),
      objective: Number.NaN,
      timeMs: 1,
    }),
    relax: (model, options) => (inner.relax as NonNullable<SolverAdapter['relax']>)(model, options),
  });

describe('a large allocation stopped before the engine finds a portfolio', () => {
  for (const name of SOLVERS) {
    it(`${name}: answers with the rounded LP portfolio, status time_limit and its gap to the LP bound`, async () => {
      const reviews = seededInstance(400, 11);
      const budget = Math.round(reviews.reduce((sum, r) => sum + (r.cost as number), 0) * 0.07);
      const result = await allocate(reviews, {
        budget,
        objective: 'gross',
        confidencePenalty: 'never',
        solver: outOfTime(resolveSolver(name)),
        // Every core goes to the engine (the built-in branch and bound would answer them in time).
        builtinCores: false,
      });
      expect(result.status).toBe('time_limit');
      expect(result.detail.v_star_exact).toBe(false);
      expect(result.total_cost).toBeLessThanOrEqual(budget);
      expect(result.selected_initiatives.length).toBeGreaterThan(0);
      // The reported objective is the portfolio's max regret against the V*_s it reports.
      const regrets = result.detail.regrets as Record<string, number>;
      expect(result.objective_value).toBeCloseTo(Math.max(...Object.values(regrets)), 6);
      // The LP relaxation bounds the minimum from below; the gap is measured against it.
      const bound = result.detail.best_bound as number;
      expect(bound).toBeLessThanOrEqual(result.objective_value);
      expect(result.optimality_gap).toBeCloseTo(
        (result.objective_value - bound) / Math.abs(result.objective_value),
        9,
      );
      expect(result.optimality_gap as number).toBeGreaterThan(0);
      expect((result.detail.tie_break as { complete: boolean }).complete).toBe(false);
    });
  }
});
