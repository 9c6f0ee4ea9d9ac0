import type { PilotEvidence } from '@impact/contracts';
import { describe, expect, it } from 'vitest';
import { applyDecisionModel, applyDesignOffsets, type ScaleOutcome } from '../../src/index';
import { decisionItem as item, seededDraws } from '../helpers';

const plain = (estimate: number, samplingVariance: number, relativeBiasVariance: number) => ({
  estimate,
  samplingVariance,
  relativeBiasVariance,
  excessVariance: 0,
});

const MATCHING = { model_type: 'observational', method: 'nearest_neighbour_matching' } as const;

function pilot(id: string, estimate: number, se: number, cost = 1000): PilotEvidence {
  return {
    initiative_id: id,
    ...MATCHING,
    confidence: 0.3,
    cost,
    estimated_return: estimate,
    estimated_return_se: se,
  };
}

/** A scale outcome whose 95% interval implies the SD `sd`. */
function scaled(id: string, actual: number, sd: number, budget = 1000): ScaleOutcome {
  const half = 1.959963984540054 * sd;
  return {
    initiative_id: id,
    budget,
    actual_return: actual,
    actual_ci_lower: actual - half,
    actual_ci_upper: actual + half,
  };
}

describe('design offsets anchored by scale outcomes', () => {
  it('reads a pilot with a scale outcome as evidence about its estimator’s offset only (closed form)', () => {
    const prior = { mean: 0, variance: 4 };
    const [current, measured] = applyDesignOffsets(
      [
        { group: 'm', observation: plain(20, 1, 1) },
        {
          group: undefined,
          observation: plain(4, 1, 0),
          pilots: [{ group: 'm', observation: plain(10, 1, 1) }],
        },
      ],
      prior,
    );
    // Given the outcome 4 (variance 1): k = 4/5, θ ~ N(3.2, 0.8); the pilot's residual 6.8 has variance
    // 1 + 0.8. The current pilot's offset: P = 1/(1/(1·4) + 1/1.8), δ̂ = P·6.8/1.8.
    const p = 1 / (1 / 4 + 1 / 1.8);
    expect(current?.offsetVariance).toBeCloseTo(p, 12);
    expect(current?.offset).toBeCloseTo((p * 6.8) / 1.8, 12);
    expect(current?.from).toBe(1);
    // The measured initiative enters the prior as its outcome, untouched.
    expect(measured).toEqual({ observation: plain(4, 1, 0), offset: 0, offsetVariance: 0, from: 0 });
  });
});

describe('predictive model: scale outcomes in the prior (`outcomes: prior`)', () => {
  const portfolio = [
    item('a', 1000, 9000, 3000, MATCHING),
    item('b', 1000, 1000, 3000, MATCHING),
    item('c', 1000, 4000, 2000, MATCHING),
  ];
  const history = [pilot('h1', 9000, 2000), pilot('h2', 7000, 2000), pilot('h3', 8000, 2000)];
  const outcomes = [scaled('h1', 1000, 300), scaled('h2', 500, 300)];

  it('is the pilots-only model with `outcomes: ignore`, or with no outcomes', () => {
    const ignored = applyDecisionModel(
      portfolio,
      { name: 'predictive', outcomes: 'ignore' },
      { history, outcomes },
    );
    const none = applyDecisionModel(portfolio, 'predictive', { history });
    expect(ignored).toEqual(none);
  });

  it('pulls the prior toward the outcomes and learns that the design runs high', () => {
    const [without] = applyDecisionModel(portfolio, 'predictive', { history });
    const [withOutcomes] = applyDecisionModel(portfolio, 'predictive', { history, outcomes });
    const before = without?.prediction?.components;
    const after = withOutcomes?.prediction?.components;
    expect(after?.prior_mean as number).toBeLessThan(before?.prior_mean as number);
    expect(after?.bias_mean as number).toBeGreaterThan(before?.bias_mean as number);
    expect(withOutcomes?.R_med as number).toBeLessThan(without?.R_med as number);
  });

  it('uses only outcomes of initiatives funded in full, with an informative interval', () => {
    const partial = [
      scaled('h1', 1000, 300, 400),
      { ...scaled('h2', 500, 300), actual_ci_lower: 500, actual_ci_upper: 500 },
    ];
    const none = applyDecisionModel(portfolio, 'predictive', { history });
    expect(applyDecisionModel(portfolio, 'predictive', { history, outcomes: partial })).toEqual(none);
  });

  it('does not apply calibration’s bias corrections on top of what it learns from the same outcomes', () => {
    const corrections = { observational: { bias: 3, excess_variance: 0 } };
    const learned = applyDecisionModel(portfolio, 'predictive', { history, outcomes });
    expect(applyDecisionModel(portfolio, 'predictive', { history, outcomes, corrections })).toEqual(learned);
    // Without outcomes the correction applies as before.
    const corrected = applyDecisionModel(portfolio, 'predictive', { history, corrections });
    expect(corrected[0]?.R_med).not.toBeCloseTo(
      applyDecisionModel(portfolio, 'predictive', { history })[0]?.R_med as number,
      3,
    );
  });
});

/**
 * One simulated history of a design whose pilots read every initiative `bias` too high, its top half funded
 * by pilot estimate and scaled; returns the offset the model then removes from a new pilot of that design.
 */
function learnedOffset(seed: number, bias: number): number {
  const draw = seededDraws(seed).normal;
  const history: PilotEvidence[] = [];
  const truths: number[] = [];
  for (let k = 0; k < 40; k++) {
    const truth = 5000 + 2000 * draw();
    truths.push(truth);
    history.push(pilot(`h${k}`, truth + bias + 1000 * draw(), 1000));
  }
  // Funded: the 20 highest pilot estimates (the winner's curse: their pilots ran high by selection).
  const funded = [...history]
    .sort((a, b) => b.estimated_return - a.estimated_return)
    .slice(0, 20)
    .map((entry) => Number(entry.initiative_id.slice(1)));
  const outcomes = funded.map((k) => scaled(`h${k}`, (truths[k] as number) + 200 * draw(), 200));
  const portfolio = Array.from({ length: 6 }, (_, k) =>
    item(`n${k}`, 1000, 5000 + bias + 2000 * draw(), 1000, MATCHING),
  );
  const [first] = applyDecisionModel(portfolio, 'predictive', { history, outcomes });
  return first?.prediction?.components.bias_mean as number;
}

describe('outcomes of funded initiatives only: no winner’s curse in the learned offset', () => {
  // Funding depends on the pilots alone and every pilot (funded or not) is in the model, so the selection
  // is ignorable: the offset learned for an unbiased design centres on 0, a biased one's moves toward its
  // bias (shrunk by the offset's prior SD (1 − confidence)·τ ≈ 1400), although only the top half reports.
  const summary = (bias: number) => {
    const values = Array.from({ length: 60 }, (_, rep) => learnedOffset(100 + rep, bias));
    const mean = values.reduce((sum, v) => sum + v, 0) / values.length;
    const sd = Math.sqrt(values.reduce((sum, v) => sum + (v - mean) ** 2, 0) / (values.length - 1));
    return { mean, se: sd / Math.sqrt(values.length) };
  };

  it('centres on zero for an unbiased design', () => {
    // −13 ± 26 over these 60 histories. The funded pilots' own mean of pilot − outcome is about +350 here
    // (selected top half, s = 1000 against τ = 2000), which is what a funded-only comparison would learn.
    const { mean, se } = summary(0);
    expect(Math.abs(mean)).toBeLessThan(3 * se + 50);
  });

  it('learns most of a biased design’s bias', () => {
    // 2730 ± 29: the offset's prior (SD ≈ 1400) shrinks the 3000 a little.
    const { mean } = summary(3000);
    expect(mean).toBeGreaterThan(2400);
    expect(mean).toBeLessThan(3100);
  });
});
