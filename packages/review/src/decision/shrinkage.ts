/**
 * Normal–normal empirical Bayes on a scale comparable across initiatives (return per unit cost).
 *
 * Model for initiative i: true value `θ_i ~ N(μ, τ²)`; estimate `y_i = θ_i + β_i + ε_i` with sampling error
 * `ε_i ~ N(0, s_i²)` and methodology bias `β_i ~ N(0, g_i·τ² + e_i)` (bias mean already subtracted from
 * `y_i`; `g_i` the bias variance in units of the prior variance, `e_i` an absolute excess variance learned
 * by calibration). Marginally `y_i ~ N(μ, V_i)` with `V_i = τ²(1 + g_i) + s_i² + e_i`.
 */

/** One initiative's bias-corrected estimate and its error structure, on the pooled scale. */
export interface PooledObservation {
  /** The estimate `y_i` (bias mean subtracted). */
  estimate: number;
  /** Sampling variance `s_i²`. */
  samplingVariance: number;
  /** Bias variance per unit of prior variance, `g_i ≥ 0`. */
  relativeBiasVariance: number;
  /** Absolute extra variance `e_i ≥ 0` (calibration's excess variance). */
  excessVariance: number;
}

/** A fitted normal prior over true values, with the uncertainty of its mean. */
export interface NormalPrior {
  mean: number;
  variance: number;
  /** Variance of the estimated mean, `1 / Σ 1/V_i` (0 for a prior given, not estimated). */
  meanVariance: number;
  /** Observations the prior was estimated from (0 for a prior given); above 3 the posterior carries τ²'s uncertainty. */
  count: number;
}

/** A posterior (or predictive) normal for one true value, and the weight the estimate got. */
export interface NormalPosterior {
  mean: number;
  variance: number;
  /** `w = τ² / V_i`: 1 keeps the estimate, 0 replaces it by the prior mean. */
  weight: number;
}

/** `V_i = τ²(1 + g_i) + s_i² + e_i`: the marginal variance of one estimate under a prior variance τ². */
export const marginalVariance = (observation: PooledObservation, priorVariance: number): number =>
  priorVariance * (1 + observation.relativeBiasVariance) +
  observation.samplingVariance +
  observation.excessVariance;

/** `S`: the sample variance of the estimates plus their mean error variance; undefined when not positive. */
export function spreadScale(observations: readonly PooledObservation[]): number | undefined {
  const k = observations.length;
  let sum = 0;
  let errorVariance = 0;
  for (const observation of observations) {
    sum += observation.estimate;
    errorVariance += observation.samplingVariance + observation.excessVariance;
  }
  const average = sum / k;
  let spread = 0;
  for (const observation of observations) spread += (observation.estimate - average) ** 2;
  const scale = spread / (k - 1) + errorVariance / k;
  return scale > 0 && Number.isFinite(scale) ? scale : undefined;
}

/** Options of {@link estimateNormalPrior}. */
export interface NormalPriorOptions {
  /**
   * Shape `α` of the Gamma(α, λ → 0) prior on τ whose log density `(α − 1)·log τ` penalises the REML
   * likelihood (default 2: the weakest boundary-avoiding choice of Chung et al. 2013). Larger values pull
   * τ̂ up, i.e. shrink less, which matters when few initiatives inform the prior. The penalised mode is
   * finite only with more than `α` observations.
   */
  shape?: number;
}

/**
 * Penalised REML log-likelihood of the prior variance τ² (μ profiled out):
 * `−½ [Σ log V_i + log Σ 1/V_i + Σ (y_i − μ̂)²/V_i] + ((α − 1)/2)·log τ²`, with `μ̂ = Σ y_i/V_i / Σ 1/V_i`
 * (Harville 1977). The last term is the log of a Gamma(α, λ → 0) prior density on τ (α = 2 in Chung,
 * Rabe-Hesketh, Dorie, Gelman & Liu 2013, Psychometrika 78:685–709): it keeps τ̂² off the boundary 0, where
 * every initiative would be predicted at the same return per unit cost whatever its estimate said.
 */
export function restrictedLogLikelihood(
  observations: readonly PooledObservation[],
  priorVariance: number,
  shape: number,
): number {
  let logDet = 0;
  let precision = 0;
  let weighted = 0;
  for (const observation of observations) {
    const v = marginalVariance(observation, priorVariance);
    logDet += Math.log(v);
    precision += 1 / v;
    weighted += observation.estimate / v;
  }
  const mean = weighted / precision;
  let quadratic = 0;
  for (const observation of observations) {
    const deviation = observation.estimate - mean;
    quadratic += (deviation * deviation) / marginalVariance(observation, priorVariance);
  }
  return -0.5 * (logDet + Math.log(precision) + quadratic) + ((shape - 1) / 2) * Math.log(priorVariance);
}

/** The prior at a given variance τ²: its GLS mean `μ̂(τ²)` and that mean's variance. */
export function priorMean(observations: readonly PooledObservation[], priorVariance: number): NormalPrior {
  let precision = 0;
  let weighted = 0;
  for (const observation of observations) {
    const v = marginalVariance(observation, priorVariance);
    precision += 1 / v;
    weighted += observation.estimate / v;
  }
  return {
    mean: weighted / precision,
    variance: priorVariance,
    meanVariance: 1 / precision,
    count: observations.length,
  };
}

/**
 * Estimate the prior `N(μ, τ²)` by penalised REML (see `restrictedLogLikelihood`; `options.shape` the
 * Gamma shape of the penalty, default 2): golden-section search over `log τ²` between `10⁻⁸·S` and `10⁴·S`
 * (`S` = sample variance of the estimates plus their mean error variance). Deterministic. Needs at least 2
 * observations, and more than `shape` of them, with a positive total error variance or spread; returns
 * `undefined` otherwise.
 *
 * @example
 * ```ts
 * estimateNormalPrior([{ estimate: 1, samplingVariance: 0.1, relativeBiasVariance: 0, excessVariance: 0 }, …]);
 * ```
 */
export function estimateNormalPrior(
  observations: readonly PooledObservation[],
  options: NormalPriorOptions = {},
): NormalPrior | undefined {
  const shape = options.shape ?? 2;
  const k = observations.length;
  if (k < 2 || k <= shape) return undefined;
  const scale = spreadScale(observations);
  if (scale === undefined) return undefined;
  let low = Math.log(scale * 1e-8);
  let high = Math.log(scale * 1e4);
  const ratio = (Math.sqrt(5) - 1) / 2;
  let a = high - ratio * (high - low);
  let b = low + ratio * (high - low);
  let fa = restrictedLogLikelihood(observations, Math.exp(a), shape);
  let fb = restrictedLogLikelihood(observations, Math.exp(b), shape);
  for (let iteration = 0; iteration < 200 && high - low > 1e-10; iteration++) {
    if (fa >= fb) {
      high = b;
      b = a;
      fb = fa;
      a = high - ratio * (high - low);
      fa = restrictedLogLikelihood(observations, Math.exp(a), shape);
    } else {
      low = a;
      a = b;
      fa = fb;
      b = low + ratio * (high - low);
      fb = restrictedLogLikelihood(observations, Math.exp(b), shape);
    }
  }
  return priorMean(observations, Math.exp((low + high) / 2));
}

/**
 * Posterior of one true value under a normal prior: `w = τ²/V`, mean `μ + w·(y − μ)`, variance
 * `τ²(1 − w) + (1 − w)²·Var(μ̂) + 2/(k − 3)·(1 − w)²·(y − μ)²`. The second term carries the prior mean's
 * estimation error, the third (for a prior estimated from k > 3 observations) the prior variance's, as in
 * Morris's (1983, JASA 78:47–55) empirical-Bayes intervals; without them EB intervals under-cover.
 * With no error at all (`V = 0`) the estimate is returned unchanged. Shrinkage `1 − w` grows with the
 * sampling variance and with the bias variance.
 *
 * @example
 * ```ts
 * shrinkToPrior({ estimate: 3, samplingVariance: 1, relativeBiasVariance: 0, excessVariance: 0 }, { mean: 0, variance: 1, meanVariance: 0 });
 * // { mean: 1.5, variance: 0.5, weight: 0.5 }
 * ```
 */
export function shrinkToPrior(observation: PooledObservation, prior: NormalPrior): NormalPosterior {
  const v = marginalVariance(observation, prior.variance);
  const weight = v > 0 ? prior.variance / v : 1;
  const shrinkage = 1 - weight;
  const deviation = observation.estimate - prior.mean;
  const spreadUncertainty = prior.count > 3 ? (2 / (prior.count - 3)) * deviation * deviation : 0;
  return {
    mean: prior.mean + weight * deviation,
    variance: Math.max(
      0,
      prior.variance * shrinkage + shrinkage * shrinkage * (prior.meanVariance + spreadUncertainty),
    ),
    weight,
  };
}
