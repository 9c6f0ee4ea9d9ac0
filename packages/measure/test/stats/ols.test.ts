import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MeasureError } from '../../src/errors';
import {
  type CovarianceSpec,
  coefficientInference,
  type DesignMatrix,
  fitOls,
  waldTest,
} from '../../src/stats/ols';

interface Case {
  coefficients: number[];
  standard_errors: number[];
  covariance: number[];
  rss: number;
  r_squared: number;
}
const fixture = JSON.parse(readFileSync(new URL('../fixtures/ols.json', import.meta.url), 'utf8')) as {
  names: string[];
  y: number[];
  d: number[];
  x1: number[];
  x2: number[];
  weights: number[];
  clusters: number[];
  hac_maxlags: number;
  cases: Record<string, Case>;
  wls: Record<string, { coefficients: number[]; standard_errors: number[]; rss: number; r_squared: number }>;
  wald_hc1_chi2: { statistic: number; p_value: number; df: number };
  wald_classical_f: { statistic: number; p_value: number; df_denom: number };
};

const n = fixture.y.length;
const design: DesignMatrix = {
  n,
  p: 4,
  columns: [
    new Float64Array(n).fill(1),
    Float64Array.from(fixture.d),
    Float64Array.from(fixture.x1),
    Float64Array.from(fixture.x2),
  ],
  names: fixture.names,
};
const y = Float64Array.from(fixture.y);

function expectRelative(
  actual: ArrayLike<number>,
  expected: readonly number[],
  tolerance: number,
  label: string,
) {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const e = expected[i] as number;
    const a = actual[i] as number;
    expect(Math.abs(a - e) / Math.max(Math.abs(e), 1e-12), `${label}[${i}]: ${a} vs ${e}`).toBeLessThan(
      tolerance,
    );
  }
}

/** Relative agreement with the statsmodels and R goldens. */
const GOLDEN = 1e-10;

const specs: Record<string, CovarianceSpec> = {
  classical: { type: 'classical' },
  HC0: { type: 'HC0' },
  HC1: { type: 'HC1' },
  HC2: { type: 'HC2' },
  HC3: { type: 'HC3' },
  cluster: { type: 'cluster', clusters: Int32Array.from(fixture.clusters) },
  hac: { type: 'hac', maxLags: fixture.hac_maxlags },
};

describe('fitOls agrees with statsmodels to 1e-10 relative', () => {
  for (const [key, covariance] of Object.entries(specs)) {
    it(`${key} covariance`, () => {
      const expected = fixture.cases[key] as Case;
      const fit = fitOls({ design, y, covariance });
      expectRelative(fit.coefficients, expected.coefficients, GOLDEN, 'coefficients');
      expectRelative(fit.standardErrors, expected.standard_errors, GOLDEN, 'standard errors');
      expectRelative(fit.covariance, expected.covariance, GOLDEN, 'covariance');
      expect(Math.abs(fit.rss / expected.rss - 1)).toBeLessThan(GOLDEN);
      expect(Math.abs(fit.rSquared - expected.r_squared)).toBeLessThan(GOLDEN);
    });
  }
  it('cluster ids given as strings give the same covariance as integer ids', () => {
    const a = fitOls({ design, y, covariance: specs.cluster as CovarianceSpec });
    const b = fitOls({
      design,
      y,
      covariance: { type: 'cluster', clusters: fixture.clusters.map((g) => `g${g}`) },
    });
    expectRelative(b.standardErrors, [...a.standardErrors], 1e-12, 'cluster SE');
    expect(b.clusterCount).toBe(30);
  });
  for (const key of ['classical', 'HC1', 'HC3'] as const) {
    it(`weighted least squares, ${key}`, () => {
      const expected = fixture.wls[key] as {
        coefficients: number[];
        standard_errors: number[];
        rss: number;
        r_squared: number;
      };
      const fit = fitOls({
        design,
        y,
        weights: Float64Array.from(fixture.weights),
        covariance: specs[key] as CovarianceSpec,
      });
      expectRelative(fit.coefficients, expected.coefficients, GOLDEN, 'coefficients');
      expectRelative(fit.standardErrors, expected.standard_errors, GOLDEN, 'standard errors');
      expect(Math.abs(fit.rss / expected.rss - 1)).toBeLessThan(GOLDEN);
      expect(Math.abs(fit.rSquared - expected.r_squared)).toBeLessThan(GOLDEN);
    });
  }
  it('joint Wald tests (χ² with HC1, F with classical)', () => {
    const chi = waldTest(fitOls({ design, y, covariance: { type: 'HC1' } }), [2, 3]);
    expect(chi.distribution).toBe('chi2');
    expect(chi.statistic / fixture.wald_hc1_chi2.statistic).toBeCloseTo(1, 8);
    expect(chi.pValue / fixture.wald_hc1_chi2.p_value).toBeCloseTo(1, 6);
    const classical = fitOls({ design, y });
    const f = waldTest(classical, [2, 3], classical.dfResidual);
    expect(f.statistic / fixture.wald_classical_f.statistic).toBeCloseTo(1, 8);
    expect(f.pValue / fixture.wald_classical_f.p_value).toBeCloseTo(1, 6);
    expect(f.dfDenominator).toBe(fixture.wald_classical_f.df_denom);
  });
});

describe('fitOls agrees with R (lm + sandwich) to 1e-10 relative', () => {
  const reference = JSON.parse(
    readFileSync(new URL('../fixtures/ols-r.json', import.meta.url), 'utf8'),
  ) as Record<string, number[]>;
  for (const [key, covariance] of Object.entries(specs)) {
    it(`${key} standard errors`, () => {
      const fit = fitOls({ design, y, covariance });
      expectRelative(fit.coefficients, reference.coefficients as number[], GOLDEN, 'coefficients');
      expectRelative(fit.standardErrors, reference[key] as number[], GOLDEN, `${key} SE`);
    });
  }
});

describe('fitOls behaviour', () => {
  it('recovers an exact linear relation', () => {
    const x = Float64Array.of(0, 1, 2, 3, 4);
    const fit = fitOls({
      design: { n: 5, p: 2, columns: [new Float64Array(5).fill(1), x], names: ['(Intercept)', 'x'] },
      y: x.map((v) => 3 - 2 * v),
    });
    expect(fit.coefficients[0]).toBeCloseTo(3, 12);
    expect(fit.coefficients[1]).toBeCloseTo(-2, 12);
  });
  it('names the collinear column of a singular design', () => {
    const x = Float64Array.of(1, 2, 3, 4, 5, 6);
    const twice = x.map((v) => 2 * v + 1);
    const run = () =>
      fitOls({
        design: {
          n: 6,
          p: 3,
          columns: [new Float64Array(6).fill(1), x, twice],
          names: ['(Intercept)', 'price', 'price_copy'],
        },
        y: Float64Array.of(1, 3, 2, 5, 4, 6),
      });
    expect(run).toThrow(MeasureError);
    expect(run).toThrow(/price_copy/);
    try {
      run();
    } catch (error) {
      expect((error as MeasureError).code).toBe('MODEL_SINGULAR_DESIGN');
      expect((error as MeasureError).column).toBe('price_copy');
    }
  });
  it('names an all-zero column', () => {
    expect(() =>
      fitOls({
        design: {
          n: 4,
          p: 2,
          columns: [new Float64Array(4).fill(1), new Float64Array(4)],
          names: ['(Intercept)', 'empty'],
        },
        y: Float64Array.of(1, 2, 3, 4),
      }),
    ).toThrow(/"empty"/);
  });
  it('builds t intervals: estimate ± t·SE', () => {
    const fit = fitOls({ design, y, covariance: { type: 'HC1' } });
    const inference = coefficientInference(fit, 1, 0.95);
    expect(inference.ciUpper - inference.estimate).toBeCloseTo(inference.estimate - inference.ciLower, 12);
    expect(inference.statistic).toBeCloseTo(inference.estimate / inference.standardError, 12);
    expect(inference.pValue).toBeGreaterThan(0);
    expect(inference.pValue).toBeLessThan(1);
  });
});

describe('fitOls residuals and fitted values', () => {
  it('are materialised on first access with the bytes an eager pass writes (cluster and HAC fits)', () => {
    const eager = fitOls({ design, y, covariance: specs.cluster as CovarianceSpec });
    for (const type of ['classical', 'HC1', 'HC3'] as const) {
      const fit = fitOls({ design, y, covariance: { type } });
      expect(new Uint8Array(fit.residuals.buffer)).toEqual(new Uint8Array(eager.residuals.buffer));
      expect(new Uint8Array(fit.fitted.buffer)).toEqual(new Uint8Array(eager.fitted.buffer));
      expect(fit.residuals).toBe(fit.residuals); // computed once, then a plain property
    }
    let rss = 0;
    for (const e of eager.residuals) rss += e * e;
    expect(Math.abs(rss / eager.rss - 1)).toBeLessThan(1e-12);
    for (let i = 0; i < n; i++)
      expect((eager.fitted[i] as number) + (eager.residuals[i] as number)).toBeCloseTo(y[i] as number, 10);
  });

  it('survive spreading and can be replaced', () => {
    const fit = fitOls({ design, y, covariance: { type: 'HC1' } });
    const copy = { ...fit };
    expect(copy.residuals.length).toBe(n);
    expect(Object.getOwnPropertyDescriptor(copy, 'fitted')?.value).toBe(fit.fitted);
    const lazy = fitOls({ design, y });
    const clone = Object.defineProperties({}, Object.getOwnPropertyDescriptors(lazy)) as typeof lazy;
    expect(clone.residuals).toBe(lazy.residuals); // one computation, shared
    const other = fitOls({ design, y });
    other.fitted = Float64Array.of(1);
    expect([...other.fitted]).toEqual([1]);
    expect(other.residuals.length).toBe(n);
  });
});

describe('fitOls on an ill-conditioned design (a regressor with mean 1e6 and sd 1)', () => {
  // 80-digit decimal reference on the raw design; n = 3000 spans several row blocks.
  const ill = JSON.parse(
    readFileSync(new URL('../fixtures/ols-ill-conditioned.json', import.meta.url), 'utf8'),
  ) as {
    names: string[];
    x1: number[];
    d: number[];
    x2: number[];
    y: number[];
    weights: number[];
    clusters: number[];
    cases: Record<string, Case>;
    wls: Record<string, Case>;
  };
  const m = ill.y.length;
  const illDesign: DesignMatrix = {
    n: m,
    p: 4,
    columns: [
      new Float64Array(m).fill(1),
      Float64Array.from(ill.x1),
      Float64Array.from(ill.d),
      Float64Array.from(ill.x2),
    ],
    names: ill.names,
  };
  const illY = Float64Array.from(ill.y);
  const illSpecs: Record<string, CovarianceSpec> = {
    classical: { type: 'classical' },
    HC1: { type: 'HC1' },
    HC3: { type: 'HC3' },
    cluster: { type: 'cluster', clusters: Int32Array.from(ill.clusters) },
  };
  for (const [key, covariance] of Object.entries(illSpecs)) {
    it(`${key}: coefficients, standard errors, RSS and R² to 1e-10`, () => {
      const expected = ill.cases[key] as Case;
      const fit = fitOls({ design: illDesign, y: illY, covariance });
      expectRelative(fit.coefficients, expected.coefficients, GOLDEN, 'coefficients');
      expectRelative(fit.standardErrors, expected.standard_errors, GOLDEN, 'standard errors');
      expect(Math.abs(fit.rss / expected.rss - 1)).toBeLessThan(GOLDEN);
      expect(Math.abs(fit.rSquared - expected.r_squared)).toBeLessThan(GOLDEN);
    });
  }
  for (const key of ['classical', 'HC1'] as const) {
    it(`weighted least squares, ${key}, to 1e-10`, () => {
      const expected = ill.wls[key] as Case;
      const fit = fitOls({
        design: illDesign,
        y: illY,
        weights: Float64Array.from(ill.weights),
        covariance: illSpecs[key] as CovarianceSpec,
      });
      expectRelative(fit.coefficients, expected.coefficients, GOLDEN, 'coefficients');
      expectRelative(fit.standardErrors, expected.standard_errors, GOLDEN, 'standard errors');
      expect(Math.abs(fit.rss / expected.rss - 1)).toBeLessThan(GOLDEN);
      expect(Math.abs(fit.rSquared - expected.r_squared)).toBeLessThan(GOLDEN);
    });
  }
});

describe('fitOls centres against whichever column is constant', () => {
  const reference = fitOls({ design, y, covariance: { type: 'HC3' } });
  it('gives the same fit with the intercept last', () => {
    const order = [1, 2, 3, 0];
    const fit = fitOls({
      design: {
        ...design,
        columns: order.map((j) => design.columns[j] as Float64Array),
        names: order.map((j) => design.names[j] as string),
      },
      y,
      covariance: { type: 'HC3' },
    });
    order.forEach((j, position) => {
      expect(fit.coefficients[position]).toBeCloseTo(reference.coefficients[j] as number, 12);
      expect(fit.standardErrors[position]! / reference.standardErrors[j]!).toBeCloseTo(1, 12);
    });
  });
  it('halves the coefficient of a constant column of 2s and leaves the rest', () => {
    const fit = fitOls({
      design: { ...design, columns: [new Float64Array(n).fill(2), ...design.columns.slice(1)] },
      y,
      covariance: { type: 'HC3' },
    });
    expect(fit.coefficients[0]! * 2).toBeCloseTo(reference.coefficients[0] as number, 12);
    expect((fit.standardErrors[0]! * 2) / reference.standardErrors[0]!).toBeCloseTo(1, 12);
    for (let j = 1; j < 4; j++)
      expect(fit.coefficients[j]).toBeCloseTo(reference.coefficients[j] as number, 12);
    expect(fit.rSquared).toBeCloseTo(reference.rSquared, 12);
  });
  it('refuses a second constant column, naming it', () => {
    const run = () =>
      fitOls({
        design: {
          n,
          p: 5,
          columns: [...design.columns, new Float64Array(n).fill(3)],
          names: [...design.names, 'three'],
        },
        y,
      });
    expect(run).toThrow(MeasureError);
    expect(run).toThrow(/"three" is constant, a multiple of "\(Intercept\)"/);
  });
  it('rows of weight 0 (whole blocks of them) leave the fit as if they were dropped', () => {
    // 4 copies of the fixture rows; the first 2 copies (> one block) get weight 0.
    const copies = 4;
    const big = (column: Float64Array) =>
      Float64Array.from({ length: n * copies }, (_, i) => column[i % n] as number);
    const weights = Float64Array.from({ length: n * copies }, (_, i) =>
      i < 2 * n ? 0 : (fixture.weights[i % n] as number),
    );
    const tail = (column: Float64Array) => big(column).subarray(2 * n);
    const full = fitOls({
      design: { n: n * copies, p: 4, columns: design.columns.map(big), names: design.names },
      y: big(y),
      weights,
      covariance: { type: 'HC0' },
    });
    const dropped = fitOls({
      design: { n: 2 * n, p: 4, columns: design.columns.map(tail), names: design.names },
      y: tail(y),
      weights: weights.subarray(2 * n),
      covariance: { type: 'HC0' },
    });
    expectRelative(full.coefficients, [...dropped.coefficients], 1e-12, 'coefficients');
    expectRelative(full.standardErrors, [...dropped.standardErrors], 1e-12, 'HC0 SE');
    expect(full.rss / dropped.rss).toBeCloseTo(1, 12);
  });
});
