import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { scenariosFromMeasurement, ValuationSchema } from '../../src/scenarios/valuation';

describe('scenariosFromMeasurement', () => {
  it('maps ci_upper, effect_estimate, ci_lower to R_best, R_med, R_worst through effect × value × units', () => {
    const scenarios = scenariosFromMeasurement(
      { ci_lower: -1, effect_estimate: 2, ci_upper: 5 },
      { value_per_unit: 3, units: 100 },
    );
    expect(scenarios).toEqual({ R_best: 1500, R_med: 600, R_worst: -300 });
  });

  it('uses the effect itself with the default valuation', () => {
    const valuation = ValuationSchema.parse({});
    expect(valuation).toEqual({ value_per_unit: 1, units: 1 });
    expect(scenariosFromMeasurement({ ci_lower: 1, effect_estimate: 2, ci_upper: 3 }, valuation)).toEqual({
      R_best: 3,
      R_med: 2,
      R_worst: 1,
    });
  });

  it('rejects a negative value per unit, naming the field', () => {
    const parsed = ValuationSchema.safeParse({ value_per_unit: -1 });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.path).toEqual(['value_per_unit']);
  });

  it('preserves R_worst ≤ R_med ≤ R_best for every interval and non-negative valuation', () => {
    fc.assert(
      fc.property(
        fc.tuple(
          fc.double({ min: -1e6, max: 1e6, noNaN: true }),
          fc.double({ min: -1e6, max: 1e6, noNaN: true }),
          fc.double({ min: -1e6, max: 1e6, noNaN: true }),
        ),
        fc.double({ min: 0, max: 1e4, noNaN: true }),
        fc.double({ min: 0, max: 1e4, noNaN: true }),
        (bounds, valuePerUnit, units) => {
          const [ciLower, effect, ciUpper] = [...bounds].sort((a, b) => a - b) as [number, number, number];
          const scenarios = scenariosFromMeasurement(
            { ci_lower: ciLower, effect_estimate: effect, ci_upper: ciUpper },
            { value_per_unit: valuePerUnit, units },
          );
          expect(scenarios.R_worst).toBeLessThanOrEqual(scenarios.R_med);
          expect(scenarios.R_med).toBeLessThanOrEqual(scenarios.R_best);
        },
      ),
    );
  });
});
