import { describe, expect, it } from 'vitest';
import { SolveRunner } from '../../src/engine/solve-run';
import { createGlpkSolver, defineSolver, type MilpModel, type SolverAdapter } from '../../src/index';

/** GLPK behind a counter, so a test can see which solves reach the engine. */
function counted(): { solver: SolverAdapter; calls: () => number } {
  const inner = createGlpkSolver();
  let calls = 0;
  const solver = defineSolver({
    name: 'counted-glpk',
    solve: (model, options) => {
      calls++;
      return inner.solve(model, options);
    },
  });
  return { solver, calls: () => calls };
}

/** max 3a + 2b + 2c + 5d with 2a + 2b + 2c + 2d ≤ 5, d fixed at 0 by the fixing: optimum 5 (a and b or c). */
const model: MilpModel = {
  sense: 'max',
  objective: [3, 2, 2, 5],
  columnLower: [0, 0, 0, 0],
  columnUpper: [1, 1, 1, 1],
  integer: [1, 1, 1, 1],
  rows: [{ indices: [0, 1, 2, 3], values: [2, 2, 2, 2], lower: Number.NEGATIVE_INFINITY, upper: 5 }],
};
const fixing = {
  lower: Float64Array.from([0, 0, 0, 0]),
  upper: Float64Array.from([1, 1, 1, 0]),
  fixed: 1,
};

describe('SolveRunner: the built-in branch and bound and the engine on cores', () => {
  it('answers a small core itself, with the engine never called', async () => {
    const { solver, calls } = counted();
    const runner = new SolveRunner(solver, performance.now() + 10_000, true, 4);
    const outcome = await runner.runFixed(model, fixing);
    expect(outcome.status).toBe('optimal');
    expect(outcome.objective).toBe(5);
    expect(outcome.values[3]).toBe(0);
    expect(calls()).toBe(0);
    expect(runner.builtinSolves).toBe(1);
    expect(runner.solves).toBe(0);
  });

  it('hands the core to the engine when it is outside the built-in scope, or when builtin is off', async () => {
    const general = { ...model, columnUpper: [1, 1, 2, 1] };
    const { solver, calls } = counted();
    const runner = new SolveRunner(solver, performance.now() + 10_000, true, 4);
    const outcome = await runner.runFixed(general, { ...fixing, upper: Float64Array.from([1, 1, 2, 0]) });
    expect(outcome.status).toBe('optimal');
    // c may be 2 now (cost 4, value 4), but a with b or c (cost 4, value 5) is still the best.
    expect(outcome.objective).toBe(5);
    expect(calls()).toBe(1);
    expect(runner.builtinSolves).toBe(0);
    const off = new SolveRunner(solver, performance.now() + 10_000, true, 4, false);
    const engine = await off.runFixed(model, fixing);
    expect(engine.objective).toBe(5);
    expect(calls()).toBe(2);
    expect(off.builtinSolves).toBe(0);
  });
});
