import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { normalCdf, normalQuantile } from '../../src/stats/normal';
import { powerAnalysis } from '../../src/stats/power';

interface Golden {
  quantiles: { p: number; z: number }[];
  cdf: { x: number; p: number }[];
  power: {
    effect: number;
    standard_error: number;
    sample_size: number;
    alpha: number;
    power: number;
    required_sample_size: number;
    achieved_power: number;
  }[];
}
const golden = JSON.parse(readFileSync(new URL('../fixtures/power.json', import.meta.url), 'utf8')) as Golden;

describe('normalQuantile', () => {
  it.each(golden.quantiles)('matches scipy norm.ppf($p) to 1e-12 relative', ({ p, z }) => {
    expect(Math.abs(normalQuantile(p) - z)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(z)));
  });

  it('returns ±∞ at 0 and 1 and NaN outside [0, 1]', () => {
    expect(normalQuantile(0)).toBe(Number.NEGATIVE_INFINITY);
    expect(normalQuantile(1)).toBe(Number.POSITIVE_INFINITY);
    expect(normalQuantile(1.5)).toBeNaN();
  });
});

describe('normalCdf', () => {
  it.each(golden.cdf)('matches scipy norm.cdf($x) to 1e-13 relative', ({ x, p }) => {
    expect(Math.abs(normalCdf(x) - p)).toBeLessThanOrEqual(1e-13 * Math.max(p, 1e-300) + 1e-300);
  });
});

describe('powerAnalysis', () => {
  it.each(golden.power)(
    'matches statsmodels NormalIndPower for effect $effect, SE $standard_error, n $sample_size',
    (row) => {
      const analysis = powerAnalysis({
        effect: row.effect,
        standardError: row.standard_error,
        sampleSize: row.sample_size,
        alpha: row.alpha,
        power: row.power,
      });
      // statsmodels counts the far rejection tail when solving for n; the closed form ignores it (≤ 1e-3 relative).
      expect(Math.abs(analysis.requiredSampleSize / row.required_sample_size - 1)).toBeLessThan(1e-3);
      expect(analysis.achievedPower).toBeCloseTo(row.achieved_power, 10);
    },
  );

  it('gives n_required = n·((z_{0.975} + z_{0.8})·SE/|effect|)² in closed form', () => {
    const analysis = powerAnalysis({ effect: 2, standardError: 1, sampleSize: 100, alpha: 0.05, power: 0.8 });
    const span = 1.959963984540054 + 0.8416212335729143;
    expect(analysis.requiredSampleSize).toBeCloseTo(100 * (span / 2) ** 2, 9);
    expect(analysis.minimumDetectableEffect).toBeCloseTo(span, 12);
    expect(analysis.adequacy).toBeCloseTo(100 / analysis.requiredSampleSize, 12);
  });

  it('treats a zero effect as needing infinitely many observations and a zero SE as fully adequate', () => {
    expect(
      powerAnalysis({ effect: 0, standardError: 1, sampleSize: 10, alpha: 0.05, power: 0.8 }).adequacy,
    ).toBe(0);
    expect(
      powerAnalysis({ effect: 0, standardError: 1, sampleSize: 10, alpha: 0.05, power: 0.8 })
        .requiredSampleSize,
    ).toBe(Number.POSITIVE_INFINITY);
    expect(
      powerAnalysis({ effect: 1, standardError: 0, sampleSize: 10, alpha: 0.05, power: 0.8 }).adequacy,
    ).toBe(Number.POSITIVE_INFINITY);
  });
});
