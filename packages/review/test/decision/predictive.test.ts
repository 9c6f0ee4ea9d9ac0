import { PredictionSchema, type ReviewResult } from '@impact/contracts';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyDecisionModel, type DecisionItem, normalCdf, scenariosFromMeasurement } from '../../src/index';
import { decisionItem as item, seededDraws } from '../helpers';

describe('design_ci decision model', () => {
  it('keeps the original mapping: CI bounds and estimate valued, no prediction, recorded by name', () => {
    const items = [item('a', 100, 10, 2, {}, 30), item('b', 50, -1, 3, {}, 30)];
    const decided = applyDecisionModel(items, 'design_ci');
    decided.forEach((review, i) => {
      const expected = scenariosFromMeasurement((items[i] as DecisionItem).measurement, {
        value_per_unit: 1,
        units: 30,
      });
      expect({ R_worst: review.R_worst, R_med: review.R_med, R_best: review.R_best }).toEqual(expected);
      expect(review.decision_model).toBe('design_ci');
      expect(review.prediction).toBeUndefined();
    });
  });
});

describe('predictive decision model', () => {
  const portfolio = [
    item('a', 10_000, 0.5, 0.1, {}, 40_000),
    item('b', 8_000, 0.1, 0.3, {}, 40_000),
    item('c', 12_000, 0.9, 0.6, { model_type: 'observational' }, 40_000),
    item('d', 5_000, -0.2, 0.2, {}, 40_000),
    item('e', 20_000, 0.4, 0.05, { model_type: 'quasi-experiment' }, 40_000),
  ];

  it('attaches a valid predictive distribution whose mean and quantiles are the scenarios (tau_fit: mode, a normal)', () => {
    const decided = applyDecisionModel(portfolio, { name: 'predictive', tau_fit: 'mode' });
    for (const review of decided) {
      const prediction = PredictionSchema.parse(review.prediction);
      expect(review.decision_model).toBe('predictive');
      expect(prediction.model).toBe('predictive');
      expect(prediction.family).toBe('normal');
      expect(review.R_med).toBe(prediction.mean);
      expect(review.R_worst).toBe(prediction.quantiles[0]?.value);
      expect(review.R_best).toBe(prediction.quantiles[1]?.value);
      expect(prediction.quantiles.map((q) => q.p)).toEqual([0.09999999999999998, 0.9]);
      // R_best − R_med = z_0.9 · sd.
      expect(review.R_best - review.R_med).toBeCloseTo(1.2815515655446004 * prediction.sd, 6);
      expect(prediction.probability_of_loss).toBeCloseTo(
        normalCdf((review.cost - prediction.mean) / prediction.sd),
        12,
      );
      expect(prediction.expected_net).toBeCloseTo(prediction.mean - review.cost, 9);
      expect(prediction.components.prior_mean).not.toBeNull();
    }
  });

  it('shrinks a noisy, low-confidence estimate more than a precise one', () => {
    const decided = applyDecisionModel(portfolio);
    const weight = (id: string) =>
      (decided.find((review) => review.id === id) as ReviewResult).prediction?.components.shrinkage_weight ??
      Number.NaN;
    expect(weight('e')).toBeGreaterThan(weight('a'));
    expect(weight('a')).toBeGreaterThan(weight('c'));
  });

  it('does not pool below min_initiatives: the estimate is the mean, flagged PREDICTION_UNPOOLED', () => {
    const decided = applyDecisionModel(portfolio.slice(0, 2));
    for (const [i, review] of decided.entries()) {
      expect(review.R_med).toBeCloseTo(
        (portfolio[i] as DecisionItem).measurement.effect_estimate * 40_000,
        9,
      );
      expect(review.flags.map((flag) => flag.code)).toContain('PREDICTION_UNPOOLED');
      expect(review.prediction?.components.prior_mean).toBeNull();
    }
  });

  it('applying twice equals applying once', () => {
    const once = applyDecisionModel(portfolio);
    const twice = applyDecisionModel(
      once.map((review, i) => ({ ...(portfolio[i] as DecisionItem), review })),
    );
    expect(twice).toEqual(once);
  });

  it('with SE → 0 and no bias term the full model returns the estimate', () => {
    const exact = [...portfolio.slice(1), item('z', 10_000, 0.7, 0, {}, 40_000)];
    const zeroBias = {
      name: 'predictive',
      bias_scale: { experiment: 0, 'quasi-experiment': 0, observational: 0 },
    };
    const decided = applyDecisionModel(exact, zeroBias);
    expect(decided.at(-1)?.R_med).toBeCloseTo(0.7 * 40_000, 6);
    expect(decided.at(-1)?.prediction?.components.shrinkage_weight).toBeCloseTo(1, 12);
  });

  it('keeps scenarios ordered and quantiles ascending on random portfolios', () => {
    const entry = fc.record({
      cost: fc.integer({ min: 0, max: 50_000 }),
      effect: fc.double({ min: -5, max: 5, noNaN: true }),
      se: fc.double({ min: 0, max: 5, noNaN: true }),
      modelType: fc.constantFrom('experiment', 'quasi-experiment', 'time-series', 'observational' as const),
    });
    fc.assert(
      fc.property(
        fc.array(entry, { minLength: 1, maxLength: 12 }),
        fc.double({ min: 0.05, max: 0.99, noNaN: true }),
        (entries, interval) => {
          const items = entries.map((e, i) =>
            item(`i${i}`, e.cost, e.effect, e.se, { model_type: e.modelType }, 1_000),
          );
          for (const review of applyDecisionModel(items, { name: 'predictive', interval })) {
            expect(review.R_worst).toBeLessThanOrEqual(review.R_med);
            expect(review.R_med).toBeLessThanOrEqual(review.R_best);
            expect(Number.isFinite(review.R_worst) && Number.isFinite(review.R_best)).toBe(true);
          }
        },
      ),
      { numRuns: 150, seed: 7 },
    );
  });
});

describe("optimizer's curse (simulation on a known world)", () => {
  /**
   * 300 worlds of 8 initiatives, true return per unit cost N(1, 0.5²) (τ fixed), SE 0.1–0.9; the top 3 by
   * predicted return per cost are "funded". Mean (true − predicted) per unit cost among them, its SE, the raw
   * estimates' error and the 80% intervals' coverage over all initiatives.
   */
  function curse(tauFit: 'integrate' | 'mode') {
    const draw = seededDraws(11).normal;
    let rawError = 0;
    let predictiveError = 0;
    let squares = 0;
    let funded = 0;
    let covered = 0;
    let total = 0;
    for (let world = 0; world < 300; world++) {
      const items: DecisionItem[] = [];
      const truth: number[] = [];
      for (let i = 0; i < 8; i++) {
        const cost = 5_000 + ((world * 8 + i) % 6) * 5_000;
        const trueRoi = 1 + 0.5 * draw();
        const se = 0.1 + ((world + i) % 5) * 0.2; // per unit cost
        truth.push(trueRoi * cost);
        items.push(item(`i${i}`, cost, (trueRoi + se * draw()) * cost, se * cost));
      }
      const decided = applyDecisionModel(items, {
        name: 'predictive',
        scale: 'per_cost',
        bias_scale: { experiment: 0 },
        tau_fit: tauFit,
      });
      const ranked = decided
        .map((review, i) => ({ review, i }))
        .sort((a, b) => b.review.R_med / b.review.cost - a.review.R_med / a.review.cost)
        .slice(0, 3);
      for (const { review, i } of ranked) {
        const t = truth[i] as number;
        const c = review.cost;
        rawError += (t - (items[i] as DecisionItem).measurement.effect_estimate) / c;
        predictiveError += (t - review.R_med) / c;
        squares += ((t - review.R_med) / c) ** 2;
        funded += 1;
      }
      decided.forEach((review, i) => {
        total += 1;
        if ((truth[i] as number) >= review.R_worst && (truth[i] as number) <= review.R_best) covered += 1;
      });
    }
    const mean = predictiveError / funded;
    return {
      mean,
      se: Math.sqrt((squares / funded - mean ** 2) / funded),
      raw: rawError / funded,
      coverage: covered / total,
    };
  }

  it('tau_fit mode: funded initiatives are not over-predicted by the posterior mean, while raw estimates are; 80% intervals cover ≈ 80%', () => {
    const result = curse('mode');
    expect(Math.abs(result.mean)).toBeLessThan(3 * result.se + 0.01);
    expect(result.raw).toBeLessThan(-0.15);
    expect(result.coverage).toBeGreaterThan(0.77);
    expect(result.coverage).toBeLessThan(0.83);
  });

  it('tau_fit integrate: removes most of the winner’s curse at a fixed τ (the hyperprior p(τ) ∝ τ shrinks less), 80% intervals cover ≈ 80%', () => {
    // Averaged over τ's posterior the prediction is Bayes under p(τ) ∝ τ, which leans to larger τ than a
    // world with τ fixed at 0.5 has: the funded top 3 stay over-predicted by about 0.09 per unit cost
    // (raw estimates: 0.32). The trade is deliberate: see docs/decision-benchmark.md.
    const result = curse('integrate');
    expect(result.raw).toBeLessThan(-0.15);
    expect(result.mean).toBeLessThan(0);
    expect(Math.abs(result.mean)).toBeLessThan(0.4 * Math.abs(result.raw));
    expect(result.coverage).toBeGreaterThan(0.77);
    expect(result.coverage).toBeLessThan(0.83);
  });
});
