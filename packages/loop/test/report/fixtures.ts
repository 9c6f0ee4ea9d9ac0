import type { AllocationResult, MeasureResult, ReviewResult, RunMetadata } from '@impact/contracts';
import type { InitiativeRun } from '../../src/index';

export const metadata: RunMetadata = {
  schema_version: 1,
  config_hash: 'a'.repeat(64),
  seed: 1,
  versions: {},
  timings_ms: {},
};

export function measurement(id: string, effect: number, halfWidth: number, n: number): MeasureResult {
  return {
    initiative_id: id,
    effect_estimate: effect,
    ci_lower: effect - halfWidth,
    ci_upper: effect + halfWidth,
    ci_level: 0.95,
    standard_error: halfWidth / 1.96,
    p_value: 0.04,
    sample_size: n,
    model_type: 'experiment',
    method: 'experiment',
    metric: 'revenue',
    effect_unit: 'absolute',
    diagnostics: {},
  };
}

export function review(id: string, m: MeasureResult, cost: number, multiplier: number): ReviewResult {
  return {
    id,
    confidence: 0.8,
    cost,
    R_best: m.ci_upper * multiplier,
    R_med: m.effect_estimate * multiplier,
    R_worst: m.ci_lower * multiplier,
    model_type: m.model_type,
    flags: [],
    rationale: '',
    reviewer: { name: 'test', kind: 'deterministic' },
  };
}

/** Three initiatives: `a` funded and scaled, `b` dropped (budget), `c` failed in its pilot. */
export function threeInitiatives(): { initiatives: InitiativeRun[]; allocation: AllocationResult } {
  const pilotA = measurement('a', 2, 1, 100);
  const pilotB = measurement('b', 1, 0.5, 100);
  const valuation = { value_per_unit: 2, units: 50 };
  const initiatives: InitiativeRun[] = [
    {
      initiative_id: 'a',
      cost_to_scale: 60,
      valuation,
      pilot: { measurement: pilotA, true_effect: 1.8 },
      review: review('a', pilotA, 60, 100),
      scale: { measurement: measurement('a', 1.5, 0.2, 1000), true_effect: 1.7 },
    },
    {
      initiative_id: 'b',
      cost_to_scale: 50,
      valuation,
      pilot: { measurement: pilotB },
      review: review('b', pilotB, 50, 100),
    },
    {
      initiative_id: 'c',
      cost_to_scale: 10,
      valuation,
      failure: { stage: 'measure', phase: 'pilot', code: 'DATA_EMPTY_GROUP', message: 'no treated rows' },
    },
  ];
  const allocation: AllocationResult = {
    selected_initiatives: ['a'],
    predicted_returns: { a: 200 },
    budget_allocated: { a: 60 },
    rule: 'minimax_regret',
    objective_value: 0,
    total_cost: 60,
    budget: 100,
    detail: {},
  };
  return { initiatives, allocation };
}
