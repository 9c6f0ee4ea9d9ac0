import { describe, expect, it } from 'vitest';
import { isBeyondFlag, rampScore } from '../../src/scoring/ramp';

describe('rampScore', () => {
  it('is 1 at good, 0 at bad and linear between when higher is better', () => {
    expect(rampScore(1, { good: 1, bad: 0 })).toBe(1);
    expect(rampScore(0, { good: 1, bad: 0 })).toBe(0);
    expect(rampScore(0.25, { good: 1, bad: 0 })).toBeCloseTo(0.25, 15);
  });

  it('is 1 at good, 0 at bad and linear between when lower is better', () => {
    expect(rampScore(0.05, { good: 0.05, bad: 0.25 })).toBe(1);
    expect(rampScore(0.15, { good: 0.05, bad: 0.25 })).toBeCloseTo(0.5, 15);
    expect(rampScore(0.25, { good: 0.05, bad: 0.25 })).toBe(0);
  });

  it('clamps outside the ramp, including infinities, and scores NaN as 0', () => {
    expect(rampScore(5, { good: 1, bad: 0 })).toBe(1);
    expect(rampScore(-5, { good: 1, bad: 0 })).toBe(0);
    expect(rampScore(Number.POSITIVE_INFINITY, { good: 1, bad: 6 })).toBe(0);
    expect(rampScore(Number.POSITIVE_INFINITY, { good: 1, bad: 0 })).toBe(1);
    expect(rampScore(Number.NaN, { good: 1, bad: 0 })).toBe(0);
  });
});

describe('isBeyondFlag', () => {
  it('flags strictly below the threshold when higher is better', () => {
    expect(isBeyondFlag(0.04, { good: 0.2, bad: 0.01 }, 0.05)).toBe(true);
    expect(isBeyondFlag(0.05, { good: 0.2, bad: 0.01 }, 0.05)).toBe(false);
  });

  it('flags strictly above the threshold when lower is better', () => {
    expect(isBeyondFlag(0.11, { good: 0.05, bad: 0.25 }, 0.1)).toBe(true);
    expect(isBeyondFlag(0.1, { good: 0.05, bad: 0.25 }, 0.1)).toBe(false);
  });

  it('never flags when the threshold is null', () => {
    expect(isBeyondFlag(100, { good: 0.05, bad: 0.25 }, null)).toBe(false);
  });
});
