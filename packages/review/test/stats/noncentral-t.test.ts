import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { NORMAL_LIMIT_DF, studentTCritical, tTestPower } from '../../src/stats/noncentral-t';
import { normalCdf, normalQuantile } from '../../src/stats/normal';

interface Golden {
  t_power: {
    noncentrality: number;
    df: number;
    alpha: number;
    target_power: number;
    critical: number;
    power: number;
    required_noncentrality: number;
  }[];
  t_power_standardized: { kind: string; noncentrality: number; df: number; alpha: number; power: number }[];
}
const golden = JSON.parse(readFileSync(new URL('../fixtures/power.json', import.meta.url), 'utf8')) as Golden;

const relativeError = (actual: number, expected: number) =>
  Math.abs(actual - expected) / Math.max(1e-12, Math.abs(expected));

describe('tTestPower against scipy nct (generate_power.py)', () => {
  it.each(golden.t_power)(
    'λ = $noncentrality, df = $df, α = $alpha: critical value, power and λ for power $target_power',
    (row) => {
      const result = tTestPower({
        noncentrality: row.noncentrality,
        df: row.df,
        alpha: row.alpha,
        targetPower: row.target_power,
      });
      // Gauss–Legendre quadrature over √(χ²/ν): ≤ 1e-8 relative for ν ≥ 1 (worst near ν = 1.5).
      expect(relativeError(result.critical, row.critical)).toBeLessThan(5e-8);
      expect(Math.abs(result.power - row.power)).toBeLessThan(5e-8);
      expect(relativeError(result.requiredNoncentrality, row.required_noncentrality)).toBeLessThan(5e-8);
      expect(studentTCritical(row.alpha, row.df)).toBe(result.critical);
    },
  );

  it.each(golden.t_power_standardized)(
    'matches statsmodels $kind t-test power at λ = $noncentrality, df = $df',
    (row) => {
      const { power } = tTestPower({
        noncentrality: row.noncentrality,
        df: row.df,
        alpha: row.alpha,
        targetPower: 0.8,
      });
      expect(Math.abs(power - row.power)).toBeLessThan(5e-8);
    },
  );
});

describe('tTestPower limits', () => {
  it('is the z-test above NORMAL_LIMIT_DF and for df = ∞', () => {
    const z = normalQuantile(0.975);
    for (const df of [NORMAL_LIMIT_DF, Number.POSITIVE_INFINITY]) {
      const result = tTestPower({ noncentrality: 2, df, alpha: 0.05, targetPower: 0.8 });
      expect(result.critical).toBe(z);
      expect(result.power).toBeCloseTo(normalCdf(2 - z) + normalCdf(-2 - z), 14);
      const lambda = result.requiredNoncentrality;
      expect(normalCdf(lambda - z) + normalCdf(-lambda - z)).toBeCloseTo(0.8, 12);
    }
  });

  it('has power α at λ = 0, 1 at λ = ∞, and needs no noncentrality for a target power ≤ α', () => {
    expect(tTestPower({ noncentrality: 0, df: 7, alpha: 0.05, targetPower: 0.8 }).power).toBeCloseTo(0.05, 9);
    expect(
      tTestPower({ noncentrality: Number.POSITIVE_INFINITY, df: 7, alpha: 0.05, targetPower: 0.8 }).power,
    ).toBe(1);
    expect(
      tTestPower({ noncentrality: 1, df: 7, alpha: 0.05, targetPower: 0.04 }).requiredNoncentrality,
    ).toBe(0);
  });

  it('needs more noncentrality with fewer degrees of freedom', () => {
    const required = [1, 2, 3, 5, 10, 30, 100, 1e4].map(
      (df) => tTestPower({ noncentrality: 1, df, alpha: 0.05, targetPower: 0.8 }).requiredNoncentrality,
    );
    for (let index = 1; index < required.length; index += 1) {
      expect(required[index]).toBeLessThan(required[index - 1] as number);
    }
  });
});
