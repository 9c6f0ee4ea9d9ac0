import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compactModel, fixByReducedCost, neighbourhood, satisfies } from '../../src/engine/reduce';
import { createGlpkSolver, createHighsSolver, type MilpModel } from '../../src/index';

/** A random minimax-regret-shaped MILP (θ free, 3 scenario rows, a budget row), small enough to enumerate. */
const instance = fc.record({
  costs: fc.array(fc.integer({ min: 1, max: 20 }), { minLength: 2, maxLength: 10 }),
  returns: fc.array(fc.array(fc.integer({ min: -10, max: 30 }), { minLength: 3, maxLength: 3 }), {
    minLength: 10,
    maxLength: 10,
  }),
  share: fc.double({ min: 0.1, max: 0.9, noNaN: true }),
  slack: fc.constantFrom(0, 0.5, 3, 20),
  regret: fc.boolean(),
});

interface Built {
  model: MilpModel;
  /** Objective of a 0/1 selection (θ at its best for the regret model), or null when infeasible. */
  value(selection: number[]): number | null;
}

function build(raw: Raw): Built {
  const n = raw.costs.length;
  const budget = Math.round(raw.costs.reduce((a, b) => a + b, 0) * raw.share);
  const budgetRow = {
    indices: [...Array(n).keys()],
    values: raw.costs,
    lower: Number.NEGATIVE_INFINITY,
    upper: budget,
  };
  const r = (i: number, s: number): number => raw.returns[i]?.[s] ?? 0;
  const fits = (x: number[]): boolean => x.reduce((sum, v, i) => sum + v * (raw.costs[i] ?? 0), 0) <= budget;
  if (!raw.regret) {
    return {
      model: {
        sense: 'max',
        objective: Array.from({ length: n }, (_, i) => r(i, 1)),
        columnLower: new Array(n).fill(0),
        columnUpper: new Array(n).fill(1),
        integer: new Array(n).fill(1),
        rows: [budgetRow],
      },
      value: (x) => (fits(x) ? x.reduce((sum, v, i) => sum + v * r(i, 1), 0) : null),
    };
  }
  // min θ  s.t.  θ + Σ r_is x_i ≥ 40·s (arbitrary targets), budget.
  const targets = [40, 30, 10];
  return {
    model: {
      sense: 'min',
      objective: [...new Array(n).fill(0), 1],
      columnLower: [...new Array(n).fill(0), Number.NEGATIVE_INFINITY],
      columnUpper: [...new Array(n).fill(1), Number.POSITIVE_INFINITY],
      integer: [...new Array(n).fill(1), 0],
      rows: [
        budgetRow,
        ...targets.map((target, s) => ({
          indices: [...Array(n + 1).keys()],
          values: [...Array.from({ length: n }, (_, i) => r(i, s)), 1],
          lower: target,
          upper: Number.POSITIVE_INFINITY,
        })),
      ],
    },
    value: (x) =>
      fits(x)
        ? Math.max(...targets.map((target, s) => target - x.reduce((sum, v, i) => sum + v * r(i, s), 0)))
        : null,
  };
}
type Raw = { costs: number[]; returns: number[][]; share: number; slack: number; regret: boolean };

function* subsets(n: number): Generator<number[]> {
  for (let mask = 0; mask < 1 << n; mask++) yield Array.from({ length: n }, (_, i) => (mask >> i) & 1);
}

/** Brute force: the optimum, and every selection within `slack` of it. */
function region(built: Built, n: number, slack: number): { best: number; members: number[][] } | null {
  const sign = built.model.sense === 'min' ? 1 : -1;
  let best: number | null = null;
  const all: { x: number[]; v: number }[] = [];
  for (const x of subsets(n)) {
    const v = built.value(x);
    if (v === null) continue;
    all.push({ x, v });
    if (best === null || sign * v < sign * best) best = v;
  }
  if (best === null) return null;
  const threshold = best + sign * slack;
  return { best, members: all.filter(({ v }) => sign * v <= sign * threshold).map(({ x }) => x) };
}

describe('reduced-cost fixing', () => {
  for (const [name, create] of [
    ['glpk', createGlpkSolver],
    ['highs', createHighsSolver],
  ] as const) {
    it(`${name}: never fixes a column that some selection in the region moves (any multipliers)`, async () => {
      const solver = create();
      let fixedColumns = 0;
      await fc.assert(
        fc.asyncProperty(
          instance,
          fc.array(fc.double({ min: -5, max: 5, noNaN: true })),
          async (raw, noise) => {
            const built = build(raw);
            const n = raw.costs.length;
            const truth = region(built, n, raw.slack);
            if (truth === null) return;
            const relaxation = await solver.relax?.(built.model, {});
            if (relaxation?.status !== 'optimal') return;
            const sign = built.model.sense === 'min' ? 1 : -1;
            const threshold = truth.best + sign * raw.slack;
            // The engine's multipliers, their negation, and arbitrary ones: the fixing must be valid for all.
            const trials = [
              relaxation.rowDuals,
              relaxation.rowDuals.map((y) => -y),
              relaxation.rowDuals.map((_, r) => noise[r] ?? 0),
            ];
            for (const duals of trials) {
              const fixing = fixByReducedCost(built.model, duals, threshold);
              if (fixing === null) continue;
              fixedColumns += fixing.fixed;
              for (const x of truth.members) {
                x.forEach((v, i) => {
                  expect(v).toBeGreaterThanOrEqual(fixing.lower[i] as number);
                  expect(v).toBeLessThanOrEqual(fixing.upper[i] as number);
                });
              }
            }
          },
        ),
        { numRuns: 60, seed: 16 },
      );
      expect(fixedColumns).toBeGreaterThan(60);
    });
  }

  it('fixes most columns of a knapsack whose incumbent is the optimum', async () => {
    const n = 200;
    const costs = Array.from({ length: n }, (_, i) => 10 + ((i * 37) % 91));
    const values = costs.map((c, i) => c * (0.5 + ((i * 53) % 97) / 97));
    const model: MilpModel = {
      sense: 'max',
      objective: values,
      columnLower: new Array(n).fill(0),
      columnUpper: new Array(n).fill(1),
      integer: new Array(n).fill(1),
      rows: [{ indices: [...Array(n).keys()], values: costs, lower: Number.NEGATIVE_INFINITY, upper: 3000 }],
    };
    const solver = createGlpkSolver();
    const relaxation = await solver.relax?.(model, {});
    const exact = await solver.solve(model, {});
    expect(relaxation?.status).toBe('optimal');
    const fixing = fixByReducedCost(model, relaxation?.rowDuals ?? [], exact.objective);
    expect(fixing?.fixed ?? 0).toBeGreaterThan(n / 2);
    // The optimum lies in the core, and the core's optimum is the optimum.
    const core = compactModel({
      ...model,
      columnLower: fixing?.lower ?? [],
      columnUpper: fixing?.upper ?? [],
    });
    const reduced = await solver.solve(core.model as MilpModel, {});
    expect(reduced.objective + core.offset).toBeCloseTo(exact.objective, 9);
    expect(satisfies(model, core.expand(reduced.values))).toBe(true);
  });

  it('the neighbourhood keeps the requested number of columns free', async () => {
    const model = build({
      costs: [3, 4, 5, 6, 7, 8],
      returns: Array.from({ length: 10 }, (_, i) => [i, 2 * i, 3]),
      share: 0.5,
      slack: 0,
      regret: true,
    }).model;
    const relaxation = await createGlpkSolver().relax?.(model, {});
    const guess = neighbourhood(model, relaxation as NonNullable<typeof relaxation>, 2);
    const free = [...Array(6).keys()].filter((j) => (guess?.lower[j] ?? 0) < (guess?.upper[j] ?? 0));
    expect(free).toHaveLength(2);
    expect(neighbourhood(model, relaxation as NonNullable<typeof relaxation>, 6)).toBeNull();
  });
});

describe('compactModel', () => {
  it('moves fixed columns into the row bounds and the objective offset', () => {
    const model: MilpModel = {
      sense: 'max',
      objective: [3, 2, 5],
      columnLower: [1, 0, 0],
      columnUpper: [1, 1, 0],
      integer: [1, 1, 1],
      rows: [{ indices: [0, 1, 2], values: [2, 2, 4], lower: Number.NEGATIVE_INFINITY, upper: 3 }],
    };
    const compact = compactModel(model);
    expect(compact.offset).toBe(3);
    expect(compact.model?.objective).toEqual(Float64Array.of(2));
    expect(compact.model?.rows).toEqual([
      { indices: [0], values: [2], lower: Number.NEGATIVE_INFINITY, upper: 1 },
    ]);
    expect([...compact.expand([1])]).toEqual([1, 1, 0]);
  });

  it('reports a row the fixed columns alone violate', () => {
    const model: MilpModel = {
      sense: 'min',
      objective: [1, 1],
      columnLower: [1, 1],
      columnUpper: [1, 1],
      integer: [1, 1],
      rows: [{ indices: [0, 1], values: [1, 1], lower: Number.NEGATIVE_INFINITY, upper: 1 }],
    };
    expect(compactModel(model).model).toBeNull();
  });
});
