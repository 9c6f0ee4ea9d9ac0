import { describe, expect, it } from 'vitest';
import { binomialQuantile, normalQuantile, poissonQuantile } from '../../src/index';
import {
  binomialQuantileForRate,
  EXACT_INVERSION_MAX_MEAN,
  PREPARED_RATE_STRIDE,
  poissonCornishFisher,
  poissonSearch,
  prepareBinomialRate,
} from '../../src/random/distributions';
import golden from '../fixtures/quantiles.json';

describe('quantile functions against SciPy', () => {
  it('normalQuantile matches norm.ppf to 1e-8 relative', () => {
    for (const [u, expected] of golden.normal as [number, number][]) {
      expect(Math.abs(normalQuantile(u) - expected)).toBeLessThanOrEqual(
        1e-8 * Math.max(1, Math.abs(expected)),
      );
    }
  });

  it('poissonQuantile is exact up to the inversion threshold and within Cornish–Fisher error above it', () => {
    for (const [u, mean, expected] of golden.poisson as [number, number, number][]) {
      const value = poissonQuantile(u, mean);
      if (mean <= EXACT_INVERSION_MAX_MEAN) expect(value, `u=${u} λ=${mean}`).toBe(expected);
      else expect(Math.abs(value - expected), `u=${u} λ=${mean}`).toBeLessThanOrEqual(1);
    }
  });

  it('binomialQuantile is exact up to the inversion threshold and within Cornish–Fisher error above it', () => {
    for (const [u, n, p, expected] of golden.binomial as [number, number, number, number][]) {
      const value = binomialQuantile(u, n, p);
      if (n * Math.min(p, 1 - p) <= EXACT_INVERSION_MAX_MEAN)
        expect(value, `u=${u} n=${n} p=${p}`).toBe(expected);
      else expect(Math.abs(value - expected), `u=${u} n=${n} p=${p}`).toBeLessThanOrEqual(1);
    }
  });

  it('is non-decreasing in the uniform and in the parameter (what common random numbers rely on)', () => {
    for (let k = 1; k < 200; k += 1) {
      const u = k / 200;
      for (const mean of [0.5, 5, 39, 41, 300]) {
        expect(poissonQuantile(u, mean)).toBeGreaterThanOrEqual(poissonQuantile(u - 0.0025, mean));
        expect(poissonQuantile(u, mean * 1.1)).toBeGreaterThanOrEqual(poissonQuantile(u, mean));
      }
      for (const p of [0.05, 0.3, 0.6]) {
        expect(binomialQuantile(u, 200, p)).toBeGreaterThanOrEqual(binomialQuantile(u - 0.0025, 200, p));
        expect(binomialQuantile(u, 200, p * 1.1)).toBeGreaterThanOrEqual(binomialQuantile(u, 200, p));
      }
    }
  });

  it('handles edge parameters', () => {
    expect(poissonQuantile(0.9, 0)).toBe(0);
    expect(binomialQuantile(0.9, 0, 0.5)).toBe(0);
    expect(binomialQuantile(0.9, 10, 0)).toBe(0);
    expect(binomialQuantile(0.1, 10, 1)).toBe(10);
  });

  it('the prepared-rate binomial and the split Poisson give binomialQuantile and poissonQuantile bit for bit', () => {
    const probabilities = [
      Number.NaN,
      -0.1,
      0,
      1e-9,
      0.01,
      0.1,
      0.37,
      0.5,
      0.5000001,
      0.62,
      0.9,
      0.999,
      1,
      1.5,
    ];
    const rates = new Float64Array(probabilities.length * PREPARED_RATE_STRIDE);
    probabilities.forEach((p, index) => prepareBinomialRate(p, rates, index * PREPARED_RATE_STRIDE));
    for (let step = 0; step < 97; step += 1) {
      const u = (step + 0.37) / 97;
      probabilities.forEach((p, index) => {
        for (const trials of [0, 1, 2, 5, 17, 120, 399, 401, 5_000]) {
          expect(
            binomialQuantileForRate(u, trials, rates, index * PREPARED_RATE_STRIDE),
            `u=${u} n=${trials} p=${p}`,
          ).toBe(binomialQuantile(u, trials, p));
        }
      });
      for (const mean of [1e-6, 0.3, 4, 39.9, 40])
        expect(poissonSearch(u, mean)).toBe(poissonQuantile(u, mean));
      for (const mean of [40.01, 120, 5_000]) {
        expect(poissonCornishFisher(normalQuantile(u), mean)).toBe(poissonQuantile(u, mean));
      }
    }
  });
});
