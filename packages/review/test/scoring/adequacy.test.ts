import { MODEL_TYPES, type ModelType } from '@impact/contracts';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_REVIEW_RULES, parseReviewRules } from '../../src/rules/rules';
import { sampleSizeAdequacy } from '../../src/scoring/adequacy';
import { scoreConfidence } from '../../src/scoring/confidence';
import { measurement } from '../helpers';

const options = { alpha: 0.05, power: 0.8 };

/** A measurement with effect δ, per-unit noise σ (SE = σ/√n) and the given diagnostics. */
function atSampleSize(
  n: number,
  draw: { effect: number; sigma: number; modelType?: ModelType; diagnostics?: Record<string, number> },
) {
  const se = draw.sigma / Math.sqrt(n);
  const z = 1.959963984540054;
  const p = Math.min(1, 2 * (1 - 0.5 * (1 + Math.tanh(Math.abs(draw.effect / se) * 0.7978845608))));
  return measurement({
    model_type: draw.modelType ?? 'experiment',
    effect_estimate: draw.effect,
    ci_lower: draw.effect - z * se,
    ci_upper: draw.effect + z * se,
    standard_error: se,
    p_value: p,
    sample_size: n,
    diagnostics: draw.diagnostics ?? {},
  });
}

describe('sampleSizeAdequacy: n no longer cancels', () => {
  it('scores n = 2 and n = 3 below n = 10⁶ for the same z, effect and SE', () => {
    const same = { effect_estimate: 3, ci_lower: 1.04, ci_upper: 4.96, standard_error: 1, p_value: 0.0027 };
    const tiny = scoreConfidence(measurement({ ...same, sample_size: 2 }));
    const three = scoreConfidence(measurement({ ...same, sample_size: 3 }));
    const huge = scoreConfidence(measurement({ ...same, sample_size: 1_000_000 }));
    expect(tiny.adequacy.df).toBe(0);
    expect(tiny.adequacy.adequacy).toBe(0);
    expect(three.adequacy.df).toBe(1);
    expect(three.adequacy.adequacy).toBeLessThan(1e-3);
    expect(huge.adequacy.adequacy).toBeGreaterThan(1);
    expect(tiny.confidence).toBeLessThan(huge.confidence);
    expect(three.confidence).toBeLessThan(huge.confidence);
    expect(tiny.flags.find((flag) => flag.code === 'UNDERPOWERED')?.message).toContain(
      'no degrees of freedom are left',
    );
    expect(huge.flags.map((flag) => flag.code)).not.toContain('UNDERPOWERED');
  });

  it('punishes few degrees of freedom even at the same λ (t, not z)', () => {
    const few = sampleSizeAdequacy(
      measurement({ standard_error: 1, diagnostics: { planned_mde: 3, df: 3 } }),
      options,
    );
    const many = sampleSizeAdequacy(
      measurement({ standard_error: 1, diagnostics: { planned_mde: 3, df: 3000 } }),
      options,
    );
    expect(few.noncentrality).toBe(many.noncentrality);
    expect(few.requiredNoncentrality).toBeCloseTo(4.2559, 3); // scipy nct, df = 3
    expect(few.adequacy).toBeLessThan(many.adequacy);
    expect(few.power).toBeLessThan(many.power);
  });

  it('never reads the observed effect', () => {
    const a = sampleSizeAdequacy(measurement({ effect_estimate: 10 }), options);
    const b = sampleSizeAdequacy(
      measurement({ effect_estimate: 0.1, ci_lower: -1.86, ci_upper: 2.06 }),
      options,
    );
    expect(b).toEqual(a);
  });
});

describe('sampleSizeAdequacy: the minimum effect of interest', () => {
  it('takes a relative lift of the control mean, with the model df', () => {
    const result = sampleSizeAdequacy(
      measurement({ standard_error: 5.5, diagnostics: { control_mean: 167.5, df: 398 } }),
      options,
    );
    expect(result.source).toBe('relative_lift');
    expect(result.baseline).toBe(167.5);
    expect(result.targetEffect).toBeCloseTo(0.05 * 167.5, 12);
    expect(result.noncentrality).toBeCloseTo((0.05 * 167.5) / 5.5, 12);
    expect(result.df).toBe(398);
  });

  it('takes the relative lift itself for a relative effect', () => {
    const result = sampleSizeAdequacy(
      measurement({
        effect_unit: 'relative',
        effect_estimate: 0.07,
        ci_lower: 0.003,
        ci_upper: 0.137,
        standard_error: 0.034,
      }),
      options,
    );
    expect(result.source).toBe('relative_lift');
    expect(result.noncentrality).toBeCloseTo(0.05 / 0.034, 12);
  });

  it('uses the arms for a standardized effect: one treated unit among 60 donors is hopeless', () => {
    const result = sampleSizeAdequacy(
      measurement({ sample_size: 3416, diagnostics: { n_treated: 1, n_control: 60 } }),
      options,
    );
    expect(result.source).toBe('standardized');
    expect(result.noncentrality).toBeCloseTo(0.2 / Math.sqrt(1 + 1 / 60), 12);
    expect(result.df).toBe(59);
    expect(result.adequacy).toBeLessThan(0.01);
    // statsmodels TTestIndPower(0.3, nobs1=1, ratio=60, alpha=0.1) (fixtures/power.json).
    const at03 = sampleSizeAdequacy(
      measurement({ sample_size: 3416, diagnostics: { n_treated: 1, n_control: 60 } }),
      { alpha: 0.1, power: 0.8, minimumEffect: { relative: 0.05, standardized: 0.3 } },
    );
    expect(at03.power).toBeCloseTo(0.1146434553, 8);
  });

  it('follows rules.minimum_effect: a smaller effect of interest needs a larger pilot', () => {
    const m = measurement({ standard_error: 5.5, diagnostics: { control_mean: 167.5, df: 398 } });
    const strict = parseReviewRules({ minimum_effect: { relative: 0.02 } });
    expect(strict.minimum_effect).toEqual({ relative: 0.02, standardized: 0.2 });
    expect(scoreConfidence(m, strict).adequacy.adequacy).toBeCloseTo(
      scoreConfidence(m).adequacy.adequacy * (0.02 / 0.05) ** 2,
      12,
    );
    expect(() => parseReviewRules({ minimum_effect: { relative: 0 } })).toThrow(/minimum_effect\.relative/);
  });
});

// ---- properties -------------------------------------------------------------------------------------

const designArb = fc.record({
  effect: fc.double({ min: -50, max: 50, noNaN: true }),
  sigma: fc.double({ min: 0.01, max: 1000, noNaN: true }),
  modelType: fc.constantFrom<ModelType>(...MODEL_TYPES),
  diagnostics: fc.oneof(
    fc.constant({}),
    fc.record({ control_mean: fc.double({ min: 1, max: 1000, noNaN: true }) }),
    fc.record({ planned_mde: fc.double({ min: 0.01, max: 100, noNaN: true }) }),
    fc.record({
      planned_mde: fc.double({ min: 0.01, max: 100, noNaN: true }),
      df: fc.double({ min: 1, max: 500, noNaN: true }),
    }),
  ),
});

describe('sampleSizeAdequacy: properties', () => {
  it('is non-decreasing in n at a fixed effect and per-unit noise σ = SE·√n, and so is the score', () => {
    fc.assert(
      fc.property(
        designArb,
        fc.integer({ min: 1, max: 10_000_000 }),
        fc.integer({ min: 1, max: 10_000_000 }),
        (draw, a, b) => {
          const [small, large] = a < b ? [a, b] : [b, a];
          const before = scoreConfidence(atSampleSize(small, draw));
          const after = scoreConfidence(atSampleSize(large, draw));
          expect(after.adequacy.adequacy).toBeGreaterThanOrEqual(before.adequacy.adequacy * (1 - 1e-9));
          const sampleSize = (r: typeof before) => r.adjustments.find((x) => x.name === 'sample_size')!.score;
          expect(sampleSize(after)).toBeGreaterThanOrEqual(sampleSize(before) - 1e-12);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('keeps the score inside the methodology band for any n, from 1 to 10⁷', () => {
    fc.assert(
      fc.property(designArb, fc.integer({ min: 1, max: 10_000_000 }), (draw, n) => {
        const result = scoreConfidence(atSampleSize(n, draw));
        const band = DEFAULT_REVIEW_RULES.bands[draw.modelType];
        expect(result.confidence).toBeGreaterThanOrEqual(band.min);
        expect(result.confidence).toBeLessThanOrEqual(band.max);
        expect(result.adequacy.power).toBeGreaterThanOrEqual(0);
        expect(result.adequacy.power).toBeLessThanOrEqual(1);
      }),
      { numRuns: 300 },
    );
  });
});
