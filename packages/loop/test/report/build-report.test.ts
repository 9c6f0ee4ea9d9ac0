import { describe, expect, it } from 'vitest';
import { buildOutcomeReport } from '../../src/index';
import { measurement, metadata, review, threeInitiatives } from './fixtures';

describe('buildOutcomeReport', () => {
  it('values the scale estimate like the pilot and compares it with the pilot interval', () => {
    const { initiatives, allocation } = threeInitiatives();
    const report = buildOutcomeReport({ budget: 100, initiatives, allocation, metadata });
    // multiplier = 2 × 50 = 100: pilot [100, 300] around 200; scale 150 [130, 170]; truth 170.
    expect(report.records).toEqual([
      {
        initiative_id: 'a',
        predicted_return: 200,
        actual_return: 150,
        prediction_error: -50,
        sample_size_pilot: 100,
        sample_size_scale: 1000,
        within_pilot_ci: true,
        actual_ci_lower: 130,
        actual_ci_upper: 170,
        budget: 60,
        roi: 1.5,
        confidence: 0.8,
        model_type: 'experiment',
        method: 'experiment',
        predicted_ci_lower: 100,
        predicted_ci_upper: 300,
        true_return: 170,
      },
    ]);
  });

  it('gives every other initiative a reason: budget when it does not fit, failed with the stage and code', () => {
    const { initiatives, allocation } = threeInitiatives();
    const report = buildOutcomeReport({ budget: 100, initiatives, allocation, metadata });
    expect(report.dropped).toEqual([
      {
        initiative_id: 'b',
        reason: 'budget',
        message:
          'cost 50 exceeds the 40 left after funding the chosen portfolio (60 of 100); expected net value 50 (return 100 for cost 50; scenarios [50, 150])',
        expected_net_value: 50,
      },
      {
        initiative_id: 'c',
        reason: 'failed',
        message: 'measure (pilot) failed [DATA_EMPTY_GROUP]: no treated rows',
      },
    ]);
    expect(report.total_allocated).toBe(60);
  });

  it('uses excluded and excluded_by_confidence from the allocation detail', () => {
    const { initiatives, allocation } = threeInitiatives();
    const excluded = buildOutcomeReport({
      budget: 100,
      initiatives,
      allocation: { ...allocation, detail: { excluded: ['b'] } },
      metadata,
    });
    expect(excluded.dropped[0]?.reason).toBe('excluded');
    const lowConfidence = buildOutcomeReport({
      budget: 100,
      initiatives,
      allocation: { ...allocation, detail: { excluded_by_confidence: ['b'] } },
      metadata,
    });
    expect(lowConfidence.dropped[0]).toMatchObject({ reason: 'confidence' });
    expect(lowConfidence.dropped[0]?.message).toContain('confidence 0.80');
  });

  it('flags an actual return outside the pilot interval', () => {
    const { initiatives, allocation } = threeInitiatives();
    const a = initiatives[0];
    if (a?.scale) a.scale.measurement = measurement('a', 4, 0.5, 1000);
    const report = buildOutcomeReport({ budget: 100, initiatives, allocation, metadata });
    expect(report.records[0]?.actual_return).toBe(400);
    expect(report.records[0]?.within_pilot_ci).toBe(false);
  });

  it('scales returns by the funded fraction in fractional allocations', () => {
    const { initiatives, allocation } = threeInitiatives();
    const report = buildOutcomeReport({
      budget: 100,
      initiatives,
      allocation: {
        ...allocation,
        predicted_returns: { a: 100 },
        budget_allocated: { a: 30 },
        total_cost: 30,
      },
      metadata,
    });
    const record = report.records[0];
    expect(record?.budget).toBe(30);
    expect(record?.actual_return).toBe(75);
    expect(record?.predicted_ci_lower).toBe(50);
    expect(record?.true_return).toBe(85);
  });

  it('reports everything as failed when no allocation happened', () => {
    const { initiatives } = threeInitiatives();
    const report = buildOutcomeReport({ budget: 100, initiatives, metadata });
    expect(report.records).toEqual([]);
    expect(report.dropped.map((drop) => drop.reason)).toEqual(['failed', 'failed', 'failed']);
    expect(report.total_allocated).toBe(0);
  });

  it('gives null ROI for a zero-cost initiative', () => {
    const pilot = measurement('z', 1, 0.5, 10);
    const report = buildOutcomeReport({
      budget: 0,
      initiatives: [
        {
          initiative_id: 'z',
          cost_to_scale: 0,
          valuation: { value_per_unit: 1, units: 1 },
          pilot: { measurement: pilot },
          review: review('z', pilot, 0, 1),
          scale: { measurement: measurement('z', 1.1, 0.1, 100) },
        },
      ],
      allocation: {
        selected_initiatives: ['z'],
        predicted_returns: { z: 1 },
        budget_allocated: { z: 0 },
        rule: 'r',
        objective_value: 0,
        total_cost: 0,
        budget: 0,
        detail: {},
      },
      metadata,
    });
    expect(report.records[0]?.roi).toBeNull();
    expect(report.records[0]?.true_return).toBeUndefined();
  });

  it('explains a dropped initiative in money terms: expected net value, probability of a loss, predictive interval', () => {
    const { initiatives, allocation } = threeInitiatives();
    const b = initiatives.find((run) => run.initiative_id === 'b');
    if (b?.review === undefined) throw new Error('fixture: b has a review');
    b.cost_to_scale = 30;
    b.review = {
      ...b.review,
      cost: 30,
      R_worst: 5,
      R_med: 20,
      R_best: 35,
      decision_model: 'predictive',
      prediction: {
        model: 'predictive',
        family: 'normal',
        mean: 20,
        sd: 11.7,
        quantiles: [
          { p: 0.1, value: 5 },
          { p: 0.9, value: 35 },
        ],
        probability_of_loss: 0.8,
        expected_net: -10,
        components: {
          estimate: 40,
          sampling_sd: 20,
          bias_mean: 0,
          bias_sd: 0,
          prior_mean: 10,
          prior_sd: 12,
          shrinkage_weight: 0.3,
        },
      },
    };
    const report = buildOutcomeReport({
      budget: 100,
      initiatives,
      allocation: { ...allocation, detail: { objective: 'net' } },
      metadata,
    });
    expect(report.dropped[0]).toEqual({
      initiative_id: 'b',
      reason: 'rule',
      message:
        'expected to lose money: expected net value -10 (return 20 for cost 30, probability of a loss 80%; 80% predictive interval [5, 35]); 40 of the budget stays unspent rather than fund it',
      expected_net_value: -10,
      probability_of_loss: 0.8,
    });
  });
});
