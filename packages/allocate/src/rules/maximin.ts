import { SCENARIOS } from '../problem/problem';
import { dot } from './linear';
import { type AllocationRule, defineRule } from './rule';

/**
 * Wald's maximin: maximise the portfolio's worst-case effective return, `t` subject to
 * `t ≤ Σ_i x_i R_eff[i,s]` for every scenario s.
 *
 * @example
 * ```ts
 * await allocate(reviews, { budget: 10, rule: 'maximin' });
 * ```
 */
export const maximinRule: AllocationRule<undefined> = defineRule<undefined>({
  name: 'maximin',
  objective(problem) {
    const n = problem.ids.length;
    return {
      sense: 'max',
      itemCoefficients: new Float64Array(n),
      auxiliary: [{ lower: Number.NEGATIVE_INFINITY, upper: Number.POSITIVE_INFINITY, objective: 1 }],
      // Σ x_i R_eff[i,s] − t ≥ 0
      rows: SCENARIOS.map((_, s) => ({
        itemCoefficients: problem.effectiveReturns[s] ?? new Float64Array(n),
        auxiliaryCoefficients: [-1],
        lower: 0,
        upper: Number.POSITIVE_INFINITY,
      })),
    };
  },
  evaluate(problem, _state, selection) {
    let worst = Number.POSITIVE_INFINITY;
    SCENARIOS.forEach((_, s) => {
      worst = Math.min(worst, dot(problem.effectiveReturns[s] ?? [], selection));
    });
    return worst;
  },
});
