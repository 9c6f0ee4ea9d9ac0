import { describe, expect, it } from 'vitest';
import { hacSmallSample, neweyWestCovariance } from '../../../src/models/panel/hac-small-sample';
import { fitOls } from '../../../src/stats/ols';

// Two groups of sizes n1, n2 (columns: intercept, group-2 dummy); contrast = the dummy = difference in means.
function twoGroupDesign(n1: number, n2: number) {
  const n = n1 + n2;
  const intercept = new Float64Array(n).fill(1);
  const dummy = Float64Array.from({ length: n }, (_, i) => (i >= n1 ? 1 : 0));
  // (X'X)⁻¹ of [1, d]: [[1/n1, −1/n1], [−1/n1, 1/n1 + 1/n2]].
  const xtxInverse = Float64Array.from([1 / n1, -1 / n1, -1 / n1, 1 / n1 + 1 / n2]);
  return { columns: [intercept, dummy], xtxInverse, contrast: Float64Array.from([0, 1]) };
}

describe('hacSmallSample', () => {
  it('with no lags matches the closed form for a difference in two means (Welch df with equal variances)', () => {
    const [n1, n2] = [4, 11];
    const { columns, xtxInverse, contrast } = twoGroupDesign(n1, n2);
    const { df, biasFactor } = hacSmallSample(columns, xtxInverse, contrast, 0);
    // HC0 of the difference: Σ_g Σ_i e_i²/n_g², E = σ² Σ_g (n_g − 1)/n_g², Var = 2σ⁴ Σ_g (n_g − 1)/n_g⁴.
    const expectation = (n1 - 1) / n1 ** 2 + (n2 - 1) / n2 ** 2;
    const variance = (n1 - 1) / n1 ** 4 + (n2 - 1) / n2 ** 4;
    expect(df).toBeCloseTo(expectation ** 2 / variance, 10);
    expect(biasFactor).toBeCloseTo((1 / n1 + 1 / n2) / expectation, 10);
  });

  it('makes the Newey–West variance unbiased under iid errors (Monte Carlo mean of κ·V̂ ≈ σ²·c′(X′X)⁻¹c)', () => {
    const n = 24;
    const pre = 5;
    const intercept = new Float64Array(n).fill(1);
    const trend = Float64Array.from({ length: n }, (_, t) => t - pre);
    const level = trend.map((value) => (value >= 0 ? 1 : 0));
    const slope = trend.map((value) => Math.max(value, 0));
    const columns = [intercept, trend, level, slope];
    const design = { n, p: 4, columns, names: ['a', 'b', 'c', 'd'] };
    let state = 7;
    const uniform = () => {
      state = (state * 48271) % 2147483647;
      return state / 2147483647;
    };
    const normal = () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
    const contrast = Float64Array.from([0, 0, 1, 9.5]);
    let xtxInverse = new Float64Array(16);
    let sum = 0;
    const replications = 4000;
    for (let r = 0; r < replications; r++) {
      const y = Float64Array.from({ length: n }, normal);
      const fit = fitOls({ design, y });
      xtxInverse = fit.covariance.map((value) => value / (fit.rss / fit.dfResidual));
      const covariance = neweyWestCovariance(columns, fit.residuals, xtxInverse, 2);
      let v = 0;
      for (let a = 0; a < 4; a++)
        for (let b = 0; b < 4; b++)
          v += (contrast[a] as number) * (covariance[a * 4 + b] as number) * (contrast[b] as number);
      sum += v;
    }
    const { biasFactor } = hacSmallSample(columns, xtxInverse, contrast, 2);
    let target = 0;
    for (let a = 0; a < 4; a++)
      for (let b = 0; b < 4; b++)
        target += (contrast[a] as number) * (xtxInverse[a * 4 + b] as number) * (contrast[b] as number);
    expect(biasFactor).toBeGreaterThan(1.2);
    // Relative Monte Carlo error of the mean of a χ²-like quadratic form with ν ≈ 3 is ≈ √(2/ν)/√R ≈ 1.3%.
    expect(Math.abs((biasFactor * sum) / replications / target - 1)).toBeLessThan(0.06);
  });
});
