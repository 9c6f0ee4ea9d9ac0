import { MeasureError } from '../errors';
import type { CentredBasis } from './ols-passes';
import type { CovarianceSpec } from './ols-types';

/** A·M·A for symmetric p×p row-major A and M. */
function sandwich(a: Float64Array, meat: Float64Array, p: number): Float64Array {
  const temp = new Float64Array(p * p);
  for (let i = 0; i < p; i++)
    for (let j = 0; j < p; j++) {
      let sum = 0;
      for (let k = 0; k < p; k++) sum += (a[i * p + k] as number) * (meat[k * p + j] as number);
      temp[i * p + j] = sum;
    }
  const out = new Float64Array(p * p);
  for (let i = 0; i < p; i++)
    for (let j = 0; j < p; j++) {
      let sum = 0;
      for (let k = 0; k < p; k++) sum += (temp[i * p + k] as number) * (a[k * p + j] as number);
      out[i * p + j] = sum;
    }
  // symmetrize rounding
  for (let i = 0; i < p; i++)
    for (let j = 0; j < i; j++) {
      const mean = ((out[i * p + j] as number) + (out[j * p + i] as number)) / 2;
      out[i * p + j] = mean;
      out[j * p + i] = mean;
    }
  return out;
}

/** What the covariance estimators of {@link fitOls} need from the fit, in its centred basis. */
export interface CovarianceInputs {
  /** The basis of the fit (centred varying columns, the constant as its value). */
  basis: CentredBasis;
  /** (X̃'WX̃)⁻¹ in that basis. */
  inverse: Float64Array;
  /** Σ ω_i x̃_i x̃_i' from the residual pass; present exactly for HC0–HC3. */
  meat?: Float64Array;
  /** Unweighted residuals y − Xβ̂ and the weights (null for OLS): the score of row i is w_i e_i x̃_i. */
  residuals: Float64Array;
  weights: Float64Array | null;
  rss: number;
  n: number;
  p: number;
  dfResidual: number;
}

/**
 * The p×p coefficient covariance of {@link fitOls} under `spec` in the fit's centred basis (the caller maps
 * it back to the design's), and the cluster count for `cluster`.
 *
 * @example
 * ```ts
 * const { covariance } = coefficientCovariance({ type: 'HC1' }, inputs);
 * ```
 */
export function coefficientCovariance(
  covarianceSpec: CovarianceSpec,
  inputs: CovarianceInputs,
): { covariance: Float64Array; clusterCount?: number } {
  const { inverse, meat, n, p, dfResidual } = inputs;
  switch (covarianceSpec.type) {
    case 'classical': {
      const sigma2 = inputs.rss / dfResidual;
      return { covariance: inverse.map((value) => value * sigma2) };
    }
    case 'HC0':
    case 'HC1':
    case 'HC2':
    case 'HC3': {
      // White's sandwich (the residual pass always accumulates the meat for these types); HC1 adds n/(n − p).
      const covariance = sandwich(inverse, meat as Float64Array, p);
      const factor = n / dfResidual;
      return {
        covariance: covarianceSpec.type === 'HC1' ? covariance.map((value) => value * factor) : covariance,
      };
    }
    case 'cluster':
      return clusterCovariance(covarianceSpec, inputs);
    case 'hac':
      return { covariance: hacCovariance(covarianceSpec, inputs) };
  }
}

/** Row scores w_i e_i x̃_ij of column j, added into `out[g(i)·p + j]` (or `out[i]` without `ids`). */
function addScores(inputs: CovarianceInputs, j: number, ids: Int32Array | null, out: Float64Array): void {
  const { basis, residuals, weights, n, p } = inputs;
  const column = basis.columns[j] as Float64Array;
  const isConstant = j === basis.constantIndex;
  const shift = basis.shifts[j] as number;
  const constant = basis.constant;
  for (let i = 0; i < n; i++) {
    const we = weights ? (weights[i] as number) * (residuals[i] as number) : (residuals[i] as number);
    const value = (isConstant ? constant : (column[i] as number) - shift) * we;
    const cell = ids ? (ids[i] as number) * p + j : i;
    out[cell] = (out[cell] as number) + value;
  }
}

/** CR1 cluster-robust covariance with the G/(G−1)·(N−1)/(N−K) factor. */
function clusterCovariance(
  covarianceSpec: { type: 'cluster'; clusters: Int32Array | readonly string[] },
  inputs: CovarianceInputs,
): { covariance: Float64Array; clusterCount: number } {
  const { inverse, n, p } = inputs;
  const { ids, count } = clusterIds(covarianceSpec.clusters, n);
  if (count < 2) {
    throw new MeasureError(
      'DATA_EMPTY_GROUP',
      `cluster-robust covariance needs at least 2 clusters, found ${count}`,
      { parameter: 'clusters' },
    );
  }
  const scores = new Float64Array(count * p);
  for (let j = 0; j < p; j++) addScores(inputs, j, ids, scores);
  const meat = new Float64Array(p * p);
  for (let g = 0; g < count; g++)
    for (let a = 0; a < p; a++) {
      const sa = scores[g * p + a] as number;
      for (let b = 0; b < p; b++)
        meat[a * p + b] = (meat[a * p + b] as number) + sa * (scores[g * p + b] as number);
    }
  const factor = (count / (count - 1)) * ((n - 1) / (n - p));
  const covariance = sandwich(inverse, meat, p).map((value) => value * factor);
  return { covariance, clusterCount: count };
}

/** Newey–West HAC covariance with Bartlett weights and no small-sample factor. */
function hacCovariance(
  covarianceSpec: { type: 'hac'; maxLags: number },
  inputs: CovarianceInputs,
): Float64Array {
  const { inverse, n, p } = inputs;
  const maxLags = covarianceSpec.maxLags;
  if (!(Number.isInteger(maxLags) && maxLags >= 0 && maxLags < n)) {
    throw new MeasureError(
      'MODEL_PARAMS_INVALID',
      `HAC maxLags must be an integer in [0, ${n - 1}], got ${maxLags}`,
      { parameter: 'maxLags' },
    );
  }
  const scores = Array.from({ length: p }, (_, j) => {
    const column = new Float64Array(n);
    addScores(inputs, j, null, column);
    return column;
  });
  const meat = new Float64Array(p * p);
  for (let lag = 0; lag <= maxLags; lag++) {
    const weight = lag === 0 ? 1 : 1 - lag / (maxLags + 1);
    for (let a = 0; a < p; a++) {
      const sa = scores[a] as Float64Array;
      for (let b = 0; b < p; b++) {
        const sb = scores[b] as Float64Array;
        let sum = 0;
        for (let i = lag; i < n; i++) sum += (sa[i] as number) * (sb[i - lag] as number);
        // Γ_l + Γ_l' for l > 0
        meat[a * p + b] = (meat[a * p + b] as number) + weight * sum;
        if (lag > 0) meat[b * p + a] = (meat[b * p + a] as number) + weight * sum;
      }
    }
  }
  return sandwich(inverse, meat, p);
}

function clusterIds(clusters: Int32Array | readonly string[], n: number): { ids: Int32Array; count: number } {
  if (clusters.length !== n) {
    throw new MeasureError('MODEL_PARAMS_INVALID', `clusters have ${clusters.length} rows, expected ${n}`, {
      parameter: 'clusters',
    });
  }
  if (clusters instanceof Int32Array) {
    const dense = denseClusterIds(clusters);
    if (dense) return dense;
  }
  const map = new Map<string | number, number>();
  const ids = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const key = clusters[i] as string | number;
    let id = map.get(key);
    if (id === undefined) {
      id = map.size;
      map.set(key, id);
    }
    ids[i] = id;
  }
  return { ids, count: map.size };
}

/**
 * Integer cluster codes in [0, 4n): the same first-appearance ids as the Map in {@link clusterIds}, by direct
 * indexing (factor codes are already dense, so no hashing). Undefined for codes outside that range.
 */
function denseClusterIds(clusters: Int32Array): { ids: Int32Array; count: number } | undefined {
  const n = clusters.length;
  let max = -1;
  for (let i = 0; i < n; i++) {
    const code = clusters[i] as number;
    if (code < 0) return undefined;
    if (code > max) max = code;
  }
  if (max >= 4 * n + 1024) return undefined;
  const idOf = new Int32Array(max + 1).fill(-1);
  const ids = new Int32Array(n);
  let count = 0;
  for (let i = 0; i < n; i++) {
    const code = clusters[i] as number;
    let id = idOf[code] as number;
    if (id < 0) {
      id = count++;
      idOf[code] = id;
    }
    ids[i] = id;
  }
  return { ids, count };
}

/**
 * The sandwich (X'X)⁻¹ M (X'X)⁻¹ of {@link fitOls}'s robust covariances, for a meat M accumulated
 * elsewhere (Σ ω_i x_i x_i' for HC0–HC3, Σ_g s_g s_g' for clusters). Small-sample factors are the caller's.
 *
 * @example
 * ```ts
 * const covariance = sandwichCovariance(xtxInverse, meat, p);
 * ```
 */
export function sandwichCovariance(xtxInverse: Float64Array, meat: Float64Array, p: number): Float64Array {
  return sandwich(xtxInverse, meat, p);
}
