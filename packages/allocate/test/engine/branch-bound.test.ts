import { describe, expect, it } from 'vitest';
import { fitsBuiltin, solveSmallMilp } from '../../src/engine/branch-bound';
import type { MilpModel, MilpRow } from '../../src/index';

/** A seeded LCG, so every run checks the same models. */
function generator(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 4294967296;
  };
}

const all = (k: number): number[] => Array.from({ length: k }, (_, j) => j);

interface Instance {
  model: MilpModel;
  /** The objective of a 0/1 point over the binaries (null when infeasible), written independently. */
  value(bits: number[]): number | null;
  k: number;
}

/** max / min of a linear objective under a budget row, optionally a cardinality row and a floor row. */
function linearInstance(random: () => number, k: number, duplicate: boolean): Instance {
  const costs = all(k).map(() => Math.round(1 + random() * 40));
  const values = all(k).map(() => Math.round((random() * 2 - 0.4) * 30));
  const floors = all(k).map(() => Math.round((random() * 2 - 1) * 20));
  if (duplicate && k >= 2) {
    // Two identical items: ties are certain whenever one of them is in an optimum but not both.
    costs[k - 1] = costs[0] as number;
    values[k - 1] = values[0] as number;
    floors[k - 1] = floors[0] as number;
  }
  const budget = Math.round(costs.reduce((a, b) => a + b, 0) * (0.2 + random() * 0.6));
  const maxCount = random() < 0.4 ? 1 + Math.floor(random() * k) : undefined;
  // A floor above 0 may exclude every portfolio (the empty one included): some models are infeasible.
  const floor = random() < 0.3 ? Math.round((random() * 2 - 1.5) * 15) : undefined;
  const sense = random() < 0.7 ? 'max' : 'min';
  const rows: MilpRow[] = [
    { indices: all(k), values: costs, lower: Number.NEGATIVE_INFINITY, upper: budget },
  ];
  if (maxCount !== undefined)
    rows.push({
      indices: all(k),
      values: all(k).map(() => 1),
      lower: Number.NEGATIVE_INFINITY,
      upper: maxCount,
    });
  if (floor !== undefined)
    rows.push({ indices: all(k), values: floors, lower: floor, upper: Number.POSITIVE_INFINITY });
  const model: MilpModel = {
    sense,
    objective: values,
    columnLower: all(k).map(() => 0),
    columnUpper: all(k).map(() => 1),
    integer: all(k).map(() => 1),
    rows,
  };
  const value = (bits: number[]): number | null => {
    let cost = 0;
    let count = 0;
    let f = 0;
    let v = 0;
    bits.forEach((b, j) => {
      cost += b * (costs[j] as number);
      count += b;
      f += b * (floors[j] as number);
      v += b * (values[j] as number);
    });
    if (cost > budget || (maxCount !== undefined && count > maxCount) || (floor !== undefined && f < floor))
      return null;
    return v;
  };
  return { model, value, k };
}

/** Minimax regret: min θ subject to θ + R_s·x ≥ V_s (θ free, continuous) and a budget row. */
function regretInstance(random: () => number, k: number, duplicate: boolean): Instance {
  const costs = all(k).map(() => Math.round(1 + random() * 50));
  const returns = [0, 1, 2].map(() => all(k).map(() => Math.round((random() * 2 - 0.5) * 40)));
  if (duplicate && k >= 2) {
    costs[k - 1] = costs[0] as number;
    for (const r of returns) r[k - 1] = r[0] as number;
  }
  const budget = Math.round(costs.reduce((a, b) => a + b, 0) * (0.1 + random() * 0.5));
  const targets = [0, 1, 2].map(() => Math.round(random() * 100));
  const model: MilpModel = {
    sense: 'min',
    objective: [...all(k).map(() => 0), 1],
    columnLower: [...all(k).map(() => 0), Number.NEGATIVE_INFINITY],
    columnUpper: [...all(k).map(() => 1), Number.POSITIVE_INFINITY],
    integer: [...all(k).map(() => 1), 0],
    rows: [
      { indices: all(k), values: costs, lower: Number.NEGATIVE_INFINITY, upper: budget },
      ...returns.map((r, s) => ({
        indices: [...all(k), k],
        values: [...r, 1],
        lower: targets[s] as number,
        upper: Number.POSITIVE_INFINITY,
      })),
    ],
  };
  const value = (bits: number[]): number | null => {
    let cost = 0;
    bits.forEach((b, j) => {
      cost += b * (costs[j] as number);
    });
    if (cost > budget) return null;
    // The smallest θ for these binaries: the largest regret.
    return Math.max(
      ...returns.map(
        (r, s) => (targets[s] as number) - bits.reduce((sum, b, j) => sum + b * (r[j] as number), 0),
      ),
    );
  };
  return { model, value, k };
}

/** Every feasible 0/1 point with its value, by enumeration. */
function enumerate(instance: Instance): { bits: number[]; value: number }[] {
  const points: { bits: number[]; value: number }[] = [];
  for (let mask = 0; mask < 1 << instance.k; mask++) {
    const bits = all(instance.k).map((j) => (mask >> j) & 1);
    const value = instance.value(bits);
    if (value !== null) points.push({ bits, value });
  }
  return points;
}

const better = (sense: 'min' | 'max', a: number, b: number): boolean => (sense === 'min' ? a < b : a > b);

function bruteOptimum(instance: Instance): number | null {
  let best: number | null = null;
  for (const point of enumerate(instance))
    if (best === null || better(instance.model.sense, point.value, best)) best = point.value;
  return best;
}

const instances = (count: number, seed: number, duplicate: boolean): Instance[] => {
  const random = generator(seed);
  return Array.from({ length: count }, (_, t) => {
    const k = 1 + Math.floor(random() * 12);
    return t % 2 === 0 ? linearInstance(random, k, duplicate) : regretInstance(random, k, duplicate);
  });
};

describe('solveSmallMilp (built-in branch and bound)', () => {
  it('finds the brute-force optimum of 400 random binary models (knapsack, cardinality, floor, regret with a free θ)', () => {
    let infeasible = 0;
    for (const instance of instances(400, 2026, false)) {
      const expected = bruteOptimum(instance);
      const outcome = solveSmallMilp(instance.model);
      expect(outcome).not.toBeNull();
      if (expected === null) {
        infeasible++;
        expect(outcome?.status).toBe('infeasible');
        continue;
      }
      expect(outcome?.status).toBe('optimal');
      const bits = all(instance.k).map((j) => Math.round(outcome?.values[j] ?? Number.NaN));
      // The returned point is feasible and its own value is the optimum.
      expect(instance.value(bits)).toBeCloseTo(expected, 9);
      expect(outcome?.objective).toBeCloseTo(expected, 9);
    }
    expect(infeasible).toBeGreaterThan(0);
  });

  it('collects exactly the points within the tie slack of the optimum (models with duplicated items)', () => {
    let withTies = 0;
    const slack = 1e-7;
    for (const instance of instances(300, 77, true)) {
      const optimum = bruteOptimum(instance);
      const outcome = solveSmallMilp(instance.model, { ties: { slack, max: 1 << 12 } });
      if (optimum === null) {
        expect(outcome?.status).toBe('infeasible');
        continue;
      }
      const sigma = instance.model.sense === 'min' ? 1 : -1;
      const limit = sigma * optimum + slack * Math.max(1, Math.abs(optimum));
      const expected = enumerate(instance)
        .filter((point) => sigma * point.value <= limit)
        .map((point) => point.bits.join(''))
        .sort();
      const found = (outcome?.ties ?? [])
        .map((values) =>
          all(instance.k)
            .map((j) => Math.round(values[j] ?? Number.NaN))
            .join(''),
        )
        .sort();
      expect(found).toEqual(expected);
      if (expected.length > 1) withTies++;
    }
    expect(withTies).toBeGreaterThan(20);
  });

  it('returns no ties when there are more than `max` of them', () => {
    // Ten identical items, budget for five: C(10,5) = 252 optimal portfolios.
    const k = 10;
    const model: MilpModel = {
      sense: 'max',
      objective: all(k).map(() => 3),
      columnLower: all(k).map(() => 0),
      columnUpper: all(k).map(() => 1),
      integer: all(k).map(() => 1),
      rows: [{ indices: all(k), values: all(k).map(() => 2), lower: Number.NEGATIVE_INFINITY, upper: 10 }],
    };
    const few = solveSmallMilp(model, { ties: { slack: 1e-7, max: 64 } });
    expect(few?.objective).toBe(15);
    expect(few?.ties).toBeUndefined();
    const many = solveSmallMilp(model, { ties: { slack: 1e-7, max: 300 } });
    expect(many?.ties?.length).toBe(252);
  });

  it('with a cutoff prunes from the start: the optimum when it is at least as good, infeasible otherwise', () => {
    for (const instance of instances(60, 5, false)) {
      const expected = bruteOptimum(instance);
      if (expected === null) continue;
      const sense = instance.model.sense;
      const slack = 1e-7 * Math.max(1, Math.abs(expected));
      const loose = solveSmallMilp(instance.model, {
        cutoff: sense === 'min' ? expected + slack : expected - slack,
      });
      expect(loose?.status).toBe('optimal');
      expect(loose?.objective).toBeCloseTo(expected, 9);
      const tight = solveSmallMilp(instance.model, {
        cutoff: sense === 'min' ? expected - 0.5 : expected + 0.5,
      });
      expect(tight?.status).toBe('infeasible');
    }
  });

  it('gives up (null) at the node cap or the deadline, or answers with its best portfolio so far when heuristic', () => {
    // Values 3, 2, 2, costs 2 each, budget 5: the LP takes 2.5 items, so the root must branch.
    const model: MilpModel = {
      sense: 'max',
      objective: [3, 2, 2],
      columnLower: [0, 0, 0],
      columnUpper: [1, 1, 1],
      integer: [1, 1, 1],
      rows: [{ indices: [0, 1, 2], values: [2, 2, 2], lower: Number.NEGATIVE_INFINITY, upper: 5 }],
    };
    expect(solveSmallMilp(model)?.objective).toBe(5);
    expect(solveSmallMilp(model, { maxNodes: 1 })).toBeNull();
    expect(solveSmallMilp(model, { maxNodes: 1, heuristic: true })).toBeNull();
    // Under a cap below the full search, the heuristic answers with a feasible portfolio once it has one.
    const full = solveSmallMilp(model, { maxNodes: 1000 }) as NonNullable<ReturnType<typeof solveSmallMilp>>;
    let answered = 0;
    for (let cap = 1; cap < 12; cap++) {
      const early = solveSmallMilp(model, { maxNodes: cap, heuristic: true });
      if (early === null || early.status === 'optimal') continue;
      answered++;
      expect(early.status).toBe('feasible');
      expect(
        2 * (early.values[0] ?? 0) + 2 * (early.values[1] ?? 0) + 2 * (early.values[2] ?? 0),
      ).toBeLessThanOrEqual(5);
      expect(early.objective).toBeLessThanOrEqual(full.objective);
    }
    expect(answered).toBeGreaterThan(0);
    // The deadline is checked every 32 nodes: a model that needs more gives up once it has passed.
    const random = generator(99);
    let slow: Instance | null = null;
    while (slow === null) {
      const candidate = regretInstance(random, 12, false);
      if (solveSmallMilp(candidate.model, { maxNodes: 64 }) === null) slow = candidate;
    }
    expect(solveSmallMilp(slow.model, { deadline: performance.now() - 1 })).toBeNull();
  });

  it('leaves models outside its scope to the engine (general integers, no binaries, too many columns)', () => {
    const base: MilpModel = {
      sense: 'max',
      objective: [1, 1],
      columnLower: [0, 0],
      columnUpper: [1, 2],
      integer: [1, 1],
      rows: [{ indices: [0, 1], values: [1, 1], lower: Number.NEGATIVE_INFINITY, upper: 2 }],
    };
    expect(fitsBuiltin(base)).toBe(false);
    expect(solveSmallMilp(base)).toBeNull();
    expect(fitsBuiltin({ ...base, integer: [0, 0] })).toBe(false);
    const wide = 200;
    const large: MilpModel = {
      sense: 'max',
      objective: all(wide).map(() => 1),
      columnLower: all(wide).map(() => 0),
      columnUpper: all(wide).map(() => 1),
      integer: all(wide).map(() => 1),
      rows: [],
    };
    expect(fitsBuiltin(large)).toBe(false);
    expect(fitsBuiltin({ ...base, columnUpper: [1, 1] })).toBe(true);
  });
});
