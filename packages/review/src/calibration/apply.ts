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
 * Adjust one review by its methodology's row of a calibration table. Bounded by construction:
 *
 * - confidence: `band.min + (band.max − band.min) · position · confidence_factor`, where
 *   `position = (confidence − band.min)/(band.max − band.min)`, clamped to the band of review's rules
 *   (`rules.bands`, the same table the deterministic reviewer uses). `confidence_factor ≤ 1`, so calibration
 *   never raises confidence and never leaves the band.
 * - scenarios: each return is shifted by `x ↦ x + bias_shift·|x|` (|bias_shift| < 1 keeps the order), then
 *   `R_best` and `R_worst` are moved away from (scale > 1) or toward (scale < 1) `R_med` by `interval_scale`.
 *   `R_worst ≤ R_med ≤ R_best` is kept.
 * - flags: `CALIBRATED` (info), and `CALIBRATION_OVERPREDICTS`, `CALIBRATION_UNDERCOVERAGE` (warning),
 *   `CALIBRATION_UNDERPREDICTS` (info) beyond the settings' `flag_at`; the rationale gains one sentence.
 *
 * A methodology without a row (no outcomes yet) is returned unchanged, as is a review already calibrated.
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
): ReviewResult {
  return calibrateParsed(
    parseReviewResult(review),
    parseCalibrationTable(table),
    parseReviewRules(rules ?? {}),
  );
}

function calibrateParsed(review: ReviewResult, table: CalibrationTable, rules: ReviewRules): ReviewResult {
  const row = table.rows.find((entry) => entry.model_type === review.model_type);
  if (row === undefined || review.flags.some((flag) => flag.code === CALIBRATED_FLAG)) return review;
  const band = rules.bands[review.model_type];
  const width = band.max - band.min;
  const inBand = review.confidence >= band.min && review.confidence <= band.max;
  const position = width > 0 ? Math.min(1, Math.max(0, (review.confidence - band.min) / width)) : 1;
  const scaled = clampToBand(band.min + width * position * row.confidence_factor, band);
  // In-band scores never rise, not even by the rounding of (confidence − min)/width · width.
  let confidence = scaled;
  if (inBand)
    confidence = row.confidence_factor === 1 ? review.confidence : Math.min(review.confidence, scaled);

  const shift = (value: number) => value + row.bias_shift * Math.abs(value) + 0;
  const median = shift(review.R_med);
  const best = Math.max(median, median + row.interval_scale * (shift(review.R_best) - median)) + 0;
  const worst = Math.min(median, median - row.interval_scale * (median - shift(review.R_worst))) + 0;

  const flags: Flag[] = [...review.flags, ...calibrationFlags(row, table)];
  const summary =
    `Calibration (${row.model_type}, n = ${row.n}, shrinkage weight ${formatNumber(row.shrinkage_weight)}): ` +
    `returns shifted by ${formatPercent(row.bias_shift)} of their size, interval ×${formatNumber(row.interval_scale)}, ` +
    `band position ×${formatNumber(row.confidence_factor)} → confidence ${formatNumber(confidence)}.`;
  return parseReviewResult({
    ...review,
    confidence,
    R_best: best,
    R_med: median,
    R_worst: worst,
    flags,
    rationale: review.rationale === '' ? summary : `${review.rationale} ${summary}`,
  });
}

function calibrationFlags(row: CalibrationRow, table: CalibrationTable): Flag[] {
  const { settings } = table;
  const history = `${row.n} earlier ${row.model_type} outcome${row.n === 1 ? '' : 's'}`;
  const flags: Flag[] = [
    {
      code: CALIBRATED_FLAG,
      message: `adjusted by the calibration of ${history}`,
      severity: 'info',
    },
  ];
  const overPrediction = Math.max(0, -row.shrunk_relative_bias);
  if (overPrediction > settings.over_prediction.flag_at) {
    flags.push({
      code: 'CALIBRATION_OVERPREDICTS',
      message:
        `${row.model_type} pilots over-predicted scale returns by ${formatPercent(overPrediction)} ` +
        `(shrunk; raw ${formatPercent(-(row.pooled_relative_bias ?? 0))} over ${history}); ` +
        `scenarios lowered and confidence reduced`,
      severity: 'warning',
    });
  }
  if (row.shrunk_relative_bias > settings.under_prediction_flag_at) {
    flags.push({
      code: 'CALIBRATION_UNDERPREDICTS',
      message:
        `${row.model_type} pilots under-predicted scale returns by ${formatPercent(row.shrunk_relative_bias)} ` +
        `(shrunk, over ${history}); scenarios raised`,
      severity: 'info',
    });
  }
  const underCoverage = settings.nominal_coverage - row.shrunk_coverage;
  if (underCoverage > settings.under_coverage.flag_at) {
    flags.push({
      code: 'CALIBRATION_UNDERCOVERAGE',
      message:
        `${row.model_type} pilot intervals covered the scale outcome ${formatPercent(row.coverage)} of the time ` +
        `(shrunk ${formatPercent(row.shrunk_coverage)}) against ${formatPercent(settings.nominal_coverage)} claimed ` +
        `(${history}); scenario intervals widened ×${formatNumber(row.interval_scale)}`,
      severity: 'warning',
    });
  }
  return flags;
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
      return calibrateParsed(parseReviewResult(review), parsedTable, parsedRules);
    },
  };
}
