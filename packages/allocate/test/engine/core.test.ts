import type { ReviewResultInput } from '@impact/contracts';
import { describe, expect, it } from 'vitest';
import { type AllocateOptions, allocate, resolveSolver, type SolverAdapter } from '../../src/index';
import { review, SOLVERS } from '../helpers';

/** A seeded instance like the benchmark's: costs 1k–50k, returns scaled to cost with a random spread. */
function instance(n: number, seed: number): ReviewResultInput[] {
  let state = seed >>> 0;
  const random = (): number => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 4294967296;
  };
  return Array.from({ length: n }, (_, i) => {
    const cost = Math.round(1000 + random() * 49_000);
    const med = Math.round(cost * (random() * 2 - 0.3));
    const spread = Math.round(cost * (0.1 + random()));
    const best = med + Math.round(spread * random());
    return review(`k${String(i).padStart(3, '0')}`, cost, best, med, med - spread, 0.5 + random() / 2);
  });
}

/** The same engine without its LP relaxation: the allocator then solves every MILP on the full model. */
const withoutCore = (solver: SolverAdapter): SolverAdapter => ({
  name: solver.name,
  solve: (model, options) => solver.solve(model, options),
  ...(solver.probeFeasibility ? { probeFeasibility: true } : {}),
});

describe('solving on the reduced-cost core', () => {
  const cases: [string, Partial<AllocateOptions>][] = [
    ['minimax regret, 7% budget', { rule: 'minimax_regret' }],
    ['minimax regret, 30% budget', { rule: 'minimax_regret' }],
    ['maximin with max_selected', { rule: 'maximin', maxSelected: 6 }],
    ['expected return with a mandatory initiative', { rule: 'expected_return', mandatory: ['k003'] }],
    ['minimax regret with a worst-case floor', { rule: 'minimax_regret', minWorstCaseReturn: 0 }],
  ];
  for (const name of SOLVERS) {
    it(`${name}: the same portfolio, objective and tie-break as the full model`, async () => {
      const solver = resolveSolver(name);
      let reducedSolves = 0;
      let fullSolves = 0;
      for (const [k, [label, extra]] of cases.entries()) {
        const reviews = instance(40, 100 + k);
        const total = reviews.reduce((sum, r) => sum + (r.cost as number), 0);
        const budget = Math.round(total * (label.includes('7%') ? 0.07 : 0.3));
        const options = { budget, ...extra, objective: 'gross' } as AllocateOptions;
        const core = await allocate(reviews, { ...options, solver });
        const full = await allocate(reviews, { ...options, solver: withoutCore(solver) });
        expect(core.selected_initiatives, label).toEqual(full.selected_initiatives);
        expect(core.objective_value, label).toBeCloseTo(full.objective_value, 6);
        expect(core.detail.status, label).toBe('optimal');
        expect(core.detail.tie_break, label).toEqual(full.detail.tie_break);
        reducedSolves += Number(core.detail.solves);
        fullSolves += Number(full.detail.solves);
      }
      expect(reducedSolves).toBeGreaterThan(fullSolves);
    });
  }
});
