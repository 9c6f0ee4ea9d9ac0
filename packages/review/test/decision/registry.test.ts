import { ConfigError } from '@impact/contracts';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  applyDecisionModel,
  defineDecisionModel,
  listDecisionModels,
  parseReviewInput,
  parseReviewRules,
  ReviewConfigSchema,
  registerDecisionModel,
  resolveDecisionModel,
  reviewParsed,
} from '../../src/index';
import { measurement } from '../helpers';

const pointOnly = defineDecisionModel({
  name: 'point_only_test',
  parameters: z.strictObject({ factor: z.number().default(1) }),
  decide: (items, params) =>
    items.map(({ measurement: m, valuation }) => {
      const r = m.effect_estimate * valuation.value_per_unit * valuation.units * params.factor;
      return { R_worst: r, R_med: r, R_best: r, rationale: 'point estimate only' };
    }),
});

describe('decision model registry', () => {
  it('lists the built-ins and resolves a name or { name, ...params } with defaults', () => {
    expect(listDecisionModels()).toEqual(expect.arrayContaining(['design_ci', 'predictive']));
    expect(resolveDecisionModel().model.name).toBe('predictive');
    const { params } = resolveDecisionModel({
      name: 'predictive',
      interval: 0.9,
      bias_scale: { observational: 2 },
    });
    expect(params).toMatchObject({ interval: 0.9, min_initiatives: 3, pooling: true, scale: 'return' });
    expect((params as { bias_scale: Record<string, number> }).bias_scale).toEqual({
      experiment: 0,
      'quasi-experiment': 0.25,
      'time-series': 0.25,
      observational: 2,
    });
  });

  it('names the key and what was expected for an unknown model or a bad parameter', () => {
    expect(() => resolveDecisionModel('bayes')).toThrow(ConfigError);
    expect(() => resolveDecisionModel('bayes')).toThrow(
      /decision_model: expected one of .*"predictive".*got "bayes"/,
    );
    expect(() => resolveDecisionModel({ name: 'predictive', interval: 1.5 })).toThrow(
      /decision_model\.interval/,
    );
    expect(() => resolveDecisionModel({ name: 'predictive', shrink: true })).toThrow(/decision_model/);
    const result = ReviewConfigSchema.safeParse({ decision_model: { name: 'predictive', interval: 2 } });
    expect(result.success).toBe(false);
    expect(ReviewConfigSchema.parse({}).decision_model).toBe('predictive');
  });

  it('registers a custom model once, selectable by name with its parameters; an instance works without registering', () => {
    registerDecisionModel(pointOnly);
    expect(() => registerDecisionModel(pointOnly)).toThrow(/already registered|not yet registered/);
    const m = measurement({ initiative_id: 'x', effect_estimate: 3, ci_lower: 1, ci_upper: 5 });
    const review = reviewParsed(parseReviewInput({ measurement: m, cost: 1 }), parseReviewRules({}));
    const items = [{ review, measurement: m, valuation: { value_per_unit: 1, units: 2 } }];
    const [decided] = applyDecisionModel(items, { name: 'point_only_test', factor: 2 });
    expect(decided?.R_med).toBe(12);
    expect(decided?.decision_model).toBe('point_only_test');
    const [direct] = applyDecisionModel(items, { model: pointOnly });
    expect(direct?.R_med).toBe(6);
    expect(() => defineDecisionModel({ name: '', parameters: z.strictObject({}), decide: () => [] })).toThrow(
      ConfigError,
    );
  });
});
