import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  applyDecisionModel,
  integratedPosterior,
  integrateNormalPrior,
  mixtureCdf,
  mixtureQuantile,
  type PooledObservation,
} from '../../src/index';
import { decisionItem as item } from '../helpers';

interface Golden {
  cases: {
    shape: number;
    observations: PooledObservation[];
    prior: { mean: number; sd: number; count: number };
    posterior: {
      mean: number;
      variance: number;
      weight: number;
      q10: number;
      q90: number;
      cdf_at_mean: number;
    }[];
  }[];
}
const golden = JSON.parse(
  readFileSync(join(import.meta.dirname, '..', 'fixtures', 'integrated-prior.json'), 'utf8'),
) as Golden;

const relative = (value: number, expected: number, scale = Math.abs(expected)) =>
  Math.abs(value - expected) / Math.max(scale, 1e-300);

describe('integrated (full-Bayes) prior', () => {
  it.each(golden.cases.map((entry, index) => [index, entry] as const))(
    'matches scipy quad over τ: prior moments, posterior means, variances, weights and quantiles (case %i)',
    (_index, entry) => {
      const prior = integrateNormalPrior(entry.observations, { shape: entry.shape });
      expect(prior).toBeDefined();
      const fitted = prior as NonNullable<typeof prior>;
      expect(fitted.count).toBe(entry.prior.count);
      // The median is interpolated between grid nodes (step 0.023 in log τ²).
      expect(relative(fitted.sd, entry.prior.sd)).toBeLessThan(1e-3);
      expect(relative(fitted.mean, entry.prior.mean, entry.prior.sd)).toBeLessThan(
        entry.prior.count > entry.shape + 2 ? 1e-7 : 1e-4,
      );
      // With shape + 2 observations the posterior of τ falls only as τ⁻², so the mass near the grid's upper
      // end (τ² = 10⁴·S, where the reference's integral stops too) is where grid and quadrature differ.
      const tolerance = entry.prior.count > entry.shape + 2 ? 1e-7 : 1e-4;
      entry.observations.forEach((observation, i) => {
        const expected = entry.posterior[i] as (typeof entry.posterior)[number];
        const posterior = integratedPosterior(observation, fitted);
        const sd = Math.sqrt(expected.variance);
        expect(relative(posterior.mean, expected.mean, sd)).toBeLessThan(tolerance);
        expect(relative(posterior.variance, expected.variance)).toBeLessThan(10 * tolerance);
        expect(Math.abs(posterior.weight - expected.weight)).toBeLessThan(tolerance);
        expect(relative(mixtureQuantile(posterior.components, 0.1), expected.q10, sd)).toBeLessThan(
          tolerance,
        );
        expect(relative(mixtureQuantile(posterior.components, 0.9), expected.q90, sd)).toBeLessThan(
          tolerance,
        );
        expect(Math.abs(mixtureCdf(posterior.components, expected.mean) - expected.cdf_at_mean)).toBeLessThan(
          tolerance,
        );
      });
    },
  );

  it('needs more than shape + 1 observations (a proper posterior) and some spread or error', () => {
    const plain = (estimate: number): PooledObservation => ({
      estimate,
      samplingVariance: 1,
      relativeBiasVariance: 0,
      excessVariance: 0,
    });
    expect(integrateNormalPrior([plain(1), plain(2), plain(3)])).toBeUndefined();
    expect(integrateNormalPrior([plain(1), plain(2), plain(3), plain(4)])).toBeDefined();
    expect(integrateNormalPrior([plain(1), plain(2), plain(3), plain(4)], { shape: 3 })).toBeUndefined();
    const exact = (estimate: number) => ({ ...plain(estimate), samplingVariance: 0 });
    expect(integrateNormalPrior([exact(1), exact(1), exact(1), exact(1)])).toBeUndefined();
  });

  it('is what the predictive model reports: a normal mixture whose quantiles are the scenarios', () => {
    const portfolio = [
      item('a', 10_000, 0.5, 0.1, {}, 40_000),
      item('b', 8_000, 0.1, 0.3, {}, 40_000),
      item('c', 12_000, 0.9, 0.6, {}, 40_000),
      item('d', 5_000, -0.2, 0.2, {}, 40_000),
      item('e', 20_000, 0.4, 0.05, {}, 40_000),
    ];
    const observations = portfolio.map((entry) => ({
      estimate: entry.measurement.effect_estimate * 40_000,
      samplingVariance: (entry.measurement.standard_error * 40_000) ** 2,
      relativeBiasVariance: 0,
      excessVariance: 0,
    }));
    const prior = integrateNormalPrior(observations) as NonNullable<ReturnType<typeof integrateNormalPrior>>;
    const decided = applyDecisionModel(portfolio, { name: 'predictive', bias_scale: { experiment: 0 } });
    decided.forEach((review, i) => {
      const posterior = integratedPosterior(observations[i] as PooledObservation, prior);
      expect(review.prediction?.family).toBe('normal_mixture');
      expect(review.R_med).toBeCloseTo(posterior.mean, 6);
      expect(review.prediction?.sd).toBeCloseTo(Math.sqrt(posterior.variance), 6);
      expect(review.R_worst).toBeCloseTo(mixtureQuantile(posterior.components, 0.1), 6);
      expect(review.R_best).toBeCloseTo(mixtureQuantile(posterior.components, 0.9), 6);
      expect(review.prediction?.probability_of_loss).toBeCloseTo(
        mixtureCdf(posterior.components, review.cost),
        12,
      );
      expect(review.prediction?.components.prior_sd).toBeCloseTo(prior.sd, 6);
      expect(review.rationale).toContain('its spread integrated over');
    });
  });
});
