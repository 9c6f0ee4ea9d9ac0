import { z } from 'zod';
import {
  ConfidenceSchema,
  CurrencySchema,
  FiniteNumberSchema,
  FlagSchema,
  InitiativeIdSchema,
  ModelTypeSchema,
} from './primitives';

/** Which reviewer produced a review, and with which model when it was an LLM. */
export const ReviewerInfoSchema = z.strictObject({
  name: z.string().min(1),
  kind: z.enum(['deterministic', 'llm']),
  model: z.string().min(1).optional(),
});
/** Which reviewer produced a review. */
export type ReviewerInfo = z.output<typeof ReviewerInfoSchema>;

/**
 * Review → Allocate: confidence in one initiative's measurement, its cost to scale, and its best/median/
 * worst returns in the same currency as `cost`. Invariant: `R_worst ≤ R_med ≤ R_best`.
 *
 * @example
 * ```ts
 * ReviewResultSchema.parse({ id: 'a', confidence: 0.9, cost: 10, R_best: 15, R_med: 10, R_worst: 2,
 *   model_type: 'experiment', flags: [], rationale: '', reviewer: { name: 'deterministic', kind: 'deterministic' } });
 * ```
 */
export const ReviewResultSchema = z
  .strictObject({
    id: InitiativeIdSchema,
    confidence: ConfidenceSchema,
    cost: CurrencySchema,
    R_best: FiniteNumberSchema,
    R_med: FiniteNumberSchema,
    R_worst: FiniteNumberSchema,
    model_type: ModelTypeSchema,
    flags: z.array(FlagSchema).default([]),
    rationale: z.string().default(''),
    reviewer: ReviewerInfoSchema,
  })
  .superRefine((value, ctx) => {
    if (value.R_worst > value.R_med) {
      ctx.addIssue({
        code: 'custom',
        path: ['R_worst'],
        input: value.R_worst,
        message: `expected R_worst ≤ R_med (${value.R_med})`,
      });
    }
    if (value.R_med > value.R_best) {
      ctx.addIssue({
        code: 'custom',
        path: ['R_best'],
        input: value.R_best,
        message: `expected R_best ≥ R_med (${value.R_med})`,
      });
    }
  });
/** Review → Allocate contract (parsed form). */
export type ReviewResult = z.output<typeof ReviewResultSchema>;
/** Review → Allocate contract as accepted on input. */
export type ReviewResultInput = z.input<typeof ReviewResultSchema>;
