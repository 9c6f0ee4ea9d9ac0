import {
  type LoopHistory,
  type LoopHistoryInput,
  MODEL_TYPES,
  type ModelType,
  type OutcomeRecord,
  OutcomeRecordSchema,
  parseContract,
  parseLoopHistory,
} from '@impact/contracts';
import { z } from 'zod';
import { rampScore } from '../scoring/ramp';
import { normalQuantile } from '../stats/normal';
import {
  type CalibrationPenaltyRule,
  type CalibrationSettings,
  type CalibrationSettingsInput,
  parseCalibrationSettings,
} from './settings';
import { type CalibrationRow, type CalibrationTable, CalibrationTableSchema } from './table';

/** What calibration reads: a loop history, or outcome records directly. */
export type CalibrationSource =
  | LoopHistory
  | LoopHistoryInput
  | readonly z.input<typeof OutcomeRecordSchema>[];

const RecordsSchema = z.array(OutcomeRecordSchema);

/**
 * Estimate, per methodology (`model_type`), how well pilots predicted scale outcomes, from the accumulated
 * predicted-vs-actual records of a history (or from records directly), and derive the bounded adjustments
 * review applies. Records without `model_type` are skipped (counted in `records_skipped`). Pure and
 * deterministic. For predicted p and actual a of the n records of one methodology:
 *
 * - bias: `mean_error = mean(a − p)`, `relative_bias = mean((a − p)/|p|)` over p ≠ 0,
 *   `pooled_relative_bias = Σ(a − p)/Σ|p|`; spread: `sd_error`, `rmse`; `coverage` = share `within_pilot_ci`;
 * - shrinkage toward "no adjustment" with weight `w = n/(n + k)` (k = `prior_strength`):
 *   `shrunk_relative_bias = w·pooled_relative_bias`, `shrunk_coverage = w·coverage + (1 − w)·nominal`;
 * - `bias_shift = clamp(shrunk_relative_bias, ±max_bias_shift)`;
 *   `interval_scale = clamp(z(nominal)/z(shrunk_coverage), interval_scale.min, interval_scale.max)`
 *   with `z(c) = Φ⁻¹((1 + c)/2)`;
 * - `confidence_factor = Π (1 − weight·(1 − score))` over the over-prediction and under-coverage penalties,
 *   `score = clamp(1 − input/bad, 0, 1)`.
 *
 * Throws `ContractError` for records or a history that break their contract and `ConfigError` for invalid
 * settings.
 *
 * @example
 * ```ts
 * const table = estimateCalibration(history, { prior_strength: 5 });
 * table.rows.find((row) => row.model_type === 'observational')?.pooled_relative_bias; // e.g. −0.33
 * ```
 */
export function estimateCalibration(
  source: CalibrationSource,
  settings?: CalibrationSettingsInput | CalibrationSettings,
): CalibrationTable {
  const parsedSettings = parseCalibrationSettings(settings ?? {});
  let records: OutcomeRecord[];
  let cycles: number[];
  if (Array.isArray(source)) {
    records = parseContract(RecordsSchema, source, 'OutcomeRecord[]');
    cycles = [];
  } else {
    const history = parseLoopHistory(source);
    records = history.cycles.flatMap((entry) => entry.report.records);
    cycles = history.cycles.filter((entry) => entry.report.records.length > 0).map((entry) => entry.cycle);
  }
  const byModelType = new Map<ModelType, OutcomeRecord[]>();
  let skipped = 0;
  for (const record of records) {
    if (record.model_type === undefined) {
      skipped += 1;
      continue;
    }
    const group = byModelType.get(record.model_type) ?? [];
    group.push(record);
    byModelType.set(record.model_type, group);
  }
  const rows: CalibrationRow[] = [];
  for (const modelType of MODEL_TYPES) {
    const group = byModelType.get(modelType);
    if (group !== undefined) rows.push(calibrationRow(modelType, group, parsedSettings));
  }
  return CalibrationTableSchema.parse({
    schema_version: 1,
    settings: parsedSettings,
    records_used: records.length - skipped,
    records_skipped: skipped,
    cycles,
    rows,
  });
}

function calibrationRow(
  modelType: ModelType,
  records: readonly OutcomeRecord[],
  settings: CalibrationSettings,
): CalibrationRow {
  const n = records.length;
  // Sums run on values divided by the largest magnitude m, so that no sum or square overflows; means are
  // multiplied back by m (ratios need no rescaling).
  let magnitude = 0;
  for (const record of records) {
    magnitude = Math.max(
      magnitude,
      Math.abs(record.predicted_return),
      Math.abs(record.actual_return - record.predicted_return),
    );
  }
  const unit = magnitude > 0 ? magnitude : 1;
  let errorSum = 0;
  let squaredErrorSum = 0;
  let absPredictedSum = 0;
  let relativeSum = 0;
  let nRelative = 0;
  let within = 0;
  for (const record of records) {
    // Recomputed rather than read from prediction_error, which the contract only checks to a tolerance.
    const error = record.actual_return - record.predicted_return;
    const scaledError = error / unit;
    errorSum += scaledError;
    squaredErrorSum += scaledError * scaledError;
    absPredictedSum += Math.abs(record.predicted_return) / unit;
    // Defined where p ≠ 0 and the ratio is finite (a subnormal p can overflow it).
    const relative = error / Math.abs(record.predicted_return);
    if (record.predicted_return !== 0 && Number.isFinite(relative)) {
      relativeSum += relative;
      nRelative += 1;
    }
    if (record.within_pilot_ci) within += 1;
  }
  const meanError = (errorSum / n) * unit;
  let sdError: number | null = null;
  if (n >= 2) {
    // Two-pass sample variance: Σ(e − ē)² / (n − 1).
    const scaledMean = errorSum / n;
    let deviationSum = 0;
    for (const record of records) {
      const deviation = (record.actual_return - record.predicted_return) / unit - scaledMean;
      deviationSum += deviation * deviation;
    }
    sdError = Math.sqrt(deviationSum / (n - 1)) * unit;
  }
  const meanRelative = nRelative > 0 ? relativeSum / nRelative : null;
  const pooled = errorSum / absPredictedSum;
  const pooledRelativeBias = absPredictedSum > 0 && Number.isFinite(pooled) ? pooled : null;
  const coverage = within / n;
  const weight = n / (n + settings.prior_strength);
  const shrunkRelativeBias = weight * (pooledRelativeBias ?? 0) + 0;
  const shrunkCoverage = weight * coverage + (1 - weight) * settings.nominal_coverage;
  const biasShift = clamp(shrunkRelativeBias, -settings.max_bias_shift, settings.max_bias_shift);
  const overPrediction = Math.max(0, -shrunkRelativeBias);
  const underCoverage = Math.max(0, settings.nominal_coverage - shrunkCoverage);
  const confidenceFactor =
    penaltyFactor(overPrediction, settings.over_prediction) *
    penaltyFactor(underCoverage, settings.under_coverage);
  return {
    model_type: modelType,
    n,
    n_relative: nRelative,
    mean_error: meanError,
    sd_error: sdError,
    rmse: Math.sqrt(squaredErrorSum / n) * unit,
    relative_bias: meanRelative !== null && Number.isFinite(meanRelative) ? meanRelative : null,
    pooled_relative_bias: pooledRelativeBias,
    coverage,
    shrinkage_weight: weight,
    shrunk_relative_bias: shrunkRelativeBias,
    shrunk_coverage: clamp(shrunkCoverage, 0, 1),
    bias_shift: biasShift,
    interval_scale: intervalScale(shrunkCoverage, settings),
    confidence_factor: confidenceFactor,
  };
}

/**
 * Factor that turns an interval with observed coverage c into one with the nominal coverage, for normal
 * errors: the interval ±z(nominal)·σ̂ covers c when the true σ is z(nominal)/z(c) times larger.
 */
function intervalScale(shrunkCoverage: number, settings: CalibrationSettings): number {
  const { min, max } = settings.interval_scale;
  if (shrunkCoverage <= 0) return max;
  if (shrunkCoverage >= 1) return min;
  const scale =
    normalQuantile((1 + settings.nominal_coverage) / 2) / normalQuantile((1 + shrunkCoverage) / 2);
  return clamp(scale, min, max);
}

function penaltyFactor(input: number, rule: CalibrationPenaltyRule): number {
  const score = rampScore(input, { good: 0, bad: rule.bad });
  return 1 - rule.weight * (1 - score);
}

function clamp(value: number, low: number, high: number): number {
  return Math.min(high, Math.max(low, value));
}
