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
import type { MethodCorrections, MethodologyCorrection } from '../decision/model';
import { rampScore } from '../scoring/ramp';
import { normalQuantile } from '../stats/normal';
import { fitPriorMean, type PriorMeanFit } from './prior-mean';
import { fitPredictionResiduals, type ResidualFit } from './residuals';
import {
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
 * - against the predictions actually made (see `fitPredictionResiduals`, free of the winner's curse):
 *   `bias` (per unit cost) with `bias_se`, and `excess_sd`; `shrunk_bias = b̂·P/(P + bias_se²)` with
 *   `P = bias_prior_sd²` (normal-normal shrinkage by the bias's own precision), `shrunk_excess_sd = √w·excess_sd`,
 *   into `shrunk_bias` and `shrunk_excess_sd` (what the decision model corrects with, via `calibrationCorrections`);
 * - `trust_score q = (1 − min(1, |shrunk_bias|/mean|p/c| / bias_bad))·(1 − min(1, excess ratio / excess_bad))`
 *   and `confidence_factor = 1 + P/(P + bias_se²)·trust.step·(2q − 1)`: above 1 (more trust) for well-calibrated
 *   methodologies, below 1 for badly calibrated ones. The raw statistics above it (relative bias, coverage,
 *   `bias_shift`, `interval_scale`) compare outcomes with whatever was predicted and are reported, not applied;
 * - with `group_by: method` (the default), each methodology row is followed by one row per estimator
 *   (`record.method`, in name order) computed the same way from that estimator's records, except that the
 *   estimators' biases are shrunk jointly under `b_m = B + δ_m` (a shared methodology bias B plus the
 *   estimator's own δ_m, splitting P by `method_variance_share`), so an estimator with few outcomes borrows
 *   the others' and one alone in its methodology gets exactly the methodology's shrunk bias. Designs of one
 *   band that err in opposite directions (matching biased up, IPW heavy-tailed) are then corrected apart.
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
  const priorMean = tablePriorMean(byModelType, parsedSettings);
  const rows: CalibrationRow[] = [];
  for (const modelType of MODEL_TYPES) {
    const group = byModelType.get(modelType);
    if (group === undefined) continue;
    const parent = calibrationRow(modelType, group, parsedSettings, priorMean);
    rows.push(parent);
    if (parsedSettings.group_by === 'method') {
      rows.push(...methodRows(parent, group, parsedSettings, priorMean));
    }
  }
  return CalibrationTableSchema.parse({
    schema_version: 1,
    settings: parsedSettings,
    records_used: records.length - skipped,
    records_skipped: skipped,
    cycles,
    ...(priorMean === undefined
      ? {}
      : {
          prior_mean: {
            scale: priorMean.scale,
            mean: priorMean.mean,
            se: Math.sqrt(priorMean.variance),
            n: priorMean.n,
            ...(parsedSettings.shrinkage_error
              ? {
                  shrinkage_error: priorMean.shrinkageError,
                  shrinkage_error_se: Math.sqrt(priorMean.shrinkageErrorVariance),
                }
              : {}),
          },
        }),
    rows,
  });
}

/**
 * The true prior mean fitted jointly with one bias per design (estimator under `group_by: method`, else
 * methodology), in two rounds: the second weights each record by its design's excess variance from the
 * first (see `fitPriorMean`). Undefined with `prior_mean: ignore` or when no prediction was pooled.
 */
function tablePriorMean(
  byModelType: ReadonlyMap<ModelType, readonly OutcomeRecord[]>,
  settings: CalibrationSettings,
): PriorMeanFit | undefined {
  const groups: OutcomeRecord[][] = [];
  for (const records of byModelType.values()) {
    if (settings.group_by === 'model_type') {
      groups.push([...records]);
      continue;
    }
    const byMethod = new Map<string | undefined, OutcomeRecord[]>();
    for (const record of records) {
      const group = byMethod.get(record.method) ?? [];
      group.push(record);
      byMethod.set(record.method, group);
    }
    groups.push(...byMethod.values());
  }
  const { prior_mean: scale, bias_prior_sd: sd, shrinkage_error: shrinkage } = settings;
  const first = fitPriorMean(groups, scale, sd, [], shrinkage);
  if (first === undefined) return undefined;
  const excess = groups.map((group) => (fitPredictionResiduals(group, first)?.excessSd ?? 0) ** 2);
  return fitPriorMean(groups, scale, sd, excess, shrinkage);
}

/**
 * One row per estimator (`record.method`) of a methodology, in name order; records without a method stay in
 * the methodology's row only. The estimators' biases are shrunk jointly (see {@link methodBiases}).
 */
function methodRows(
  parent: CalibrationRow,
  records: readonly OutcomeRecord[],
  settings: CalibrationSettings,
  priorMean: PriorMeanFit | undefined,
): CalibrationRow[] {
  const byMethod = new Map<string, OutcomeRecord[]>();
  for (const record of records) {
    if (record.method === undefined) continue;
    const group = byMethod.get(record.method) ?? [];
    group.push(record);
    byMethod.set(record.method, group);
  }
  const methods = [...byMethod.keys()].sort();
  const groups = methods.map((method) => byMethod.get(method) as OutcomeRecord[]);
  const biases = methodBiases(
    groups.map((group) => fitPredictionResiduals(group, priorMean)),
    settings,
  );
  return methods.map((method, index) =>
    calibrationRow(parent.model_type, groups[index] as OutcomeRecord[], settings, priorMean, {
      method,
      shrunkBias: biases[index] as number,
    }),
  );
}

/**
 * Posterior mean biases of a methodology's estimators under the two-level normal prior
 * `b_m = B + δ_m`, `B ~ N(0, (1 − s)·P)`, `δ_m ~ N(0, s·P)` (`P = bias_prior_sd²`, `s =
 * method_variance_share`), given each estimator's `b̂_m` with standard error `σ_m`:
 * `B̂ = Σ b̂_m/(sP + σ_m²) / (1/((1 − s)P) + Σ 1/(sP + σ_m²))` and `b_m = B̂ + sP/(sP + σ_m²)·(b̂_m − B̂)`.
 * Each estimator's prior variance is P, as a methodology's is, so an estimator alone in its methodology gets
 * exactly the methodology's shrunk bias; an estimator with little evidence borrows the others'. An estimator
 * without a fit (no record with a budget) gets `B̂`.
 */
function methodBiases(fits: readonly (ResidualFit | undefined)[], settings: CalibrationSettings): number[] {
  const total = settings.bias_prior_sd ** 2;
  const own = settings.method_variance_share * total;
  const common = total - own;
  // Work in units of the largest |b̂| or σ so that no square overflows.
  let unit = 0;
  for (const fit of fits) if (fit !== undefined) unit = Math.max(unit, Math.abs(fit.bias), fit.biasSe);
  unit = unit > 0 && Number.isFinite(unit) ? unit : 1;
  const q = own / unit / unit;
  const c = common / unit / unit;
  // Without a shared part (s = 1) B is 0; without an own part (s = 0) every estimator has B̂.
  let precision = c > 0 ? 1 / c : Number.POSITIVE_INFINITY;
  let weighted = 0;
  let exact: number | undefined;
  for (const fit of fits) {
    if (fit === undefined) continue;
    const variance = q + (fit.biasSe / unit) ** 2;
    // An exact estimate of B itself (σ = 0 with no own part) fixes it.
    if (!(variance > 0)) exact ??= fit.bias / unit;
    else {
      precision += 1 / variance;
      weighted += fit.bias / unit / variance;
    }
  }
  const shared = c > 0 ? (exact ?? weighted / precision) : 0;
  return fits.map((fit) => {
    if (fit === undefined) return shared * unit + 0;
    const variance = q + (fit.biasSe / unit) ** 2;
    const weight = variance > 0 ? q / variance : 0;
    return (shared + weight * (fit.bias / unit - shared)) * unit + 0;
  });
}

/**
 * The calibration row of `records`: its learned bias shrinks toward 0 and its excess SD and confidence
 * factor toward "no adjustment". A method row (`group`) takes its shrunk bias from {@link methodBiases}.
 */
function calibrationRow(
  modelType: ModelType,
  records: readonly OutcomeRecord[],
  settings: CalibrationSettings,
  priorMean: PriorMeanFit | undefined,
  group?: { method: string; shrunkBias: number },
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
  const fit = fitPredictionResiduals(records, priorMean);
  // Normal-normal shrinkage of the bias toward 0 by its own precision (prior N(0, bias_prior_sd²)).
  const priorVariance = settings.bias_prior_sd ** 2;
  const biasVariance = (fit?.biasSe ?? 0) ** 2;
  const biasWeight = fit === undefined ? 0 : priorVariance / (priorVariance + biasVariance);
  const shrunkBias = group?.shrunkBias ?? biasWeight * (fit?.bias ?? 0) + 0;
  const excessSd = fit?.excessSd ?? 0;
  const shrunkExcessSd = Math.sqrt(weight) * excessSd;
  const trustScore = fit === undefined ? 0.5 : trust(fit, shrunkBias, shrunkExcessSd, settings);
  // The evidence weight is the bias's own precision weight: uninformative outcomes leave trust alone.
  const confidenceFactor = 1 + biasWeight * settings.trust.step * (2 * trustScore - 1);
  return {
    model_type: modelType,
    ...(group === undefined ? {} : { method: group.method }),
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
    n_predictive: fit?.nPredictive ?? 0,
    bias: fit?.bias ?? 0,
    bias_se: fit?.biasSe ?? 0,
    shrunk_bias: shrunkBias,
    excess_sd: excessSd,
    shrunk_excess_sd: shrunkExcessSd,
    learned_relative_bias: relativeOrNull(shrunkBias, fit?.meanPredicted ?? 0),
    trust_score: trustScore,
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

/** `value / scale`, or null when the scale is 0 or the ratio overflows. */
function relativeOrNull(value: number, scale: number): number | null {
  const ratio = value / scale;
  return scale > 0 && Number.isFinite(ratio) ? ratio + 0 : null;
}

/** Trust score in [0, 1]: 1 when the shrunk bias and excess variance are both negligible. */
function trust(
  fit: ResidualFit,
  shrunkBias: number,
  shrunkExcessSd: number,
  settings: CalibrationSettings,
): number {
  const relativeBias = fit.meanPredicted > 0 ? Math.abs(shrunkBias) / fit.meanPredicted : 0;
  // (shrunk excess SD / expected SD)²: the excess variance ratio, without squaring large numbers first.
  const excessRatio =
    fit.expectedSd > 0
      ? (shrunkExcessSd / fit.expectedSd) ** 2
      : shrunkExcessSd > 0
        ? Number.POSITIVE_INFINITY
        : 0;
  const biasScore = rampScore(relativeBias, { good: 0, bad: settings.trust.bias_bad });
  const excessScore = rampScore(excessRatio, { good: 0, bad: settings.trust.excess_bad });
  return biasScore * excessScore;
}

/**
 * The corrections a calibration table gives the decision model: per methodology, the shrunk bias to
 * subtract from estimates and, with settings `excess_variance: apply`, the shrunk excess variance to add
 * (0 otherwise), both per unit cost.
 *
 * @example
 * ```ts
 * applyDecisionModel(items, 'predictive', { corrections: calibrationCorrections(table) });
 * ```
 */
export function calibrationCorrections(
  table: CalibrationTable,
): Partial<Record<ModelType, MethodologyCorrection>> {
  const corrections: Partial<Record<ModelType, MethodologyCorrection>> = {};
  for (const row of table.rows) {
    if (row.method !== undefined) continue;
    corrections[row.model_type] = { bias: row.shrunk_bias, excess_variance: appliedExcess(table, row) };
  }
  return corrections;
}

/**
 * The per-estimator corrections of a table built with `group_by: method`, keyed by methodology, then by
 * `method` (so two methodologies may use the same estimator name): decision models use them before their
 * methodology's (see `DecisionContext.method_corrections`). Empty for a table without method rows.
 *
 * @example
 * ```ts
 * applyDecisionModel(items, 'predictive', {
 *   corrections: calibrationCorrections(table),
 *   method_corrections: calibrationMethodCorrections(table),
 * });
 * ```
 */
export function calibrationMethodCorrections(table: CalibrationTable): MethodCorrections {
  const corrections: Partial<Record<ModelType, Record<string, MethodologyCorrection>>> = {};
  for (const row of table.rows) {
    if (row.method === undefined) continue;
    const byMethod = corrections[row.model_type] ?? {};
    byMethod[row.method] = { bias: row.shrunk_bias, excess_variance: appliedExcess(table, row) };
    corrections[row.model_type] = byMethod;
  }
  return corrections;
}

/** The excess variance a row hands the decision model: its `shrunk_excess_sd²` with `excess_variance: apply`, else 0. */
function appliedExcess(table: CalibrationTable, row: CalibrationRow): number {
  return table.settings.excess_variance === 'apply' ? row.shrunk_excess_sd ** 2 : 0;
}

function clamp(value: number, low: number, high: number): number {
  return Math.min(high, Math.max(low, value));
}
