import { SCENARIOS } from '../problem/problem';
import { dot } from './linear';
import { type AllocationRule, defineRule } from './rule';

function expectedReturns(problem: Parameters<AllocationRule['evaluate']>[0]): Float64Array {
  const n = problem.ids.length;
  const expected = new Float64Array(n);
  SCENARIOS.forEach((scenario, s) => {
    const weight = problem.scenarioWeights[scenario];
    const column = problem.effectiveReturns[s];
    for (let i = 0; i < n; i++) expected[i] = (expected[i] ?? 0) + weight * (column?.[i] ?? 0);
  });
  return expected;
}

/**
 * Bayesian expected return: maximise `Σ_i x_i Σ_s w_s R_eff[i,s]` with scenario weights summing to 1
 * (`scenarioWeights`; equal weights, the default, are Laplace's rule of insufficient reason).
 *
 * @example
 * ```ts
 * await allocate(reviews, { budget: 10, rule: 'expected_return', scenarioWeights: { best: 0.25, med: 0.5, worst: 0.25 } });
 * ```
 */
export const expectedReturnRule: AllocationRule<undefined> = defineRule<undefined>({
  name: 'expected_return',
  objective(problem) {
    return { sense: 'max', itemCoefficients: expectedReturns(problem) };
  },
  evaluate(problem, _state, selection) {
    return dot(expectedReturns(problem), selection);
  },
  detail(problem) {
    return { scenario_weights: { ...problem.scenarioWeights } };
  },
});
