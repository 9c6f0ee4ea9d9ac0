import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { studentTCdf, studentTQuantile, twoSidedPValue } from '../../src/stats/distributions';
import { fitOls } from '../../src/stats/ols';

describe('distribution properties', () => {
  it('quantile inverts the cdf and the cdf is monotone, for any df and p', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.5, max: 1e6, noNaN: true }),
        fc.double({ min: 1e-9, max: 1 - 1e-9, noNaN: true }),
        (df, p) => {
          const t = studentTQuantile(p, df);
          expect(Math.abs(studentTCdf(t, df) - p) / Math.min(p, 1 - p)).toBeLessThan(1e-8);
          expect(studentTCdf(t + 0.01, df)).toBeGreaterThanOrEqual(studentTCdf(t, df));
          expect(twoSidedPValue(t, df)).toBeCloseTo(2 * Math.min(p, 1 - p), 8);
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('OLS properties', () => {
  it('shifting y by a constant moves only the intercept; scaling a regressor rescales its coefficient and SE', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(
            fc.double({ min: -10, max: 10, noNaN: true }),
            fc.double({ min: -10, max: 10, noNaN: true }),
          ),
          {
            minLength: 8,
            maxLength: 40,
          },
        ),
        fc.double({ min: -100, max: 100, noNaN: true }),
        fc.double({ min: 0.1, max: 100, noNaN: true }),
        (points, shift, scale) => {
          const xs = Float64Array.from(points, ([x]) => x);
          const ys = Float64Array.from(points, ([, y]) => y);
          const n = xs.length;
          const spread = Math.max(...xs) - Math.min(...xs);
          fc.pre(spread > 1);
          const ones = new Float64Array(n).fill(1);
          const base = fitOls({
            design: { n, p: 2, columns: [ones, xs], names: ['c', 'x'] },
            y: ys,
            covariance: { type: 'HC1' },
          });
          const shifted = fitOls({
            design: { n, p: 2, columns: [ones, xs], names: ['c', 'x'] },
            y: ys.map((y) => y + shift),
            covariance: { type: 'HC1' },
          });
          expect(shifted.coefficients[1]).toBeCloseTo(base.coefficients[1] as number, 8);
          expect(shifted.coefficients[0]).toBeCloseTo((base.coefficients[0] as number) + shift, 7);
          const scaled = fitOls({
            design: { n, p: 2, columns: [ones, xs.map((x) => x * scale)], names: ['c', 'x'] },
            y: ys,
            covariance: { type: 'HC1' },
          });
          expect((scaled.coefficients[1] as number) * scale).toBeCloseTo(base.coefficients[1] as number, 8);
          expect((scaled.standardErrors[1] as number) * scale).toBeCloseTo(
            base.standardErrors[1] as number,
            8,
          );
        },
      ),
      { numRuns: 100 },
    );
  });
});
