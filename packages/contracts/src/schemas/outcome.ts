import { z } from 'zod';
import {
  ConfidenceSchema,
  CurrencySchema,
  FiniteNumberSchema,
  InitiativeIdSchema,
  ModelTypeSchema,
  ProbabilitySchema,
  SampleSizeSchema,
} from './primitives';
import { PredictionSchema } from './review';
import { atMost, nearlyEqual } from './tolerance';

/**
 * Measure (scale) → Report: one scaled initiative, predicted (from the pilot) vs actual (at scale), in the
 * currency of the budget. Invariants: `prediction_error = actual_return − predicted_return`,
 * `actual_ci_lower ≤ actual_return ≤ actual_ci_upper`. `roi` is `(actual_return − budget) / budget`, or
 * `null` when nothing was allocated.
 *
 * @example
 * ```ts
 * OutcomeRecordSchema.parse(record);
 * ```
 */
export const OutcomeRecordSchema = z
  .strictObject({
    initiative_id: InitiativeIdSchema,
    predicted_return: FiniteNumberSchema,
    actual_return: FiniteNumberSchema,
    prediction_error: FiniteNumberSchema,
    sample_size_pilot: SampleSizeSchema,
    sample_size_scale: SampleSizeSchema,
    within_pilot_ci: z.boolean(),
    actual_ci_lower: FiniteNumberSchema,
    actual_ci_upper: FiniteNumberSchema,
    budget: CurrencySchema,
    roi: FiniteNumberSchema.nullable(),
    confidence: ConfidenceSchema.optional(),
    model_type: ModelTypeSchema.optional(),
    method: z.string().min(1).optional(),
    predicted_ci_lower: FiniteNumberSchema.optional(),
    predicted_ci_upper: FiniteNumberSchema.optional(),
    true_return: FiniteNumberSchema.optional(),
    /** The predictive distribution the decision was made with (fully funded initiatives whose review had one). */
    prediction: PredictionSchema.optional(),
  })
  .superRefine((value, ctx) => {
    const expectedError = value.actual_return - value.predicted_return;
    if (!nearlyEqual(value.prediction_error, expectedError)) {
      ctx.addIssue({
        code: 'custom',
        path: ['prediction_error'],
        input: value.prediction_error,
        message: `expected actual_return − predicted_return (${expectedError})`,
      });
    }
    if (value.actual_ci_lower > value.actual_return) {
      ctx.addIssue({
        code: 'custom',
        path: ['actual_ci_lower'],
        input: value.actual_ci_lower,
        message: `expected actual_ci_lower ≤ actual_return (${value.actual_return})`,
      });
    }
    if (value.actual_return > value.actual_ci_upper) {
      ctx.addIssue({
        code: 'custom',
        path: ['actual_ci_upper'],
        input: value.actual_ci_upper,
        message: `expected actual_ci_upper ≥ actual_return (${value.actual_return})`,
      });
    }
    if (value.predicted_ci_lower !== undefined && value.predicted_ci_lower > value.predicted_return) {
      ctx.addIssue({
        code: 'custom',
        path: ['predicted_ci_lower'],
        input: value.predicted_ci_lower,
        message: `expected predicted_ci_lower ≤ predicted_return (${value.predicted_return})`,
      });
    }
    if (value.predicted_ci_upper !== undefined && value.predicted_return > value.predicted_ci_upper) {
      ctx.addIssue({
        code: 'custom',
        path: ['predicted_ci_upper'],
        input: value.predicted_ci_upper,
        message: `expected predicted_ci_upper ≥ predicted_return (${value.predicted_return})`,
      });
    }
  });
/** One predicted-vs-actual record (parsed form). */
export type OutcomeRecord = z.output<typeof OutcomeRecordSchema>;

/** Why an initiative was not scaled. */
export const DropReasonSchema = z.enum(['budget', 'confidence', 'rule', 'excluded', 'failed']);

/** An initiative that was reviewed (or attempted) but not scaled, and why. */
export const DroppedInitiativeSchema = z.strictObject({
  initiative_id: InitiativeIdSchema,
  reason: DropReasonSchema,
  message: z.string().min(1),
  /** Predicted return − cost, as the allocation saw it (reviewed initiatives only). */
  expected_net_value: FiniteNumberSchema.optional(),
  /** P(return < cost) from the predictive distribution (only when the review carried one). */
  probability_of_loss: ProbabilitySchema.optional(),
});
/** An initiative that was not scaled, and why. */
export type DroppedInitiative = z.output<typeof DroppedInitiativeSchema>;

/**
 * One reviewed pilot as evidence for later cycles, whatever was decided about it: its methodology, the
 * confidence its review gave, its cost, and its effect estimate and SE valued as money (`effect ×
 * value_per_unit × units`). Pilots are measured for every initiative, funded or not, so this evidence is
 * free of the selection that outcome records have; decision models pool it into their prior.
 */
export const PilotEvidenceSchema = z.strictObject({
  initiative_id: InitiativeIdSchema,
  model_type: ModelTypeSchema,
  /** The estimator (`MeasureResult.method`), so per-estimator calibration corrects the pilot like a current one. */
  method: z.string().min(1).optional(),
  confidence: ConfidenceSchema,
  cost: CurrencySchema,
  estimated_return: FiniteNumberSchema,
  estimated_return_se: FiniteNumberSchema.min(0),
});
/** One reviewed pilot as evidence for later cycles. */
export type PilotEvidence = z.output<typeof PilotEvidenceSchema>;

/**
 * Run metadata that makes a report reproducible: the hash of the resolved config, the seed, package
 * versions, and stage timings in milliseconds (the only field that differs between identical runs).
 */
export const RunMetadataSchema = z.strictObject({
  schema_version: z.literal(1),
  config_hash: z.string().regex(/^[0-9a-f]{64}$/, 'expected a lowercase hex SHA-256 digest'),
  seed: z.number().int(),
  versions: z.record(z.string(), z.string()),
  timings_ms: z.record(z.string(), z.number().min(0)),
});
/** Run metadata of an outcome report. */
export type RunMetadata = z.output<typeof RunMetadataSchema>;

/**
 * Scale → Report: every scaled initiative's outcome record, the dropped initiatives and why, the budget
 * and what was allocated, and run metadata. Invariants: `total_allocated ≤ budget`; every initiative
 * appears at most once across `records` and `dropped`.
 *
 * @example
 * ```ts
 * const report = OutcomeReportSchema.parse(JSON.parse(fs.readFileSync('outcome.json', 'utf8')));
 * ```
 */
export const OutcomeReportSchema = z
  .strictObject({
    metadata: RunMetadataSchema,
    budget: CurrencySchema,
    total_allocated: CurrencySchema,
    records: z.array(OutcomeRecordSchema),
    dropped: z.array(DroppedInitiativeSchema).default([]),
    /** Every reviewed pilot of the run, funded or not (absent in reports written before it existed). */
    evidence: z.array(PilotEvidenceSchema).optional(),
  })
  .superRefine((value, ctx) => {
    if (!atMost(value.total_allocated, value.budget)) {
      ctx.addIssue({
        code: 'custom',
        path: ['total_allocated'],
        input: value.total_allocated,
        message: `expected total_allocated ≤ budget (${value.budget})`,
      });
    }
    const seen = new Set<string>();
    const check = (id: string, path: (string | number)[]) => {
      if (seen.has(id)) {
        ctx.addIssue({
          code: 'custom',
          path,
          input: id,
          message: 'expected each initiative to appear once across records and dropped',
        });
      }
      seen.add(id);
    };
    value.records.forEach((record, index) => {
      check(record.initiative_id, ['records', index, 'initiative_id']);
    });
    value.dropped.forEach((drop, index) => {
      check(drop.initiative_id, ['dropped', index, 'initiative_id']);
    });
    const evidenced = new Set<string>();
    value.evidence?.forEach((entry, index) => {
      if (evidenced.has(entry.initiative_id) || !seen.has(entry.initiative_id)) {
        ctx.addIssue({
          code: 'custom',
          path: ['evidence', index, 'initiative_id'],
          input: entry.initiative_id,
          message: evidenced.has(entry.initiative_id)
            ? 'expected each initiative at most once in evidence'
            : 'expected an initiative of records or dropped',
        });
      }
      evidenced.add(entry.initiative_id);
    });
  });
/** Scale → Report contract (parsed form). */
export type OutcomeReport = z.output<typeof OutcomeReportSchema>;
/** Scale → Report contract as accepted on input. */
export type OutcomeReportInput = z.input<typeof OutcomeReportSchema>;
