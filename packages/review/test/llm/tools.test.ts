import { describe, expect, it } from 'vitest';
import { reviewToolDefinitions, runReviewTool } from '../../src/llm/tools';
import { DEFAULT_REVIEW_RULES } from '../../src/rules/rules';
import { powerAnalysis } from '../../src/stats/power';
import { measurement } from '../helpers';

const context = {
  measurement: measurement({ effect_estimate: 2, ci_lower: 0.04, ci_upper: 3.96, p_value: 0.045 }),
  rules: DEFAULT_REVIEW_RULES,
};

describe('review tools', () => {
  it('defines four tools with JSON-schema parameters', () => {
    const definitions = reviewToolDefinitions();
    expect(definitions.map((tool) => tool.function.name)).toEqual([
      'read_measurement',
      'methodology_assumptions',
      'power_calculator',
      'submit_review',
    ]);
    const submit = definitions[3]!.function.parameters as {
      properties: Record<string, unknown>;
      required: string[];
    };
    expect(Object.keys(submit.properties)).toEqual(['confidence', 'flags', 'rationale']);
    expect(submit.required).toEqual(['confidence', 'rationale']);
  });

  it('read_measurement returns the measurement as data', () => {
    expect(JSON.parse(runReviewTool('read_measurement', {}, context))).toEqual({
      measurement: context.measurement,
    });
  });

  it('methodology_assumptions returns the band from the rules', () => {
    const result = JSON.parse(
      runReviewTool('methodology_assumptions', { model_type: 'time-series' }, context),
    );
    expect(result.band).toEqual({ min: 0.4, max: 0.59 });
    expect(result.assumptions.length).toBeGreaterThan(0);
  });

  it('power_calculator defaults to the measurement and matches powerAnalysis', () => {
    const result = JSON.parse(runReviewTool('power_calculator', {}, context));
    const expected = powerAnalysis({
      effect: 2,
      standardError: 1,
      sampleSize: 2000,
      alpha: 0.05,
      power: 0.8,
    });
    expect(result.required_sample_size).toBeCloseTo(expected.requiredSampleSize, 9);
    expect(result.minimum_detectable_effect).toBeCloseTo(expected.minimumDetectableEffect, 12);
    const custom = JSON.parse(runReviewTool('power_calculator', { effect: 4, power: 0.9 }, context));
    expect(custom.power).toBe(0.9);
    expect(custom.required_sample_size).toBeLessThan(result.required_sample_size);
  });

  it('answers bad arguments and unknown tools with an error result instead of throwing', () => {
    expect(
      JSON.parse(runReviewTool('methodology_assumptions', { model_type: 'astrology' }, context)).error,
    ).toMatch(/model_type/);
    expect(JSON.parse(runReviewTool('power_calculator', { alpha: 2 }, context)).error).toMatch(/alpha/);
    expect(JSON.parse(runReviewTool('delete_everything', {}, context)).error).toMatch(/unknown tool/);
  });
});
