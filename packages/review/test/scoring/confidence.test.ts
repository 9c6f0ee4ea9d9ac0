import { MODEL_TYPES, type ModelType } from '@impact/contracts';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_REVIEW_RULES, parseReviewRules } from '../../src/rules/rules';
import { scoreConfidence } from '../../src/scoring/confidence';
import { measurement } from '../helpers';

const rules = DEFAULT_REVIEW_RULES;

function adjustment(result: ReturnType<typeof scoreConfidence>, name: string) {
  const found = result.adjustments.find((entry) => entry.name === name);
  if (!found) throw new Error(`adjustment ${name} not applied`);
  return found;
}

const codes = (result: ReturnType<typeof scoreConfidence>) => result.flags.map((flag) => flag.code);

describe('scoreConfidence: bands', () => {
  it.each(MODEL_TYPES)('puts a flawless %s measurement at the top of its band', (modelType) => {
    const result = scoreConfidence(
      measurement({ model_type: modelType, standard_error: 0.5, ci_lower: 9, ci_upper: 11 }),
    );
    expect(result.position).toBe(1);
    expect(result.confidence).toBe(rules.bands[modelType].max);
    expect(result.flags).toEqual([]);
  });

  it.each(MODEL_TYPES)(
    'keeps a hopeless %s measurement at the bottom of its band, never below',
    (modelType) => {
      const result = scoreConfidence(
        measurement({
          model_type: modelType,
          effect_estimate: 0,
          ci_lower: -50,
          ci_upper: 50,
          standard_error: 25,
          p_value: 1,
          diagnostics: {
            pretrend_p_value: 0,
            placebo_p_value: 1,
            pre_rmspe: 100,
            post_pre_rmspe_ratio: 0.5,
            max_abs_smd_after: 0.9,
            srm_p_value: 0,
            residual_autocorrelation_lag1: 0.95,
          },
        }),
        parseReviewRules({
          adjustments: Object.fromEntries(
            Object.keys(rules.adjustments).map((name) => [name, { weight: 1 }]),
          ),
        }),
      );
      expect(result.position).toBe(0);
      expect(result.confidence).toBe(rules.bands[modelType].min);
    },
  );
});

describe('scoreConfidence: each adjustment', () => {
  it('sample size: input is the adequacy against the minimum effect of interest, UNDERPOWERED below 1', () => {
    // No planned MDE, no control mean: a standardized effect of 0.2 SD with balanced halves of n = 100,
    // λ = 0.2·√100/2 = 1 on df = 98; the observed effect (z = 2) plays no part.
    const result = scoreConfidence(
      measurement({
        effect_estimate: 2,
        ci_lower: 0.1,
        ci_upper: 3.9,
        standard_error: 1,
        p_value: 0.04,
        sample_size: 100,
      }),
    );
    const sampleSize = adjustment(result, 'sample_size');
    expect(result.adequacy.source).toBe('standardized');
    expect(result.adequacy.noncentrality).toBeCloseTo(1, 12);
    expect(result.adequacy.df).toBe(98);
    expect(sampleSize.input).toBe(result.adequacy.adequacy);
    expect(sampleSize.input).toBeCloseTo((1 / result.adequacy.requiredNoncentrality) ** 2, 12);
    expect(sampleSize.factor).toBeCloseTo(1 - 0.3 * (1 - sampleSize.input), 12);
    // statsmodels TTestIndPower(0.2, nobs1=50, ratio=1) = 0.16768 (fixtures/power.json).
    expect(result.adequacy.power).toBeCloseTo(0.1676754865, 8);
    expect(codes(result)).toContain('UNDERPOWERED');
    expect(result.flags.find((flag) => flag.code === 'UNDERPOWERED')?.message).toMatch(
      /16\.77% power \(two-sided t-test, df = 98\) to detect a standardized effect of 0\.2 SD \(1 in the metric's units/,
    );
  });

  it('sample size: uses the measurement α from ci_level', () => {
    const at95 = scoreConfidence(
      measurement({ sample_size: 100, effect_estimate: 2, ci_lower: 0.3, ci_upper: 3.7, p_value: 0.04 }),
    );
    const at90 = scoreConfidence(
      measurement({
        sample_size: 100,
        ci_level: 0.9,
        effect_estimate: 2,
        ci_lower: 0.3,
        ci_upper: 3.7,
        p_value: 0.04,
      }),
    );
    expect(at90.adequacy.power).toBeGreaterThan(at95.adequacy.power);
    expect(adjustment(at90, 'sample_size').input).toBeGreaterThan(adjustment(at95, 'sample_size').input);
  });

  it('significance: input is p/α and NOT_SIGNIFICANT only when p > α', () => {
    const significant = scoreConfidence(measurement({ p_value: 0.05 }));
    expect(adjustment(significant, 'significance').input).toBeCloseTo(1, 12);
    expect(codes(significant)).not.toContain('NOT_SIGNIFICANT');
    const notSignificant = scoreConfidence(measurement({ p_value: 0.3 }));
    expect(adjustment(notSignificant, 'significance').score).toBeCloseTo((10 - 6) / (10 - 0.2), 12);
    expect(codes(notSignificant)).toContain('NOT_SIGNIFICANT');
  });

  it('ci width: input is (ci_upper − ci_lower)/|effect| and WIDE_CI above 4', () => {
    const wide = scoreConfidence(measurement({ effect_estimate: 1, ci_lower: -2, ci_upper: 3 }));
    expect(adjustment(wide, 'ci_width').input).toBe(5);
    expect(adjustment(wide, 'ci_width').score).toBeCloseTo(0.2, 12);
    expect(codes(wide)).toContain('WIDE_CI');
  });

  it('ci width: a zero effect has an infinitely wide relative interval', () => {
    const zero = scoreConfidence(measurement({ effect_estimate: 0, ci_lower: -1, ci_upper: 1, p_value: 1 }));
    expect(adjustment(zero, 'ci_width').input).toBe(Number.POSITIVE_INFINITY);
    expect(adjustment(zero, 'ci_width').score).toBe(0);
  });

  it.each([
    ['pretrend', 'pretrend_p_value', 0.03, 'PRETREND_VIOLATION', (0.03 - 0.01) / (0.2 - 0.01)],
    ['pretrend', 'pretrend_p_value', 0.5, null, 1],
    ['placebo', 'placebo_p_value', 0.35, 'PLACEBO_NOT_REJECTED', (0.35 - 0.5) / (0.05 - 0.5)],
    ['placebo', 'placebo_p_value', 0.02, null, 1],
    ['post_pre_ratio', 'post_pre_rmspe_ratio', 1.6, 'WEAK_POST_PRE_RATIO', (1.6 - 1) / 3],
    ['balance', 'max_abs_smd_after', 0.2, 'IMBALANCED_COVARIATES', (0.2 - 0.25) / (0.05 - 0.25)],
    ['balance', 'max_abs_smd_after', -0.2, 'IMBALANCED_COVARIATES', (0.2 - 0.25) / (0.05 - 0.25)],
    ['balance', 'max_abs_smd_after', 0.08, null, (0.08 - 0.25) / (0.05 - 0.25)],
    ['sample_ratio', 'srm_p_value', 0.001, 'SRM', (0.001 - 0.0001) / (0.05 - 0.0001)],
    ['sample_ratio', 'srm_p_value', 0.4, null, 1],
    [
      'autocorrelation',
      'residual_autocorrelation_lag1',
      -0.6,
      'AUTOCORRELATED_RESIDUALS',
      (0.6 - 0.8) / (0.2 - 0.8),
    ],
  ] as const)('%s reads diagnostics.%s = %s (flag %s, score %s)', (name, key, value, flag, score) => {
    const result = scoreConfidence(measurement({ diagnostics: { [key]: value } }));
    const outcome = adjustment(result, name);
    expect(outcome.score).toBeCloseTo(score, 12);
    expect(outcome.factor).toBeCloseTo(1 - rules.adjustments[name].weight * (1 - score), 12);
    if (flag === null) expect(result.flags).toEqual([]);
    else expect(codes(result)).toEqual([flag]);
  });

  it('pre fit: input is pre_rmspe/|effect| and POOR_PRE_FIT above 1', () => {
    const result = scoreConfidence(measurement({ diagnostics: { pre_rmspe: 15 } }));
    expect(adjustment(result, 'pre_fit').input).toBe(1.5);
    expect(adjustment(result, 'pre_fit').score).toBeCloseTo((1.5 - 3) / (0.5 - 3), 12);
    expect(codes(result)).toEqual(['POOR_PRE_FIT']);
  });

  it('degenerate CI: a zero-width interval with SE > 0 scores 0, takes weight 0.4 off and is flagged DEGENERATE_CI', () => {
    // The synthetic-control shape that used to pass unflagged: ci_lower = ci_upper = estimate, SE and p > 0.
    const point = measurement({
      model_type: 'quasi-experiment',
      effect_estimate: 57.92,
      ci_lower: 57.92,
      ci_upper: 57.92,
      standard_error: 38.89,
      p_value: 0.032,
      sample_size: 3660,
      diagnostics: { ci_inversion_empty: true, placebo_p_value: 0.032, pre_rmspe: 58.97 },
    });
    const result = scoreConfidence(point);
    const degenerate = adjustment(result, 'degenerate_ci');
    expect(degenerate.input).toBe(1);
    expect(degenerate.score).toBe(0);
    expect(degenerate.factor).toBeCloseTo(0.6, 12);
    expect(codes(result)).toContain('DEGENERATE_CI');
    const flag = result.flags.find((entry) => entry.code === 'DEGENERATE_CI');
    expect(flag?.severity).toBe('warning');
    expect(flag?.message).toMatch(/zero width although standard_error = 38\.89/);
    // Same measurement with the adjustment switched off: the penalty is exactly the factor 0.6 on the position.
    const unpenalised = scoreConfidence(
      point,
      parseReviewRules({ adjustments: { degenerate_ci: { weight: 0 } } }),
    );
    expect(result.position).toBeCloseTo(unpenalised.position * 0.6, 12);
    expect(result.confidence).toBeLessThan(unpenalised.confidence);
    expect(result.confidence).toBeGreaterThanOrEqual(rules.bands['quasi-experiment'].min);
  });

  it('degenerate CI: relative tolerance 1e-9 of the bounds; SE 0 (noiseless data) is not flagged', () => {
    const almost = scoreConfidence(
      measurement({ ci_lower: 1e6, ci_upper: 1e6 + 1e-4, effect_estimate: 1e6 }),
    );
    expect(adjustment(almost, 'degenerate_ci').input).toBe(1);
    const narrowButReal = scoreConfidence(
      measurement({ ci_lower: 1e6, ci_upper: 1e6 + 1e-2, effect_estimate: 1e6 }),
    );
    expect(narrowButReal.adjustments.map((entry) => entry.name)).not.toContain('degenerate_ci');
    const noiseless = scoreConfidence(
      measurement({ ci_lower: 10, ci_upper: 10, standard_error: 0, p_value: 0 }),
    );
    expect(noiseless.adjustments.map((entry) => entry.name)).not.toContain('degenerate_ci');
    expect(codes(noiseless)).not.toContain('DEGENERATE_CI');
  });

  it.each([
    [{ ci_inversion_empty: true }],
    [{ ci_method: 'mean_gap_placebo_fallback' }],
    [{ ci_inversion_empty: true, ci_method: 'mean_gap_placebo_fallback' }],
  ])('degenerate CI: a positive-width fallback interval (%o) scores 0.5 and is flagged', (diagnostics) => {
    const result = scoreConfidence(measurement({ diagnostics }));
    const degenerate = adjustment(result, 'degenerate_ci');
    expect(degenerate.input).toBe(0.5);
    expect(degenerate.factor).toBeCloseTo(1 - 0.4 * 0.5, 12);
    expect(codes(result)).toEqual(['DEGENERATE_CI']);
    expect(result.flags[0]?.message).toMatch(/fallback interval/);
  });

  it('degenerate CI: ci_inversion_empty false and a non-fallback ci_method do not apply', () => {
    const result = scoreConfidence(
      measurement({ diagnostics: { ci_inversion_empty: false, ci_method: 'rmspe_ratio_inversion' } }),
    );
    expect(result.adjustments.map((entry) => entry.name)).not.toContain('degenerate_ci');
    expect(result.flags).toEqual([]);
  });

  it('skips adjustments whose diagnostic is absent', () => {
    const result = scoreConfidence(measurement());
    expect(result.adjustments.map((entry) => entry.name)).toEqual([
      'sample_size',
      'significance',
      'ci_width',
    ]);
  });

  it('ignores a non-numeric diagnostic and flags it DIAGNOSTIC_INVALID', () => {
    const result = scoreConfidence(measurement({ diagnostics: { srm_p_value: 'low' } }));
    expect(result.adjustments.map((entry) => entry.name)).not.toContain('sample_ratio');
    expect(codes(result)).toEqual(['DIAGNOSTIC_INVALID']);
  });

  it('multiplies factors into the position and maps it linearly into the band', () => {
    const result = scoreConfidence(
      measurement({ model_type: 'quasi-experiment', p_value: 0.3, diagnostics: { pretrend_p_value: 0.03 } }),
    );
    const product = result.adjustments.reduce((acc, entry) => acc * entry.factor, 1);
    expect(result.position).toBeCloseTo(product, 15);
    expect(result.confidence).toBeCloseTo(0.6 + 0.24 * product, 15);
  });
});

// ---- properties -------------------------------------------------------------------------------------

const modelTypeArb = fc.constantFrom<ModelType>(...MODEL_TYPES);
const measurementArb = fc
  .record({
    model_type: modelTypeArb,
    effect: fc.double({ min: -100, max: 100, noNaN: true }),
    lowerGap: fc.double({ min: 0, max: 200, noNaN: true }),
    upperGap: fc.double({ min: 0, max: 200, noNaN: true }),
    se: fc.double({ min: 0, max: 100, noNaN: true }),
    p: fc.double({ min: 0, max: 1, noNaN: true }),
    n: fc.integer({ min: 1, max: 1_000_000 }),
    ciLevel: fc.constantFrom(0.8, 0.9, 0.95, 0.99),
    diagnostics: fc.record(
      {
        pretrend_p_value: fc.double({ min: 0, max: 1, noNaN: true }),
        placebo_p_value: fc.double({ min: 0, max: 1, noNaN: true }),
        pre_rmspe: fc.double({ min: 0, max: 1000, noNaN: true }),
        post_pre_rmspe_ratio: fc.double({ min: 0, max: 50, noNaN: true }),
        max_abs_smd_after: fc.double({ min: -2, max: 2, noNaN: true }),
        srm_p_value: fc.double({ min: 0, max: 1, noNaN: true }),
        residual_autocorrelation_lag1: fc.double({ min: -1, max: 1, noNaN: true }),
      },
      { requiredKeys: [] },
    ),
  })
  .map((draw) =>
    measurement({
      model_type: draw.model_type,
      effect_estimate: draw.effect,
      ci_lower: draw.effect - draw.lowerGap,
      ci_upper: draw.effect + draw.upperGap,
      standard_error: draw.se,
      p_value: draw.p,
      sample_size: draw.n,
      ci_level: draw.ciLevel,
      diagnostics: draw.diagnostics,
    }),
  );

describe('scoreConfidence: properties', () => {
  it('never leaves the methodology band', () => {
    fc.assert(
      fc.property(measurementArb, (m) => {
        const { confidence } = scoreConfidence(m);
        const band = rules.bands[m.model_type];
        expect(confidence).toBeGreaterThanOrEqual(band.min);
        expect(confidence).toBeLessThanOrEqual(band.max);
      }),
      { numRuns: 500 },
    );
  });

  it('lets methodology dominate: any stronger-methodology score is ≥ any weaker one', () => {
    fc.assert(
      fc.property(measurementArb, measurementArb, (a, b) => {
        const rank = (type: ModelType) => MODEL_TYPES.indexOf(type);
        fc.pre(rank(a.model_type) < rank(b.model_type));
        expect(scoreConfidence(a).confidence).toBeGreaterThanOrEqual(scoreConfidence(b).confidence);
      }),
      { numRuns: 500 },
    );
  });

  const better = (
    name: string,
    improve: (m: ReturnType<typeof measurement>, amount: number) => ReturnType<typeof measurement>,
  ) =>
    it(`is monotone in ${name}: improving it never lowers the score`, () => {
      fc.assert(
        fc.property(measurementArb, fc.double({ min: 0, max: 1, noNaN: true }), (m, amount) => {
          const improved = improve(m, amount);
          expect(scoreConfidence(improved).confidence).toBeGreaterThanOrEqual(scoreConfidence(m).confidence);
        }),
        { numRuns: 300 },
      );
    });

  better('sample size (smaller SE)', (m, amount) => ({ ...m, standard_error: m.standard_error * amount }));
  better('significance (smaller p)', (m, amount) => ({ ...m, p_value: m.p_value * amount }));
  // Narrowing never lowers the score until the interval collapses to a point: a zero-width interval with
  // SE > 0 is not a narrow interval but a missing one (DEGENERATE_CI), which the next property pins down.
  it('is monotone in relative CI width (narrower CI) while the interval stays non-degenerate', () => {
    const degenerate = (m: ReturnType<typeof measurement>) =>
      codes(scoreConfidence(m)).includes('DEGENERATE_CI');
    fc.assert(
      fc.property(measurementArb, fc.double({ min: 0, max: 1, noNaN: true }), (m, amount) => {
        const improved = {
          ...m,
          ci_lower: m.effect_estimate - (m.effect_estimate - m.ci_lower) * amount,
          ci_upper: m.effect_estimate + (m.ci_upper - m.effect_estimate) * amount,
        };
        fc.pre(!degenerate(improved) || degenerate(m));
        expect(scoreConfidence(improved).confidence).toBeGreaterThanOrEqual(scoreConfidence(m).confidence);
      }),
      { numRuns: 300 },
    );
  });

  it('never scores a zero-width interval with SE > 0 above the same measurement with a real interval', () => {
    fc.assert(
      fc.property(measurementArb, (m) => {
        fc.pre(m.standard_error > 0 && m.ci_upper > m.ci_lower);
        fc.pre(!codes(scoreConfidence(m)).includes('DEGENERATE_CI'));
        const point = { ...m, ci_lower: m.effect_estimate, ci_upper: m.effect_estimate };
        const result = scoreConfidence(point);
        expect(codes(result)).toContain('DEGENERATE_CI');
        // Collapsing gains at most the ci_width factor (≥ 1 − 0.25) and loses the degenerate factor 0.6.
        expect(result.confidence).toBeLessThanOrEqual(scoreConfidence(m).confidence);
        const band = rules.bands[m.model_type];
        expect(result.confidence).toBeGreaterThanOrEqual(band.min);
        expect(result.confidence).toBeLessThanOrEqual(band.max);
      }),
      { numRuns: 300 },
    );
  });
  const diagnostic = (key: string, improve: (value: number, amount: number) => number) =>
    better(`diagnostics.${key}`, (m, amount) => {
      const value = m.diagnostics[key];
      if (typeof value !== 'number') return m;
      return { ...m, diagnostics: { ...m.diagnostics, [key]: improve(value, amount) } };
    });
  diagnostic('pretrend_p_value', (value, amount) => value + (1 - value) * amount);
  diagnostic('placebo_p_value', (value, amount) => value * amount);
  diagnostic('pre_rmspe', (value, amount) => value * amount);
  diagnostic('post_pre_rmspe_ratio', (value, amount) => value + 10 * amount);
  diagnostic('max_abs_smd_after', (value, amount) => value * amount);
  diagnostic('srm_p_value', (value, amount) => value + (1 - value) * amount);
  diagnostic('residual_autocorrelation_lag1', (value, amount) => value * amount);

  it('is monotone in every weight: a larger weight never raises the score', () => {
    fc.assert(
      fc.property(
        measurementArb,
        fc.constantFrom(...(Object.keys(rules.adjustments) as (keyof typeof rules.adjustments)[])),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (m, name, weight) => {
          const lighter = parseReviewRules({ adjustments: { [name]: { weight: weight / 2 } } });
          const heavier = parseReviewRules({ adjustments: { [name]: { weight } } });
          expect(scoreConfidence(m, heavier).confidence).toBeLessThanOrEqual(
            scoreConfidence(m, lighter).confidence,
          );
        },
      ),
      { numRuns: 200 },
    );
  });
});
