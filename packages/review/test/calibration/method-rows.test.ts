import type { OutcomeRecord } from '@impact/contracts';
import { ContractError } from '@impact/contracts';
import { describe, expect, it } from 'vitest';
import { applyCalibration } from '../../src/calibration/apply';
import {
  calibrationCorrections,
  calibrationMethodCorrections,
  estimateCalibration,
} from '../../src/calibration/estimate';
import { fitPredictionResiduals } from '../../src/calibration/residuals';
import { parseCalibrationTable } from '../../src/calibration/table';
import { applyDecisionModel } from '../../src/decision/apply';
import { decisionItem } from '../helpers';
import { outcome, review } from './records';

/** An observational record of `method` whose actual return is `predicted + error` (cost 10, ±1 interval). */
function record(method: string | undefined, predicted: number, error: number): OutcomeRecord {
  const base = outcome(predicted, predicted + error, true, 'observational');
  return method === undefined ? base : { ...base, method };
}

// Matching runs high (actual below predicted by 4–6 per 10 of cost), IPW runs low, both noisy.
const matching = [record('matching', 20, -6), record('matching', 30, -4), record('matching', 25, -5)];
const ipw = [record('ipw', 10, 3), record('ipw', 15, 1), record('ipw', 5, 2), record('ipw', 12, 2)];

describe('estimateCalibration with group_by: method', () => {
  it('adds one row per estimator after its methodology, in name order', () => {
    const table = estimateCalibration([...matching, ...ipw]);
    expect(table.rows.map((row) => row.method ?? row.model_type)).toEqual([
      'observational',
      'ipw',
      'matching',
    ]);
    expect(table.rows.map((row) => row.n)).toEqual([7, 4, 3]);
    expect(estimateCalibration([...matching, ...ipw], { group_by: 'model_type' }).rows).toHaveLength(1);
  });

  it('shrinks the estimators jointly under b_m = B + δ_m (hand-computed posterior)', () => {
    const table = estimateCalibration([...matching, ...ipw]);
    const fits = [fitPredictionResiduals(ipw), fitPredictionResiduals(matching)];
    // Matching's residuals (actual − predicted)/cost are −0.5 on average: its bias is +0.5 per unit cost.
    expect(fits[1]?.bias).toBeCloseTo(0.5, 12);
    expect(fits[0]?.bias).toBeCloseTo(-0.2, 12);
    // P = 0.5², half of it the estimator's own: B ~ N(0, 0.125), δ ~ N(0, 0.125).
    const q = 0.125;
    const variances = fits.map((fit) => q + (fit?.biasSe ?? 0) ** 2);
    const precision = 1 / 0.125 + 1 / (variances[0] as number) + 1 / (variances[1] as number);
    const shared =
      ((fits[0]?.bias ?? 0) / (variances[0] as number) + (fits[1]?.bias ?? 0) / (variances[1] as number)) /
      precision;
    const expected = fits.map(
      (fit, k) => shared + (q / (variances[k] as number)) * ((fit?.bias ?? 0) - shared),
    );
    const [, ipwRow, matchingRow] = table.rows;
    expect(ipwRow?.shrunk_bias).toBeCloseTo(expected[0] as number, 12);
    expect(matchingRow?.shrunk_bias).toBeCloseTo(expected[1] as number, 12);
    // Opposite signs survive, each pulled toward the shared part.
    expect(matchingRow?.shrunk_bias).toBeGreaterThan(0);
    expect(ipwRow?.shrunk_bias).toBeLessThan(0);
    expect(matchingRow?.shrunk_bias).toBeLessThan(0.5);
    // The corrections the decision model reads, keyed by estimator: the excess variance is reported, not
    // applied, unless the settings say `excess_variance: apply`.
    expect(calibrationMethodCorrections(table)).toEqual({
      observational: {
        ipw: { bias: ipwRow?.shrunk_bias, excess_variance: 0 },
        matching: { bias: matchingRow?.shrunk_bias, excess_variance: 0 },
      },
    });
    expect(Object.keys(calibrationCorrections(table))).toEqual(['observational']);
    const applied = { ...table, settings: { ...table.settings, excess_variance: 'apply' as const } };
    expect(matchingRow?.shrunk_excess_sd).toBeGreaterThan(0);
    expect(calibrationMethodCorrections(applied)).toEqual({
      observational: {
        ipw: { bias: ipwRow?.shrunk_bias, excess_variance: (ipwRow?.shrunk_excess_sd ?? 0) ** 2 },
        matching: {
          bias: matchingRow?.shrunk_bias,
          excess_variance: (matchingRow?.shrunk_excess_sd ?? 0) ** 2,
        },
      },
    });
    expect(calibrationCorrections(applied).observational?.excess_variance).toBe(
      (table.rows[0]?.shrunk_excess_sd ?? 0) ** 2,
    );
  });

  it('gives an estimator alone in its methodology exactly the methodology row', () => {
    const [parent, only] = estimateCalibration(matching).rows;
    expect(only?.method).toBe('matching');
    const { model_type: _a, method: _b, ...ownValues } = only ?? {};
    const { model_type: _c, ...parentValues } = parent ?? {};
    for (const [key, value] of Object.entries(parentValues)) {
      const mine = (ownValues as Record<string, unknown>)[key];
      if (typeof value === 'number') expect(mine, key).toBeCloseTo(value, 12);
      else expect(mine, key).toEqual(value);
    }
  });

  it('with method_variance_share 0 every estimator shares one bias; with 1 each is shrunk alone', () => {
    const shared = estimateCalibration([...matching, ...ipw], { method_variance_share: 0 }).rows;
    expect(shared[1]?.shrunk_bias).toBeCloseTo(shared[2]?.shrunk_bias as number, 12);
    const apart = estimateCalibration([...matching, ...ipw], { method_variance_share: 1 }).rows;
    const alone = estimateCalibration(matching, { group_by: 'model_type' }).rows[0];
    expect(apart[2]?.shrunk_bias).toBeCloseTo(alone?.shrunk_bias as number, 12);
  });

  it('keeps records without a method in the methodology row only', () => {
    const table = estimateCalibration([...matching, record(undefined, 10, 1)]);
    expect(table.rows.map((row) => [row.method, row.n])).toEqual([
      [undefined, 4],
      ['matching', 3],
    ]);
  });

  it('rejects a table with a repeated estimator or an estimator before its methodology', () => {
    const table = estimateCalibration([...matching, ...ipw]);
    const [parent, first] = table.rows;
    expect(() => parseCalibrationTable({ ...table, rows: [parent, first, first] })).toThrow(
      /method of observational at most once/,
    );
    expect(() => parseCalibrationTable({ ...table, rows: [first, parent] })).toThrow(ContractError);
  });
});

describe('applyCalibration with an estimator', () => {
  it('uses the estimator row when the method is given and the methodology row otherwise', () => {
    const table = estimateCalibration([...matching, ...ipw]);
    const [parent, ipwRow, matchingRow] = table.rows;
    const base = review({ confidence: 0.3 });
    const byMethod = applyCalibration(base, table, undefined, { method: 'matching' });
    expect(byMethod.rationale).toContain('observational/matching, n = 3');
    const byType = applyCalibration(base, table);
    expect(byType.rationale).toContain('observational, n = 7');
    const unknown = applyCalibration(base, table, undefined, { method: 'regression' });
    expect(unknown.confidence).toBe(byType.confidence);
    // Different rows, different trust.
    expect(new Set([parent, ipwRow, matchingRow].map((row) => row?.confidence_factor)).size).toBeGreaterThan(
      1,
    );
  });
});

describe('predictive decision model with per-estimator corrections', () => {
  const items = [
    decisionItem('a', 10_000, 0.5, 0.2, { model_type: 'observational', method: 'matching' }, 40_000),
    decisionItem('b', 10_000, 0.5, 0.2, { model_type: 'observational', method: 'ipw' }, 40_000),
  ];
  const means = (options: Parameters<typeof applyDecisionModel>[2]) =>
    applyDecisionModel(items, { name: 'predictive', pooling: false }, options).map((r) => r.R_med);

  it('subtracts the estimator’s learned bias where it has one, the methodology’s otherwise', () => {
    const corrections = { observational: { bias: 0.1, excess_variance: 0 } };
    const method_corrections = { observational: { matching: { bias: 0.5, excess_variance: 0 } } };
    const [plainA, plainB] = means({});
    const [a, b] = means({ corrections, method_corrections });
    // Without pooling the mean is the estimate minus the bias per unit cost × cost.
    expect(a).toBeCloseTo((plainA as number) - 0.5 * 10_000, 6);
    expect(b).toBeCloseTo((plainB as number) - 0.1 * 10_000, 6);
  });

  it('keeps an estimator name used by two methodologies apart', () => {
    // 'matching' learned under quasi-experiment only: the observational item falls back to its methodology.
    const corrections = { observational: { bias: 0.1, excess_variance: 0 } };
    const method_corrections = { 'quasi-experiment': { matching: { bias: 0.5, excess_variance: 0 } } };
    const [plainA] = means({});
    const [a] = means({ corrections, method_corrections });
    expect(a).toBeCloseTo((plainA as number) - 0.1 * 10_000, 6);
  });
});
