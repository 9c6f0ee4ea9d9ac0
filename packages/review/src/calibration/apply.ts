import { type Flag, parseReviewResult, type ReviewResult, type ReviewResultInput } from '@impact/contracts';
import type { Reviewer, ReviewInput, ReviewOptions } from '../reviewer/reviewer';
import { parseReviewRules, type ReviewRules, type ReviewRulesInput } from '../rules/rules';
import { formatNumber } from '../scoring/adjustments';
import { clampToBand } from '../scoring/confidence';
import { type CalibrationRow, type CalibrationTable, parseCalibrationTable } from './table';

/**
 * Code of the info flag that marks a calibrated review; {@link applyCalibration} leaves a review that
 * already carries it unchanged, so calibrating twice is the same as calibrating once.
 *
 * @example
 * ```ts
 * review.flags.some((flag) => flag.code === CALIBRATED_FLAG);
 * ```
 */
export const CALIBRATED_FLAG = 'CALIBRATED';

/**
 * Adjust one review's confidence by its methodology's row of a calibration table, within the band:
 * `band.min + (band.max − band.min) · min(1, position · confidence_factor)`, where
 * `position = (confidence − band.min)/(band.max − band.min)` in the band of review's rules (`rules.bands`,
 * the same table the deterministic reviewer uses). `confidence_factor` is above 1 for a methodology whose
 * predictions proved unbiased and as precise as claimed, so calibration raises trust as well as lowers it,
 * and never leaves the band. Scenarios are not touched: the decision model corrects them with the same
 * table (`calibrationCorrections`: learned bias removed, excess variance added) when it recomputes them.
 * Flags: `CALIBRATED` (info), `CALIBRATION_OVERPREDICTS` (warning) / `CALIBRATION_UNDERPREDICTS` (info)
 * when the learned bias exceeds the settings' `flag_at` relative to the predictions, and
 * `CALIBRATION_UNDERCOVERAGE` (warning) for the raw interval coverage; the rationale gains one sentence.
 *
 * The row used is the estimator's (`options.method`, tables built with `group_by: method`) when the table has
 * one, else the methodology's. A methodology without a row (no outcomes yet) is returned unchanged, as is a
 * review already calibrated.
 * Throws `ContractError` for an invalid review or table, `ConfigError` for invalid rules.
 *
 * @example
 * ```ts
 * const calibrated = applyCalibration(review, estimateCalibration(history));
 * ```
 */
export function applyCalibration(
  review: ReviewResult | ReviewResultInput,
  table: CalibrationTable,
  rules?: ReviewRulesInput | ReviewRules,
  options: ApplyCalibrationOptions = {},
): ReviewResult {
  return calibrateParsed(
    parseReviewResult(review),
    parseCalibrationTable(table),
    parseReviewRules(rules ?? {}),
    options.method,
  );
}

/** Options of {@link applyCalibration}. */
export interface ApplyCalibrationOptions {
  /**
   * The estimator of the review's measurement (`MeasureResult.method`): its row of the table is used when
   * there is one (tables built with `group_by: method`), else the methodology's.
   */
  method?: string;
}

function calibrateParsed(
  review: ReviewResult,
  table: CalibrationTable,
  rules: ReviewRules,
  method: string | undefined,
): ReviewResult {
  const own = table.rows.find(
    (entry) => entry.model_type === review.model_type && entry.method === undefined,
  );
  const row =
    (method === undefined
      ? undefined
      : table.rows.find((entry) => entry.model_type === review.model_type && entry.method === method)) ?? own;
  if (row === undefined || review.flags.some((flag) => flag.code === CALIBRATED_FLAG)) return review;
  const band = rules.bands[review.model_type];
  const width = band.max - band.min;
  const position = width > 0 ? Math.min(1, Math.max(0, (review.confidence - band.min) / width)) : 1;
  const inBand = review.confidence >= band.min && review.confidence <= band.max;
  let confidence = clampToBand(band.min + width * Math.min(1, position * row.confidence_factor), band);
  // A factor of exactly 1 leaves an in-band score as it is (not even rounding moves it).
  if (inBand && row.confidence_factor === 1) confidence = review.confidence;
  const flags: Flag[] = [...review.flags, ...calibrationFlags(row, table)];
  const summary =
    `Calibration (${rowLabel(row)}, n = ${row.n}, shrinkage weight ${formatNumber(row.shrinkage_weight)}): ` +
    `learned bias ${formatNumber(row.bias)} ± ${formatNumber(row.bias_se)} per unit cost (shrunk ${formatNumber(row.shrunk_bias)}), ` +
    `excess SD ${formatNumber(row.shrunk_excess_sd)}, trust score ${formatNumber(row.trust_score)}, ` +
    `band position ×${formatNumber(row.confidence_factor)} → confidence ${formatNumber(confidence)}.`;
  return parseReviewResult({
    ...review,
    confidence,
    flags,
    rationale: review.rationale === '' ? summary : `${review.rationale} ${summary}`,
  });
}

function calibrationFlags(row: CalibrationRow, table: CalibrationTable): Flag[] {
  const { settings } = table;
  const history = `${row.n} earlier ${rowLabel(row)} outcome${row.n === 1 ? '' : 's'}`;
  const flags: Flag[] = [
    {
      code: CALIBRATED_FLAG,
      message: `adjusted by the calibration of ${history}`,
      severity: 'info',
    },
  ];
  const overPrediction = row.learned_relative_bias ?? 0;
  if (overPrediction > settings.over_prediction.flag_at) {
    flags.push({
      code: 'CALIBRATION_OVERPREDICTS',
      message:
        `${rowLabel(row)} estimates ran ${formatPercent(overPrediction)} above scale outcomes ` +
        `(learned against the predictions made, shrunk, over ${history}); the decision model removes the bias`,
      severity: 'warning',
    });
  }
  if (-overPrediction > settings.under_prediction_flag_at) {
    flags.push({
      code: 'CALIBRATION_UNDERPREDICTS',
      message:
        `${rowLabel(row)} estimates ran ${formatPercent(-overPrediction)} below scale outcomes ` +
        `(shrunk, over ${history}); the decision model raises them`,
      severity: 'info',
    });
  }
  const underCoverage = settings.nominal_coverage - row.shrunk_coverage;
  if (underCoverage > settings.under_coverage.flag_at) {
    flags.push({
      code: 'CALIBRATION_UNDERCOVERAGE',
      message:
        `${rowLabel(row)} pilot intervals covered the scale outcome ${formatPercent(row.coverage)} of the time ` +
        `(shrunk ${formatPercent(row.shrunk_coverage)}) against ${formatPercent(settings.nominal_coverage)} claimed ` +
        `(${history})`,
      severity: 'warning',
    });
  }
  return flags;
}

/** `observational` for a methodology row, `observational/matching` for a method row. */
function rowLabel(row: CalibrationRow): string {
  return row.method === undefined ? row.model_type : `${row.model_type}/${row.method}`;
}

function formatPercent(share: number): string {
  return `${formatNumber(share * 100)}%`;
}

/**
 * Wrap a reviewer so that every review it returns is calibrated with `table` (see
 * {@link applyCalibration}); `rules` must carry the same bands the wrapped reviewer uses (defaults
 * otherwise). The wrapper implements the same `Reviewer` interface, named `<name>+calibration`.
 *
 * @example
 * ```ts
 * const reviewer = withCalibration(createDeterministicReviewer(), estimateCalibration(history));
 * const reviews = await reviewAll(inputs, reviewer);
 * ```
 */
export function withCalibration(
  reviewer: Reviewer,
  table: CalibrationTable,
  rules?: ReviewRulesInput | ReviewRules,
): Reviewer {
  const parsedTable = parseCalibrationTable(table);
  const parsedRules = parseReviewRules(rules ?? {});
  return {
    name: `${reviewer.name}+calibration`,
    async review(input: ReviewInput, options?: ReviewOptions) {
      const review = await reviewer.review(input, options);
      return calibrateParsed(parseReviewResult(review), parsedTable, parsedRules, input.measurement.method);
    },
  };
}
