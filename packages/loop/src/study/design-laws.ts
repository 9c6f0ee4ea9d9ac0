import type { WorldOutcome } from './benchmark';
import { leaveOneWorldOutPriors, type PopulationPrior, withReferenceOutcome } from './population-prior';

/** Name of the policy {@link withDesignLaws} adds. */
export const DESIGN_LAWS_POLICY = 'design_laws';

/** Label of that policy in benchmark tables. */
export const DESIGN_LAWS_LABEL =
  'Bayes rule knowing the population and each design’s error law (from the other worlds’ truth)';

/** Φ⁻¹(0.75): a normal error's median absolute value in SDs, which turns a MAD into an SD. */
const MAD_TO_SD = 0.6744897501960817;

/** How one design's pilots err, learned from ground truth: `estimate ≈ truth + bias + scale·SE·z`. */
export interface DesignLaw {
  /** Median of (valued estimate − true return). */
  bias: number;
  /** Median of |error − bias| ÷ reported SE, over Φ⁻¹(0.75): the factor that makes the SE honest. */
  seScale: number;
  /** Pilots the law was learned from. */
  pilots: number;
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
};

/**
 * Each design's {@link DesignLaw} from the pilots of `worlds` (all of them: leave a world out by not
 * passing it). Robust statistics (median bias, MAD scale), because some designs' errors are heavy-tailed:
 * one extreme IPW pilot would otherwise set the law for all. Pilots with a zero SE do not enter the scale.
 *
 * @example
 * ```ts
 * designLaws(worlds).get('synthetic_control')?.seScale; // < 1: its reported SEs are too wide
 * ```
 */
export function designLaws(worlds: readonly WorldOutcome[]): Map<string, DesignLaw> {
  const errors = new Map<string, { error: number; se: number }[]>();
  for (const world of worlds) {
    for (const detail of world.initiativeDetails) {
      const list = errors.get(detail.design) ?? [];
      list.push({ error: detail.estimatedReturn - detail.trueReturn, se: detail.estimatedReturnSe });
      errors.set(detail.design, list);
    }
  }
  const laws = new Map<string, DesignLaw>();
  for (const [design, list] of [...errors].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const bias = median(list.map((entry) => entry.error));
    const scaled = list
      .filter((entry) => entry.se > 0)
      .map((entry) => Math.abs(entry.error - bias) / entry.se);
    const seScale = scaled.length > 0 ? median(scaled) / MAD_TO_SD : 1;
    laws.set(design, { bias, seScale, pilots: list.length });
  }
  return laws;
}

/**
 * Add the `design_laws` reference policy to every world of a finished benchmark run: the Bayes rule of
 * `population_prior` that also knows how each design errs, learned from the *other* worlds' ground truth
 * (leave one world out). Each pilot is de-biased by its design's median error and its SE multiplied by
 * the design's scale before it is shrunk toward the population prior; the knapsack-optimal portfolio of
 * posterior mean net returns is funded. No decision model can know this at cycle 1 — it is what a
 * perfect history of every design would teach — so the gap between it and the naive rules bounds what
 * any model reading only the pilots (estimate, SE, design, cost) can gain on these worlds. Needs at least
 * two worlds; returns new objects.
 *
 * @example
 * ```ts
 * const scored = summarizeBenchmark(withDesignLaws(withPopulationPrior(worlds)), 'naive_ratio');
 * ```
 */
export function withDesignLaws(worlds: readonly WorldOutcome[]): WorldOutcome[] {
  const priors = leaveOneWorldOutPriors(worlds);
  return worlds.map((world, index) => {
    const { mean, variance } = priors[index] as PopulationPrior;
    const laws = designLaws(worlds.filter((_, other) => other !== index));
    const posterior = new Map(
      world.initiativeDetails.map((detail) => {
        const law = laws.get(detail.design) ?? { bias: 0, seScale: 1, pilots: 0 };
        const sampling = (law.seScale * detail.estimatedReturnSe) ** 2;
        const weight = variance + sampling > 0 ? variance / (variance + sampling) : 1;
        return [detail.id, mean + weight * (detail.estimatedReturn - law.bias - mean)] as const;
      }),
    );
    return withReferenceOutcome(world, DESIGN_LAWS_POLICY, posterior);
  });
}
