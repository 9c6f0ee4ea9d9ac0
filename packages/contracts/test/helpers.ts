import {
  type AllocationResultInput,
  ContractError,
  type MeasureResultInput,
  type OutcomeReportInput,
  type ReviewResultInput,
} from '../src/index';

export const validMeasure = (): MeasureResultInput => ({
  initiative_id: 'product-desc-enhancement',
  effect_estimate: 12.5,
  ci_lower: 8.2,
  ci_upper: 16.8,
  standard_error: 2.19,
  p_value: 0.001,
  sample_size: 500,
  model_type: 'experiment',
  method: 'experiment',
  metric: 'revenue',
});

export const validReview = (): ReviewResultInput => ({
  id: 'A',
  confidence: 0.9,
  cost: 4,
  R_best: 15,
  R_med: 10,
  R_worst: 2,
  model_type: 'experiment',
  flags: [],
  rationale: 'randomized',
  reviewer: { name: 'deterministic', kind: 'deterministic' },
});

export const validAllocation = (): AllocationResultInput => ({
  selected_initiatives: ['A', 'B'],
  predicted_returns: { A: 10, B: 8 },
  budget_allocated: { A: 4, B: 3 },
  rule: 'minimax_regret',
  objective_value: 0,
  total_cost: 7,
  budget: 10,
});

export const validRecord = () => ({
  initiative_id: 'A',
  predicted_return: 10,
  actual_return: 9,
  prediction_error: -1,
  sample_size_pilot: 500,
  sample_size_scale: 5000,
  within_pilot_ci: true,
  actual_ci_lower: 7,
  actual_ci_upper: 11,
  budget: 4,
  roi: 1.25,
});

export const validReport = (): OutcomeReportInput => ({
  metadata: {
    schema_version: 1,
    config_hash: 'a'.repeat(64),
    seed: 42,
    versions: { '@impact/loop': '0.1.0' },
    timings_ms: { pilot: 12.5 },
  },
  budget: 10,
  total_allocated: 4,
  records: [validRecord()],
  dropped: [{ initiative_id: 'B', reason: 'budget', message: 'did not fit the budget' }],
});

/** Run `run` and return the ContractError it throws; fail if it throws nothing or something else. */
export function violation(run: () => unknown): ContractError {
  try {
    run();
  } catch (error) {
    if (error instanceof ContractError) return error;
    throw error;
  }
  throw new Error('expected a ContractError');
}
