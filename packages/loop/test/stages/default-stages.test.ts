import { ConfigError } from '@impact/contracts';
import { describe, expect, it } from 'vitest';
import { createDefaultStages } from '../../src/index';

function messageOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected a ConfigError');
}

describe('createDefaultStages', () => {
  it('validates the review section up front, naming review.<field>', () => {
    expect(messageOf(() => createDefaultStages({ review: { reviewer: 'oracle' }, file: 'p.yaml' }))).toBe(
      'p.yaml: review.reviewer: expected one of "deterministic" | "llm", got "oracle"',
    );
  });

  it('validates the allocate section up front, naming allocate.<field>', () => {
    expect(messageOf(() => createDefaultStages({ allocate: { max_selected: -1 }, budget: 10 }))).toBe(
      'allocate.max_selected: expected a number ≥ 0, got -1',
    );
  });

  it('simulates with @impact/simulate and returns the ground truth of every metric', () => {
    const stages = createDefaultStages();
    const world = stages.simulate({
      initiativeId: 'a',
      phase: 'pilot',
      config: {
        seed: 3,
        products: 40,
        start_date: '2024-01-01',
        end_date: '2024-01-10',
        treatment: { start_date: '2024-01-06', effect: { size: 0.5 } },
      },
    });
    if (world instanceof Promise) throw new Error('expected a synchronous simulation');
    expect(world.data.rowCount).toBe(400);
    // Product covariates are joined onto the product-day rows for observational models.
    expect(world.data.columns.baseline_traffic).toBeInstanceOf(Float64Array);
    expect(world.truth?.revenue?.att_absolute).toBeGreaterThan(0);
  });

  it('reviews with the configured deterministic reviewer and allocates with the configured rule', async () => {
    const stages = createDefaultStages({ allocate: { rule: 'maximin', solver: 'highs' }, budget: 10 });
    const review = await stages.review({
      measurement: {
        initiative_id: 'a',
        effect_estimate: 2,
        ci_lower: 1,
        ci_upper: 3,
        ci_level: 0.95,
        standard_error: 0.5,
        p_value: 0.001,
        sample_size: 1000,
        model_type: 'experiment',
        method: 'experiment',
        metric: 'revenue',
        effect_unit: 'absolute',
        diagnostics: {},
      },
      cost: 5,
      valuation: { value_per_unit: 1, units: 10 },
    });
    expect([review.R_worst, review.R_med, review.R_best]).toEqual([10, 20, 30]);
    expect(review.reviewer.kind).toBe('deterministic');
    const allocation = await stages.allocate([review], {
      budget: 10,
      config: { rule: 'maximin', solver: 'highs' },
    });
    expect(allocation.rule).toBe('maximin');
    expect(allocation.selected_initiatives).toEqual(['a']);
  });
});
