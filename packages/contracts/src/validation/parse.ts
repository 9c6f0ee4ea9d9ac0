import type { z } from 'zod';
import { ContractError } from '../errors';
import { type AllocationResult, AllocationResultSchema } from '../schemas/allocation';
import { type MeasureResult, MeasureResultSchema } from '../schemas/measure';
import { type OutcomeReport, OutcomeReportSchema } from '../schemas/outcome';
import { type ReviewResult, ReviewResultSchema } from '../schemas/review';
import { summarizeIssues, toFieldIssues } from './issues';

/** Where a value being checked came from, for error messages. */
export interface ParseContext {
  /** A file the value was read from. */
  file?: string;
}

/**
 * Validate a value against a contract schema; return the parsed value or throw a {@link ContractError}
 * naming the contract, the field path, what was expected and what was found.
 *
 * @example
 * ```ts
 * const review = parseContract(ReviewResultSchema, value, 'ReviewResult');
 * ```
 */
export function parseContract<S extends z.ZodType>(
  schema: S,
  value: unknown,
  contract: string,
  context: ParseContext = {},
): z.output<S> {
  const parsed = schema.safeParse(value, { reportInput: true });
  if (parsed.success) return parsed.data;
  const issues = toFieldIssues(parsed.error.issues, value);
  const where = context.file ? `${context.file}: ` : '';
  throw new ContractError(`${where}${contract} contract violated: ${summarizeIssues(issues)}`, {
    contract,
    issues,
    cause: parsed.error,
    ...(context.file ? { file: context.file } : {}),
  });
}

/** Parse a Measure → Review payload. Throws {@link ContractError}. */
export function parseMeasureResult(value: unknown, context?: ParseContext): MeasureResult {
  return parseContract(MeasureResultSchema, value, 'MeasureResult', context);
}

/** Parse a Review → Allocate payload. Throws {@link ContractError}. */
export function parseReviewResult(value: unknown, context?: ParseContext): ReviewResult {
  return parseContract(ReviewResultSchema, value, 'ReviewResult', context);
}

/** Parse an Allocate → Scale payload. Throws {@link ContractError}. */
export function parseAllocationResult(value: unknown, context?: ParseContext): AllocationResult {
  return parseContract(AllocationResultSchema, value, 'AllocationResult', context);
}

/** Parse a Scale → Report payload. Throws {@link ContractError}. */
export function parseOutcomeReport(value: unknown, context?: ParseContext): OutcomeReport {
  return parseContract(OutcomeReportSchema, value, 'OutcomeReport', context);
}

/**
 * Cross-contract invariant: an allocation may only select initiatives that were reviewed.
 * Throws {@link ContractError} naming the unknown id.
 *
 * @example
 * ```ts
 * assertSelectionWithinReviews(allocation, reviews);
 * ```
 */
export function assertSelectionWithinReviews(
  allocation: Pick<AllocationResult, 'selected_initiatives'>,
  reviews: readonly Pick<ReviewResult, 'id'>[],
): void {
  const known = new Set(reviews.map((review) => review.id));
  const issues = allocation.selected_initiatives.flatMap((id, index) =>
    known.has(id)
      ? []
      : [
          {
            path: `selected_initiatives[${index}]`,
            expected: 'an id among the reviewed initiatives',
            found: JSON.stringify(id),
            message: `selected_initiatives[${index}]: expected an id among the reviewed initiatives, got ${JSON.stringify(id)}`,
          },
        ],
  );
  if (issues.length > 0) {
    throw new ContractError(`AllocationResult contract violated: ${summarizeIssues(issues)}`, {
      contract: 'AllocationResult',
      issues,
    });
  }
}
