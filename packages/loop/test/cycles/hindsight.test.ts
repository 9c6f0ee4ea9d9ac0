import { describe, expect, it } from 'vitest';
import { type HindsightItem, hindsightOptimum } from '../../src/index';

function lcg(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

/** Exhaustive search over all 2^n subsets: the reference. */
function bruteForce(items: readonly HindsightItem[], budget: number): number {
  let best = 0;
  for (let mask = 0; mask < 1 << items.length; mask++) {
    let cost = 0;
    let value = 0;
    items.forEach((item, k) => {
      if (mask & (1 << k)) {
        cost += item.cost;
        value += item.value;
      }
    });
    if (cost <= budget + 1e-9 && value > best) best = value;
  }
  return best;
}

describe('hindsightOptimum', () => {
  it('solves the example where the best ratio item is not in the optimum', () => {
    const items = [
      { id: 'a', cost: 6, value: 10 },
      { id: 'b', cost: 5, value: 7 },
      { id: 'c', cost: 5, value: 7 },
    ];
    expect(hindsightOptimum(items, 10)).toEqual({ selected: ['b', 'c'], value: 14, cost: 10 });
  });

  it('never funds items with a non-positive value and returns nothing for an empty list', () => {
    expect(hindsightOptimum([{ id: 'a', cost: 1, value: -3 }], 10)).toEqual({
      selected: [],
      value: 0,
      cost: 0,
    });
    expect(hindsightOptimum([], 10)).toEqual({ selected: [], value: 0, cost: 0 });
  });

  it('matches exhaustive search on 200 random instances', () => {
    const random = lcg(11);
    for (let trial = 0; trial < 200; trial++) {
      const n = 1 + Math.floor(random() * 11);
      const items = Array.from({ length: n }, (_, k) => ({
        id: `i${k}`,
        cost: Math.round(random() * 50 * 100) / 100,
        value: Math.round((random() * 60 - 10) * 100) / 100,
      }));
      const budget = Math.round(random() * 120);
      const result = hindsightOptimum(items, budget);
      expect(result.value).toBeCloseTo(bruteForce(items, budget), 9);
      expect(result.cost).toBeLessThanOrEqual(budget + 1e-9);
      const chosen = items.filter((item) => result.selected.includes(item.id));
      expect(chosen.reduce((sum, item) => sum + item.value, 0)).toBeCloseTo(result.value, 9);
    }
  });
});
