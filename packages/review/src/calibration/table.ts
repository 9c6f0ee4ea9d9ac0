import { ModelTypeSchema, type ParseContext, parseContract } from '@impact/contracts';
import { z } from 'zod';
import { CalibrationSettingsSchema } from './settings';

const Finite = z.number();
const NonNegative = z.number().min(0);
const Share = z.number().min(0).max(1);

/**
 * One methodology's calibration: raw statistics of predicted (p) vs actual (a) returns, their shrunk
 * versions, and the adjustments review applies. See `docs/review-calibration.md` for every formula.
 *
 * @example
 * ```ts
 * CalibrationRowSchema.parse(table.rows[0]);
 * ```
 */
export const CalibrationRowSchema = z.strictObject({
  model_type: ModelTypeSchema,
  /**
   * The estimator (`MeasureResult.method`) of a per-method row (settings `group_by: method`); absent on the
   * methodology's own row. A method row's shrunk values are shrunk toward its methodology row's.
   */
  method: z.string().min(1).optional(),
  /** Records of this methodology. */
  n: z.number().int().min(1),
  /** Records with p ≠ 0 (where a relative error is defined). */
  n_relative: z.number().int().min(0),
  /** mean(a − p), in currency. */
  mean_error: Finite,
  /** Sample standard deviation of a − p (n − 1 denominator); null when n < 2. */
  sd_error: NonNegative.nullable(),
  /** sqrt(mean((a − p)²)). */
  rmse: NonNegative,
  /** mean((a − p)/|p|) over records with p ≠ 0; null when there are none. */
  relative_bias: Finite.nullable(),
  /** Σ(a − p)/Σ|p| (a ratio estimator, robust to near-zero predictions); null when Σ|p| = 0. */
  pooled_relative_bias: Finite.nullable(),
  /** Share of records whose actual return fell inside the pilot's interval (`within_pilot_ci`). */
  coverage: Share,
  /** w = n/(n + k), k = `settings.prior_strength`. */
  shrinkage_weight: Share,
  /** w · pooled_relative_bias (0 when undefined): the prior is "no bias". */
  shrunk_relative_bias: Finite,
  /** w · coverage + (1 − w) · nominal_coverage: the prior is "intervals are right". */
  shrunk_coverage: Share,
  /** shrunk_relative_bias clamped to ±max_bias_shift: scenarios move by x ↦ x + bias_shift·|x|. */
  bias_shift: Finite,
  /** z_nominal / z_shrunk_coverage clamped to interval_scale: the interval widening (> 1) or shrinking (< 1). */
  interval_scale: z.number().gt(0),
  /** Multiplier on the confidence's position inside its methodology band (`1 + w·step·(2·trust_score − 1)`); above 1 raises trust. */
  confidence_factor: NonNegative,
  /** Records whose prediction carried a predictive distribution (the rest count as unshrunk predictions). */
  n_predictive: z.number().int().min(0),
  /** Bias of the methodology's estimates per unit cost, from outcomes vs the predictions made (not winner's-curse biased). */
  bias: Finite,
  /** Standard error of `bias`. */
  bias_se: NonNegative,
  /** w · bias: what the decision model subtracts (per unit cost). */
  shrunk_bias: Finite,
  /** SD of the estimates beyond the model's, per unit cost (√ of a method-of-moments excess variance, ≥ 0). */
  excess_sd: NonNegative,
  /** √(w · excess_sd²): the decision model adds its square to the estimates' variance. */
  shrunk_excess_sd: NonNegative,
  /** shrunk_bias / mean |predicted return per unit cost|: > 0 when estimates ran high; null when predictions are all 0. */
  learned_relative_bias: Finite.nullable(),
  /** Quality of the methodology's predictions in [0, 1] (1: unbiased and as precise as claimed). */
  trust_score: Share,
});
/** One methodology's calibration. */
export type CalibrationRow = z.output<typeof CalibrationRowSchema>;

/**
 * Calibration table: per methodology (`model_type`), how well pilots predicted scale outcomes and the
 * resulting adjustments, plus the settings that produced it. Plain JSON, so a report can print it and a
 * later run can read it back. Invariant: each `model_type` row at most once, and each (`model_type`,
 * `method`) row at most once, after its methodology's row.
 *
 * @example
 * ```ts
 * const table = CalibrationTableSchema.parse(JSON.parse(text));
 * ```
 */
export const CalibrationTableSchema = z
  .strictObject({
    schema_version: z.literal(1),
    settings: CalibrationSettingsSchema,
    /** Records that entered the table (those with a `model_type`). */
    records_used: z.number().int().min(0),
    /** Records left out because they carry no `model_type`. */
    records_skipped: z.number().int().min(0),
    /** Cycle numbers the records came from (empty when records were passed directly). */
    cycles: z.array(z.number().int().min(1)),
    /**
     * The true prior mean learned from the outcomes jointly with the designs' biases (settings `prior_mean`),
     * on the decision model's pooled scale, with its standard error and the records that informed it
     * (those whose prediction was shrunk), and the shrinkage error when fitted; absent with
     * `prior_mean: ignore` or without a pooled prediction.
     */
    prior_mean: z
      .strictObject({
        scale: z.enum(['return', 'per_cost']),
        mean: Finite,
        se: NonNegative,
        n: z.number().int().min(1),
        /** The shrinkage error γ (settings `shrinkage_error`): outcomes moved `1 + γ` times the predictions' departures from the prior. */
        shrinkage_error: Finite.optional(),
        /** Standard error of `shrinkage_error`. */
        shrinkage_error_se: NonNegative.optional(),
      })
      .optional(),
    rows: z.array(CalibrationRowSchema),
  })
  .superRefine((value, ctx) => {
    const seen = new Set<string>();
    value.rows.forEach((row, index) => {
      const key = row.method === undefined ? row.model_type : `${row.model_type}\u0000${row.method}`;
      if (seen.has(key)) {
        ctx.addIssue({
          code: 'custom',
          path: ['rows', index, row.method === undefined ? 'model_type' : 'method'],
          input: row.method ?? row.model_type,
          message:
            row.method === undefined
              ? 'expected each model_type at most once'
              : `expected each method of ${row.model_type} at most once`,
        });
      }
      if (row.method !== undefined && !seen.has(row.model_type)) {
        ctx.addIssue({
          code: 'custom',
          path: ['rows', index, 'method'],
          input: row.method,
          message: `expected the ${row.model_type} row before its method rows`,
        });
      }
      seen.add(key);
    });
  });
/** A calibration table (parsed form). */
export type CalibrationTable = z.output<typeof CalibrationTableSchema>;
/** A calibration table as accepted on input. */
export type CalibrationTableInput = z.input<typeof CalibrationTableSchema>;

/**
 * Validate a calibration table (e.g. read back from a report). Throws `ContractError` naming the field.
 *
 * @example
 * ```ts
 * const table = parseCalibrationTable(JSON.parse(text), { file: 'calibration.json' });
 * ```
 */
export function parseCalibrationTable(value: unknown, context?: ParseContext): CalibrationTable {
  return parseContract(CalibrationTableSchema, value, 'CalibrationTable', context);
}
