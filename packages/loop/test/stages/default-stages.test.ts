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

  const measurementOf = (id: string, effect: number, se: number) => ({
    initiative_id: id,
    effect_estimate: effect,
    ci_lower: effect - 1.96 * se,
    ci_upper: effect + 1.96 * se,
    ci_level: 0.95,
    standard_error: se,
    p_value: 0.01,
    sample_size: 1000,
    model_type: 'experiment' as const,
    method: 'experiment',
    metric: 'revenue',
    effect_unit: 'absolute' as const,
    diagnostics: {},
  });

  it('decides with review.decision_model: predictive by default, design_ci when named', async () => {
    const valuation = { value_per_unit: 1, units: 10 };
    const inputs = [measurementOf('a', 2, 0.5), measurementOf('b', 1, 0.2), measurementOf('c', 3, 1.5)];
    for (const [review, expected] of [
      [undefined, 'predictive'],
      [{ decision_model: 'design_ci' }, 'design_ci'],
    ] as const) {
      const stages = createDefaultStages(review === undefined ? {} : { review });
      const items = await Promise.all(
        inputs.map(async (measurement) => ({
          review: await stages.review({ measurement, cost: 10, valuation }),
          measurement,
          valuation,
        })),
      );
      const decided = await stages.decide?.(items, {});
      expect(decided?.map((r) => r.decision_model)).toEqual([expected, expected, expected]);
      if (expected === 'design_ci') {
        expect(decided?.map((r) => r.R_med)).toEqual([20, 10, 30]);
        expect(decided?.every((r) => r.prediction === undefined)).toBe(true);
      } else {
        // Shrinkage pulls the noisiest estimate (c) toward the others.
        const c = decided?.find((r) => r.id === 'c');
        expect(c?.R_med).toBeLessThan(30);
        expect(c?.prediction?.components.shrinkage_weight).toBeLessThan(1);
      }
    }
  });

  it('rejects an unknown decision model up front, naming review.decision_model', () => {
    expect(messageOf(() => createDefaultStages({ review: { decision_model: 'oracle' } }))).toMatch(
      /^review\.decision_model: expected one of .*"predictive".*got "oracle"/,
    );
  });
});
