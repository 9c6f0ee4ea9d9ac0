import { describe, expect, it } from 'vitest';
import { encodeFactor } from '../../../src/models/panel/codes';

describe('encodeFactor', () => {
  it('codes integer ids by direct indexing with sorted levels and counts', () => {
    const factor = encodeFactor(Float64Array.of(7, -2, 7, 3, -2, 7));
    expect(factor.levels).toEqual([-2, 3, 7]);
    expect([...factor.codes]).toEqual([2, 0, 2, 1, 0, 2]);
    expect([...factor.counts]).toEqual([2, 1, 3]);
  });

  it('codes gap-free integer ids (unit ids, periods) as offsets from the minimum', () => {
    const factor = encodeFactor(Float64Array.of(12, 10, 11, 10, 12));
    expect(factor.levels).toEqual([10, 11, 12]);
    expect([...factor.codes]).toEqual([2, 0, 1, 0, 2]);
    expect([...factor.counts]).toEqual([2, 1, 2]);
    expect([...encodeFactor(Int32Array.of(3, 1, 3, 5)).codes]).toEqual([1, 0, 1, 2]);
    const gappy = encodeFactor(Float64Array.of(0, 5, 2, 5));
    expect([gappy.levels, [...gappy.codes], [...gappy.counts]]).toEqual([
      [0, 2, 5],
      [0, 2, 1, 2],
      [1, 1, 2],
    ]);
  });

  it('codes ids beyond the first 1,024 slots and falls back for negative or fractional ones', () => {
    const ids = Float64Array.from({ length: 300 }, (_, i) => (i === 7 ? 1100 : i % 3));
    const factor = encodeFactor(ids);
    expect(factor.levels).toEqual([0, 1, 2, 1100]);
    expect([factor.codes[7], factor.codes[8], factor.counts[3]]).toEqual([3, 2, 1]);
    expect(encodeFactor(Float64Array.of(2, -1, 2)).levels).toEqual([-1, 2]);
    expect([...encodeFactor(Float64Array.of(3, 0.5, 3)).codes]).toEqual([1, 0, 1]);
  });

  it('gives the same codes through the hashed path for fractional or widely spread numbers', () => {
    const spread = encodeFactor(Float64Array.of(1e12, 5, 1e12, -3));
    expect(spread.levels).toEqual([-3, 5, 1e12]);
    expect([...spread.codes]).toEqual([2, 1, 2, 0]);
    const fractional = encodeFactor(Float64Array.of(0.5, 2, 0.5, 1.25));
    expect(fractional.levels).toEqual([0.5, 1.25, 2]);
    expect([...fractional.codes]).toEqual([0, 2, 0, 1]);
    expect([...fractional.counts]).toEqual([2, 1, 1]);
  });

  it('codes strings in string order, runs of equal values included', () => {
    const factor = encodeFactor(['b', 'b', 'a', 'c', 'c', 'b']);
    expect(factor.levels).toEqual(['a', 'b', 'c']);
    expect([...factor.codes]).toEqual([1, 1, 0, 2, 2, 1]);
    expect([...factor.counts]).toEqual([1, 3, 2]);
  });
});
