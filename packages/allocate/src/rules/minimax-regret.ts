import { SCENARIOS } from '../problem/problem';
import { dot } from './linear';
import { type AllocationRule, defineRule } from './rule';

/**
 * Savage's minimax regret. With `V*_s` the best achievable effective return in scenario s (a knapsack under
 * the same constraints), choose x minimising `θ` subject to `θ ≥ V*_s − Σ_i x_i R_eff[i,s]` for every s.
 * The objective value is the portfolio's maximum regret.
 *
 * @example
 * ```ts
 * await allocate(reviews, { budget: 10, rule: minimaxRegretRule });
 * ```
 */
export const minimaxRegretRule: AllocationRule<undefined> = defineRule<undefined>({
  name: 'minimax_regret',
  objective(problem, _state, context) {
    const n = problem.ids.length;
    return {
      sense: 'min',
      itemCoefficients: new Float64Array(n),
      auxiliary: [{ lower: Number.NEGATIVE_INFINITY, upper: Number.POSITIVE_INFINITY, objective: 1 }],
      // θ + Σ x_i R_eff[i,s] ≥ V*_s
      rows: SCENARIOS.map((_, s) => ({
        itemCoefficients: problem.effectiveReturns[s] ?? new Float64Array(n),
        auxiliaryCoefficients: [1],
        lower: context.scenarioOptima[s] ?? 0,
        upper: Number.POSITIVE_INFINITY,
      })),
    };
  },
  evaluate(problem, _state, selection, context) {
    let worst = Number.NEGATIVE_INFINITY;
    SCENARIOS.forEach((_, s) => {
      const regret = (context.scenarioOptima[s] ?? 0) - dot(problem.effectiveReturns[s] ?? [], selection);
      worst = Math.max(worst, regret);
    });
    return worst;
  },
});
