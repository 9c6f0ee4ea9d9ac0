import type { Table } from '@impact/contracts';
import { describe, expect, it } from 'vitest';
import { MeasureError } from '../../../src/errors';
import { standardizedMeanDifferences } from '../../../src/models/observational/balance';
import { IpwParamsSchema, ipwModel } from '../../../src/models/observational/ipw';
import { KdTree } from '../../../src/models/observational/kd-tree';
import { logisticRegression } from '../../../src/models/observational/logistic';
import {
  NearestNeighbourMatchingParamsSchema,
  nearestNeighbourMatchingModel,
} from '../../../src/models/observational/matching';
import { matchNearestNeighbours } from '../../../src/models/observational/nearest-neighbour';
import { seededUniform } from '../../../src/models/observational/random';
import {
  RegressionAdjustmentParamsSchema,
  regressionAdjustmentModel,
} from '../../../src/models/observational/regression-adjustment';
import {
  SubclassificationParamsSchema,
  subclassificationModel,
} from '../../../src/models/observational/subclassification';

const context = { ciLevel: 0.95, seed: 3 };

function table(columns: Record<string, number[]>): Table {
  const entries = Object.entries(columns);
  return {
    rowCount: (entries[0]?.[1] ?? []).length,
    columns: Object.fromEntries(entries.map(([name, values]) => [name, Float64Array.from(values)])),
  } as Table;
}

function simulated(n: number, seed: number): Table {
  const uniform = seededUniform(seed);
  const normal = () => Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());
  const x1: number[] = [];
  const x2: number[] = [];
  const d: number[] = [];
  const y: number[] = [];
  for (let i = 0; i < n; i++) {
    const a = normal();
    const b = normal();
    const treated = uniform() < 1 / (1 + Math.exp(-(0.8 * a - 0.5 * b))) ? 1 : 0;
    x1.push(a);
    x2.push(b);
    d.push(treated);
    y.push(1 + 2 * treated + 1.5 * a + b + normal());
  }
  return table({ x1, x2, d, y });
}

describe('nearest-neighbour matching: closed forms', () => {
  const small = table({
    x: [0, 0.05, 0.1, 1, 2],
    d: [1, 1, 0, 0, 0],
    y: [10, 12, 1, 3, 5],
  });
  const params = NearestNeighbourMatchingParamsSchema.parse({
    outcome: 'y',
    treatment: 'd',
    covariates: ['x'],
    distance: 'euclidean',
    variance_neighbours: 1,
  });

  it('computes the ATT and the Abadie–Imbens variance by hand on a 5-unit example', () => {
    // Both treated units match the control at x = 0.1: gaps 9 and 11, ATT 10. AI: Σ(gap − τ)² = 2; the
    // control is used K = 2 times, adding (K² − K)σ̂² with σ̂² = ½(1 − 3)² = 2 (its nearest control, x = 1):
    // V = (2 + 2·2)/2² = 1.5.
    const estimate = nearestNeighbourMatchingModel.fit(small, params, context);
    expect(estimate.effect_estimate).toBeCloseTo(10, 12);
    expect(estimate.standard_error).toBeCloseTo(Math.sqrt(1.5), 12);
    expect(estimate.diagnostics.n_matched_controls).toBe(1);
    expect(estimate.details.matched_sets).toEqual([
      { treated: 0, controls: [2] },
      { treated: 1, controls: [2] },
    ]);
  });

  it('without replacement hands the second treated unit the next-nearest control', () => {
    const estimate = nearestNeighbourMatchingModel.fit(
      small,
      { ...params, replace: false, order: 'data', on_poor_match: 'flag' },
      context,
    );
    // Row 0 takes x = 0.1; row 1 (x = 0.05) gets x = 1: (10 − 1 + 12 − 3)/2 = 9.
    expect(estimate.effect_estimate).toBeCloseTo(9, 12);
  });

  it('bias correction removes the matching discrepancy exactly when Y(0) is linear in the covariate', () => {
    // Y(0) = 3x, effect 1. Treated at x = 0 and 1 match controls at x = 0.2 and 1.5: raw gaps
    // 1 − 0.6 = 0.4 and 4 − 4.5 = −0.5 (ATT −0.05); μ̂₀ from the controls is exactly 3x, so the corrected
    // gaps are both 1.
    const data = table({ x: [0, 1, 0.2, 1.5, 3], d: [1, 1, 0, 0, 0], y: [1, 4, 0.6, 4.5, 9] });
    const raw = NearestNeighbourMatchingParamsSchema.parse({
      outcome: 'y',
      treatment: 'd',
      covariates: ['x'],
      distance: 'euclidean',
      on_poor_match: 'flag',
    });
    expect(nearestNeighbourMatchingModel.fit(data, raw, context).effect_estimate).toBeCloseTo(-0.05, 12);
    const corrected = nearestNeighbourMatchingModel.fit(data, { ...raw, bias_correction: true }, context);
    expect(corrected.effect_estimate).toBeCloseTo(1, 10);
    expect(corrected.standard_error).toBeCloseTo(0, 6);
  });

  it('1-D score matching agrees with a brute-force search, with and without replacement', () => {
    const uniform = seededUniform(11);
    const n = 400;
    const scores = Float64Array.from({ length: n }, () => uniform());
    const treatment = Uint8Array.from({ length: n }, (_, i) => (i % 3 === 0 ? 1 : 0));
    for (const replace of [true, false]) {
      const sets = matchNearestNeighbours({
        treatment,
        space: { kind: 'score', scores },
        ratio: 2,
        replace,
        caliper: Number.POSITIVE_INFINITY,
        order: 'data',
      });
      // Brute force: same greedy rounds over a plain list.
      const available = new Set<number>();
      for (let i = 0; i < n; i++) if (treatment[i] === 0) available.add(i);
      const expected = new Map<number, number[]>();
      const treatedRows = [...Array(n).keys()].filter((i) => treatment[i] === 1);
      for (const row of treatedRows) expected.set(row, []);
      for (let round = 0; round < (replace ? 1 : 2); round++) {
        for (const row of treatedRows) {
          const pool = [...available].filter((c) => !(expected.get(row) as number[]).includes(c));
          pool.sort(
            (a, b) =>
              Math.abs((scores[a] as number) - (scores[row] as number)) -
                Math.abs((scores[b] as number) - (scores[row] as number)) || a - b,
          );
          const take = pool.slice(0, replace ? 2 : 1);
          (expected.get(row) as number[]).push(...take);
          if (!replace) for (const c of take) available.delete(c);
        }
      }
      for (let t = 0; t < sets.treated.length; t++) {
        const got = Array.from(sets.controls.subarray(sets.offsets[t], sets.offsets[t + 1])).sort(
          (a, b) => a - b,
        );
        expect(got).toEqual([...(expected.get(sets.treated[t] as number) as number[])].sort((a, b) => a - b));
      }
    }
  });

  it('the k-d tree returns the same k nearest rows as a brute-force scan, also after deletions', () => {
    const uniform = seededUniform(5);
    const n = 500;
    const coordinates = [0, 1, 2].map(() => Float64Array.from({ length: n }, () => uniform()));
    const rows = Int32Array.from({ length: n }, (_, i) => i);
    const tree = new KdTree(coordinates, rows);
    const removed = new Set<number>();
    for (let q = 0; q < 50; q++) {
      const point = [uniform(), uniform(), uniform()];
      const brute = [...Array(n).keys()]
        .filter((i) => !removed.has(i))
        .map((i) => ({
          i,
          d: coordinates.reduce((sum, c, k) => sum + ((c[i] as number) - (point[k] as number)) ** 2, 0),
        }))
        .sort((a, b) => a.d - b.d || a.i - b.i)
        .slice(0, 4)
        .map((entry) => entry.i);
      expect(tree.nearest(point, 4, Number.POSITIVE_INFINITY).rows).toEqual(brute);
      tree.remove(brute[0] as number);
      removed.add(brute[0] as number);
    }
    expect(tree.size).toBe(n - 50);
  });

  it('bootstrap SE is seeded: same seed, same SE; another seed, another SE', () => {
    const data = simulated(300, 2);
    const boot = NearestNeighbourMatchingParamsSchema.parse({
      outcome: 'y',
      treatment: 'd',
      covariates: ['x1', 'x2'],
      standard_error: 'bootstrap',
      bootstrap_replications: 50,
    });
    const a = nearestNeighbourMatchingModel.fit(data, boot, { ciLevel: 0.95, seed: 1 });
    const b = nearestNeighbourMatchingModel.fit(data, boot, { ciLevel: 0.95, seed: 1 });
    const c = nearestNeighbourMatchingModel.fit(data, boot, { ciLevel: 0.95, seed: 2 });
    expect(a.standard_error).toBe(b.standard_error);
    expect(a.standard_error).not.toBe(c.standard_error);
    expect(a.diagnostics.bootstrap_valid_replications).toBe(50);
  });

  it('caliper drops treated units without a close control and reports them', () => {
    const estimate = nearestNeighbourMatchingModel.fit(
      table({ x: [0, 10, 0.1, 0.2, 0.3], d: [1, 1, 0, 0, 0], y: [5, 50, 1, 2, 3] }),
      NearestNeighbourMatchingParamsSchema.parse({
        outcome: 'y',
        treatment: 'd',
        covariates: ['x'],
        distance: 'euclidean',
        caliper: 0.5,
      }),
      context,
    );
    expect(estimate.diagnostics.n_unmatched_treated).toBe(1);
    expect(estimate.effect_estimate).toBeCloseTo(4, 12);
  });
});

describe('standardizedMeanDifferences', () => {
  it('is the mean gap over the pooled SD, and weights move only the means', () => {
    // Treated x = 3, 4 (var 0.5); control x = 1, 2 (var 0.5): SMD = 2/√0.5.
    const x = Float64Array.of(1, 2, 3, 4);
    const d = Uint8Array.of(0, 0, 1, 1);
    expect(standardizedMeanDifferences([x], d)[0]).toBeCloseTo(2 / Math.sqrt(0.5), 12);
    // Weighting control x = 2 by 3: control mean 1.75 → SMD = 1.75/√0.5.
    expect(standardizedMeanDifferences([x], d, Float64Array.of(1, 3, 1, 1))[0]).toBeCloseTo(
      1.75 / Math.sqrt(0.5),
      12,
    );
  });

  it('IPW and subclassification shrink the imbalance of a confounded simulation', () => {
    const data = simulated(2000, 9);
    const base = { outcome: 'y', treatment: 'd', covariates: ['x1', 'x2'] };
    const ipw = ipwModel.fit(data, IpwParamsSchema.parse(base), context);
    const strata = subclassificationModel.fit(data, SubclassificationParamsSchema.parse(base), context);
    expect(ipw.diagnostics.max_abs_smd_before as number).toBeGreaterThan(0.3);
    expect(ipw.diagnostics.max_abs_smd_after as number).toBeLessThan(0.05);
    expect(strata.diagnostics.max_abs_smd_after as number).toBeLessThan(0.1);
    // True effect is 2 everywhere; all four estimators should land near it.
    for (const estimate of [
      ipw,
      strata,
      regressionAdjustmentModel.fit(data, RegressionAdjustmentParamsSchema.parse(base), context),
      nearestNeighbourMatchingModel.fit(data, NearestNeighbourMatchingParamsSchema.parse(base), context),
    ]) {
      expect(Math.abs(estimate.effect_estimate - 2)).toBeLessThan(4 * estimate.standard_error);
    }
  });
});

describe('bad input raises MeasureError naming the column or parameter', () => {
  const good = { x: [0.1, 0.5, 0.9, 0.3, 0.7, 0.2], d: [1, 0, 1, 0, 1, 0], y: [1, 2, 3, 4, 5, 6] };
  const cases: [string, () => unknown, string, { column?: string; parameter?: string }][] = [
    [
      'empty treated group',
      () =>
        ipwModel.fit(
          table({ ...good, d: [0, 0, 0, 0, 0, 0] }),
          IpwParamsSchema.parse({ outcome: 'y', treatment: 'd', covariates: ['x'] }),
          context,
        ),
      'DATA_EMPTY_GROUP',
      { column: 'd' },
    ],
    [
      'NaN covariate',
      () =>
        subclassificationModel.fit(
          table({ ...good, x: [0.1, Number.NaN, 0.9, 0.3, 0.7, 0.2] }),
          SubclassificationParamsSchema.parse({ outcome: 'y', treatment: 'd', covariates: ['x'] }),
          context,
        ),
      'DATA_NON_FINITE',
      { column: 'x' },
    ],
    [
      'infinite outcome',
      () =>
        regressionAdjustmentModel.fit(
          table({ ...good, y: [1, 2, Number.POSITIVE_INFINITY, 4, 5, 6] }),
          RegressionAdjustmentParamsSchema.parse({ outcome: 'y', treatment: 'd', covariates: ['x'] }),
          context,
        ),
      'DATA_NON_FINITE',
      { column: 'y' },
    ],
    [
      'perfect separation',
      () =>
        ipwModel.fit(
          table({ ...good, x: [1, -1, 2, -2, 3, -3] }),
          IpwParamsSchema.parse({ outcome: 'y', treatment: 'd', covariates: ['x'] }),
          context,
        ),
      'MODEL_NO_CONVERGENCE',
      { column: 'd', parameter: 'covariates' },
    ],
    [
      'no overlap within the caliper',
      () =>
        nearestNeighbourMatchingModel.fit(
          table({ ...good, x: [10, 0, 11, 0.5, 12, 1] }),
          NearestNeighbourMatchingParamsSchema.parse({
            outcome: 'y',
            treatment: 'd',
            covariates: ['x'],
            distance: 'euclidean',
            caliper: 0.1,
          }),
          context,
        ),
      'DATA_EMPTY_GROUP',
      { parameter: 'caliper' },
    ],
    [
      'missing covariate column',
      () =>
        ipwModel.fit(
          table(good),
          IpwParamsSchema.parse({ outcome: 'y', treatment: 'd', covariates: ['age'] }),
          context,
        ),
      'DATA_MISSING_COLUMN',
      { column: 'age' },
    ],
    [
      'no covariates',
      () =>
        subclassificationModel.fit(
          table(good),
          SubclassificationParamsSchema.parse({ outcome: 'y', treatment: 'd' }),
          context,
        ),
      'MODEL_PARAMS_INVALID',
      { parameter: 'covariates' },
    ],
    [
      'collinear covariates',
      () =>
        ipwModel.fit(
          table({ ...good, x2: good.x.map((v) => 2 * v) }),
          IpwParamsSchema.parse({ outcome: 'y', treatment: 'd', covariates: ['x', 'x2'] }),
          context,
        ),
      'MODEL_SINGULAR_DESIGN',
      { parameter: 'covariates' },
    ],
    [
      'too few controls to match without replacement',
      () =>
        nearestNeighbourMatchingModel.fit(
          table(good),
          NearestNeighbourMatchingParamsSchema.parse({
            outcome: 'y',
            treatment: 'd',
            covariates: ['x'],
            replace: false,
            ratio: 2,
          }),
          context,
        ),
      'DATA_TOO_FEW_ROWS',
      { parameter: 'replace' },
    ],
    [
      'non-binary treatment',
      () =>
        ipwModel.fit(
          table({ ...good, d: [1, 0, 2, 0, 1, 0] }),
          IpwParamsSchema.parse({ outcome: 'y', treatment: 'd', covariates: ['x'] }),
          context,
        ),
      'DATA_NOT_BINARY',
      { column: 'd' },
    ],
  ];
  for (const [label, run, code, where] of cases) {
    it(`${label} → ${code}`, () => {
      let caught: unknown;
      try {
        run();
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(MeasureError);
      const error = caught as MeasureError;
      expect(error.code).toBe(code);
      if (where.column) expect(error.column).toBe(where.column);
      if (where.parameter) expect(error.parameter).toBe(where.parameter);
    });
  }

  it('logisticRegression detects quasi-complete separation', () => {
    const x = Float64Array.of(-2, -1, 0, 0, 1, 2);
    expect(() =>
      logisticRegression({
        n: 6,
        columns: [new Float64Array(6).fill(1), x],
        names: ['(Intercept)', 'x'],
        y: Uint8Array.of(0, 0, 0, 1, 1, 1),
      }),
    ).toThrow(/separate/);
  });
});
