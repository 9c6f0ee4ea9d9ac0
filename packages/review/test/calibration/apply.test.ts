import { ContractError, MODEL_TYPES, type ModelType } from '@impact/contracts';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyCalibration, CALIBRATED_FLAG, withCalibration } from '../../src/calibration/apply';
import { estimateCalibration } from '../../src/calibration/estimate';
import { ReviewError } from '../../src/errors';
import { createDeterministicReviewer } from '../../src/reviewer/deterministic';
import type { Reviewer } from '../../src/reviewer/reviewer';
import { DEFAULT_REVIEW_RULES } from '../../src/rules/rules';
import { measurement } from '../helpers';
import { handSet, outcome, review } from './records';

const codes = (result: { flags: { code: string }[] }) => result.flags.map((flag) => flag.code);

describe('applyCalibration: closed form', () => {
  const table = estimateCalibration(handSet());

  // handSet: learned bias 0.125 per unit cost (SE √0.096875/2), excess far above claimed → trust 0,
  // factor 1 − v·0.5 with v = 0.25/(0.25 + SE²).
  const factor = 1 - (0.25 / (0.25 + 0.096875 / 4)) * 0.5;

  it('scales the band position by confidence_factor', () => {
    // band [0.2, 0.39], position 0.15/0.19 → 0.2 + 0.15 · factor
    const calibrated = applyCalibration(review({ confidence: 0.35 }), table);
    expect(table.rows[0]?.confidence_factor).toBeCloseTo(factor, 12);
    expect(calibrated.confidence).toBeCloseTo(0.2 + 0.15 * factor, 12);
  });

  it('leaves the scenarios to the decision model (which applies the learned corrections)', () => {
    const base = review({ R_worst: -30, R_med: -10, R_best: 4 });
    const calibrated = applyCalibration(base, table);
    expect([calibrated.R_worst, calibrated.R_med, calibrated.R_best]).toEqual([-30, -10, 4]);
  });

  it('raises confidence inside the band for a methodology whose predictions proved right', () => {
    const exact = estimateCalibration(
      Array.from({ length: 10 }, (_, i) => outcome(5 + i, 5 + i, true, 'observational')),
    );
    const calibrated = applyCalibration(review({ confidence: 0.25 }), exact);
    const raised = exact.rows[0]?.confidence_factor ?? Number.NaN;
    expect(raised).toBeGreaterThan(1.2);
    // position 0.05/0.19 → 0.2 + 0.05·factor
    expect(calibrated.confidence).toBeCloseTo(0.2 + 0.05 * raised, 12);
    expect(applyCalibration(review({ confidence: 0.38 }), exact).confidence).toBe(0.39);
  });

  it('keeps cost, id, model_type and reviewer, appends flags and one rationale sentence', () => {
    const calibrated = applyCalibration(
      review({ flags: [{ code: 'WIDE_CI', message: 'wide', severity: 'warning' }] }),
      table,
    );
    expect(calibrated.id).toBe('init-a');
    expect(calibrated.cost).toBe(10);
    expect(calibrated.model_type).toBe('observational');
    expect(calibrated.reviewer).toEqual({ name: 'deterministic', kind: 'deterministic' });
    // handSet's estimates ran 14% high (learned 0.125 per unit cost against 0.875 predicted).
    expect(codes(calibrated)).toEqual(['WIDE_CI', CALIBRATED_FLAG, 'CALIBRATION_OVERPREDICTS']);
    expect(calibrated.rationale).toMatch(/^base Calibration \(observational, n = 4, shrinkage weight 0\.444/);
  });

  it('leaves a methodology without outcomes unchanged', () => {
    const experiment = review({ model_type: 'experiment', confidence: 0.9 });
    expect(applyCalibration(experiment, table)).toEqual(experiment);
  });

  it('is idempotent: a calibrated review is not calibrated again', () => {
    const once = applyCalibration(review(), table);
    expect(applyCalibration(once, table)).toEqual(once);
  });

  it('brings a review from outside its band into the band', () => {
    const calibrated = applyCalibration(review({ confidence: 0.9 }), table);
    expect(calibrated.confidence).toBeLessThanOrEqual(DEFAULT_REVIEW_RULES.bands.observational.max);
    expect(calibrated.confidence).toBeCloseTo(0.2 + 0.19 * factor, 12);
  });

  it('uses the bands of the given rules', () => {
    const bands = { observational: { min: 0.1, max: 0.3 } };
    const calibrated = applyCalibration(review({ confidence: 0.3 }), table, { bands });
    expect(calibrated.confidence).toBeCloseTo(0.1 + 0.2 * factor, 12);
  });

  it('rejects an invalid review with ContractError', () => {
    expect(() => applyCalibration({ ...review(), R_worst: 50 }, table)).toThrow(ContractError);
  });
});

describe('applyCalibration: flags', () => {
  it('flags over-prediction and under-coverage with numbers in the message', () => {
    const records = Array.from({ length: 15 }, () => outcome(15, 10, false, 'quasi-experiment'));
    const calibrated = applyCalibration(
      review({ model_type: 'quasi-experiment', confidence: 0.8 }),
      estimateCalibration(records),
    );
    expect(codes(calibrated)).toEqual([
      CALIBRATED_FLAG,
      'CALIBRATION_OVERPREDICTS',
      'CALIBRATION_UNDERCOVERAGE',
    ]);
    const over = calibrated.flags.find((flag) => flag.code === 'CALIBRATION_OVERPREDICTS');
    // learned bias 0.5 per unit cost (shrunk by its tiny SE to 0.4997), against mean predicted 1.5 → 33.31%
    expect(over?.message).toBe(
      'quasi-experiment estimates ran 33.31% above scale outcomes (learned against the predictions made, shrunk, over 15 earlier quasi-experiment outcomes); the decision model removes the bias',
    );
    expect(over?.severity).toBe('warning');
    expect(calibrated.confidence).toBeLessThan(0.8);
  });

  it('flags under-prediction as info; a large bias either way lowers trust', () => {
    const records = Array.from({ length: 15 }, () => outcome(10, 15, true, 'time-series'));
    const base = review({ model_type: 'time-series', confidence: 0.5 });
    const calibrated = applyCalibration(base, estimateCalibration(records, { nominal_coverage: 0.9 }));
    expect(codes(calibrated)).toEqual([CALIBRATED_FLAG, 'CALIBRATION_UNDERPREDICTS']);
    expect(calibrated.confidence).toBeLessThan(0.5);
    expect(calibrated.R_med).toBe(base.R_med);
  });
});

describe('withCalibration', () => {
  const table = estimateCalibration([
    ...Array.from({ length: 10 }, () => outcome(12, 8, false, 'experiment')),
  ]);

  it('implements Reviewer and returns the calibrated review of the wrapped reviewer', async () => {
    const base = createDeterministicReviewer();
    const calibrated = withCalibration(base, table);
    expect(calibrated.name).toBe('deterministic+calibration');
    const input = { measurement: measurement(), cost: 5, valuation: { units: 100 } };
    const expected = applyCalibration(await base.review(input), table);
    expect(await calibrated.review(input)).toEqual(expected);
    expect(expected.confidence).toBeLessThan((await base.review(input)).confidence);
  });

  it('passes the abort signal through', async () => {
    const calibrated = withCalibration(createDeterministicReviewer(), table);
    const controller = new AbortController();
    controller.abort();
    await expect(
      calibrated.review({ measurement: measurement(), cost: 5 }, { signal: controller.signal }),
    ).rejects.toBeInstanceOf(ReviewError);
  });

  it('validates what a custom reviewer returns', async () => {
    const broken: Reviewer = {
      name: 'broken',
      review: async () => ({ ...review(), R_worst: 99 }),
    };
    await expect(
      withCalibration(broken, table).review({ measurement: measurement(), cost: 5 }),
    ).rejects.toBeInstanceOf(ContractError);
  });
});

const modelTypeArb = fc.constantFrom<ModelType>(...MODEL_TYPES);
const recordArb = fc
  .record({
    predicted: fc.double({ min: -1e4, max: 1e4, noNaN: true }),
    actual: fc.double({ min: -1e4, max: 1e4, noNaN: true }),
    within: fc.boolean(),
    modelType: modelTypeArb,
  })
  .map(({ predicted, actual, within, modelType }) => outcome(predicted, actual, within, modelType));
const reviewArb = fc
  .record({
    modelType: modelTypeArb,
    position: fc.double({ min: 0, max: 1, noNaN: true }),
    returns: fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 3, maxLength: 3 }),
  })
  .map(({ modelType, position, returns }) => {
    const band = DEFAULT_REVIEW_RULES.bands[modelType];
    const [worst, median, best] = [...returns].sort((a, b) => a - b) as [number, number, number];
    return review({
      model_type: modelType,
      confidence: Math.min(band.max, band.min + (band.max - band.min) * position),
      R_worst: worst,
      R_med: median,
      R_best: best,
    });
  });
const settingsArb = fc.record({
  prior_strength: fc.double({ min: 0, max: 50, noNaN: true }),
  max_bias_shift: fc.double({ min: 0, max: 0.9, noNaN: true }),
});

describe('applyCalibration: properties', () => {
  it('keeps confidence in its band and leaves the scenarios as they were', () => {
    fc.assert(
      fc.property(
        fc.array(recordArb, { maxLength: 30 }),
        reviewArb,
        settingsArb,
        (records, base, settings) => {
          const calibrated = applyCalibration(base, estimateCalibration(records, settings));
          const band = DEFAULT_REVIEW_RULES.bands[base.model_type];
          expect(calibrated.confidence).toBeGreaterThanOrEqual(band.min);
          expect(calibrated.confidence).toBeLessThanOrEqual(band.max);
          expect([calibrated.R_worst, calibrated.R_med, calibrated.R_best]).toEqual([
            base.R_worst,
            base.R_med,
            base.R_best,
          ]);
        },
      ),
      { numRuns: 200 },
    );
  });

  const positiveRecordsArb = fc.array(
    fc.record({ predicted: fc.double({ min: 50, max: 1000, noNaN: true }), within: fc.boolean() }),
    { minLength: 2, maxLength: 20 },
  );

  it('exact predictions never lower confidence (once the bias is pinned to ≤ 2% of the predictions)', () => {
    fc.assert(
      fc.property(positiveRecordsArb, fc.double({ min: 0, max: 1, noNaN: true }), (rows, position) => {
        const records = rows.map((row) =>
          outcome(row.predicted, row.predicted, row.within, 'quasi-experiment'),
        );
        const base = review({ model_type: 'quasi-experiment', confidence: 0.6 + 0.24 * position });
        expect(applyCalibration(base, estimateCalibration(records)).confidence).toBeGreaterThanOrEqual(
          base.confidence,
        );
      }),
      { numRuns: 200 },
    );
  });

  it('a 60% over-prediction never raises confidence', () => {
    fc.assert(
      fc.property(positiveRecordsArb, fc.double({ min: 0, max: 1, noNaN: true }), (rows, position) => {
        const records = rows.map((row) =>
          outcome(row.predicted, 0.4 * row.predicted, row.within, 'quasi-experiment'),
        );
        const base = review({ model_type: 'quasi-experiment', confidence: 0.6 + 0.24 * position });
        expect(applyCalibration(base, estimateCalibration(records)).confidence).toBeLessThanOrEqual(
          base.confidence,
        );
      }),
      { numRuns: 200 },
    );
  });

  it('is deterministic', () => {
    fc.assert(
      fc.property(fc.array(recordArb, { maxLength: 20 }), reviewArb, (records, base) => {
        const run = () => JSON.stringify(applyCalibration(base, estimateCalibration(records)));
        expect(run()).toBe(run());
      }),
      { numRuns: 50 },
    );
  });
});
