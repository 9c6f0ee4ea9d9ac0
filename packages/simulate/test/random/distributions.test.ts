import { describe, expect, it } from 'vitest';
import { binomialQuantile, normalQuantile, poissonQuantile } from '../../src/index';
import {
  binomialQuantileForRate,
  CORNISH_FISHER_TERMS,
  EXACT_INVERSION_MAX_MEAN,
  PREPARED_RATE_STRIDE,
  poissonCornishFisher,
  poissonCornishFisherFast,
  poissonSearch,
  prepareBinomialRate,
  prepareCornishFisherTerms,
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

  it('the array-based samplers equal the scalar reference algorithm bit for bit', () => {
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
    probabilities.forEach((p, index) => {
      prepareBinomialRate(p, rates, index * PREPARED_RATE_STRIDE);
    });
    for (let step = 0; step < 97; step += 1) {
      const u = (step + 0.37) / 97;
      const uniforms = Float64Array.of(u);
      probabilities.forEach((p, index) => {
        for (const trials of [0, 1, 2, 5, 17, 120, 399, 401, 5_000]) {
          const expected = referenceBinomialQuantile(u, trials, p);
          const offset = index * PREPARED_RATE_STRIDE;
          expect(
            binomialQuantileForRate(uniforms, 0, trials, rates, offset),
            `u=${u} n=${trials} p=${p}`,
          ).toBe(expected);
          expect(binomialQuantile(u, trials, p)).toBe(expected);
        }
      });
      for (const mean of [1e-6, 0.3, 4, 39.9, 40]) {
        expect(poissonSearch(uniforms, 0, Float64Array.of(mean), 0)).toBe(referencePoissonQuantile(u, mean));
      }
      for (const mean of [40.01, 120, 5_000]) {
        const normals = Float64Array.of(normalQuantile(u));
        expect(poissonCornishFisher(normals, 0, Float64Array.of(mean), 0)).toBe(
          referencePoissonQuantile(u, mean),
        );
      }
      for (const mean of [0, 1e-6, 4, 40, 40.01, 5_000]) {
        expect(poissonQuantile(u, mean)).toBe(referencePoissonQuantile(u, mean));
      }
      for (const p of [u, u / 1e3, 1 - u / 1e3, 0.02425, 1 - 0.02425, 1.1641532182693481e-10]) {
        expect(normalQuantile(p), `p=${p}`).toBe(referenceNormalQuantile(p));
      }
    }
  });
});

describe('poissonCornishFisherFast', () => {
  const terms = new Float64Array(CORNISH_FISHER_TERMS);
  const means = new Float64Array(1);
  const exact = (z: number, mean: number): number => {
    terms[0] = z;
    prepareCornishFisherTerms(terms, 0);
    means[0] = mean;
    return poissonCornishFisher(terms, 0, means, 0);
  };
  const fast = (z: number, mean: number): number => {
    terms[0] = z;
    prepareCornishFisherTerms(terms, 0);
    means[0] = mean;
    return poissonCornishFisherFast(terms, 0, means, 0);
  };

  it('equals poissonCornishFisher bit for bit over the whole range of z and means', () => {
    for (let step = 1; step < 800; step += 1) {
      const z = normalQuantile(step / 800);
      for (const mean of [40.000001, 41, 57.3, 120, 999.9, 12_345.6, 1e7, 3e9]) {
        expect(Object.is(fast(z, mean), exact(z, mean)), `z=${z} λ=${mean}`).toBe(true);
      }
    }
    // Far below a small mean the value before rounding is negative or in (−1, 0], where Math.ceil
    // gives −0: both clamp to +0.
    let clamped = 0;
    for (let z = -12; z < -5; z += 0.001) {
      for (const mean of [40.5, 41, 43]) {
        expect(Object.is(fast(z, mean), exact(z, mean)), `z=${z} λ=${mean}`).toBe(true);
        if (Object.is(exact(z, mean), 0)) clamped += 1;
      }
    }
    expect(clamped).toBeGreaterThan(0);
  });

  it('hands values on a rounding boundary to the exact evaluation', () => {
    for (const u of [0.001, 0.2, 0.5, 0.77, 0.999]) {
      const z = normalQuantile(u);
      // Bisect the mean down to two neighbouring doubles between which the exact quantile steps up:
      // there the exact value before rounding is within an ulp of an integer.
      let low = 50;
      let high = 60;
      const start = exact(z, low);
      for (;;) {
        const middle = (low + high) / 2;
        if (middle === low || middle === high) break;
        if (exact(z, middle) === start) low = middle;
        else high = middle;
      }
      expect(exact(z, high), `u=${u}`).toBeGreaterThan(exact(z, low));
      expect(fast(z, low), `u=${u} λ=${low}`).toBe(exact(z, low));
      expect(fast(z, high), `u=${u} λ=${high}`).toBe(exact(z, high));
    }
  });
});

// The samplers as first written (scalar arguments, a branch per exponent bit, the normal quantile's
// three branches in one function), kept as the reference the optimised versions must reproduce exactly.
function referenceNormalQuantile(p: number): number {
  const c = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734];
  const tail = (q: number) =>
    (((((c[0] as number) * q + (c[1] as number)) * q + (c[2] as number)) * q + (c[3] as number)) * q +
      4.374664141464968) *
      q +
    2.938163982698783;
  const denominator = (q: number) =>
    (((7.784695709041462e-3 * q + 3.224671290700398e-1) * q + 2.445134137142996) * q + 3.754408661907416) *
      q +
    1;
  if (p < 0.02425) {
    const q = Math.sqrt(-2 * Math.log(p));
    return tail(q) / denominator(q);
  }
  if (p > 1 - 0.02425) {
    const q = Math.sqrt(-2 * Math.log(1 - p));
    return -(tail(q) / denominator(q));
  }
  const q = p - 0.5;
  const r = q * q;
  return (
    ((((((-3.969683028665376e1 * r + 2.209460984245205e2) * r - 2.759285104469687e2) * r +
      1.38357751867269e2) *
      r -
      3.066479806614716e1) *
      r +
      2.506628277459239) *
      q) /
    (((((-5.447609879822406e1 * r + 1.615858368580409e2) * r - 1.556989798598866e2) * r +
      6.680131188771972e1) *
      r -
      1.328068155288572e1) *
      r +
      1)
  );
}

function referenceCornishFisher(u: number, mean: number, sd: number, skew: number, kurt: number): number {
  const z = normalQuantile(u);
  const z2 = z * z;
  const w =
    z + ((z2 - 1) * skew) / 6 + ((z2 * z - 3 * z) * kurt) / 24 - ((2 * z2 * z - 5 * z) * skew * skew) / 36;
  return Math.ceil(mean + sd * w - 0.5);
}

function referencePoissonQuantile(u: number, mean: number): number {
  if (!(mean > 0)) return 0;
  if (mean <= EXACT_INVERSION_MAX_MEAN) {
    let probability = Math.exp(-mean);
    let cumulative = probability;
    let k = 0;
    while (u > cumulative && k < 1000) {
      probability *= mean * (1 / (k + 1));
      k += 1;
      cumulative += probability;
    }
    return k;
  }
  const sd = Math.sqrt(mean);
  return Math.max(referenceCornishFisher(u, mean, sd, 1 / sd, 1 / mean), 0);
}

function referenceBinomialQuantile(u: number, trials: number, p: number): number {
  if (trials <= 0 || !(p > 0)) return 0;
  if (p >= 1) return trials;
  if (p > 0.5) return trials - referenceLowerTail(1 - u, trials, 1 - p);
  return referenceLowerTail(u, trials, p);
}

function referenceLowerTail(u: number, trials: number, p: number): number {
  const mean = trials * p;
  if (mean <= EXACT_INVERSION_MAX_MEAN) {
    const q = 1 - p;
    const ratio = p / q;
    let probability = 1;
    let base = q;
    for (let exponent = trials; exponent > 0; exponent >>>= 1) {
      if ((exponent & 1) === 1) probability *= base;
      base *= base;
    }
    let cumulative = probability;
    let k = 0;
    while (u > cumulative && k < trials) {
      probability *= (trials - k) * ratio * (1 / (k + 1));
      k += 1;
      cumulative += probability;
    }
    return k;
  }
  const variance = mean * (1 - p);
  const sd = Math.sqrt(variance);
  const value = referenceCornishFisher(u, mean, sd, (1 - 2 * p) / sd, (1 - 6 * p * (1 - p)) / variance);
  return value < 0 ? 0 : Math.min(value, trials);
}
