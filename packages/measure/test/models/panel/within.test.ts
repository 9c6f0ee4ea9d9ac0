import { describe, expect, it } from 'vitest';
import { MeasureError } from '../../../src/errors';
import { createWithinSolver, isBalancedPanel, withinTransform } from '../../../src/models/panel/within';
import { fitOls } from '../../../src/stats/ols';

/** Deterministic uniforms (xorshift32). */
function uniforms(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return ((state >>> 0) + 0.5) / 4294967296;
  };
}

/** An unbalanced panel: units × periods with ~share of the cells dropped and some cells observed twice. */
function unbalancedPanel(units: number, periods: number, share: number, duplicates: number, seed: number) {
  const uniform = uniforms(seed);
  const unit: number[] = [];
  const time: number[] = [];
  for (let u = 0; u < units; u++)
    for (let t = 0; t < periods; t++) {
      // Keep the first and last period of every unit so the graph stays connected.
      if (t > 0 && t < periods - 1 && uniform() < share) continue;
      unit.push(u);
      time.push(t);
      if (uniform() < duplicates) {
        unit.push(u);
        time.push(t);
      }
    }
  const n = unit.length;
  const x = Float64Array.from(
    { length: n },
    (_, i) => 3 * Math.sin(unit[i] as number) + (time[i] as number) ** 1.3 + uniform() * 4,
  );
  return { unitCodes: Int32Array.from(unit), timeCodes: Int32Array.from(time), x, n };
}

/** Residuals of x on unit and period dummies (the first period dropped) by OLS with the dummy matrix. */
function dummyResiduals(
  x: Float64Array,
  unitCodes: Int32Array,
  units: number,
  timeCodes: Int32Array,
  periods: number,
): Float64Array {
  const n = x.length;
  const columns: Float64Array[] = [];
  for (let u = 0; u < units; u++) columns.push(Float64Array.from(unitCodes, (code) => (code === u ? 1 : 0)));
  for (let t = 1; t < periods; t++)
    columns.push(Float64Array.from(timeCodes, (code) => (code === t ? 1 : 0)));
  const names = columns.map((_, j) => `d${j}`);
  return fitOls({ design: { n, p: columns.length, columns, names }, y: x }).residuals;
}

const maxAbsDiff = (a: Float64Array, b: Float64Array) =>
  a.reduce((worst, value, i) => Math.max(worst, Math.abs(value - (b[i] as number))), 0);

describe('two-way within solver', () => {
  const units = 40;
  const periods = 9;
  const panel = unbalancedPanel(units, periods, 0.25, 0.05, 3);
  const exact = dummyResiduals(panel.x, panel.unitCodes, units, panel.timeCodes, periods);

  it('matches OLS on unit and period dummies to 1e-10 on an unbalanced panel (direct solve)', () => {
    const solver = createWithinSolver(panel.unitCodes, units, panel.timeCodes, periods);
    expect(solver.method).toBe('direct');
    const [within] = solver.demean([panel.x]);
    expect(maxAbsDiff(within as Float64Array, exact)).toBeLessThan(1e-10);
    expect(solver.iterations()).toBe(1);
  });

  it('matches the dummy OLS to 1e-10 through conjugate gradient on the reduced system', () => {
    const solver = createWithinSolver(panel.unitCodes, units, panel.timeCodes, periods, {
      directWorkLimit: 0,
      tolerance: 1e-13,
    });
    expect(solver.method).toBe('conjugate_gradient');
    const [within] = solver.demean([panel.x]);
    expect(maxAbsDiff(within as Float64Array, exact)).toBeLessThan(1e-10);
    expect(solver.iterations()).toBeGreaterThan(1);
  });

  it('gives the same projection whichever factor has more levels (periods eliminated, units solved)', () => {
    const wide = unbalancedPanel(6, 30, 0.3, 0, 5);
    const reference = dummyResiduals(wide.x, wide.unitCodes, 6, wide.timeCodes, 30);
    const { columns } = withinTransform([wide.x], wide.unitCodes, 6, wide.timeCodes, 30);
    expect(maxAbsDiff(columns[0] as Float64Array, reference)).toBeLessThan(1e-10);
  });

  it('handles a disconnected panel (two blocks of units and periods) exactly', () => {
    // Units 0–9 only in periods 0–3, units 10–19 only in periods 4–7: the dummy design loses one more rank.
    const unit: number[] = [];
    const time: number[] = [];
    for (let u = 0; u < 20; u++)
      for (let t = u < 10 ? 0 : 4; t < (u < 10 ? 4 : 8); t++) {
        if ((u * 7 + t * 3) % 5 === 0) continue;
        unit.push(u);
        time.push(t);
      }
    const unitCodes = Int32Array.from(unit);
    const timeCodes = Int32Array.from(time);
    const x = Float64Array.from(unit, (u, i) => u * 0.5 + Math.cos(i) * 2 + (time[i] as number));
    // With both blocks' first period dummies dropped the dummy design has full rank.
    const columns: Float64Array[] = [];
    for (let u = 0; u < 20; u++) columns.push(Float64Array.from(unitCodes, (code) => (code === u ? 1 : 0)));
    for (const t of [1, 2, 3, 5, 6, 7])
      columns.push(Float64Array.from(timeCodes, (code) => (code === t ? 1 : 0)));
    const exactResiduals = fitOls({
      design: { n: x.length, p: columns.length, columns, names: columns.map((_, j) => `d${j}`) },
      y: x,
    }).residuals;
    const [within] = createWithinSolver(unitCodes, 20, timeCodes, 8).demean([x]);
    expect(maxAbsDiff(within as Float64Array, exactResiduals)).toBeLessThan(1e-10);
  });

  it('does not modify its inputs with demean and overwrites them with demeanInPlace', () => {
    const copy = panel.x.slice();
    const solver = createWithinSolver(panel.unitCodes, units, panel.timeCodes, periods);
    const [fresh] = solver.demean([copy]);
    expect(copy).toEqual(panel.x);
    const [same] = solver.demeanInPlace([copy]);
    expect(same).toBe(copy);
    expect(copy).toEqual(fresh);
  });

  it('takes one exact sweep on a balanced panel', () => {
    const unitCodes = Int32Array.from({ length: 5 * 4 }, (_, i) => Math.floor(i / 4));
    const timeCodes = Int32Array.from({ length: 5 * 4 }, (_, i) => i % 4);
    expect(isBalancedPanel(unitCodes, 5, timeCodes, 4)).toBe(true);
    const x = Float64Array.from({ length: 20 }, (_, i) => Math.sin(i * 1.7) * 3 + i);
    const solver = createWithinSolver(unitCodes, 5, timeCodes, 4, { balanced: true });
    expect(solver.method).toBe('balanced');
    const [within] = solver.demean([x]);
    expect(maxAbsDiff(within as Float64Array, dummyResiduals(x, unitCodes, 5, timeCodes, 4))).toBeLessThan(
      1e-12,
    );
  });

  it('gives shifts from level sums that reproduce demean (direct, conjugate-gradient and balanced solvers)', () => {
    const check = (solver: ReturnType<typeof createWithinSolver>, x: Float64Array) => {
      const aSums = new Float64Array(solver.aCount);
      const bSums = new Float64Array(solver.bCount);
      x.forEach((value, i) => {
        aSums[solver.aCodes[i] as number] = (aSums[solver.aCodes[i] as number] as number) + value;
        bSums[solver.bCodes[i] as number] = (bSums[solver.bCodes[i] as number] as number) + value;
      });
      const { aShift, bShift } = solver.shifts(aSums, bSums, 1);
      const viaShifts = x.map(
        (value, i) =>
          value -
          (aShift[solver.aCodes[i] as number] as number) -
          (bShift[solver.bCodes[i] as number] as number),
      );
      expect(maxAbsDiff(viaShifts, solver.demean([x])[0] as Float64Array)).toBeLessThan(1e-10);
    };
    check(createWithinSolver(panel.unitCodes, units, panel.timeCodes, periods), panel.x);
    check(
      createWithinSolver(panel.unitCodes, units, panel.timeCodes, periods, { directWorkLimit: 0 }),
      panel.x,
    );
    const unitCodes = Int32Array.from({ length: 24 }, (_, i) => i % 6);
    const timeCodes = Int32Array.from({ length: 24 }, (_, i) => Math.floor(i / 6));
    const x = Float64Array.from({ length: 24 }, (_, i) => Math.cos(i * 0.7) * 5 + (i % 6));
    check(createWithinSolver(unitCodes, 6, timeCodes, 4, { balanced: true }), x);
  });

  it('raises MODEL_NO_CONVERGENCE naming max_iterations when conjugate gradient runs out of iterations', () => {
    const solver = createWithinSolver(panel.unitCodes, units, panel.timeCodes, periods, {
      directWorkLimit: 0,
      maxIterations: 1,
    });
    const error = (() => {
      try {
        solver.demean([panel.x]);
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(MeasureError);
    expect(error).toMatchObject({ code: 'MODEL_NO_CONVERGENCE', parameter: 'max_iterations' });
  });
});
