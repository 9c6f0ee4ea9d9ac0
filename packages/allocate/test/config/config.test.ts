import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '@impact/contracts';
import { describe, expect, it } from 'vitest';
import {
  AllocateConfigSchema,
  AllocationError,
  allocate,
  allocateFromConfig,
  defineRule,
  dot,
  listRules,
  loadAllocateConfig,
  registerRule,
} from '../../src/index';
import { referenceReviews } from '../helpers';

/** Maximise the best-case effective return: a custom rule written against the public interface. */
const optimistRule = defineRule<undefined>({
  name: 'optimist_test',
  objective: (problem) => ({ sense: 'max', itemCoefficients: problem.effectiveReturns[0] ?? [] }),
  evaluate: (problem, _state, selection) => dot(problem.effectiveReturns[0] ?? [], selection),
});

describe('configuration', () => {
  it('allocateFromConfig reads snake_case keys and matches allocate()', async () => {
    const fromConfig = await allocateFromConfig(referenceReviews(), {
      objective: 'gross',
      budget: 10,
      rule: 'minimax_regret',
      min_confidence: 0.5,
      min_worst_case_return: 4,
      solver: 'highs',
    });
    expect(fromConfig.selected_initiatives).toEqual(['A', 'B', 'C']);
    expect(fromConfig.detail.excluded_by_confidence).toEqual(['D']);
  });

  it('reads every key from a YAML file', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'allocate-'));
    const file = join(folder, 'allocate.yaml');
    writeFileSync(
      file,
      [
        'budget: 10',
        'rule: expected_return',
        'objective: gross',
        'confidence_penalty: auto',
        'min_confidence: 0',
        'mandatory: [D]',
        'excluded: [E]',
        'max_selected: 3',
        'min_worst_case_return: 0',
        'fractional: false',
        'scenario_weights: { best: 0.1, med: 0.3, worst: 0.6 }',
        'solver: glpk',
        'time_limit_ms: 5000',
        '',
      ].join('\n'),
    );
    const config = loadAllocateConfig(file);
    expect(config.scenario_weights).toEqual({ best: 0.1, med: 0.3, worst: 0.6 });
    expect(config.objective).toBe('gross');
    const result = await allocateFromConfig(referenceReviews(), config);
    expect(result.selected_initiatives).toEqual(['A', 'C', 'D']);
    expect(result.objective_value).toBeCloseTo(12.25, 9);
  });

  it('rejects unknown keys and bad values with ConfigError naming the field', async () => {
    await expect(
      allocateFromConfig(referenceReviews(), { objective: 'gross', budget: 10, budjet: 5 } as never),
    ).rejects.toBeInstanceOf(ConfigError);
    expect(() =>
      AllocateConfigSchema.parse({ budget: 10, scenario_weights: { best: 0.5, med: 0.5, worst: 0.5 } }),
    ).toThrow(/summing to 1/);
    await expect(
      allocateFromConfig(referenceReviews(), { objective: 'gross', budget: 'ten' } as never),
    ).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
      path: 'budget',
    });
  });

  it('defaults: minimax_regret on highs (the MIT engine that is always installed)', () => {
    const config = AllocateConfigSchema.parse({ budget: 10 });
    expect(config.rule).toBe('minimax_regret');
    expect(config.solver).toBe('highs');
    expect(config.fractional).toBe(false);
  });
});

describe('rule registry', () => {
  it('a custom rule registered by name is selectable from the config (the Python bug)', async () => {
    registerRule(optimistRule);
    expect(listRules()).toContain('optimist_test');
    const result = await allocateFromConfig(referenceReviews(), {
      objective: 'gross',
      budget: 10,
      rule: 'optimist_test',
      solver: 'highs',
    });
    expect(result.rule).toBe('optimist_test');
    // Best-case effective returns A 13.7, B 7.6, C 7.6, D 4.6, E 9 at costs 4, 3, 3, 2, 5: A+B+C = 28.9.
    expect(result.selected_initiatives).toEqual(['A', 'B', 'C']);
    expect(result.objective_value).toBeCloseTo(28.9, 9);
  });

  it('a rule instance can be passed directly without registering', async () => {
    const result = await allocate(referenceReviews(), {
      objective: 'gross',
      budget: 5,
      rule: { ...optimistRule, name: 'unregistered' },
      solver: 'glpk',
    });
    // 5 money: A (13.7) vs B+D (12.2) vs C+D (12.2) vs E (9): A.
    expect(result.selected_initiatives).toEqual(['A']);
  });

  it('refuses to register a name twice', () => {
    expect(() => registerRule({ ...optimistRule, name: 'maximin' })).toThrow(AllocationError);
    expect(() => registerRule({ ...optimistRule, name: 'maximin' })).toThrow(/already registered/);
  });

  it('refuses a rule without evaluate', () => {
    expect(() => defineRule({ name: 'broken' } as never)).toThrow(/objective/);
  });
});
