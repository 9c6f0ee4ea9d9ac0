import type { ModelType, OutcomeRecord, OutcomeReportInput, ReviewResult } from '@impact/contracts';
import { OutcomeRecordSchema, ReviewResultSchema } from '@impact/contracts';

let counter = 0;

/** A valid outcome record with the given predicted and actual returns. */
export function outcome(
  predicted: number,
  actual: number,
  within: boolean,
  modelType?: ModelType,
  id?: string,
): OutcomeRecord {
  counter += 1;
  return OutcomeRecordSchema.parse({
    initiative_id: id ?? `init-${counter}`,
    predicted_return: predicted,
    actual_return: actual,
    prediction_error: actual - predicted,
    sample_size_pilot: 100,
    sample_size_scale: 1000,
    within_pilot_ci: within,
    actual_ci_lower: actual - 1,
    actual_ci_upper: actual + 1,
    budget: 10,
    roi: (actual - 10) / 10,
    ...(modelType === undefined ? {} : { model_type: modelType }),
  });
}

/** An outcome report holding `records`. */
export function report(records: OutcomeRecord[]): OutcomeReportInput {
  return {
    metadata: {
      schema_version: 1,
      config_hash: 'b'.repeat(64),
      seed: 1,
      versions: {},
      timings_ms: {},
    },
    budget: 10 * records.length,
    total_allocated: 10 * records.length,
    records,
    dropped: [],
  };
}

/** A review with the given confidence and scenarios. */
export function review(overrides: Partial<ReviewResult> = {}): ReviewResult {
  return ReviewResultSchema.parse({
    id: 'init-a',
    confidence: 0.35,
    cost: 10,
    R_best: 20,
    R_med: 10,
    R_worst: 5,
    model_type: 'observational',
    flags: [],
    rationale: 'base',
    reviewer: { name: 'deterministic', kind: 'deterministic' },
    ...overrides,
  });
}

/** The hand-computed observational set of the closed-form tests. */
export function handSet(): OutcomeRecord[] {
  return [
    outcome(10, 8, true, 'observational'),
    outcome(20, 14, false, 'observational'),
    outcome(-5, -4, true, 'observational'),
    outcome(0, 2, true, 'observational'),
  ];
}
