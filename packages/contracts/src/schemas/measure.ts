import { z } from 'zod';
import {
  CiLevelSchema,
  DiagnosticsSchema,
  EffectUnitSchema,
  FiniteNumberSchema,
  InitiativeIdSchema,
  ModelTypeSchema,
  ProbabilitySchema,
  SampleSizeSchema,
} from './primitives';

/**
 * Measure → Review: one causal effect estimate with its interval, p-value and diagnostics.
 * Wire names follow the design verbatim; `standard_error`, `ci_level`, `metric`, `method`, `effect_unit`
 * are the statistician's additions. Invariant: `ci_lower ≤ effect_estimate ≤ ci_upper`.
 *
 * @example
 * ```ts
 * const result = MeasureResultSchema.parse(JSON.parse(text));
 * ```
 */
export const MeasureResultSchema = z
  .strictObject({
    initiative_id: InitiativeIdSchema,
    effect_estimate: FiniteNumberSchema,
    ci_lower: FiniteNumberSchema,
    ci_upper: FiniteNumberSchema,
    ci_level: CiLevelSchema.default(0.95),
    standard_error: z.number().min(0),
    p_value: ProbabilitySchema,
    sample_size: SampleSizeSchema,
    model_type: ModelTypeSchema,
    method: z.string().min(1),
    metric: z.string().min(1),
    effect_unit: EffectUnitSchema.default('absolute'),
    diagnostics: DiagnosticsSchema.default({}),
  })
  .superRefine((value, ctx) => {
    if (value.ci_lower > value.effect_estimate) {
      ctx.addIssue({
        code: 'custom',
        path: ['ci_lower'],
        input: value.ci_lower,
        message: `expected ci_lower ≤ effect_estimate (${value.effect_estimate})`,
      });
    }
    if (value.effect_estimate > value.ci_upper) {
      ctx.addIssue({
        code: 'custom',
        path: ['ci_upper'],
        input: value.ci_upper,
        message: `expected ci_upper ≥ effect_estimate (${value.effect_estimate})`,
      });
    }
  });
/** Measure → Review contract (parsed form, defaults applied). */
export type MeasureResult = z.output<typeof MeasureResultSchema>;
/** Measure → Review contract as accepted on input (defaulted fields optional). */
export type MeasureResultInput = z.input<typeof MeasureResultSchema>;
