import { describe, expect, it, vi } from 'vitest';
import {
  AllocationError,
  allocate,
  createGlpkSolver,
  createHighsSolver,
  DEFAULT_TIME_LIMIT_MS,
  defineSolver,
  type MilpModel,
  registerSolver,
  type SolverAdapter,
} from '../../src/index';
import { referenceReviews, review } from '../helpers';

const knapsack: MilpModel = {
  sense: 'max',
  objective: [3, 2, 2],
  columnLower: [0, 0, 0],
  columnUpper: [1, 1, 1],
  integer: [1, 1, 1],
  rows: [{ indices: [0, 1, 2], values: [2, 1, 1], lower: Number.NEGATIVE_INFINITY, upper: 2 }],
};

describe.each([
  ['glpk', createGlpkSolver],
  ['highs', createHighsSolver],
] as const)('%s adapter', (_name, create) => {
  it('solves a small knapsack exactly (items 2 and 3: 4 > 3)', async () => {
    const outcome = await create().solve(knapsack, {});
    expect(outcome.status).toBe('optimal');
    expect(outcome.objective).toBeCloseTo(4, 9);
    expect(Array.from(outcome.values).map(Math.round)).toEqual([0, 1, 1]);
  });

  it('reports infeasibility as a status, not an exception', async () => {
    const infeasible: MilpModel = {
      ...knapsack,
      rows: [
        ...knapsack.rows,
        { indices: [0, 1, 2], values: [1, 1, 1], lower: 3, upper: Number.POSITIVE_INFINITY },
      ],
    };
    expect((await create().solve(infeasible, {})).status).toBe('infeasible');
  });

  it('solves the LP relaxation when no column is integer (fractional knapsack: 3·0.5 + 2 + ... )', async () => {
    const relaxed: MilpModel = {
      ...knapsack,
      integer: [0, 0, 0],
      rows: [{ ...knapsack.rows[0]!, upper: 3 }],
    };
    const outcome = await create().solve(relaxed, {});
    // Ratios 1.5, 2, 2: take items 2 and 3 (cost 2), then half of item 1: 2 + 2 + 1.5.
    expect(outcome.objective).toBeCloseTo(5.5, 9);
  });
});

describe('engine loading', () => {
  it('uses an injected glpk.js instance', async () => {
    const glpk = await (await import('glpk.js/node')).default();
    let calls = 0;
    const counted = Object.create(glpk, {
      solve: {
        value: (...args: Parameters<typeof glpk.solve>) => {
          calls++;
          return glpk.solve(...args);
        },
      },
    }) as typeof glpk;
    const result = await allocate(referenceReviews(), {
      objective: 'gross',
      budget: 10,
      solver: createGlpkSolver({ lib: counted }),
    });
    expect(result.selected_initiatives).toEqual(['A', 'B', 'C']);
    expect(calls).toBe(result.detail.solves);
  });

  it('the feasibility probe (probeFeasibility) leaves the tie-break unchanged and skips the last cost solve', async () => {
    const glpk = createGlpkSolver();
    const probed: SolverAdapter = {
      name: 'glpk',
      probeFeasibility: true,
      solve: glpk.solve,
      ...(glpk.relax ? { relax: glpk.relax } : {}),
    };
    for (const budget of [5, 10]) {
      const plain = await allocate(referenceReviews(), { objective: 'gross', budget, solver: glpk });
      const withProbe = await allocate(referenceReviews(), { objective: 'gross', budget, solver: probed });
      expect(withProbe.selected_initiatives).toEqual(plain.selected_initiatives);
      expect(withProbe.objective_value).toBe(plain.objective_value);
      expect(withProbe.detail.tie_break).toEqual(plain.detail.tie_break);
      // Each non-empty tie region costs one probe more; the final, empty one is proved by the probe alone.
      const candidates = (plain.detail.tie_break as { candidates: number }).candidates;
      expect(withProbe.detail.solves).toBe(Number(plain.detail.solves) + candidates - 1);
    }
  });

  it('uses an injected HiGHS runtime', async () => {
    const highs = await (await import('highs')).default();
    const spy = vi.spyOn(highs, 'createModel');
    const result = await allocate(referenceReviews(), {
      objective: 'gross',
      budget: 10,
      solver: createHighsSolver({ lib: highs }),
    });
    expect(result.detail.solver).toBe('highs');
    expect(spy).toHaveBeenCalled();
  });

  it('a registered custom solver is selectable by name', async () => {
    const calls: number[] = [];
    const inner = createHighsSolver();
    registerSolver(
      defineSolver({
        name: 'counting_test',
        solve: (model, options) => {
          calls.push(model.rows.length);
          return inner.solve(model, options);
        },
      }),
    );
    const result = await allocate(referenceReviews(), {
      objective: 'gross',
      budget: 10,
      solver: 'counting_test',
    });
    expect(result.detail.solver).toBe('counting_test');
    expect(calls.length).toBe(result.detail.solves);
    expect(() => registerSolver(defineSolver({ name: 'glpk', solve: inner.solve }))).toThrow(
      /already registered/,
    );
  });
});

describe('time limit', () => {
  /** Wraps HiGHS and pretends the regret MILP (more than one row) was stopped early with a bound. */
  function stoppedEarly(): SolverAdapter {
    const inner = createHighsSolver();
    return defineSolver({
      name: 'stopped-early',
      async solve(model, options) {
        const outcome = await inner.solve(model, options);
        if (model.rows.length > 1 && outcome.status === 'optimal') {
          return { ...outcome, status: 'feasible', bound: outcome.objective - 0.5 };
        }
        return outcome;
      },
    });
  }

  it('returns the incumbent with status time_limit, its bound and gap, and skips tie-breaking', async () => {
    const result = await allocate(referenceReviews(), {
      objective: 'gross',
      budget: 10,
      solver: stoppedEarly(),
      timeLimitMs: 5000,
    });
    expect(result.detail.status).toBe('time_limit');
    expect(result.selected_initiatives).toEqual(['A', 'B', 'C']);
    expect(result.detail.best_bound).toBeCloseTo(1.5, 9);
    // gap = |incumbent − bound| / |incumbent| = 0.5 / 2
    expect(result.detail.optimality_gap).toBeCloseTo(0.25, 9);
    expect(result.detail.tie_break).toMatchObject({ candidates: 1, complete: false });
  });

  it('throws ALLOCATION_TIME_LIMIT when no feasible portfolio was found in time', async () => {
    const nothing = defineSolver({
      name: 'nothing',
      solve: async (model) => ({
        status: 'no_solution',
        values: new Float64Array(model.objective.length),
        objective: Number.NaN,
        timeMs: 1,
      }),
    });
    const error = await allocate(referenceReviews(), {
      objective: 'gross',
      budget: 10,
      solver: nothing,
      timeLimitMs: 1,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AllocationError);
    expect((error as AllocationError).code).toBe('ALLOCATION_TIME_LIMIT');
  });

  it('passes the remaining time to the engine', async () => {
    const limits: (number | undefined)[] = [];
    const inner = createGlpkSolver();
    const recording = defineSolver({
      name: 'recording',
      solve: (model, options) => {
        limits.push(options.timeLimitMs);
        return inner.solve(model, options);
      },
    });
    await allocate(referenceReviews(), {
      objective: 'gross',
      budget: 10,
      solver: recording,
      timeLimitMs: 60_000,
    });
    expect(limits.every((limit) => limit !== undefined && limit > 0 && limit <= 60_000)).toBe(true);
    // Without an explicit limit every solve still gets one: the default.
    limits.length = 0;
    await allocate(referenceReviews(), { objective: 'gross', budget: 10, solver: recording });
    expect(limits.length).toBeGreaterThan(0);
    expect(limits.every((limit) => limit !== undefined && limit > 0 && limit <= DEFAULT_TIME_LIMIT_MS)).toBe(
      true,
    );
  });

  it('the default engine is HiGHS', async () => {
    const result = await allocate(referenceReviews(), { objective: 'gross', budget: 10 });
    expect(result.detail.solver).toBe('highs');
    expect(result.selected_initiatives).toEqual(['A', 'B', 'C']);
  });
});

describe('engine failures', () => {
  it('a GLPK abort on numerically extreme data becomes ALLOCATION_SOLVER_FAILED and the next solve works', async () => {
    const solver = createGlpkSolver();
    const extreme = [
      review('a', 5e-324, 1, 1, 1, 1),
      review('b', 3, 2, 1, 0, 0.5),
      review('c', 1e-300, 1e-310, 0, -1e-300, 0.3),
      review('d', 999.99999999, 100, 50, -100, 1e-7),
    ];
    await expect(allocate(extreme, { objective: 'gross', budget: 500, solver })).rejects.toMatchObject({
      code: 'ALLOCATION_SOLVER_FAILED',
    });
    const result = await allocate(referenceReviews(), { objective: 'gross', budget: 10, solver });
    expect(result.selected_initiatives).toEqual(['A', 'B', 'C']);
  });

  it('HiGHS handles the same data', async () => {
    const extreme = [review('a', 5e-324, 1, 1, 1, 1), review('b', 3, 2, 1, 0, 0.5)];
    const result = await allocate(extreme, { objective: 'gross', budget: 500, solver: 'highs' });
    expect(result.selected_initiatives).toEqual(['a', 'b']);
  });
});
