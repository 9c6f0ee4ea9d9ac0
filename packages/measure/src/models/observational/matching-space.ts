import { MeasureError } from '../../errors';
import { fitPropensity, type ObservationalData } from './common';
import type { NearestNeighbourMatchingParams } from './matching';
import type { MatchingSpace } from './nearest-neighbour';

function sampleStandardDeviation(values: Float64Array): number {
  let mean = 0;
  for (let i = 0; i < values.length; i++) mean += values[i] as number;
  mean /= values.length;
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += ((values[i] as number) - mean) ** 2;
  return Math.sqrt(sum / (values.length - 1));
}

/** The matching space and the caliper in its units. */
export function buildSpace(
  data: ObservationalData,
  params: NearestNeighbourMatchingParams,
): { space: MatchingSpace; caliper: number; propensity?: Float64Array } {
  if (params.distance === 'propensity' || params.distance === 'logit_propensity') {
    const propensity = fitPropensity(data, params.treatment).probabilities;
    const scores =
      params.distance === 'propensity' ? propensity : propensity.map((p) => Math.log(p / (1 - p)));
    const caliper =
      params.caliper === undefined
        ? Number.POSITIVE_INFINITY
        : params.caliper * sampleStandardDeviation(scores);
    return { space: { kind: 'score', scores }, caliper, propensity };
  }
  const scaled = scaleCovariates(data);
  const caliper = params.caliper ?? Number.POSITIVE_INFINITY;
  const covariance = pooledCovariance(data, scaled);
  const q = scaled.length;
  if (params.distance === 'euclidean') {
    // Standardized Euclidean: each covariate divided by its pooled within-group SD.
    const coordinates = scaled.map((column, a) => {
      const sd = Math.sqrt(covariance[a * q + a] as number);
      return column.map((value) => value / sd);
    });
    return { space: { kind: 'points', coordinates }, caliper };
  }
  return { space: { kind: 'points', coordinates: mahalanobisWhiten(scaled, covariance, data.n) }, caliper };
}

/** The covariates the covariate distances are computed on. */
function scaleCovariates(data: ObservationalData): Float64Array[] {
  const { n, covariates } = data;
  const p = covariates.length;
  // Standardize every covariate by its full-sample SD (MatchIt's scale()), dropping constant ones.
  const scaled: Float64Array[] = [];
  for (let j = 0; j < p; j++) {
    const column = covariates[j] as Float64Array;
    const sd = sampleStandardDeviation(column);
    if (!(sd > 0)) continue;
    let mean = 0;
    for (let i = 0; i < n; i++) mean += column[i] as number;
    mean /= n;
    scaled.push(column.map((value) => (value - mean) / sd));
  }
  if (scaled.length === 0) {
    throw new MeasureError('MODEL_PARAMS_INVALID', 'every covariate is constant: nothing to match on', {
      parameter: 'covariates',
    });
  }
  return scaled;
}

/** Pooled within-group covariance S of the scaled covariates (as MatchIt's pooled_cov), row-major q × q. */
function pooledCovariance(data: ObservationalData, scaled: Float64Array[]): Float64Array {
  const { n } = data;
  const q = scaled.length;
  const means = [0, 1].map((g) =>
    scaled.map((column) => {
      let sum = 0;
      let count = 0;
      for (let i = 0; i < n; i++) {
        if (data.treatment[i] === g) {
          sum += column[i] as number;
          count++;
        }
      }
      return sum / count;
    }),
  );
  const covariance = new Float64Array(q * q);
  for (let a = 0; a < q; a++) {
    for (let b = 0; b <= a; b++) {
      const xa = scaled[a] as Float64Array;
      const xb = scaled[b] as Float64Array;
      let sum = 0;
      for (let i = 0; i < n; i++) {
        const g = data.treatment[i] as number;
        const m = means[g] as number[];
        sum += ((xa[i] as number) - (m[a] as number)) * ((xb[i] as number) - (m[b] as number));
      }
      covariance[a * q + b] = sum / (n - 2);
      covariance[b * q + a] = sum / (n - 2);
    }
  }
  return covariance;
}

/** Mahalanobis coordinates of the scaled covariates: whitened by the Cholesky factor of `covariance`. */
function mahalanobisWhiten(scaled: Float64Array[], covariance: Float64Array, n: number): Float64Array[] {
  const q = scaled.length;
  // Mahalanobis: whiten with the Cholesky factor L of S (S = LL'), z = L⁻¹x, so that
  // |zᵢ − zⱼ|² = (xᵢ − xⱼ)'S⁻¹(xᵢ − xⱼ). Cholesky of S, then forward substitution per row.
  const lower = new Float64Array(q * q);
  for (let j = 0; j < q; j++) {
    let diagonal = covariance[j * q + j] as number;
    for (let k = 0; k < j; k++) diagonal -= (lower[j * q + k] as number) ** 2;
    if (!(diagonal > 1e-10)) {
      throw new MeasureError(
        'MODEL_SINGULAR_DESIGN',
        'the covariates are collinear: their pooled covariance matrix is singular, so the Mahalanobis distance is undefined',
        { parameter: 'covariates' },
      );
    }
    lower[j * q + j] = Math.sqrt(diagonal);
    for (let i = j + 1; i < q; i++) {
      let sum = covariance[i * q + j] as number;
      for (let k = 0; k < j; k++) sum -= (lower[i * q + k] as number) * (lower[j * q + k] as number);
      lower[i * q + j] = sum / (lower[j * q + j] as number);
    }
  }
  const whitened = scaled.map(() => new Float64Array(n));
  for (let i = 0; i < n; i++) {
    for (let a = 0; a < q; a++) {
      let sum = (scaled[a] as Float64Array)[i] as number;
      for (let k = 0; k < a; k++)
        sum -= (lower[a * q + k] as number) * ((whitened[k] as Float64Array)[i] as number);
      (whitened[a] as Float64Array)[i] = sum / (lower[a * q + a] as number);
    }
  }
  return whitened;
}
