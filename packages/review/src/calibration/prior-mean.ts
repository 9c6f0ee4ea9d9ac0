import type { OutcomeRecord } from '@impact/contracts';
import { normalQuantile } from '../stats/normal';

/** The pooled scale the decision model's prior lives on (`PredictiveParams.scale`), or `ignore`. */
export type PriorMeanScale = 'return' | 'per_cost' | 'ignore';

/**
 * What outcomes say about the prior the predictions were shrunk toward, learned jointly with the designs'
 * biases: the true prior mean μ on the decision model's pooled scale (money for `return`, return per unit
 * cost for `per_cost`) and the shrinkage error γ (outcomes moved `1 + γ` times the predictions' departures
 * from the prior), with their covariance.
 */
export interface PriorMeanFit {
  scale: 'return' | 'per_cost';
  mean: number;
  variance: number;
  shrinkageError: number;
  shrinkageErrorVariance: number;
  covariance: number;
  /** Records whose prediction was shrunk toward a prior (the ones that carry information about it). */
  n: number;
}

/** One record's residual per unit cost and what the model expected of it (see `fitPredictionResiduals`). */
export interface ResidualTerms {
  /** Shrinkage weight on the estimate (1 without a prediction). */
  w: number;
  /** Bias correction already applied, per unit cost. */
  a: number;
  /** `(actual − predicted)/c`. */
  r: number;
  /** Prediction variance plus the scale measurement's (from its 95% interval), per unit cost². */
  sigma2: number;
}

/** The residual terms of a record with a budget > 0; undefined for a free initiative. */
export function residualTerms(record: OutcomeRecord): ResidualTerms | undefined {
  const c = record.budget;
  if (!(c > 0)) return undefined;
  const prediction = record.prediction;
  const v = ((prediction?.sd ?? 0) / c) ** 2;
  const u = ((record.actual_ci_upper - record.actual_ci_lower) / (2 * Z95 * c)) ** 2;
  return {
    w: prediction?.components.shrinkage_weight ?? 1,
    a: (prediction?.components.bias_mean ?? 0) / c,
    r: (record.actual_return - record.predicted_return) / c,
    sigma2: v + u,
  };
}

/** Prior SD of the shrinkage error γ: a weak pull toward "the shrinkage was right" for small histories. */
const SHRINKAGE_ERROR_PRIOR_SD = 0.5;

const Z95 = normalQuantile(0.975);

/**
 * The columns of one record's residual per unit cost that the prior explains:
 * `r = x·(μ − p) + γ·q − w·((1 + γ)·b − a) + e`, with `x = (1 − w)/c` and p the prior mean the prediction used in
 * money (`return`), or `x = 1 − w` and `p = prior_mean/c` (`per_cost`), and `q = (m − prior_mean)/c + w·a`
 * the (bias-uncorrected) estimate's departure from its prior, weighted by w. A record without a pooled
 * prediction has `x = q = 0`.
 */
export function priorMeanTerm(
  record: OutcomeRecord,
  scale: PriorMeanScale,
): { x: number; p: number; q: number } {
  const prediction = record.prediction;
  const c = record.budget;
  const priorMean = prediction?.components.prior_mean ?? null;
  if (scale === 'ignore' || prediction === undefined || priorMean === null || !(c > 0)) {
    return { x: 0, p: 0, q: 0 };
  }
  const w = prediction.components.shrinkage_weight;
  // (m − p)/c + w·a = w·(y − p)/c: the raw estimate's departure from the prior, weighted as predicted.
  const q = (record.predicted_return - priorMean + w * prediction.components.bias_mean) / c;
  const shrink = 1 - w;
  return scale === 'return' ? { x: shrink / c, p: priorMean, q } : { x: shrink, p: priorMean / c, q };
}

/** `r − x·(μ̂ − p) − γ̂·q`: the residual per unit cost with the prior's part removed. */
export function residualWithoutPrior(
  record: OutcomeRecord,
  r: number,
  fit: PriorMeanFit | undefined,
): number {
  if (fit === undefined) return r;
  const { x, p, q } = priorMeanTerm(record, fit.scale);
  return x === 0 && q === 0 ? r : r - x * (fit.mean - p) - fit.shrinkageError * q;
}

/**
 * Fit the true prior mean μ and the shrinkage error γ jointly with one bias per group of records, from the
 * residuals of the predictions actually made. A prediction is about `p + w·(y − a − p)`: when the prior
 * mean p it was shrunk toward is off (biased designs pull it up, or few initiatives pin it down), every
 * residual carries `x·(μ − p)`, and when the shrinkage was too weak (a spread of true returns overrated)
 * the funded initiatives' outcomes fall short of predictions by `γ·q`. A per-design fit reads both as the
 * design's bias, even for an unbiased experiment.
 *
 * Model, per record i of group g (per unit cost): `z_i = r_i + x_i·p_i − w_i·a_i = x_i·μ + q_i·γ − w_i·β_g + e_i`
 * with `β_g = (1 + γ)·b_g`,
 * `e_i ~ N(0, σ_i² + w_i²·ε_g)` (σ_i² the prediction's and the scale measurement's variance, ε_g the
 * group's excess variance), `β_g ~ N(0, P)` independent (`P = bias_prior_sd²`), γ ~ N(0, 0.5²), and a weak
 * `μ ~ N(p̄, τ̄²)` (p̄ the mean of the prior means used, τ̄² the mean of their prior variances `prior_sd²`):
 * a handful of outcomes cannot put μ several population SDs away and so absorb a biased design's error.
 * Integrating each `β_g` out (Sherman–Morrison on `D_g + P·w wᵀ`) leaves generalized least squares in
 * (μ, γ) with `uᵀΣ_g⁻¹v = Σ ωuv − P·(Σ ωuw)(Σ ωwv)/(1 + P·Σ ωw²)` and `ω = 1/(σ² + w²ε)`.
 *
 * Returns undefined when no record carries information about μ (no pooled prediction), or with `ignore`.
 */
export function fitPriorMean(
  groups: readonly (readonly OutcomeRecord[])[],
  scale: PriorMeanScale,
  biasPriorSd: number,
  excessVariance: readonly number[] = [],
  shrinkageError = true,
): PriorMeanFit | undefined {
  if (scale === 'ignore') return undefined;
  const prior = biasPriorSd * biasPriorSd;
  // Information matrix [[Ixx, Ixq], [Ixq, Iqq]] and score (Sx, Sq) of (μ, γ).
  let ixx = 0;
  let ixq = 0;
  let iqq = 1 / SHRINKAGE_ERROR_PRIOR_SD ** 2;
  let sx = 0;
  let sq = 0;
  let n = 0;
  // A weak prior on μ: N(mean of the prior means used, (RMS prior SD τ)²), so that a handful of outcomes
  // cannot put the true mean several population SDs away and hand it a biased design's error.
  let priorMeans = 0;
  let priorSpread = 0;
  groups.forEach((records, index) => {
    const excess = excessVariance[index] ?? 0;
    const sums = { xx: 0, xq: 0, qq: 0, xz: 0, qz: 0, xw: 0, qw: 0, wz: 0, ww: 0 };
    for (const record of records) {
      const terms = residualTerms(record);
      if (terms === undefined) continue;
      const { w, a, r } = terms;
      const { x, p, q: departure } = priorMeanTerm(record, scale);
      const q = shrinkageError ? departure : 0;
      const variance = terms.sigma2 + w * w * excess;
      if (!(variance > 0) || !Number.isFinite(variance)) continue;
      const omega = 1 / variance;
      const z = r + x * p - w * a;
      if (x !== 0) {
        n += 1;
        priorMeans += p;
        const sd = record.prediction?.components.prior_sd ?? 0;
        priorSpread += (scale === 'return' ? sd : sd / record.budget) ** 2;
      }
      sums.xx += omega * x * x;
      sums.xq += omega * x * q;
      sums.qq += omega * q * q;
      sums.xz += omega * x * z;
      sums.qz += omega * q * z;
      sums.xw += omega * x * w;
      sums.qw += omega * q * w;
      sums.wz += omega * w * z;
      sums.ww += omega * w * w;
    }
    const damp = prior / (1 + prior * sums.ww);
    ixx += sums.xx - damp * sums.xw * sums.xw;
    ixq += sums.xq - damp * sums.xw * sums.qw;
    iqq += sums.qq - damp * sums.qw * sums.qw;
    sx += sums.xz - damp * sums.xw * sums.wz;
    sq += sums.qz - damp * sums.qw * sums.wz;
  });
  if (n > 0 && priorSpread > 0 && Number.isFinite(priorSpread)) {
    const tau2 = priorSpread / n;
    ixx += 1 / tau2;
    sx += priorMeans / n / tau2;
  }
  const determinant = ixx * iqq - ixq * ixq;
  if (n === 0 || !(ixx > 0) || !(determinant > 0) || !Number.isFinite(determinant)) return undefined;
  const mean = (iqq * sx - ixq * sq) / determinant;
  const gamma = (ixx * sq - ixq * sx) / determinant;
  if (!Number.isFinite(mean) || !Number.isFinite(gamma)) return undefined;
  return {
    scale,
    mean: mean + 0,
    variance: iqq / determinant,
    shrinkageError: shrinkageError ? gamma + 0 : 0,
    shrinkageErrorVariance: shrinkageError ? ixx / determinant : 0,
    covariance: shrinkageError ? -ixq / determinant + 0 : 0,
    n,
  };
}
