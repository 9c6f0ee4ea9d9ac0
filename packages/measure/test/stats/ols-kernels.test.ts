import { describe, expect, it } from 'vitest';
import { BlockDots } from '../../src/stats/ols-fallback';
import { MAX_KERNEL_COLUMNS, momentKernel, residualKernel } from '../../src/stats/ols-kernels';

function uniforms(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return ((state >>> 0) + 0.5) / 4294967296;
  };
}

const rows = 700;
const start = 37;
const end = 611;

function columns(count: number, seed: number): Float64Array[] {
  const uniform = uniforms(seed);
  return Array.from({ length: count }, (_, a) =>
    Float64Array.from({ length: rows }, () => a + 10 * uniform()),
  );
}

describe('specialised OLS row kernels', () => {
  for (let k = 1; k <= MAX_KERNEL_COLUMNS; k++)
    for (const weighted of [false, true])
      it(`pass one (${k} arrays${weighted ? ', weighted' : ''}) equals the column-pair fallback bit for bit`, () => {
        const arrays = columns(k, k);
        const weights = weighted ? columns(1, 99)[0]! : null;
        const shifts = Float64Array.from({ length: k }, (_, a) => a + 5);
        const kernel = momentKernel(k, weighted);
        expect(kernel).not.toBeNull();
        const sums = new Float64Array(k);
        const products = new Float64Array(k * k);
        kernel?.(arrays, weights, start, end, shifts, sums, products);
        const fallbackSums = new Float64Array(k);
        const fallbackProducts = new Float64Array(k * k);
        new BlockDots(k).moments(arrays, weights, start, end, shifts, fallbackSums, fallbackProducts);
        expect(sums).toEqual(fallbackSums);
        expect(products).toEqual(fallbackProducts);
        expect(products[k - 1]).not.toBe(0);
      });

  for (const q of [0, 1, 3, MAX_KERNEL_COLUMNS - 1])
    for (const weighted of [false, true])
      for (const power of [-1, 0, 1, 2] as const)
        it(`pass two (${q} varying columns${weighted ? ', weighted' : ''}, power ${power}) equals the fallback bit for bit`, () => {
          const xs = columns(q, 7 + q);
          const y = columns(1, 3)[0]!;
          const weights = weighted ? columns(1, 5)[0]! : null;
          const uniform = uniforms(11);
          const shifts = Float64Array.from({ length: q }, (_, a) => a + 5);
          const beta = Float64Array.from({ length: q }, () => uniform() - 0.5);
          // A small positive leverage form, so that 1 − h stays away from 0.
          const lever = Float64Array.from({ length: 1 + q + q * q }, () => uniform() * 1e-5);
          const run = (use: 'kernel' | 'fallback') => {
            const fitted = new Float64Array(rows);
            const residuals = new Float64Array(rows);
            const out = new Float64Array(2 + q + q * q);
            const args = [xs, y, weights, start, end, shifts, beta, 0.25, lever] as const;
            if (use === 'kernel') {
              const kernel = residualKernel(q, weighted, power);
              expect(kernel).not.toBeNull();
              kernel?.(...args, fitted, residuals, out);
            } else new BlockDots(q).residuals(...args, power, fitted, residuals, out);
            return { fitted, residuals, out };
          };
          const kernel = run('kernel');
          const fallback = run('fallback');
          expect(kernel.fitted).toEqual(fallback.fitted);
          expect(kernel.residuals).toEqual(fallback.residuals);
          expect(kernel.out).toEqual(fallback.out);
          expect(kernel.out[0]).toBeGreaterThan(0);
          if (power >= 0) expect(kernel.out[1]).toBeGreaterThan(0);
        });

  it('pass two without storing writes no fitted values or residuals and the same sums', () => {
    const q = 3;
    const xs = columns(q, 21);
    const y = columns(1, 22)[0]!;
    const shifts = Float64Array.of(5, 6, 7);
    const beta = Float64Array.of(0.3, -0.2, 0.1);
    const lever = new Float64Array(1 + q + q * q);
    const outStored = new Float64Array(2 + q + q * q);
    const outBare = new Float64Array(2 + q + q * q);
    const fitted = new Float64Array(rows).fill(Number.NaN);
    const residuals = new Float64Array(rows).fill(Number.NaN);
    const args = [xs, y, null, start, end, shifts, beta, 0.25, lever] as const;
    residualKernel(q, false, 0)?.(...args, new Float64Array(rows), new Float64Array(rows), outStored);
    residualKernel(q, false, 0, false)?.(...args, fitted, residuals, outBare);
    expect(outBare).toEqual(outStored);
    expect(fitted.every(Number.isNaN) && residuals.every(Number.isNaN)).toBe(true);
  });

  it('leaves wide designs to the fallback', () => {
    expect(momentKernel(MAX_KERNEL_COLUMNS + 1, false)).toBeNull();
    expect(residualKernel(MAX_KERNEL_COLUMNS, false, 0)).toBeNull();
  });
});
