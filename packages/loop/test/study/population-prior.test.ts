import { describe, expect, it } from 'vitest';
import { POPULATION_PRIOR_POLICY, withPopulationPrior } from '../../src/index';
import { detail, world } from '../helpers/world-outcomes';

describe('withPopulationPrior', () => {
  it('shrinks each pilot toward the other worlds’ true returns (leave one world out) and funds the best knapsack', () => {
    // Other worlds' true returns for world 1: 100, 300 → prior mean 200, variance 20,000 (n − 1 divisor).
    const worlds = [
      world(1, 50, [detail('a', 40, 1000, 100, 5_000), detail('b', 30, 100, 1e9, -7_000)]),
      world(2, 50, [detail('c', 10, 100, 0, 100), detail('d', 10, 300, 0, 300)]),
    ];
    const [first, second] = withPopulationPrior(worlds);
    const outcome = first?.outcomes.find((entry) => entry.policy === POPULATION_PRIOR_POLICY);
    // a: weight 20,000 / (20,000 + 100²) = 2/3 → 200 + (2/3)·800 = 733.3, net 693.3; b: prior mean 200, net 170.
    // Only one fits the budget of 50: a.
    expect(outcome?.funded).toEqual(['a']);
    expect(outcome?.trueNetReturn).toBe(5_000 - 40);
    expect(outcome?.overPromise).toBeCloseTo(200 + (2 / 3) * 800 - 5_000, 9);
    expect(outcome?.fundedNegativeTrue).toBe(0);
    // Listed before the oracle; the other outcomes are untouched.
    expect(first?.outcomes.map((entry) => entry.policy)).toEqual([
      'naive_ratio',
      POPULATION_PRIOR_POLICY,
      'oracle',
    ]);
    // World 2 pilots are exact (SE 0): its policy funds both, whatever the prior.
    expect(second?.outcomes.find((entry) => entry.policy === POPULATION_PRIOR_POLICY)?.funded.sort()).toEqual(
      ['c', 'd'],
    );
    // Idempotent: applying it again replaces the row rather than adding one.
    expect(withPopulationPrior(withPopulationPrior(worlds))).toEqual(withPopulationPrior(worlds));
  });
});
