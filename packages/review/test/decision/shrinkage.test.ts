import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { estimateNormalPrior, type PooledObservation, shrinkToPrior } from '../../src/index';

interface Golden {
  cases: {
    shape: number;
    observations: PooledObservation[];
    prior: { mean: number; variance: number; meanVariance: number; count: number };
    posterior: { mean: number; variance: number; weight: number }[];
  }[];
}
const golden = JSON.parse(
  readFileSync(join(import.meta.dirname, '..', 'fixtures', 'reml.json'), 'utf8'),
) as Golden;

const plain = (estimate: number, samplingVariance: number): PooledObservation => ({
  estimate,
  samplingVariance,
  relativeBiasVariance: 0,
  excessVariance: 0,
});

describe('empirical-Bayes prior (REML)', () => {
  it.each(golden.cases.map((entry, index) => [index, entry] as const))(
    'matches scipy-maximised REML and the normal-normal posterior (case %i)',
    (_index, entry) => {
      const prior = estimateNormalPrior(entry.observations, { shape: entry.shape });
      expect(prior).toBeDefined();
      const fitted = prior as NonNullable<typeof prior>;
      const scale = Math.max(1e-3, entry.prior.variance);
      expect(Math.abs(fitted.variance - entry.prior.variance) / scale).toBeLessThan(1e-5);
      expect(fitted.mean).toBeCloseTo(entry.prior.mean, 6);
      expect(fitted.meanVariance).toBeCloseTo(entry.prior.meanVariance, 6);
      expect(fitted.count).toBe(entry.prior.count);
      entry.observations.forEach((observation, i) => {
        const posterior = shrinkToPrior(observation, fitted);
        const expected = entry.posterior[i] as (typeof entry.posterior)[number];
        expect(posterior.mean).toBeCloseTo(expected.mean, 5);
        expect(posterior.variance).toBeCloseTo(expected.variance, 5);
        expect(posterior.weight).toBeCloseTo(expected.weight, 5);
      });
    },
  );

  it('keeps the prior variance off 0 when estimates agree more than their errors allow', () => {
    const estimates = [1.0, 1.02, 0.98, 1.01, 0.99, 1.0];
    const prior = estimateNormalPrior(estimates.map((y) => plain(y, 0.25)));
    expect(prior?.variance).toBeGreaterThan(0);
    // Unpenalised REML would give max(0, S² − s²) = 0 here: every estimate would be replaced by the mean.
    const weights = estimates.map(
      (y) => shrinkToPrior(plain(y, 0.25), prior as NonNullable<typeof prior>).weight,
    );
    for (const weight of weights) expect(weight).toBeGreaterThan(0);
    expect(prior?.mean).toBeCloseTo(1, 2);
  });

  it('refuses to estimate from fewer than two observations or no spread at all', () => {
    expect(estimateNormalPrior([plain(1, 1)])).toBeUndefined();
    expect(estimateNormalPrior([plain(1, 0), plain(1, 0)])).toBeUndefined();
  });
});

const priorArbitrary = fc.record({
  mean: fc.double({ min: -5, max: 5, noNaN: true }),
  variance: fc.double({ min: 1e-4, max: 10, noNaN: true }),
  meanVariance: fc.double({ min: 0, max: 1, noNaN: true }),
  count: fc.integer({ min: 0, max: 30 }),
});

describe('posterior shrinkage (properties)', () => {
  it('shrinkage grows with the standard error', () => {
    fc.assert(
      fc.property(
        priorArbitrary,
        fc.double({ min: -10, max: 10, noNaN: true }),
        fc.double({ min: 0, max: 5, noNaN: true }),
        fc.double({ min: 0, max: 5, noNaN: true }),
        fc.double({ min: 0, max: 4, noNaN: true }),
        (prior, estimate, se1, se2, bias) => {
          const [small, large] = se1 <= se2 ? [se1, se2] : [se2, se1];
          const at = (se: number) =>
            shrinkToPrior(
              { estimate, samplingVariance: se * se, relativeBiasVariance: bias, excessVariance: 0 },
              prior,
            );
          expect(1 - at(large).weight).toBeGreaterThanOrEqual(1 - at(small).weight - 1e-12);
          // The posterior mean moves toward the prior mean as the SE grows.
          expect(Math.abs(at(large).mean - prior.mean)).toBeLessThanOrEqual(
            Math.abs(at(small).mean - prior.mean) + 1e-9 * (1 + Math.abs(estimate)),
          );
        },
      ),
    );
  });

  it('with SE → 0 and no bias term the estimate is returned', () => {
    fc.assert(
      fc.property(priorArbitrary, fc.double({ min: -10, max: 10, noNaN: true }), (prior, estimate) => {
        const exact = shrinkToPrior(plain(estimate, 0), prior);
        expect(exact.weight).toBe(1);
        expect(exact.mean).toBeCloseTo(estimate, 12);
        expect(exact.variance).toBe(0);
        const nearly = shrinkToPrior(plain(estimate, 1e-12 * prior.variance), prior);
        expect(nearly.mean).toBeCloseTo(estimate, 8);
      }),
    );
  });
});
