import type { MeasureResult, MeasureResultInput } from '@impact/contracts';
import { MeasureResultSchema } from '@impact/contracts';

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
