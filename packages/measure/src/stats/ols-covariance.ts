import { MeasureError } from '../errors';
import { BLOCK_ROWS, blockLeverage, crossProducts } from './ols-passes';
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

/** What the covariance estimators of {@link fitOls} need from the fit. */
export interface CovarianceInputs {
  /** Design columns as fitted (√w-scaled for WLS) and their constant values. */
  columns: Float64Array[];
  constants: (number | null)[];
  /** (X'X)⁻¹ from the fit's Cholesky factor. */
  xtxInverse: Float64Array;
  /** √w·e_i, the residual the estimators use. */
  weightedResidual: (i: number) => number;
  rss: number;
  n: number;
  p: number;
  dfResidual: number;
}

/**
 * The p×p coefficient covariance of {@link fitOls} under `spec`, and the cluster count for `cluster`.
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
  switch (covarianceSpec.type) {
    case 'classical': {
      const sigma2 = inputs.rss / inputs.dfResidual;
      return { covariance: inputs.xtxInverse.map((value) => value * sigma2) };
    }
    case 'HC0':
    case 'HC1':
    case 'HC2':
    case 'HC3':
      return { covariance: heteroskedasticCovariance(covarianceSpec, inputs) };
    case 'cluster':
      return clusterCovariance(covarianceSpec, inputs);
    case 'hac':
      return { covariance: hacCovariance(covarianceSpec, inputs) };
  }
}

/** HC0–HC3: the White sandwich with ω_i from the (leverage-adjusted) squared residuals. */
function heteroskedasticCovariance(
  covarianceSpec: { type: 'HC0' | 'HC1' | 'HC2' | 'HC3' },
  inputs: CovarianceInputs,
): Float64Array {
  const { columns, constants, xtxInverse, weightedResidual, n, p, dfResidual } = inputs;
  const power = covarianceSpec.type === 'HC2' ? 1 : covarianceSpec.type === 'HC3' ? 2 : 0;
  const leverage = power > 0 ? new Float64Array(BLOCK_ROWS) : null;
  const scratch = power > 0 ? new Float64Array(BLOCK_ROWS) : null;
  // ω_i = (√w e_i)², over (1 − h_ii) (HC2) or (1 − h_ii)² (HC3), computed block by block for the meat.
  const fillOmega = (start: number, end: number, omega: Float64Array): void => {
    for (let i = start; i < end; i++) omega[i - start] = weightedResidual(i) ** 2;
    if (leverage && scratch) {
      blockLeverage(columns, constants, xtxInverse, start, end, leverage, scratch);
      for (let i = 0; i < end - start; i++)
        omega[i] = (omega[i] as number) / (1 - (leverage[i] as number)) ** power;
    }
  };
  let covariance = sandwich(xtxInverse, crossProducts(columns, constants, n, fillOmega), p);
  if (covarianceSpec.type === 'HC1') {
    const factor = n / dfResidual;
    covariance = covariance.map((value) => value * factor);
  }
  return covariance;
}

/** CR1 cluster-robust covariance with the G/(G−1)·(N−1)/(N−K) factor. */
function clusterCovariance(
  covarianceSpec: { type: 'cluster'; clusters: Int32Array | readonly string[] },
  inputs: CovarianceInputs,
): { covariance: Float64Array; clusterCount: number } {
  const { columns, xtxInverse, weightedResidual, n, p } = inputs;
  const { ids, count } = clusterIds(covarianceSpec.clusters, n);
  if (count < 2) {
    throw new MeasureError(
      'DATA_EMPTY_GROUP',
      `cluster-robust covariance needs at least 2 clusters, found ${count}`,
      { parameter: 'clusters' },
    );
  }
  const scores = new Float64Array(count * p);
  for (let j = 0; j < p; j++) {
    const column = columns[j] as Float64Array;
    for (let i = 0; i < n; i++) {
      const g = ids[i] as number;
      scores[g * p + j] = (scores[g * p + j] as number) + (column[i] as number) * weightedResidual(i);
    }
  }
  const meat = new Float64Array(p * p);
  for (let g = 0; g < count; g++)
    for (let a = 0; a < p; a++) {
      const sa = scores[g * p + a] as number;
      for (let b = 0; b < p; b++)
        meat[a * p + b] = (meat[a * p + b] as number) + sa * (scores[g * p + b] as number);
    }
  const factor = (count / (count - 1)) * ((n - 1) / (n - p));
  const covariance = sandwich(xtxInverse, meat, p).map((value) => value * factor);
  return { covariance, clusterCount: count };
}

/** Newey–West HAC covariance with Bartlett weights and no small-sample factor. */
function hacCovariance(
  covarianceSpec: { type: 'hac'; maxLags: number },
  inputs: CovarianceInputs,
): Float64Array {
  const { columns, xtxInverse, weightedResidual, n, p } = inputs;
  const maxLags = covarianceSpec.maxLags;
  if (!(Number.isInteger(maxLags) && maxLags >= 0 && maxLags < n)) {
    throw new MeasureError(
      'MODEL_PARAMS_INVALID',
      `HAC maxLags must be an integer in [0, ${n - 1}], got ${maxLags}`,
      { parameter: 'maxLags' },
    );
  }
  const scores: Float64Array[] = columns.map((column) =>
    column.map((value, i) => value * weightedResidual(i)),
  );
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
  return sandwich(xtxInverse, meat, p);
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
