import type { PilotEvidence } from '@impact/contracts';
import { describe, expect, it } from 'vitest';
import { applyDecisionModel, applyDesignOffsets } from '../../src/index';
import { decisionItem as item, seededDraws } from '../helpers';

const plain = (estimate: number, samplingVariance: number, relativeBiasVariance: number) => ({
  estimate,
  samplingVariance,
  relativeBiasVariance,
  excessVariance: 0,
});

describe('design offsets: a methodology bias shared by the pilots of one estimator', () => {
  it('learns each pilot’s offset from the other pilots of its estimator (closed form)', () => {
    const prior = { mean: 1, variance: 4 };
    const [a, b, c, d] = applyDesignOffsets(
      [
        { group: 'm', observation: plain(9, 12, 0.5) },
        { group: 'm', observation: plain(5, 4, 0.5) },
        { group: 'm', observation: plain(7, 0, 0.5) },
        { group: 'x', observation: plain(3, 1, 0.5) },
      ],
      prior,
    );
    // Weights 1/(τ² + s²): 1/16, 1/8, 1/4. For a: P = 1/(1/2 + 1/8 + 1/4), δ̂ = P·(4/8 + 6/4).
    const pa = 1 / (1 / 2 + 1 / 8 + 1 / 4);
    expect(a?.offsetVariance).toBeCloseTo(pa, 12);
    expect(a?.offset).toBeCloseTo(pa * (4 / 8 + 6 / 4), 12);
    expect(a?.observation.estimate).toBeCloseTo(9 - pa * 2, 12);
    expect(a?.observation.relativeBiasVariance).toBeCloseTo(pa / 4, 12);
    expect(a?.from).toBe(2);
    const pc = 1 / (1 / 2 + 1 / 16 + 1 / 8);
    expect(c?.offset).toBeCloseTo(pc * (8 / 16 + 4 / 8), 12);
    expect(b?.from).toBe(2);
    // Alone in its group: unchanged.
    expect(d).toEqual({ observation: plain(3, 1, 0.5), offset: 0, offsetVariance: 2, from: 0 });
  });

  it('leaves designs without a bias term and ungrouped pilots as they are', () => {
    const items = [
      { group: 'e', observation: plain(9, 1, 0) },
      { group: 'e', observation: plain(5, 1, 0) },
      { group: undefined, observation: plain(5, 1, 1) },
    ];
    for (const [index, result] of applyDesignOffsets(items, { mean: 0, variance: 1 }).entries()) {
      expect(result.observation).toEqual(items[index]?.observation);
      expect(result.offset).toBe(0);
    }
  });

  it('one pilot per estimator: shared_bias gives exactly the independent-bias predictions', () => {
    const portfolio = [
      item('a', 1000, 9000, 3000),
      item('b', 1000, 1000, 3000, { model_type: 'observational', method: 'ipw' }),
      item('c', 1000, 4000, 500, { model_type: 'quasi-experiment', method: 'difference_in_differences' }),
      item('d', 1000, 20000, 8000, { model_type: 'observational', method: 'nearest_neighbour_matching' }),
    ];
    const shared = applyDecisionModel(portfolio, 'predictive');
    const independent = applyDecisionModel(portfolio, { name: 'predictive', shared_bias: false });
    expect(shared.map((review) => review.prediction)).toEqual(independent.map((review) => review.prediction));
  });

  it('with a long history, learns a biased design’s offset from pilots alone and keeps it out of the prior mean', () => {
    // True returns N(5000, 2000²). Experiments unbiased; matching pilots read every initiative 3000 high.
    const draw = seededDraws(11).normal;
    const history: PilotEvidence[] = [];
    for (let k = 0; k < 300; k++) {
      const truth = 5000 + 2000 * draw();
      const matching = k % 2 === 1;
      const se = matching ? 4000 : 800;
      history.push({
        initiative_id: `h${k}`,
        model_type: matching ? 'observational' : 'experiment',
        method: matching ? 'nearest_neighbour_matching' : 'experiment',
        confidence: matching ? 0.3 : 0.95,
        cost: 1000,
        estimated_return: truth + (matching ? 3000 : 0) + se * draw(),
        estimated_return_se: se,
      });
    }
    const portfolio = [
      item('a', 1000, 6000, 800),
      item('b', 1000, 9000, 4000, { model_type: 'observational', method: 'nearest_neighbour_matching' }),
    ];
    const shared = applyDecisionModel(portfolio, 'predictive', { history });
    const independent = applyDecisionModel(
      portfolio,
      { name: 'predictive', shared_bias: false },
      { history },
    );
    const matching = shared[1]?.prediction?.components;
    // The offset is learned (its prior SD here is (1 − confidence)·τ ≈ 0.5·2000 = 1000, so it is shrunk
    // somewhat toward 0) and the prior mean stays near 5000, unlike the independent-bias fit.
    expect(matching?.bias_mean as number).toBeGreaterThan(1500);
    expect(matching?.bias_mean as number).toBeLessThan(3500);
    expect(shared[1]?.rationale).toContain('other pilots of nearest_neighbour_matching removed');
    const sharedMean = shared[0]?.prediction?.components.prior_mean as number;
    const independentMean = independent[0]?.prediction?.components.prior_mean as number;
    expect(Math.abs(sharedMean - 5000)).toBeLessThan(Math.abs(independentMean - 5000));
    expect(Math.abs(sharedMean - 5000)).toBeLessThan(400);
    // The biased pilot is predicted lower once its design's offset is removed.
    expect(shared[1]?.R_med as number).toBeLessThan(independent[1]?.R_med as number);
  });
});
