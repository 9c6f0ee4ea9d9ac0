import { z } from 'zod';
import { AllocationResultSchema } from './allocation';
import { LoopHistorySchema } from './history';
import { MeasureResultSchema } from './measure';
import { OutcomeRecordSchema, OutcomeReportSchema } from './outcome';
import { ReviewResultSchema } from './review';

/** Every stage-boundary contract by name, as published in `docs/schemas/<name>.schema.json`. */
export const CONTRACT_SCHEMAS = {
  MeasureResult: MeasureResultSchema,
  ReviewResult: ReviewResultSchema,
  AllocationResult: AllocationResultSchema,
  OutcomeRecord: OutcomeRecordSchema,
  OutcomeReport: OutcomeReportSchema,
  History: LoopHistorySchema,
} as const;

/** Name of a published contract. */
export type ContractName = keyof typeof CONTRACT_SCHEMAS;

/**
 * JSON Schema (draft 2020-12) of a contract, for tools outside TypeScript. Describes the accepted input
 * (defaulted fields are optional). Cross-field invariants (`ci_lower ≤ effect_estimate`, …) cannot be
 * expressed in JSON Schema and are stated in each schema's `description`.
 *
 * @example
 * ```ts
 * const schema = contractJsonSchema('MeasureResult');
 * ```
 */
export function contractJsonSchema(name: ContractName): Record<string, unknown> {
  const schema = z.toJSONSchema(CONTRACT_SCHEMAS[name], { io: 'input', unrepresentable: 'throw' });
  return {
    ...schema,
    $id: `https://impact-loop.dev/schemas/${name}.schema.json`,
    title: name,
    description: INVARIANTS[name],
  };
}

const INVARIANTS: Record<ContractName, string> = {
  MeasureResult: 'Measure → Review. Invariant: ci_lower ≤ effect_estimate ≤ ci_upper; all numbers finite.',
  ReviewResult: 'Review → Allocate. Invariant: R_worst ≤ R_med ≤ R_best; all numbers finite.',
  AllocationResult:
    'Allocate → Scale. Invariants: selected ids unique; predicted_returns has exactly the selected ids; ' +
    'budget_allocated names only selected ids; Σ budget_allocated ≤ budget; total_cost ≤ budget.',
  OutcomeRecord:
    'Scale → Report record. Invariants: prediction_error = actual_return − predicted_return; ' +
    'actual_ci_lower ≤ actual_return ≤ actual_ci_upper.',
  OutcomeReport:
    'Scale → Report. Invariants: total_allocated ≤ budget; each initiative once across records and dropped.',
  History:
    'Loop history (input and output of a run). Invariants: cycle numbers are integers ≥ 1, strictly ' +
    'increasing (hence unique); every report satisfies the OutcomeReport invariants.',
};
