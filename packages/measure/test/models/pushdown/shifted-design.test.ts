import { describe, expect, it } from 'vitest';
import { unshiftIntercept } from '../../../src/models/pushdown/shifted-design';
import { fitOls } from '../../../src/stats/ols';
import { relativeMismatches, uniformStream } from '../../sql/helpers';

describe('unshiftIntercept', () => {
  it('turns a fit on shifted columns into the fit on the columns (HC1 coefficients and covariance)', () => {
    const next = uniformStream(7);
    const n = 400;
    const one = new Float64Array(n).fill(1);
    const treated = Float64Array.from({ length: n }, () => (next() < 0.4 ? 1 : 0));
    const price = Float64Array.from({ length: n }, () => 50 + 10 * next());
    const y = Float64Array.from(
      { length: n },
      (_, i) => 3 + 2 * (treated[i] as number) + 0.1 * (price[i] as number) + next(),
    );
    const shifts = [0, 0.4, 55];
    const names = ['(Intercept)', 'treated', 'price'];
    const design = (columns: Float64Array[]) => ({ n, p: 3, names, columns });
    const shifted = [one, treated.map((v) => v - 0.4), price.map((v) => v - 55)];
    const onShifted = fitOls({ design: design(shifted), y, covariance: { type: 'HC1' } });
    const expected = fitOls({ design: design([one, treated, price]), y, covariance: { type: 'HC1' } });
    // The fits differ in the intercept (and its covariances) only.
    expect(
      Math.abs((onShifted.coefficients[0] as number) - (expected.coefficients[0] as number)),
    ).toBeGreaterThan(1);
    const back = unshiftIntercept(onShifted.coefficients, onShifted.covariance, shifts, 3);
    expect(relativeMismatches(back.coefficients, expected.coefficients, 1e-10)).toEqual([]);
    expect(relativeMismatches(back.covariance, expected.covariance, 1e-9)).toEqual([]);
    expect(onShifted.coefficients[0]).not.toBe(back.coefficients[0]);
  });
});
