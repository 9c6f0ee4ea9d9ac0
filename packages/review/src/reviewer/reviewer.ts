import {
  CurrencySchema,
  type MeasureResult,
  type MeasureResultInput,
  MeasureResultSchema,
  parseContract,
  type ReviewResult,
} from '@impact/contracts';
import { z } from 'zod';
import { type Valuation, type ValuationInput, ValuationSchema } from '../scenarios/valuation';

/**
 * What a reviewer reviews: one measurement, the initiative's cost to scale, and how to turn its effect into
 * money (defaults: `value_per_unit = 1`, `units = 1`, i.e. the effect already is a return in `cost`'s currency).
 */
export interface ReviewInput {
  measurement: MeasureResult | MeasureResultInput;
  cost: number;
  valuation?: ValuationInput;
}

/** A parsed {@link ReviewInput}. */
export interface ParsedReviewInput {
  measurement: MeasureResult;
  cost: number;
  valuation: Valuation;
  /** Whether a valuation was given (an unvalued relative effect is flagged). */
  valued: boolean;
}

/** Options of one review. */
export interface ReviewOptions {
  /** Cancels the review; the reviewer throws `ReviewError` (`REVIEW_ABORTED`). */
  signal?: AbortSignal;
}

/**
 * Anything that turns a measurement into a `ReviewResult`. Built-ins: the deterministic reviewer and the
 * LLM reviewer; implement this interface to bring your own.
 *
 * @example
 * ```ts
 * const reviewer: Reviewer = { name: 'always-half', review: async (input) => … };
 * ```
 */
export interface Reviewer {
  readonly name: string;
  review(input: ReviewInput, options?: ReviewOptions): Promise<ReviewResult>;
}

const ReviewInputSchema = z.strictObject({
  measurement: MeasureResultSchema,
  cost: CurrencySchema,
  valuation: ValuationSchema.optional(),
});

/**
 * Validate a {@link ReviewInput} at the boundary. Throws `ContractError` naming the field, e.g.
 * `ReviewInput contract violated: measurement.p_value: expected a number ≤ 1, got 3`.
 *
 * @example
 * ```ts
 * const parsed = parseReviewInput({ measurement, cost: 1000 });
 * ```
 */
export function parseReviewInput(input: ReviewInput): ParsedReviewInput {
  const parsed = parseContract(ReviewInputSchema, input, 'ReviewInput');
  return {
    measurement: parsed.measurement,
    cost: parsed.cost,
    valuation: parsed.valuation ?? ValuationSchema.parse({}),
    valued: parsed.valuation !== undefined,
  };
}
