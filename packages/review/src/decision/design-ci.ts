import { z } from 'zod';
import { scenariosFromMeasurement } from '../scenarios/valuation';
import { type DecisionItem, type DecisionOutcome, defineDecisionModel } from './model';

/**
 * The original design's mapping: CI bounds and point estimate valued as returns
 * (`R_worst = ci_lower·v·u`, `R_med = effect·v·u`, `R_best = ci_upper·v·u`), no pooling. Its reviews carry
 * no `prediction`, so the allocator applies the confidence penalty `R_eff = c·R + (1 − c)·R_worst`
 * (`confidence_penalty: auto`) — together, the original system.
 *
 * @example
 * ```ts
 * const reviews = applyDecisionModel(items, 'design_ci');
 * ```
 */
export const designCiDecisionModel = defineDecisionModel<Record<string, never>>({
  name: 'design_ci',
  parameters: z.strictObject({}) as unknown as z.ZodType<Record<string, never>>,
  decide(items: readonly DecisionItem[]): DecisionOutcome[] {
    return items.map(({ measurement, valuation }) => ({
      ...scenariosFromMeasurement(measurement, valuation),
      rationale: `Design mapping: scenarios are the ${measurement.ci_level * 100}% CI bounds and the point estimate, valued (no shrinkage; the allocator's confidence penalty applies).`,
    }));
  },
});
