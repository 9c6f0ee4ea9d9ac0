import type { ReviewResultInput } from '@impact/contracts';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { allocate, allocateFromConfig, defineRule, dot } from '../../src/index';
import { review, SOLVERS } from '../helpers';

/** A review whose scenarios are quantiles of a predictive distribution (no confidence penalty under `auto`). */
function predictive(
  id: string,
  cost: number,
  best: number,
  med: number,
  worst: number,
  c: number,
): ReviewResultInput {
  return {
    ...review(id, cost, best, med, worst, c),
    decision_model: 'predictive',
    prediction: {
      model: 'predictive',
      family: 'normal',
      mean: med,
      sd: Math.max(0, (best - worst) / 2.563),
      quantiles: [
        { p: 0.1, value: worst },
        { p: 0.9, value: best },
      ],
      probability_of_loss: 0.5,
      expected_net: med - cost,
      components: {
        estimate: med,
        sampling_sd: 1,
        bias_mean: 0,
        bias_sd: 0,
        prior_mean: null,
        prior_sd: null,
        shrinkage_weight: 1,
      },
    },
  };
}

const item = fc.record({
  cost: fc.integer({ min: 0, max: 2_000 }).map((cents) => cents / 100),
  worst: fc.integer({ min: -2_000, max: 2_000 }).map((cents) => cents / 100),
  up1: fc.integer({ min: 0, max: 2_000 }).map((cents) => cents / 100),
  up2: fc.integer({ min: 0, max: 2_000 }).map((cents) => cents / 100),
  confidence: fc.integer({ min: 0, max: 100 }).map((hundredths) => hundredths / 100),
  predictive: fc.boolean(),
});
const instance = fc.record({
  items: fc.array(item, { minLength: 1, maxLength: 12 }),
  budgetShare: fc.double({ min: 0, max: 1, noNaN: true }),
  fractional: fc.boolean(),
});

/** Independent of src/: value per scenario under net, with the `auto` penalty rule. */
function netValues(r: ReviewResultInput): number[] {
  const penalize = r.prediction === undefined;
  return [r.R_best, r.R_med, r.R_worst].map(
    (v) => (penalize ? r.confidence * v + (1 - r.confidence) * r.R_worst : v) - (r.cost as number),
  );
}

// A custom rule that maximises the best case, to show that net values reach custom rules too.
const bestCase = defineRule({
  name: 'best_case_test',
  objective: (problem) => ({ sense: 'max', itemCoefficients: problem.effectiveReturns[0] ?? [] }),
  evaluate: (problem, _state, x) => dot(problem.effectiveReturns[0] ?? [], x),
});

describe.each(SOLVERS)('net objective (%s)', (solver) => {
  it('no rule funds an initiative whose net value is negative in every scenario', async () => {
    await fc.assert(
      fc.asyncProperty(instance, async (raw) => {
        const reviews = raw.items.map((entry, i) =>
          (entry.predictive ? predictive : review)(
            `p${i}`,
            entry.cost,
            entry.worst + entry.up1 + entry.up2,
            entry.worst + entry.up1,
            entry.worst,
            entry.confidence,
          ),
        );
        const budget = raw.budgetShare * reviews.reduce((sum, r) => sum + (r.cost as number), 0);
        const byId = new Map(reviews.map((r) => [r.id, r]));
        for (const rule of ['minimax_regret', 'expected_return', 'maximin', bestCase] as const) {
          const result = await allocate(reviews, { budget, rule, solver, fractional: raw.fractional });
          for (const id of result.selected_initiatives) {
            const values = netValues(byId.get(id) as ReviewResultInput);
            expect(values.some((value) => value >= -1e-9)).toBe(true);
          }
        }
      }),
      { numRuns: 60, seed: 11 },
    );
  });

  it('the expected-return rule never funds a negative expected net value', async () => {
    await fc.assert(
      fc.asyncProperty(instance, async (raw) => {
        const reviews = raw.items.map((entry, i) =>
          (entry.predictive ? predictive : review)(
            `p${i}`,
            entry.cost,
            entry.worst + entry.up1 + entry.up2,
            entry.worst + entry.up1,
            entry.worst,
            entry.confidence,
          ),
        );
        const budget = raw.budgetShare * reviews.reduce((sum, r) => sum + (r.cost as number), 0);
        const weights = { best: 0.2, med: 0.5, worst: 0.3 };
        const result = await allocate(reviews, {
          budget,
          rule: 'expected_return',
          scenarioWeights: weights,
          solver,
          fractional: raw.fractional,
        });
        for (const id of result.selected_initiatives) {
          const [best, med, worst] = netValues(reviews.find((r) => r.id === id) as ReviewResultInput);
          const expected =
            weights.best * (best ?? 0) + weights.med * (med ?? 0) + weights.worst * (worst ?? 0);
          expect(expected).toBeGreaterThanOrEqual(-1e-9);
        }
      }),
      { numRuns: 60, seed: 12 },
    );
  });

  it('an initiative returning 10 for a cost of 10,000 is not funded just because budget is left (gross funds it)', async () => {
    const reviews = [review('tiny', 10_000, 12, 10, 8, 1), review('good', 5_000, 9_000, 8_000, 7_000, 1)];
    const net = await allocate(reviews, { budget: 20_000, solver });
    expect(net.selected_initiatives).toEqual(['good']);
    expect(net.detail.objective).toBe('net');
    expect(net.detail.unspent_budget).toBe(15_000);
    expect(net.detail.expected_net_return).toBe(3_000);
    expect((net.detail.net_values as Record<string, Record<string, number>>).tiny).toEqual({
      best: -9_988,
      med: -9_990,
      worst: -9_992,
    });
    const gross = await allocate(reviews, { budget: 20_000, solver, objective: 'gross' });
    expect(gross.selected_initiatives).toEqual(['good', 'tiny']);
    expect(gross.detail.objective).toBe('gross');
  });

  it('minimax regret under net counts the empty portfolio: nothing is funded when every initiative loses money', async () => {
    const reviews = [review('a', 100, 90, 50, 10, 0.9), review('b', 50, 45, 20, -5, 0.5)];
    const result = await allocate(reviews, { budget: 150, solver });
    expect(result.selected_initiatives).toEqual([]);
    expect(result.detail.v_star).toEqual({ best: 0, med: 0, worst: 0 });
    expect(result.detail.unspent_budget).toBe(150);
  });
});

describe('confidence penalty', () => {
  const interval = review('a', 4, 15, 10, 2, 0.5);
  const withPrediction = predictive('a', 4, 15, 10, 2, 0.5);

  it('auto penalises interval scenarios and not predictive ones', async () => {
    const a = await allocate([interval], { budget: 10, solver: 'highs' });
    // R_eff = 0.5·R + 0.5·R_worst, minus cost 4.
    expect(a.detail.net_values).toEqual({ a: { best: 4.5, med: 2, worst: -2 } });
    expect(a.detail.confidence_penalty).toEqual({ setting: 'auto', applied_to: ['a'] });
    const b = await allocate([withPrediction], { budget: 10, solver: 'highs' });
    expect(b.detail.net_values).toEqual({ a: { best: 11, med: 6, worst: -2 } });
    expect(b.detail.confidence_penalty).toEqual({ setting: 'auto', applied_to: [] });
  });

  it('always and never override what produced the scenarios, from code and YAML keys', async () => {
    const always = await allocateFromConfig([withPrediction], {
      budget: 10,
      solver: 'highs',
      confidence_penalty: 'always',
    });
    expect(always.detail.net_values).toEqual({ a: { best: 4.5, med: 2, worst: -2 } });
    const never = await allocate([interval], { budget: 10, solver: 'highs', confidencePenalty: 'never' });
    expect(never.detail.net_values).toEqual({ a: { best: 11, med: 6, worst: -2 } });
  });

  it('rejects an unknown objective or penalty setting naming the field', async () => {
    await expect(allocate([interval], { budget: 10, objective: 'profit' as never })).rejects.toMatchObject({
      code: 'ALLOCATION_INVALID_OPTIONS',
      field: 'objective',
    });
    await expect(
      allocateFromConfig([interval], { budget: 10, confidence_penalty: 'sometimes' as never }),
    ).rejects.toThrow(/confidence_penalty/);
  });
});
