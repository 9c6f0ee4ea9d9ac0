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
    const posterior = new Map(
      world.initiativeDetails.map((detail) => {
        const sampling = detail.estimatedReturnSe ** 2;
        const weight = variance + sampling > 0 ? variance / (variance + sampling) : 1;
        return [detail.id, mean + weight * (detail.estimatedReturn - mean)] as const;
      }),
    );
    const funded = hindsightOptimum(
      world.initiativeDetails.map((detail) => ({
        id: detail.id,
        cost: detail.cost,
        value: (posterior.get(detail.id) as number) - detail.cost,
      })),
      world.budget,
    ).selected;
    const outcome = scoreFunded(
      POPULATION_PRIOR_POLICY,
      funded,
      new Map(
        world.initiativeDetails.map((detail) => [
          detail.id,
          { cost: detail.cost, trueReturn: detail.trueReturn, predicted: posterior.get(detail.id) as number },
        ]),
      ),
    );
    const outcomes = world.outcomes.filter((entry) => entry.policy !== POPULATION_PRIOR_POLICY);
    // Listed just before the oracle, next to the other references.
    const oracleAt = outcomes.findIndex((entry) => entry.policy === 'oracle');
    outcomes.splice(oracleAt < 0 ? outcomes.length : oracleAt, 0, outcome);
    return { ...world, outcomes };
  });
}
