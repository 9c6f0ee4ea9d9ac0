import { describe, expect, it } from 'vitest';
import { streamKey, Xoshiro128 } from '../../src/index';
import { cellFirstWord, cellLastWord, cellSubindexWord, cellUniforms, mix32 } from '../../src/random/prng';
import reference from '../fixtures/xoshiro128starstar.json';

describe('xoshiro128**', () => {
  it.each(reference.xoshiro128starstar)(
    'matches the reference C outputs from state $state',
    ({ state, outputs }) => {
      const rng = new Xoshiro128();
      rng.setState(state[0] as number, state[1] as number, state[2] as number, state[3] as number);
      expect(outputs.map(() => rng.nextUint32())).toEqual(outputs);
    },
  );

  it('mixes with MurmurHash3 fmix32 exactly', () => {
    for (const [input, output] of reference.fmix32) expect(mix32(input as number)).toBe(output);
  });

  it('draws uniforms strictly inside (0, 1) with mean ½ and variance 1/12', () => {
    const rng = new Xoshiro128();
    rng.seedCell(streamKey(1, 'test'), 0, 0);
    let sum = 0;
    let sumSquares = 0;
    let outside = 0;
    const n = 200_000;
    for (let i = 0; i < n; i += 1) {
      const u = rng.nextUniform();
      if (!(u > 0 && u < 1)) outside += 1;
      sum += u;
      sumSquares += u * u;
    }
    const mean = sum / n;
    expect(outside).toBe(0);
    expect(Math.abs(mean - 0.5)).toBeLessThan(4 * Math.sqrt(1 / 12 / n));
    expect(sumSquares / n - mean * mean).toBeCloseTo(1 / 12, 3);
  });

  it('gives independent-looking first draws across neighbouring cells', () => {
    // The first uniform of cells (i, day) for 20,000 products on one day: mean, and lag-1 correlation.
    const rng = new Xoshiro128();
    const key = streamKey(42, 'funnel');
    const n = 20_000;
    const values = new Float64Array(n);
    for (let i = 0; i < n; i += 1) {
      rng.seedCell(key, i, 19_723);
      values[i] = rng.nextUniform();
    }
    const mean = values.reduce((a, b) => a + b, 0) / n;
    let covariance = 0;
    let variance = 0;
    for (let i = 0; i < n; i += 1) {
      variance += ((values[i] as number) - mean) ** 2;
      if (i > 0) covariance += ((values[i] as number) - mean) * ((values[i - 1] as number) - mean);
    }
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.01);
    expect(Math.abs(covariance / variance)).toBeLessThan(0.03);
  });

  it('separates streams by name and seed', () => {
    expect(streamKey(42, 'funnel')).not.toBe(streamKey(42, 'catalog'));
    expect(streamKey(42, 'funnel')).not.toBe(streamKey(43, 'funnel'));
    expect(streamKey(2 ** 40, 'funnel')).not.toBe(streamKey(0, 'funnel'));
    expect(streamKey(42, 'funnel')).toBe(streamKey(42, 'funnel'));
  });

  it('cellUniforms gives the uniforms of seedCell bit for bit, from per-index and per-subindex words', () => {
    const rng = new Xoshiro128();
    const out = new Float64Array(6);
    for (const key of [streamKey(42, 'funnel'), streamKey(0, 'funnel'), 0xffffffff]) {
      for (const a of [0, 1, 7, 9_999, 123_456, 9_999_999]) {
        const first = cellFirstWord(key, a);
        const last = cellLastWord(first);
        for (const b of [0, 1, 19_723, 20_088, 40_000, -3]) {
          rng.seedCell(key, a, b);
          cellUniforms(first, last, cellSubindexWord(b), out, 6);
          for (let k = 0; k < 6; k += 1)
            expect(out[k], `key ${key} cell (${a}, ${b}) draw ${k}`).toBe(rng.nextUniform());
        }
      }
    }
  });
});
