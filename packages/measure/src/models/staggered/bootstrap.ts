import { chiSquaredSurvival, normalQuantile } from '../../stats/distributions';
import { seededUniform } from '../observational/random';

/** Multiplier-bootstrap standard errors and the simultaneous critical value of a set of estimates. */
export interface MultiplierBootstrap {
  /** Bootstrap standard error of each estimate (interquartile range / (z.75 − z.25), over √n). */
  standardErrors: number[];
  /** Critical value c with P(max_k |θ*_k − θ̂_k|/se_k ≤ c) = level: estimate ± c·se is a uniform band. */
  criticalValue: number;
  replications: number;
}

function quantile(sorted: Float64Array, p: number): number {
  // Type-7 quantile (R's default), as `did::mboot` uses.
  const position = (sorted.length - 1) * p;
  const lower = Math.floor(position);
  const upper = Math.min(sorted.length - 1, lower + 1);
  const fraction = position - lower;
  return (sorted[lower] as number) * (1 - fraction) + (sorted[upper] as number) * fraction;
}

/**
 * Multiplier bootstrap (Callaway & Sant'Anna 2021, §4; `did::mboot`): each draw multiplies every unit's
 * influence vector by an independent Rademacher weight V_i ∈ {−1, 1}, giving θ*_k − θ̂_k = (1/n)·Σ_i V_i·ψ_ik.
 * Standard errors are robust (IQR-based); the uniform critical value is the `level` quantile of
 * max_k |θ*_k − θ̂_k|/se_k. Seeded: the same seed gives the same draws.
 *
 * @example
 * ```ts
 * const { criticalValue } = multiplierBootstrap(cells.map((c) => c.influence), 999, 0.95, 42);
 * ```
 */
export function multiplierBootstrap(
  influences: Float64Array[],
  replications: number,
  level: number,
  seed: number,
): MultiplierBootstrap {
  const k = influences.length;
  const n = (influences[0] as Float64Array).length;
  const draws = influences.map(() => new Float64Array(replications));
  const uniform = seededUniform(seed);
  const signs = new Float64Array(n);
  for (let b = 0; b < replications; b++) {
    for (let i = 0; i < n; i++) signs[i] = uniform() < 0.5 ? -1 : 1;
    for (let j = 0; j < k; j++) {
      const psi = influences[j] as Float64Array;
      let sum = 0;
      for (let i = 0; i < n; i++) sum += (signs[i] as number) * (psi[i] as number);
      (draws[j] as Float64Array)[b] = sum / n;
    }
  }
  const iqrScale = normalQuantile(0.75) - normalQuantile(0.25);
  const standardErrors = draws.map((column) => {
    const sorted = Float64Array.from(column).sort();
    return (quantile(sorted, 0.75) - quantile(sorted, 0.25)) / iqrScale;
  });
  const maxima = new Float64Array(replications);
  for (let b = 0; b < replications; b++) {
    let maximum = 0;
    for (let j = 0; j < k; j++) {
      const se = standardErrors[j] as number;
      if (!(se > 0)) continue;
      maximum = Math.max(maximum, Math.abs((draws[j] as Float64Array)[b] as number) / se);
    }
    maxima[b] = maximum;
  }
  maxima.sort();
  return { standardErrors, criticalValue: quantile(maxima, level), replications };
}

/**
 * Wald test that a set of estimates is jointly zero, with covariance V = Ψ'Ψ/n² from their influence functions:
 * W = θ̂'V⁻¹θ̂ ~ χ²(k). Returns undefined when V is singular. Used for the pre-trend test on pre-treatment ATT(g,t).
 *
 * @example
 * ```ts
 * const test = influenceWaldTest(pre.map((c) => c.estimate), pre.map((c) => c.influence));
 * ```
 */
export function influenceWaldTest(
  estimates: number[],
  influences: Float64Array[],
): { statistic: number; df: number; pValue: number } | undefined {
  const k = estimates.length;
  if (k === 0) return undefined;
  const n = (influences[0] as Float64Array).length;
  const covariance = new Float64Array(k * k);
  for (let a = 0; a < k; a++) {
    for (let b = 0; b <= a; b++) {
      const x = influences[a] as Float64Array;
      const y = influences[b] as Float64Array;
      let sum = 0;
      for (let i = 0; i < n; i++) sum += (x[i] as number) * (y[i] as number);
      covariance[a * k + b] = sum / (n * n);
      covariance[b * k + a] = sum / (n * n);
    }
  }
  // Cholesky V = LL', then W = |L⁻¹θ̂|².
  const lower = new Float64Array(k * k);
  for (let j = 0; j < k; j++) {
    let diagonal = covariance[j * k + j] as number;
    for (let m = 0; m < j; m++) diagonal -= (lower[j * k + m] as number) ** 2;
    if (!(diagonal > 1e-14 * Math.max(1e-300, covariance[j * k + j] as number))) return undefined;
    const root = Math.sqrt(diagonal);
    lower[j * k + j] = root;
    for (let i = j + 1; i < k; i++) {
      let value = covariance[i * k + j] as number;
      for (let m = 0; m < j; m++) value -= (lower[i * k + m] as number) * (lower[j * k + m] as number);
      lower[i * k + j] = value / root;
    }
  }
  const solved = new Float64Array(k);
  let statistic = 0;
  for (let i = 0; i < k; i++) {
    let value = estimates[i] as number;
    for (let m = 0; m < i; m++) value -= (lower[i * k + m] as number) * (solved[m] as number);
    solved[i] = value / (lower[i * k + i] as number);
    statistic += (solved[i] as number) ** 2;
  }
  return { statistic, df: k, pValue: chiSquaredSurvival(statistic, k) };
}
