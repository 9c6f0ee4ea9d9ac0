import { hindsightOptimum } from '../cycles/hindsight';
import { scoreFunded, type WorldOutcome } from './benchmark';

/** Name of the policy {@link withPopulationPrior} adds. */
export const POPULATION_PRIOR_POLICY = 'population_prior';

/** Label of that policy in benchmark tables. */
export const POPULATION_PRIOR_LABEL =
  'Bayes rule knowing the population of true returns (from the other worlds’ truth)';

/**
 * Add the `population_prior` reference policy to every world of a finished benchmark run. It is the Bayes
 * rule a decision-maker with perfect history would use: the prior over true returns is the distribution
 * they are drawn from (mean and SD of every initiative's true return in the *other* worlds of the run:
 * leave one world out, so a world's own truth never enters), each pilot is shrunk toward it by its
 * reported SE, and the knapsack-optimal portfolio of posterior mean net returns is funded. Unlike
 * `known_prior`, which knows the realised mean and SD of the world's own few true returns (information
 * no prior carries), this is what the best prior could do; the gap between it and the naive rules is what
 * any prior-based decision model can gain on these worlds. Needs at least two worlds; returns new objects.
 *
 * @example
 * ```ts
 * const scored = summarizeBenchmark(withPopulationPrior(worlds), 'naive_ratio');
 * ```
 */
export function withPopulationPrior(worlds: readonly WorldOutcome[]): WorldOutcome[] {
  const priors = leaveOneWorldOutPriors(worlds);
  return worlds.map((world, index) => {
    const { mean, variance } = priors[index] as PopulationPrior;
    const posterior = new Map(
      world.initiativeDetails.map((detail) => {
        const sampling = detail.estimatedReturnSe ** 2;
        const weight = variance + sampling > 0 ? variance / (variance + sampling) : 1;
        return [detail.id, mean + weight * (detail.estimatedReturn - mean)] as const;
      }),
    );
    return withReferenceOutcome(world, POPULATION_PRIOR_POLICY, posterior);
  });
}

/** Mean and variance (n − 1 divisor) of the true returns of every initiative outside one world. */
export interface PopulationPrior {
  mean: number;
  variance: number;
}

/** For each world, the {@link PopulationPrior} of the true returns in all the *other* worlds. */
export function leaveOneWorldOutPriors(worlds: readonly WorldOutcome[]): PopulationPrior[] {
  let count = 0;
  let sum = 0;
  let squares = 0;
  for (const world of worlds) {
    for (const detail of world.initiativeDetails) {
      count += 1;
      sum += detail.trueReturn;
      squares += detail.trueReturn * detail.trueReturn;
    }
  }
  return worlds.map((world) => {
    let own = 0;
    let ownSquares = 0;
    for (const detail of world.initiativeDetails) {
      own += detail.trueReturn;
      ownSquares += detail.trueReturn * detail.trueReturn;
    }
    const n = count - world.initiativeDetails.length;
    const mean = n > 0 ? (sum - own) / n : 0;
    const variance = n > 1 ? Math.max(0, (squares - ownSquares - n * mean * mean) / (n - 1)) : 0;
    return { mean, variance };
  });
}

/**
 * Score a reference policy that funds the knapsack-optimal portfolio of posterior mean net returns
 * (`posterior` holds each initiative's predicted return) and list it just before the oracle, replacing a
 * row of the same name (so applying it twice is the same as once). Returns a new world.
 */
export function withReferenceOutcome(
  world: WorldOutcome,
  policy: string,
  posterior: ReadonlyMap<string, number>,
): WorldOutcome {
  const predicted = (id: string) => posterior.get(id) as number;
  const funded = hindsightOptimum(
    world.initiativeDetails.map((detail) => ({
      id: detail.id,
      cost: detail.cost,
      value: predicted(detail.id) - detail.cost,
    })),
    world.budget,
  ).selected;
  const outcome = scoreFunded(
    policy,
    funded,
    new Map(
      world.initiativeDetails.map((detail) => [
        detail.id,
        { cost: detail.cost, trueReturn: detail.trueReturn, predicted: predicted(detail.id) },
      ]),
    ),
  );
  const outcomes = world.outcomes.filter((entry) => entry.policy !== policy);
  // Listed just before the oracle, next to the other references.
  const oracleAt = outcomes.findIndex((entry) => entry.policy === 'oracle');
  outcomes.splice(oracleAt < 0 ? outcomes.length : oracleAt, 0, outcome);
  return { ...world, outcomes };
}
