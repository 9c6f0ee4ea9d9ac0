/**
 * Small-sample pieces for Newey–West inference on one linear contrast c'β of an OLS fit (time-ordered rows).
 *
 * The Newey–West variance of c'β̂ is a quadratic form in the residuals, V̂ = e'We, with
 * W_st = b_s b_t k(|s − t|), a_t = x_t'(X'X)⁻¹c, Bartlett weights k(l) = 1 − l/(L+1) for l ≤ L (0 beyond), and
 * b_t = a_t.
 *
 * Under the working model e = Mε, ε ~ N(0, σ²I), M = I − X(X'X)⁻¹X', the quadratic form has
 * E[V̂] = σ² tr(WM) and Var[V̂] = 2σ⁴ tr(WMWM), while the true variance is σ² c'(X'X)⁻¹c = σ² tr(W).
 * So κ = c'(X'X)⁻¹c / tr(WM) makes κV̂ unbiased under iid errors (high-leverage rows, e.g. the few pre-periods
 * an extrapolated trend rests on, make tr(WM) much smaller than tr(W)), and κV̂ behaves like σ²·χ²_ν/ν with
 * the Satterthwaite degrees of freedom ν = tr(WM)² / tr(WMWM) (Bell & McCaffrey 2002; Imbens & Kolesár 2016).
 * κ → 1 as n grows, so the HAC consistency under autocorrelation is kept. With M = I − XGX' (G = (X'X)⁻¹) and Z = WX:
 *   tr(WM) = tr(W) − tr(G X'Z),   tr(WMWM) = tr(W²) − 2 tr(G Z'Z) + tr((G X'Z)²),
 * all O(n·L·p + n·p²) because W is banded.
 */

/** Small-sample facts about the Newey–West variance of one contrast under the working iid model. */
export interface HacSmallSample {
  /** Satterthwaite degrees of freedom ν = tr(WM)²/tr(WMWM). */
  df: number;
  /** c'(X'X)⁻¹c / tr(WM): multiplying V̂ by it makes V̂ unbiased when the errors are iid. */
  biasFactor: number;
}

/**
 * Bias factor κ and Satterthwaite degrees of freedom ν of the Newey–West variance of c'β̂ (see the module
 * comment).
 *
 * @param columns design columns in time order; `xtxInverse` (X'X)⁻¹ row-major; `contrast` c; `maxLags` L.
 * @example
 * ```ts
 * const { df, biasFactor } = hacSmallSample(columns, xtxInverse, contrast, 3);
 * ```
 */
export function hacSmallSample(
  columns: readonly Float64Array[],
  xtxInverse: Float64Array,
  contrast: Float64Array,
  maxLags: number,
): HacSmallSample {
  const p = columns.length;
  const n = (columns[0] as Float64Array).length;
  const gc = new Float64Array(p);
  for (let a = 0; a < p; a++)
    for (let b = 0; b < p; b++)
      gc[a] = (gc[a] as number) + (xtxInverse[a * p + b] as number) * (contrast[b] as number);
  const weight = new Float64Array(n);
  for (let t = 0; t < n; t++) {
    let a = 0;
    for (let j = 0; j < p; j++) a += ((columns[j] as Float64Array)[t] as number) * (gc[j] as number);
    weight[t] = a;
  }
  const kernel = (lag: number) => 1 - lag / (maxLags + 1);
  // Z = W X, tr(W), tr(W²).
  const z = Array.from({ length: p }, () => new Float64Array(n));
  let traceW = 0;
  let traceW2 = 0;
  for (let s = 0; s < n; s++) {
    const bs = weight[s] as number;
    traceW += bs * bs;
    const from = Math.max(0, s - maxLags);
    const to = Math.min(n - 1, s + maxLags);
    for (let t = from; t <= to; t++) {
      const w = bs * (weight[t] as number) * kernel(Math.abs(s - t));
      traceW2 += w * w;
      if (w === 0) continue;
      for (let j = 0; j < p; j++)
        (z[j] as Float64Array)[s] =
          ((z[j] as Float64Array)[s] as number) + w * ((columns[j] as Float64Array)[t] as number);
    }
  }
  // X'Z and Z'Z (p×p).
  const xz = new Float64Array(p * p);
  const zz = new Float64Array(p * p);
  for (let a = 0; a < p; a++) {
    const xa = columns[a] as Float64Array;
    const za = z[a] as Float64Array;
    for (let b = 0; b < p; b++) {
      const zb = z[b] as Float64Array;
      let sxz = 0;
      let szz = 0;
      for (let t = 0; t < n; t++) {
        sxz += (xa[t] as number) * (zb[t] as number);
        szz += (za[t] as number) * (zb[t] as number);
      }
      xz[a * p + b] = sxz;
      zz[a * p + b] = szz;
    }
  }
  // G·X'Z and traces.
  const gxz = new Float64Array(p * p);
  for (let a = 0; a < p; a++)
    for (let b = 0; b < p; b++) {
      let sum = 0;
      for (let k = 0; k < p; k++) sum += (xtxInverse[a * p + k] as number) * (xz[k * p + b] as number);
      gxz[a * p + b] = sum;
    }
  let traceGxz = 0;
  let traceGzz = 0;
  let traceGxzSquared = 0;
  for (let a = 0; a < p; a++) {
    traceGxz += gxz[a * p + a] as number;
    for (let k = 0; k < p; k++) {
      traceGzz += (xtxInverse[a * p + k] as number) * (zz[k * p + a] as number);
      traceGxzSquared += (gxz[a * p + k] as number) * (gxz[k * p + a] as number);
    }
  }
  const expectation = traceW - traceGxz;
  const variance = traceW2 - 2 * traceGzz + traceGxzSquared;
  let target = 0;
  for (let a = 0; a < p; a++) target += (contrast[a] as number) * (gc[a] as number);
  return {
    df: variance > 0 ? (expectation * expectation) / variance : Number.POSITIVE_INFINITY,
    biasFactor: expectation > 0 ? target / expectation : 1,
  };
}

/**
 * Plain Newey–West covariance (X'X)⁻¹ [Σ_l k(l) Σ_t (x_t u_t)(x_{t−l} u_{t−l})' + transposes] (X'X)⁻¹ from given
 * residuals u, Bartlett weights, no small-sample factor.
 *
 * @example
 * ```ts
 * const covariance = neweyWestCovariance(columns, fit.residuals, xtxInverse, 3);
 * ```
 */
export function neweyWestCovariance(
  columns: readonly Float64Array[],
  residuals: Float64Array,
  xtxInverse: Float64Array,
  maxLags: number,
): Float64Array {
  const p = columns.length;
  const n = residuals.length;
  const scores = columns.map((column) => column.map((value, t) => value * (residuals[t] as number)));
  const meat = new Float64Array(p * p);
  for (let lag = 0; lag <= Math.min(maxLags, n - 1); lag++) {
    const weight = 1 - lag / (maxLags + 1);
    for (let a = 0; a < p; a++) {
      const sa = scores[a] as Float64Array;
      for (let b = 0; b < p; b++) {
        const sb = scores[b] as Float64Array;
        let sum = 0;
        for (let t = lag; t < n; t++) sum += (sa[t] as number) * (sb[t - lag] as number);
        meat[a * p + b] = (meat[a * p + b] as number) + weight * sum;
        if (lag > 0) meat[b * p + a] = (meat[b * p + a] as number) + weight * sum;
      }
    }
  }
  const half = new Float64Array(p * p);
  for (let a = 0; a < p; a++)
    for (let b = 0; b < p; b++) {
      let sum = 0;
      for (let k = 0; k < p; k++) sum += (xtxInverse[a * p + k] as number) * (meat[k * p + b] as number);
      half[a * p + b] = sum;
    }
  const out = new Float64Array(p * p);
  for (let a = 0; a < p; a++)
    for (let b = 0; b < p; b++) {
      let sum = 0;
      for (let k = 0; k < p; k++) sum += (half[a * p + k] as number) * (xtxInverse[k * p + b] as number);
      out[a * p + b] = sum;
    }
  for (let a = 0; a < p; a++)
    for (let b = 0; b < a; b++) {
      const mean = ((out[a * p + b] as number) + (out[b * p + a] as number)) / 2;
      out[a * p + b] = mean;
      out[b * p + a] = mean;
    }
  return out;
}
