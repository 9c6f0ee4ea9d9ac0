import { describe, expect, it } from 'vitest';
import { copyBasis, solveDenseLp } from '../../src/engine/simplex';

function generator(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 4294967296;
  };
}

/** The fractional knapsack optimum by the greedy ratio rule (Dantzig's closed form). */
function greedy(values: number[], costs: number[], budget: number): number {
  const order = values
    .map((_, j) => j)
    .sort(
      (a, b) => (values[b] as number) / (costs[b] as number) - (values[a] as number) / (costs[a] as number),
    );
  let room = budget;
  let total = 0;
  for (const j of order) {
    if ((values[j] as number) <= 0 || room <= 0) continue;
    const share = Math.min(1, room / (costs[j] as number));
    total += share * (values[j] as number);
    room -= share * (costs[j] as number);
  }
  return total;
}

describe('solveDenseLp', () => {
  it('equals the greedy closed form on 200 random fractional knapsacks', () => {
    const random = generator(31);
    for (let trial = 0; trial < 200; trial++) {
      const k = 1 + Math.floor(random() * 60);
      const costs = Array.from({ length: k }, () => 1 + random() * 50);
      const values = Array.from({ length: k }, () => (random() * 2 - 0.5) * 40);
      const budget = costs.reduce((a, b) => a + b, 0) * random();
      const lp = solveDenseLp({
        cost: values.map((v) => -v),
        columnLower: costs.map(() => 0),
        columnUpper: costs.map(() => 1),
        rows: [
          { indices: costs.map((_, j) => j), values: costs, lower: Number.NEGATIVE_INFINITY, upper: budget },
        ],
      });
      expect(lp.status).toBe('optimal');
      expect(-lp.objective).toBeCloseTo(greedy(values, costs, budget), 8);
    }
  });

  it('reports infeasible and unbounded LPs', () => {
    const infeasible = solveDenseLp({
      cost: [1, 1],
      columnLower: [0, 0],
      columnUpper: [1, 1],
      rows: [{ indices: [0, 1], values: [1, 1], lower: 3, upper: Number.POSITIVE_INFINITY }],
    });
    expect(infeasible.status).toBe('infeasible');
    const unbounded = solveDenseLp({
      cost: [-1, 0],
      columnLower: [0, 0],
      columnUpper: [Number.POSITIVE_INFINITY, 1],
      rows: [
        {
          indices: [0, 1],
          values: [1, -1],
          lower: Number.NEGATIVE_INFINITY,
          upper: Number.POSITIVE_INFINITY,
        },
      ],
    });
    expect(unbounded.status).toBe('unbounded');
  });

  it('solves min θ with θ free (minimax regret relaxation): θ = max_s(V_s − R_s·x) at the optimum', () => {
    const lp = solveDenseLp({
      cost: [0, 0, 1],
      columnLower: [0, 0, Number.NEGATIVE_INFINITY],
      columnUpper: [1, 1, Number.POSITIVE_INFINITY],
      rows: [
        { indices: [0, 1], values: [1, 1], lower: Number.NEGATIVE_INFINITY, upper: 1 },
        { indices: [0, 1, 2], values: [4, 0, 1], lower: 4, upper: Number.POSITIVE_INFINITY },
        { indices: [0, 1, 2], values: [0, 2, 1], lower: 2, upper: Number.POSITIVE_INFINITY },
      ],
    });
    // θ = max(4 − 4a, 2 − 2b) with a + b ≤ 1: at b = 1 − a the two are equal when 4 − 4a = 2a,
    // a = 2/3, θ = 4/3.
    expect(lp.status).toBe('optimal');
    expect(lp.objective).toBeCloseTo(4 / 3, 12);
    expect(lp.x[0]).toBeCloseTo(2 / 3, 12);
    expect(lp.x[1]).toBeCloseTo(1 / 3, 12);
  });

  it('a warm start after tightening a bound gives the cold-start optimum', () => {
    const random = generator(8);
    for (let trial = 0; trial < 100; trial++) {
      const k = 2 + Math.floor(random() * 30);
      const columns = Array.from({ length: k }, (_, j) => j);
      const rows = [0, 1, 2].map((r) => ({
        indices: columns,
        values: columns.map(() => (r === 0 ? 1 + random() * 20 : (random() * 2 - 0.5) * 10)),
        lower: r === 0 ? Number.NEGATIVE_INFINITY : -random() * 20,
        upper: r === 0 ? 5 + random() * 50 : Number.POSITIVE_INFINITY,
      }));
      const lp = {
        cost: columns.map(() => (random() * 2 - 1) * 10),
        columnLower: columns.map(() => 0),
        columnUpper: columns.map(() => 1),
        rows,
      };
      const parent = solveDenseLp(lp);
      if (parent.status !== 'optimal') continue;
      const j = Math.floor(random() * k);
      const upper = Float64Array.from(lp.columnUpper);
      const lower = Float64Array.from(lp.columnLower);
      if ((parent.x[j] as number) > 0.5) upper[j] = 0;
      else lower[j] = 1;
      const child = { ...lp, columnLower: lower, columnUpper: upper };
      const cold = solveDenseLp(child);
      const warm = solveDenseLp(child, copyBasis(parent.basis));
      expect(warm.status).toBe(cold.status);
      if (cold.status === 'optimal') expect(warm.objective).toBeCloseTo(cold.objective, 9);
    }
  });
});
