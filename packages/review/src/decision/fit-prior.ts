import { applyDesignOffsets, type GroupedObservation, type OffsetObservation } from './design-offsets';
import { type IntegratedPrior, integrateNormalPrior } from './integrated-prior';
import { estimateNormalPrior, type NormalPrior } from './shrinkage';

/** How the predictive model fits its prior (from its parameters). */
export interface PriorFitOptions {
  /** Pool at all (`pooling` and at least `min_initiatives` observations). */
  pool: boolean;
  tauFit: 'integrate' | 'mode';
  shape: number;
  /** Learn each estimator's shared bias from its other pilots (`shared_bias`). */
  sharedBias: boolean;
}

/** The fitted prior (integrated over τ, or at τ's mode; neither when there is nothing to pool) and the observations it was fitted to. */
export interface FittedPrior {
  integrated?: IntegratedPrior;
  mode?: NormalPrior;
  /** The observations in input order, with their design offsets removed (`sharedBias`). */
  observations: OffsetObservation[];
}

/** Rounds of "offsets given the prior, prior given the offsets"; the second moves the offsets by little. */
const OFFSET_ROUNDS = 2;

/**
 * Fit the prior over true values to the grouped observations: full Bayes over τ (`integrate`, falling back
 * to the mode where the posterior is improper) or τ's penalised REML mode. With `sharedBias`, each
 * estimator's offset is then learned from its other pilots under that prior (`applyDesignOffsets`) and the
 * prior refitted to the corrected observations, twice.
 *
 * @example
 * ```ts
 * const { integrated, observations } = fitPrior(grouped, { pool: true, tauFit: 'integrate', shape: 2, sharedBias: true });
 * ```
 */
export function fitPrior(grouped: readonly GroupedObservation[], options: PriorFitOptions): FittedPrior {
  let observations: OffsetObservation[] = grouped.map(({ observation }) => ({
    observation,
    offset: 0,
    offsetVariance: 0,
    from: 0,
  }));
  let fitted = fitOnce(
    observations.map((entry) => entry.observation),
    options,
  );
  if (!options.sharedBias) return { ...fitted, observations };
  for (let round = 0; round < OFFSET_ROUNDS; round++) {
    const prior = priorSummary(fitted);
    if (prior === undefined) break;
    observations = applyDesignOffsets(grouped, prior);
    const next = fitOnce(
      observations.map((entry) => entry.observation),
      options,
    );
    if (priorSummary(next) === undefined) break;
    fitted = next;
  }
  return { ...fitted, observations };
}

function fitOnce(
  observations: Parameters<typeof integrateNormalPrior>[0],
  options: PriorFitOptions,
): { integrated?: IntegratedPrior; mode?: NormalPrior } {
  if (!options.pool) return {};
  const shape = options.shape;
  const integrated =
    options.tauFit === 'integrate' ? integrateNormalPrior(observations, { shape }) : undefined;
  if (integrated !== undefined) return { integrated };
  const mode = estimateNormalPrior(observations, { shape });
  return mode === undefined ? {} : { mode };
}

/** The prior's mean and variance (τ's posterior median when integrated); undefined when nothing was fitted. */
export function priorSummary(fitted: {
  integrated?: IntegratedPrior;
  mode?: NormalPrior;
}): { mean: number; variance: number } | undefined {
  if (fitted.integrated !== undefined)
    return { mean: fitted.integrated.mean, variance: fitted.integrated.sd ** 2 };
  if (fitted.mode !== undefined) return { mean: fitted.mode.mean, variance: fitted.mode.variance };
  return undefined;
}
