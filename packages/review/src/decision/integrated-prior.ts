/**
 * The empirical-Bayes prior with its spread integrated out (full Bayes over τ), instead of plugged in at
 * its penalised REML mode.
 *
 * Model as in `shrinkage.ts`: `θ_i ~ N(μ, τ²)`, `y_i ~ N(μ, V_i(τ²))`. Hyperpriors: μ flat, and τ with the
 * Gamma(α, λ → 0) density `p(τ) ∝ τ^(α−1)` whose log is the REML penalty. Integrating μ out of the
 * likelihood gives exactly the REML likelihood (Harville 1974), so the posterior of `log τ²` is
 * `∝ exp(ℓ_R(τ²)) · (τ²)^(α/2)` (the penalised REML log-likelihood plus the Jacobian `½·log τ²`). Given τ²,
 * each true value is normal (μ integrated analytically); over τ² its posterior is a scale mixture of
 * normals. With a handful of initiatives τ² is poorly determined, and plugging in one value — the mode —
 * makes every prediction as sure of the prior's spread as if it were known: when the mode is small, every
 * estimate is shrunk almost to the prior mean however strong it is. Averaging over τ² keeps a strong
 * estimate's signal (Gelman 2006, Bayesian Analysis 1:515–534; Morris 1983's intervals approximate the
 * same correction).
 */
import { normalCdf } from '../stats/normal';
import {
  marginalVariance,
  type NormalPrior,
  type PooledObservation,
  priorMean,
  restrictedLogLikelihood,
  spreadScale,
} from './shrinkage';

/** Nodes of the grid over `log τ²`: between `10⁻⁸·S` and `10⁴·S` (as the REML search), step ≈ 0.05. */
const GRID_NODES = 553;
/** Nodes whose posterior probability is below this are left out of the mixtures (their total is < 10⁻¹¹). */
const NEGLIGIBLE = 1e-14;

/** The posterior over the prior: grid nodes in `τ²` with their probabilities (summing to 1). */
export interface IntegratedPrior {
  /** The prior `N(μ̂(τ²), τ²)` at each retained node, with the node's posterior probability. */
  nodes: readonly { probability: number; prior: NormalPrior }[];
  /** Posterior mean of μ. */
  mean: number;
  /**
   * Posterior median of τ (a summary for reports and the bias SD shown; the predictions use every node).
   * Its mean can be undefined: with `α + 2` observations the posterior falls only as `τ⁻²`.
   */
  sd: number;
  /** Observations the prior was estimated from. */
  count: number;
}

/** One component of a scale-mixture posterior: `N(mean, variance)` with its probability. */
export interface MixtureComponent {
  probability: number;
  mean: number;
  variance: number;
}

/** A true value's posterior over the integrated prior: its moments, its mixture and the mean weight. */
export interface MixturePosterior {
  mean: number;
  variance: number;
  /** Posterior mean of the weight `τ²/V` on the estimate. */
  weight: number;
  components: readonly MixtureComponent[];
}

/** Options of {@link integrateNormalPrior}. */
export interface IntegratedPriorOptions {
  /** Shape `α` of the Gamma(α, 0) hyperprior on τ (default 2, the REML penalty's). */
  shape?: number;
}

/**
 * The posterior over the prior's spread τ² (μ integrated out, hyperprior `p(τ) ∝ τ^(α−1)`), on a fixed
 * grid of `log τ²`. The posterior is proper only with more than `α + 1` observations (its tail at large τ
 * falls as `τ^(α−k)`); with fewer, or without spread or error, it returns `undefined`. Deterministic.
 *
 * @example
 * ```ts
 * const prior = integrateNormalPrior(observations); // observations: PooledObservation[], at least 4
 * prior?.sd; // posterior median of τ
 * ```
 */
export function integrateNormalPrior(
  observations: readonly PooledObservation[],
  options: IntegratedPriorOptions = {},
): IntegratedPrior | undefined {
  const shape = options.shape ?? 2;
  const k = observations.length;
  if (k < 2 || k <= shape + 1) return undefined;
  const scale = spreadScale(observations);
  if (scale === undefined) return undefined;
  const low = Math.log(scale * 1e-8);
  const step = (Math.log(scale * 1e4) - low) / (GRID_NODES - 1);
  const logWeights = new Float64Array(GRID_NODES);
  let top = Number.NEGATIVE_INFINITY;
  for (let node = 0; node < GRID_NODES; node++) {
    const logTau2 = low + node * step;
    const logWeight = restrictedLogLikelihood(observations, Math.exp(logTau2), shape) + logTau2 / 2;
    logWeights[node] = logWeight;
    if (logWeight > top) top = logWeight;
  }
  if (!Number.isFinite(top)) return undefined;
  let total = 0;
  for (let node = 0; node < GRID_NODES; node++) total += Math.exp(logWeights[node]! - top);
  const nodes: { probability: number; prior: NormalPrior }[] = [];
  let mean = 0;
  let cumulative = 0;
  let median = Number.NaN;
  for (let node = 0; node < GRID_NODES; node++) {
    const probability = Math.exp(logWeights[node]! - top) / total;
    const logTau2 = low + node * step;
    // The median of log τ², interpolated linearly in the cumulative probability between nodes.
    if (Number.isNaN(median) && cumulative + probability >= 0.5) {
      median = logTau2 - step * (1 - (0.5 - cumulative) / probability) + step / 2;
    }
    cumulative += probability;
    if (probability < NEGLIGIBLE) continue;
    const prior = priorMean(observations, Math.exp(logTau2));
    nodes.push({ probability, prior });
    mean += probability * prior.mean;
  }
  const sd = Math.exp(median / 2);
  return { nodes, mean, sd, count: k };
}

/**
 * One true value's posterior under the integrated prior: at each node, `w = τ²/V`, mean `μ̂ + w·(y − μ̂)`,
 * variance `τ²(1 − w) + (1 − w)²·Var(μ̂)` (μ integrated exactly); the mixture's mean and variance are
 * those of the nodes weighted by their probabilities. With no error at all the estimate is returned.
 *
 * @example
 * ```ts
 * const posterior = integratedPosterior(observations[0], integrateNormalPrior(observations)!);
 * ```
 */
export function integratedPosterior(
  observation: PooledObservation,
  prior: IntegratedPrior,
): MixturePosterior {
  const components: MixtureComponent[] = [];
  let mean = 0;
  let second = 0;
  let weight = 0;
  for (const node of prior.nodes) {
    const tau2 = node.prior.variance;
    const v = marginalVariance(observation, tau2);
    const w = v > 0 ? tau2 / v : 1;
    const shrinkage = 1 - w;
    const m = node.prior.mean + w * (observation.estimate - node.prior.mean);
    const variance = Math.max(0, tau2 * shrinkage + shrinkage * shrinkage * node.prior.meanVariance);
    components.push({ probability: node.probability, mean: m, variance });
    mean += node.probability * m;
    second += node.probability * (variance + m * m);
    weight += node.probability * w;
  }
  return { mean, variance: Math.max(0, second - mean * mean), weight, components };
}

/**
 * `P(X ≤ x)` for a mixture of normals (a point mass where a component's variance is 0).
 *
 * @example
 * ```ts
 * mixtureCdf([{ probability: 1, mean: 0, variance: 1 }], 0); // 0.5
 * ```
 */
export function mixtureCdf(components: readonly MixtureComponent[], x: number): number {
  let total = 0;
  for (const c of components) {
    total +=
      c.probability *
      (c.variance > 0 ? normalCdf((x - c.mean) / Math.sqrt(c.variance)) : x >= c.mean ? 1 : 0);
  }
  return Math.min(1, Math.max(0, total));
}

/**
 * The `p` quantile of a mixture of normals, by bisection on {@link mixtureCdf} to a relative width of
 * 1e-13 of the mixture's spread. `p` in (0, 1).
 *
 * @example
 * ```ts
 * mixtureQuantile([{ probability: 1, mean: 0, variance: 1 }], 0.975); // ≈ 1.959964
 * ```
 */
export function mixtureQuantile(components: readonly MixtureComponent[], p: number): number {
  let low = Number.POSITIVE_INFINITY;
  let high = Number.NEGATIVE_INFINITY;
  for (const c of components) {
    const reach = 40 * Math.sqrt(c.variance);
    low = Math.min(low, c.mean - reach);
    high = Math.max(high, c.mean + reach);
  }
  if (!(high > low)) return low;
  const tolerance = (high - low) * 1e-13;
  for (let iteration = 0; iteration < 200 && high - low > tolerance; iteration++) {
    const middle = (low + high) / 2;
    if (mixtureCdf(components, middle) < p) low = middle;
    else high = middle;
  }
  return (low + high) / 2;
}
