import {
  appendCycle,
  ConfigError,
  ContractError,
  emptyLoopHistory,
  stableStringify,
} from '@impact/contracts';
import { describe, expect, it } from 'vitest';
import { estimateCalibration } from '../../src/calibration/estimate';
import { DEFAULT_CALIBRATION_SETTINGS } from '../../src/calibration/settings';
import { type CalibrationTable, parseCalibrationTable } from '../../src/calibration/table';
import { handSet, outcome, report } from './records';

function onlyRow(table: CalibrationTable) {
  const [row] = table.rows;
  if (row === undefined || table.rows.length !== 1) throw new Error('expected exactly one row');
  return row;
}

describe('estimateCalibration: closed form', () => {
  // p = 10, 20, −5, 0; a = 8, 14, −4, 2; within = T, F, T, T. Errors e = −2, −6, 1, 2.
  it('computes bias, spread and coverage of a hand-computed set', () => {
    const row = onlyRow(estimateCalibration(handSet()));
    expect(row.model_type).toBe('observational');
    expect(row.n).toBe(4);
    expect(row.n_relative).toBe(3);
    expect(row.mean_error).toBeCloseTo(-1.25, 12);
    // numpy: np.std([-2, -6, 1, 2], ddof=1) = 3.593976442141304; sqrt(mean(e²)) = sqrt(11.25).
    expect(row.sd_error).toBeCloseTo(3.593976442141304, 12);
    expect(row.rmse).toBeCloseTo(Math.sqrt(11.25), 12);
    // (−2/10 − 6/20 + 1/5)/3; p = 0 is left out.
    expect(row.relative_bias).toBeCloseTo(-0.1, 12);
    expect(row.pooled_relative_bias).toBeCloseTo(-5 / 35, 12);
    expect(row.coverage).toBe(0.75);
  });

  it('shrinks toward no bias and nominal coverage with weight n/(n + k)', () => {
    const row = onlyRow(estimateCalibration(handSet()));
    const weight = 4 / 9;
    expect(row.shrinkage_weight).toBeCloseTo(weight, 12);
    expect(row.shrunk_relative_bias).toBeCloseTo(weight * (-5 / 35), 12);
    expect(row.shrunk_coverage).toBeCloseTo(weight * 0.75 + (1 - weight) * 0.95, 12);
    expect(row.bias_shift).toBeCloseTo(weight * (-5 / 35), 12);
    // scipy: norm.ppf(0.975) / norm.ppf((1 + 0.861111…)/2)
    expect(row.interval_scale).toBeCloseTo(1.3243524365635855, 6);
    // Against the predictions made (no prediction recorded: w = 1, a = 0, cost 10): r = e/10,
    // b̂ = −mean(r) = 0.125; u = (2/(2·1.959964·10))² from the ±1 scale interval;
    // ê = mean((r + b̂)²) − u = 0.096875 − u; SE = √(Σ(u + ê))/4.
    const u = (0.1 / 1.959963984540054) ** 2;
    expect(row.bias).toBeCloseTo(0.125, 12);
    expect(row.excess_sd).toBeCloseTo(Math.sqrt(0.096875 - u), 12);
    expect(row.bias_se).toBeCloseTo(Math.sqrt(4 * (u + 0.096875 - u)) / 4, 12);
    const se = Math.sqrt(4 * (u + 0.096875 - u)) / 4;
    const biasWeight = 0.25 / (0.25 + se * se);
    expect(row.shrunk_bias).toBeCloseTo(biasWeight * 0.125, 12);
    expect(row.shrunk_excess_sd).toBeCloseTo(Math.sqrt(weight * (0.096875 - u)), 12);
    // excess ratio far above excess_bad → q = 0, factor 1 − v·0.5 with v the bias's precision weight.
    expect(row.learned_relative_bias).toBeCloseTo((biasWeight * 0.125) / 0.875, 12);
    expect(row.trust_score).toBe(0);
    expect(row.confidence_factor).toBeCloseTo(1 - biasWeight * 0.5, 12);
  });

  it('uses the raw statistics when prior_strength is 0', () => {
    const row = onlyRow(estimateCalibration(handSet(), { prior_strength: 0 }));
    expect(row.shrinkage_weight).toBe(1);
    expect(row.shrunk_relative_bias).toBeCloseTo(-5 / 35, 12);
    expect(row.shrunk_coverage).toBe(0.75);
  });

  it('leaves sd_error undefined for a single record and shrinks it hard', () => {
    const row = onlyRow(estimateCalibration([outcome(10, 5, false, 'experiment')]));
    expect(row.sd_error).toBeNull();
    expect(row.rmse).toBe(5);
    expect(row.shrinkage_weight).toBeCloseTo(1 / 6, 12);
    expect(row.shrunk_relative_bias).toBeCloseTo(-0.5 / 6, 12);
  });

  it('reports no relative bias when every prediction is 0', () => {
    const row = onlyRow(estimateCalibration([outcome(0, 3, true, 'time-series')]));
    expect(row.relative_bias).toBeNull();
    expect(row.pooled_relative_bias).toBeNull();
    expect(row.shrunk_relative_bias).toBe(0);
    expect(row.bias_shift).toBe(0);
  });

  it('treats a relative error that overflows (subnormal prediction) as undefined', () => {
    const row = onlyRow(estimateCalibration([outcome(5e-324, -1e-15, false, 'experiment')]));
    expect(row.relative_bias).toBeNull();
    expect(row.pooled_relative_bias).toBeNull();
    expect(row.n_relative).toBe(0);
  });

  it('does not overflow on returns near the largest finite number', () => {
    const row = onlyRow(
      estimateCalibration([
        outcome(1e300, -1e300, false, 'experiment'),
        outcome(1e300, 1e300, true, 'experiment'),
      ]),
    );
    expect(row.mean_error).toBeCloseTo(-1e300, -290);
    expect(row.rmse / 1e300).toBeCloseTo(Math.sqrt(2), 12);
    expect((row.sd_error ?? 0) / 1e300).toBeCloseTo(Math.sqrt(2), 12);
    expect(row.pooled_relative_bias).toBeCloseTo(-1, 12);
  });

  it('makes no adjustment for perfect predictions, and shrinks over-covering intervals', () => {
    const records = Array.from({ length: 10 }, (_, index) =>
      outcome(index + 1, index + 1, true, 'experiment'),
    );
    const row = onlyRow(estimateCalibration(records));
    expect(row.mean_error).toBe(0);
    expect(row.bias_shift).toBe(0);
    // Unbiased and as precise as claimed: trust rises by v·step, v = 0.25/(0.25 + SE²), SE = √(10u)/10.
    expect(row.bias).toBe(0);
    expect(row.excess_sd).toBe(0);
    const u = (0.1 / 1.959963984540054) ** 2;
    const se = Math.sqrt(u / 10);
    expect(row.trust_score).toBe(1);
    expect(row.confidence_factor).toBeCloseTo(1 + (0.25 / (0.25 + se * se)) * 0.5, 9);
    expect(row.confidence_factor).toBeGreaterThan(1);
    // coverage shrunk to 10/15 + 5/15·0.95; scipy: norm.ppf(0.975)/norm.ppf((1 + c)/2)
    expect(row.interval_scale).toBeCloseTo(0.8187053143425189, 6);
  });

  it('clamps the bias shift and the interval scale, and a large learned bias takes trust down by step', () => {
    const records = Array.from({ length: 20 }, () => outcome(10, 1, false, 'observational'));
    const row = onlyRow(estimateCalibration(records, { prior_strength: 0 }));
    expect(row.pooled_relative_bias).toBeCloseTo(-0.9, 12);
    expect(row.bias_shift).toBe(-DEFAULT_CALIBRATION_SETTINGS.max_bias_shift);
    expect(row.interval_scale).toBe(DEFAULT_CALIBRATION_SETTINGS.interval_scale.max);
    // learned bias 0.9 per unit cost, relative 0.9 ≥ bias_bad → q = 0 → factor 1 − v·0.5, v ≈ 1
    expect(row.bias).toBeCloseTo(0.9, 12);
    expect(row.trust_score).toBe(0);
    expect(row.confidence_factor).toBeCloseTo(0.5, 3);
  });

  it('learns under-prediction as a negative bias and judges it by its size, like over-prediction (trust falls)', () => {
    const records = Array.from({ length: 10 }, () => outcome(10, 13, true, 'quasi-experiment'));
    const row = onlyRow(estimateCalibration(records, { nominal_coverage: 0.5 }));
    expect(row.bias_shift).toBeCloseTo((10 / 15) * 0.3, 12);
    expect(row.bias).toBeCloseTo(-0.3, 12);
    const se = Math.sqrt((10 * (0.1 / 1.959963984540054) ** 2) / 100);
    const biasWeight = 0.25 / (0.25 + se * se);
    expect(row.shrunk_bias).toBeCloseTo(-0.3 * biasWeight, 12);
    // relative 0.3·v against bias_bad 0.25 → q = 0 → factor 1 − v·0.5
    expect(row.trust_score).toBe(0);
    expect(row.confidence_factor).toBeCloseTo(1 - biasWeight * 0.5, 9);
    expect(row.confidence_factor).toBeLessThan(1);
  });
});

describe('estimateCalibration: inputs', () => {
  it('groups by model_type in MODEL_TYPES order and skips records without one', () => {
    const table = estimateCalibration([
      outcome(1, 1, true, 'observational'),
      outcome(1, 1, true),
      outcome(1, 2, true, 'experiment'),
      outcome(1, 3, false, 'observational'),
    ]);
    expect(table.rows.map((row) => [row.model_type, row.n])).toEqual([
      ['experiment', 1],
      ['observational', 2],
    ]);
    expect(table.records_used).toBe(3);
    expect(table.records_skipped).toBe(1);
    expect(table.cycles).toEqual([]);
  });

  it('reads every cycle of a history, like the same records passed directly', () => {
    const [a, b, c, d] = handSet();
    if (a === undefined || b === undefined || c === undefined || d === undefined) throw new Error('fixture');
    let history = appendCycle(emptyLoopHistory(), report([a, b]));
    history = appendCycle(history, report([]));
    history = appendCycle(history, report([c, d]));
    const fromHistory = estimateCalibration(history);
    const direct = estimateCalibration([a, b, c, d]);
    expect(fromHistory.cycles).toEqual([1, 3]);
    expect(fromHistory.rows).toEqual(direct.rows);
  });

  it('gives an empty table for an empty history', () => {
    const table = estimateCalibration(emptyLoopHistory());
    expect(table.rows).toEqual([]);
    expect(table.records_used).toBe(0);
  });

  it('is deterministic: the same records give byte-identical JSON', () => {
    const run = () => stableStringify(estimateCalibration(handSet().map((record) => ({ ...record }))));
    expect(run()).toBe(run());
  });

  it('is plain JSON that parses back to itself', () => {
    const table = estimateCalibration(handSet(), { prior_strength: 2 });
    expect(parseCalibrationTable(JSON.parse(JSON.stringify(table)))).toEqual(table);
  });

  it('rejects a table naming a methodology twice', () => {
    const table = estimateCalibration(handSet());
    const doubled = { ...table, rows: [...table.rows, ...table.rows] };
    expect(() => parseCalibrationTable(doubled)).toThrow(
      /rows\[1\]\.model_type: expected each model_type at most once/,
    );
  });

  it('rejects a record that breaks its contract, naming the field', () => {
    const bad = { ...outcome(10, 8, true, 'observational'), prediction_error: 5 };
    try {
      estimateCalibration([bad]);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ContractError);
      expect((error as ContractError).path).toBe('[0].prediction_error');
    }
  });

  it('rejects invalid settings with ConfigError naming the field', () => {
    expect(() => estimateCalibration(handSet(), { max_bias_shift: 2 })).toThrow(ConfigError);
    expect(() => estimateCalibration(handSet(), { max_bias_shift: 2 })).toThrow(/max_bias_shift/);
    expect(() => estimateCalibration(handSet(), { over_prediction: { bad: 0 } })).toThrow(
      /over_prediction\.bad/,
    );
  });
});
