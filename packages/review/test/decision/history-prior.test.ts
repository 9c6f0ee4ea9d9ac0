import type { PilotEvidence } from '@impact/contracts';
import { describe, expect, it } from 'vitest';
import { applyDecisionModel, integratedPosterior, integrateNormalPrior } from '../../src/index';
import { decisionItem as item, seededDraws } from '../helpers';

const ON = { name: 'predictive', prior_from_history: true } as const;

function evidence(id: string, estimate: number, se: number, cost = 1000): PilotEvidence {
  return {
    initiative_id: id,
    model_type: 'experiment',
    confidence: 0.9,
    cost,
    estimated_return: estimate,
    estimated_return_se: se,
  };
}

describe('predictive model: prior from history', () => {
  const portfolio = [item('a', 1000, 9000, 3000), item('b', 1000, 1000, 3000), item('c', 1000, 4000, 500)];

  it('pools earlier pilots: the prior is fitted on current and past pilots together', () => {
    const draw = seededDraws(3).normal;
    const history = Array.from({ length: 60 }, (_, k) => evidence(`h${k}`, 5000 + 2000 * draw(), 200));
    const [decided] = applyDecisionModel(portfolio, ON, { history });
    const expected = integrateNormalPrior(
      [
        ...portfolio.map(
          (entry) => [entry.measurement.effect_estimate, entry.measurement.standard_error] as const,
        ),
        ...history.map((entry) => [entry.estimated_return, entry.estimated_return_se] as const),
      ].map(([y, s]) => ({
        estimate: y,
        samplingVariance: s * s,
        relativeBiasVariance: 0,
        excessVariance: 0,
      })),
    );
    expect(decided?.prediction?.components.prior_mean).toBeCloseTo(expected?.mean as number, 6);
    expect(decided?.prediction?.components.prior_sd).toBeCloseTo(expected?.sd as number, 6);
    expect(decided?.rationale).toContain('prior estimated from 63 initiatives');
    // With 63 pilots of a N(5000, 2000²) world the prior is close to it, unlike the 3-pilot fit.
    expect(Math.abs((decided?.prediction?.components.prior_mean as number) - 5000)).toBeLessThan(600);
    expect(Math.abs((decided?.prediction?.components.prior_sd as number) - 2000)).toBeLessThan(500);
  });

  it('counts each initiative once, its pilots combined by inverse variance, in the prior and in its own prediction', () => {
    const history = [
      evidence('a', 1000, 1000),
      evidence('h1', 2000, 100),
      evidence('h1', 7000, 100),
      evidence('h2', 3000, 100),
    ];
    const [withHistory] = applyDecisionModel(portfolio, ON, { history });
    // a: 9000 ± 3000 now and 1000 ± 1000 before → (9000/9e6 + 1000/1e6)/(1/9e6 + 1/1e6) = 1800, variance 9e5.
    // h1: two pilots 2000 and 7000, ± 100 each → 4500, variance 5000.
    const plain = (y: number, v: number) => ({
      estimate: y,
      samplingVariance: v,
      relativeBiasVariance: 0,
      excessVariance: 0,
    });
    const observations = [
      plain(1800, 9e5),
      plain(1000, 3000 ** 2),
      plain(4000, 500 ** 2),
      plain(4500, 5000),
      plain(3000, 100 ** 2),
    ];
    const prior = integrateNormalPrior(observations);
    expect(prior?.count).toBe(5);
    expect(withHistory?.prediction?.components.prior_mean).toBeCloseTo(prior?.mean as number, 4);
    const posterior = integratedPosterior(
      observations[0] as (typeof observations)[number],
      prior as NonNullable<typeof prior>,
    );
    expect(withHistory?.R_med).toBeCloseTo(posterior.mean, 4);
    expect(withHistory?.rationale).toContain('combined with 1 earlier pilot of this initiative');
    // The components still report the current pilot.
    expect(withHistory?.prediction?.components.estimate).toBe(9000);
  });

  it('with prior_from_history: false, or with no history, the prior is the portfolio’s alone', () => {
    const history = [evidence('h1', 90_000, 10), evidence('h2', 80_000, 10)];
    const alone = applyDecisionModel(portfolio, 'predictive');
    const off = applyDecisionModel(portfolio, { name: 'predictive', prior_from_history: false }, { history });
    expect(off).toEqual(alone);
    const on = applyDecisionModel(portfolio, 'predictive', { history });
    expect(on[0]?.prediction?.components.prior_mean).toBeGreaterThan(
      alone[0]?.prediction?.components.prior_mean as number,
    );
  });

  it('lets history make pooling possible where the portfolio alone is too small', () => {
    const single = [item('a', 1000, 9000, 3000)];
    const [alone] = applyDecisionModel(single, 'predictive');
    expect(alone?.flags.map((flag) => flag.code)).toContain('PREDICTION_UNPOOLED');
    const [pooled] = applyDecisionModel(single, ON, {
      history: [evidence('h1', 2000, 500), evidence('h2', 4000, 500), evidence('h3', 3000, 500)],
    });
    expect(pooled?.flags.map((flag) => flag.code)).not.toContain('PREDICTION_UNPOOLED');
    expect(pooled?.R_med).toBeLessThan(9000);
  });

  it('never averages pilots of different estimators: a restudy is not diluted by the pilot it replaced', () => {
    // 'a' was piloted observationally (biased high) before its experiment now; 'h1' has both in the history.
    const observational = (id: string, estimate: number): PilotEvidence => ({
      ...evidence(id, estimate, 1000),
      model_type: 'observational',
      method: 'matching',
      confidence: 0.3,
    });
    const history = [
      observational('a', 30_000),
      observational('h1', 40_000),
      evidence('h1', 3000, 1000),
      evidence('h2', 2000, 1000),
    ];
    const [restudied] = applyDecisionModel(portfolio, ON, { history });
    const [fresh] = applyDecisionModel(portfolio, ON, {
      history: [evidence('h1', 3000, 1000), evidence('h2', 2000, 1000)],
    });
    // The same predictions as if the observational pilots had never been run: the experiments stand for 'a'
    // and 'h1', and each initiative still counts once in the prior.
    expect(restudied?.R_med).toBeCloseTo(fresh?.R_med as number, 6);
    expect(restudied?.prediction?.components.prior_mean).toBeCloseTo(
      fresh?.prediction?.components.prior_mean as number,
      6,
    );
    expect(restudied?.rationale).not.toContain('earlier pilot');
  });
});
