/**
 * Methodology bias shared by the pilots of one estimator ("design offsets").
 *
 * The predictive model's bias term `β_i ~ N(0, g_i·τ²)` says how far a pilot of a low-confidence design may
 * be off. A design that errs errs the same way for every initiative it measures: matching on products
 * selected by popularity is biased up whichever initiative it measures. So the bias is shared: the pilots of
 * one estimator `m` have `y_j = θ_j + δ_m + ε_j` with `δ_m ~ N(0, g·τ²)`. Given the prior `N(μ, τ²)`, the
 * other pilots of the same estimator are evidence about `δ_m`: each residual `y_j − μ` is `δ_m` plus noise of
 * variance `τ² + s_j² + e_j`. For pilot i the posterior of `δ_m` from the *other* pilots (its own estimate
 * is kept out, so it is not used twice) is normal with
 *
 *   `P_i = 1 / (1/(g_i·τ²) + Σ_{j≠i} w_j)`,  `δ̂_i = P_i · Σ_{j≠i} w_j·(y_j − μ)`,  `w_j = 1/(τ² + s_j² + e_j)`,
 *
 * and pilot i becomes the observation `y_i − δ̂_i` whose bias variance is `P_i` instead of `g_i·τ²`. A
 * pilot alone in its estimator, or a design without a bias term (`g = 0`, randomized experiments), is left
 * as it is, so one pilot per design gives exactly the independent-bias model. With a long history the
 * offsets are learned from the pilots alone, before any outcome: experiments (no bias term) anchor the
 * prior mean, and a design whose estimates sit above the experiments' across many initiatives is read as
 * biased rather than as evidence that true returns are high. This assumes the design was not chosen
 * because of the initiative's true effect (designs exchangeable across initiatives).
 */
import type { PooledObservation } from './shrinkage';

/** One pooled observation with the estimator whose bias it shares (`undefined`: shares with none). */
export interface GroupedObservation {
  observation: PooledObservation;
  group: string | undefined;
  /**
   * An initiative measured at scale: `observation` is then its scale outcome (unbiased, `group` undefined)
   * and these are its pilots (one combined observation per estimator), evidence about their estimators'
   * offsets only (see {@link applyDesignOffsets}).
   */
  pilots?: readonly { observation: PooledObservation; group: string }[];
}

/** An observation with its design offset removed. */
export interface OffsetObservation {
  /** `y_i − δ̂_i` with bias variance `P_i / τ²` (per unit of prior variance). */
  observation: PooledObservation;
  /** `δ̂_i`, on the pooled scale (0 when nothing was learned). */
  offset: number;
  /** `P_i`, the offset's posterior variance on the pooled scale (`g_i·τ²` when nothing was learned). */
  offsetVariance: number;
  /** Other pilots of the same estimator it was learned from. */
  from: number;
}

/**
 * Remove each observation's design offset learned from the other observations of its group, under the prior
 * `N(prior.mean, prior.variance)` (see the module comment). Pure; the order of the result is the input's.
 *
 * @example
 * ```ts
 * const [a] = applyDesignOffsets(
 *   [
 *     { group: 'matching', observation: { estimate: 5, samplingVariance: 1, relativeBiasVariance: 1, excessVariance: 0 } },
 *     { group: 'matching', observation: { estimate: 3, samplingVariance: 1, relativeBiasVariance: 1, excessVariance: 0 } },
 *   ],
 *   { mean: 0, variance: 1 },
 * );
 * a.offset; // 1: P = 1/(1/1 + 1/2) = 2/3, δ̂ = 2/3 · (3 − 0)/2
 * ```
 */
export function applyDesignOffsets(
  items: readonly GroupedObservation[],
  prior: { mean: number; variance: number },
): OffsetObservation[] {
  const tau2 = prior.variance;
  const totals = new Map<string, { weight: number; weighted: number; count: number }>();
  const add = (group: string, weight: number, residual: number) => {
    const total = totals.get(group) ?? { weight: 0, weighted: 0, count: 0 };
    total.weight += weight;
    total.weighted += weight * residual;
    total.count += 1;
    totals.set(group, total);
  };
  const weights = items.map(({ observation, group, pilots }) => {
    if (pilots !== undefined) {
      // Given the scale outcome a (variance u), θ ~ N(μ + k·(a − μ), k·u) with k = τ²/(τ² + u): the pilot's
      // residual about it is the offset plus noise of variance s² + e + k·u.
      const k = tau2 / (tau2 + observation.samplingVariance);
      const centre = prior.mean + k * (observation.estimate - prior.mean);
      for (const pilot of pilots) {
        const variance =
          pilot.observation.samplingVariance +
          pilot.observation.excessVariance +
          k * observation.samplingVariance;
        if (variance > 0 && Number.isFinite(variance)) {
          add(pilot.group, 1 / variance, pilot.observation.estimate - centre);
        }
      }
      return 0;
    }
    const w = residualWeight(observation, tau2);
    if (group !== undefined && w > 0) add(group, w, observation.estimate - prior.mean);
    return w;
  });
  return items.map(({ observation, group, pilots }, index) => {
    if (pilots !== undefined) return { observation, offset: 0, offsetVariance: 0, from: 0 };
    const biasVariance = observation.relativeBiasVariance * tau2;
    const total = group === undefined ? undefined : totals.get(group);
    const w = weights[index] as number;
    const own = w > 0 ? 1 : 0;
    if (total === undefined || total.count - own < 1 || !(biasVariance > 0)) {
      return { observation, offset: 0, offsetVariance: biasVariance, from: 0 };
    }
    const othersWeight = Math.max(0, total.weight - w);
    const othersWeighted = total.weighted - w * (observation.estimate - prior.mean);
    const offsetVariance = 1 / (1 / biasVariance + othersWeight);
    const offset = offsetVariance * othersWeighted;
    return {
      observation: {
        ...observation,
        estimate: observation.estimate - offset,
        relativeBiasVariance: offsetVariance / tau2,
      },
      offset,
      offsetVariance,
      from: total.count - own,
    };
  });
}

/** `1/(τ² + s² + e)`: the precision of one residual `y − μ` about the shared offset (0 when infinite or undefined). */
function residualWeight(observation: PooledObservation, tau2: number): number {
  const variance = tau2 + observation.samplingVariance + observation.excessVariance;
  return variance > 0 && Number.isFinite(variance) ? 1 / variance : 0;
}
