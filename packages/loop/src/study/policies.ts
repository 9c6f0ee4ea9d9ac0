import { streamKey, Xoshiro128 } from '@impact/simulate';
import { hindsightOptimum } from '../cycles/hindsight';
import type { LoopPolicyConfig, PilotView } from './measured-world';

/** A policy that runs the real loop with given `review:` / `allocate:` sections. */
export interface LoopPolicy extends LoopPolicyConfig {
  kind: 'loop';
  name: string;
  /** What the policy is, for the table. */
  label: string;
}

/** A rule of thumb computed from the pilots alone (no review, no optimiser). */
export interface BaselinePolicy {
  kind: 'baseline';
  name: string;
  label: string;
  /** The ids it funds, given every pilot, the budget and a seed (for random rules). */
  choose(pilots: readonly PilotView[], budget: number, seed: number): string[];
}

/** A policy of the decision benchmark. */
export type DecisionPolicy = LoopPolicy | BaselinePolicy;

/** The pilot's point estimate valued as money (gross return), as a spreadsheet would. */
export function estimatedReturn(pilot: PilotView): number {
  return pilot.measurement.effect_estimate * pilot.multiplier;
}

/** Fund greedily in the given order while the budget lasts, skipping what does not fit. */
function fundInOrder(order: readonly PilotView[], budget: number): string[] {
  let left = budget;
  const chosen: string[] = [];
  for (const pilot of order) {
    if (pilot.cost <= left + 1e-9) {
      chosen.push(pilot.id);
      left -= pilot.cost;
    }
  }
  return chosen;
}

function greedyByRatio(
  pilots: readonly PilotView[],
  budget: number,
  keep: (pilot: PilotView) => boolean,
): string[] {
  const order = pilots
    .filter(keep)
    .sort((a, b) => estimatedReturn(b) / b.cost - estimatedReturn(a) / a.cost || (a.id < b.id ? -1 : 1));
  return fundInOrder(order, budget);
}

/**
 * The naive rule: rank by point estimate ÷ cost, confidence ignored, and fund down the list while the
 * budget lasts, every initiative with a positive estimate.
 */
export const naiveRatioPolicy: BaselinePolicy = {
  kind: 'baseline',
  name: 'naive_ratio',
  label: 'naive: greedy by estimate ÷ cost (estimate > 0)',
  choose: (pilots, budget) => greedyByRatio(pilots, budget, (pilot) => estimatedReturn(pilot) > 0),
};

/** The naive rule made cost-aware: only initiatives whose estimated return exceeds their cost. */
export const naiveNetPolicy: BaselinePolicy = {
  kind: 'baseline',
  name: 'naive_net',
  label: 'naive net: greedy by estimate ÷ cost (estimate > cost)',
  choose: (pilots, budget) => greedyByRatio(pilots, budget, (pilot) => estimatedReturn(pilot) > pilot.cost),
};

/** Fund only significant positive pilots (p < 0.05), greedy by estimate ÷ cost. */
export const significancePolicy: BaselinePolicy = {
  kind: 'baseline',
  name: 'significant_only',
  label: 'fund only p < 0.05 (greedy by estimate ÷ cost)',
  choose: (pilots, budget) =>
    greedyByRatio(
      pilots,
      budget,
      (pilot) => estimatedReturn(pilot) > 0 && (pilot.measurement.p_value ?? 1) < 0.05,
    ),
};

/** Fund in a random order while the budget lasts (seeded). */
export const randomPolicy: BaselinePolicy = {
  kind: 'baseline',
  name: 'random',
  label: 'random order',
  choose(pilots, budget, seed) {
    const rng = new Xoshiro128();
    rng.seedCell(streamKey(seed, 'random-policy'), 0, 0);
    const keyed = pilots.map((pilot) => ({ pilot, key: rng.nextUniform() }));
    keyed.sort((a, b) => a.key - b.key);
    return fundInOrder(
      keyed.map((entry) => entry.pilot),
      budget,
    );
  },
};

/** The hindsight optimum: the best portfolio knowing every true net return. */
export const oraclePolicy: BaselinePolicy = {
  kind: 'baseline',
  name: 'oracle',
  label: 'hindsight oracle (true net returns known)',
  choose: (pilots, budget) =>
    hindsightOptimum(
      pilots.map((pilot) => ({ id: pilot.id, cost: pilot.cost, value: pilot.trueReturn - pilot.cost })),
      budget,
    ).selected,
};

/**
 * Beyond any prior: the Bayes rule that knows the realised mean and SD of this world's own true returns
 * (not which initiative has which), takes each pilot's reported SE at face value and funds the
 * knapsack-optimal portfolio of posterior mean net returns. With 6–10 initiatives a world's realised mean
 * is itself informative (it varies from world to world by about the population SD ÷ √k), so this knows
 * more than the best prior could: it bounds from above what shrinkage can do, but it is not attainable.
 * The attainable reference is `population_prior` (see `withPopulationPrior`).
 */
export const knownPriorPolicy: BaselinePolicy = {
  kind: 'baseline',
  name: 'known_prior',
  label: 'beyond any prior: Bayes rule knowing this world’s realised true-return mean and SD',
  choose(pilots, budget) {
    const returns = pilots.map((pilot) => pilot.trueReturn);
    const mean = returns.reduce((sum, value) => sum + value, 0) / Math.max(1, returns.length);
    const variance =
      returns.reduce((sum, value) => sum + (value - mean) ** 2, 0) / Math.max(1, returns.length);
    return hindsightOptimum(
      pilots.map((pilot) => {
        const sampling = (pilot.measurement.standard_error * pilot.multiplier) ** 2;
        const weight = variance + sampling > 0 ? variance / (variance + sampling) : 1;
        const posterior = mean + weight * (estimatedReturn(pilot) - mean);
        return { id: pilot.id, cost: pilot.cost, value: posterior - pilot.cost };
      }),
      budget,
    ).selected;
  },
};

/** The loop with every default (what a user gets without `review:` / `allocate:` sections). */
export const loopDefaultPolicy: LoopPolicy = {
  kind: 'loop',
  name: 'loop_default',
  label: 'the loop, defaults',
};

/** The original design: CI bounds as scenarios, confidence penalty, gross returns, minimax regret. */
export const loopOriginalPolicy: LoopPolicy = {
  kind: 'loop',
  name: 'loop_original',
  label: 'original design (design_ci scenarios, gross, minimax regret)',
  review: { reviewer: 'deterministic', decision_model: 'design_ci' },
  allocate: { rule: 'minimax_regret', objective: 'gross', confidence_penalty: 'always' },
};

/** The loop's defaults with one allocation rule swapped in. */
export function loopRulePolicy(rule: string): LoopPolicy {
  return {
    kind: 'loop',
    name: `loop_${rule}`,
    label: `the loop, defaults, rule ${rule}`,
    allocate: { rule },
  };
}

/**
 * The standard policy set of the decision benchmark: the loop's defaults, the original design, the
 * defaults under each built-in rule (one of them is the default rule), the naive rules, a significance filter, random order, the known-prior information ceiling and the oracle.
 */
export function standardPolicies(): DecisionPolicy[] {
  return [
    loopDefaultPolicy,
    loopOriginalPolicy,
    loopRulePolicy('minimax_regret'),
    loopRulePolicy('expected_return'),
    loopRulePolicy('maximin'),
    naiveRatioPolicy,
    naiveNetPolicy,
    significancePolicy,
    randomPolicy,
    knownPriorPolicy,
    oraclePolicy,
  ];
}
