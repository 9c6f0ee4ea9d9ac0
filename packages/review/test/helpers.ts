import type { MeasureResult, MeasureResultInput } from '@impact/contracts';
import { MeasureResultSchema } from '@impact/contracts';
import { type DecisionItem, parseReviewInput, parseReviewRules, reviewParsed } from '../src/index';

/** A clean, significant, well-powered measurement; override fields per test. */
export function measurement(overrides: Partial<MeasureResultInput> = {}): MeasureResult {
  return MeasureResultSchema.parse({
    initiative_id: 'init-a',
    effect_estimate: 10,
    ci_lower: 8.04,
    ci_upper: 11.96,
    ci_level: 0.95,
    standard_error: 1,
    p_value: 1e-6,
    sample_size: 2000,
    model_type: 'experiment',
    method: 'experiment',
    metric: 'revenue',
    effect_unit: 'absolute',
    diagnostics: {},
    ...overrides,
  });
}

/**
 * Seeded uniform and normal draws (mulberry32 + Box–Muller), independent of src/, so simulations in tests
 * are reproducible.
 */
export function seededDraws(seed: number): { normal: () => number; uniform: () => number } {
  let state = seed >>> 0;
  const uniform = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    uniform,
    normal: () => Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform()),
  };
}

/**
 * A reviewed measurement ready for a decision model: estimate ± 1.96·SE, p = 0.01, valued at
 * `units` money per unit of effect, reviewed with the default rules.
 */
export function decisionItem(
  id: string,
  cost: number,
  effect: number,
  se: number,
  overrides: Partial<MeasureResultInput> = {},
  units = 1,
): DecisionItem {
  const m = measurement({
    initiative_id: id,
    effect_estimate: effect,
    standard_error: se,
    ci_lower: effect - 1.96 * se,
    ci_upper: effect + 1.96 * se,
    p_value: 0.01,
    ...overrides,
  });
  const valuation = { value_per_unit: 1, units };
  return {
    review: reviewParsed(parseReviewInput({ measurement: m, cost, valuation }), parseReviewRules({})),
    measurement: m,
    valuation,
  };
}
