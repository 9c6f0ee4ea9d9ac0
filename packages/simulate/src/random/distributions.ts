/**
 * Quantile functions (inverse CDFs). The simulator draws every random quantity by inversion of one uniform,
 * so the treated and the untreated world can share the same uniforms (common random numbers): the two
 * worlds differ only where the treatment changes a parameter, and the ground truth Y1 − Y0 is exactly the
 * consequence of the treatment.
 */

/** 1 / (k + 1) for small k: the sequential searches multiply instead of dividing. */
export const RECIPROCALS = Float64Array.from({ length: 256 }, (_, k) => 1 / (k + 1));

/** Below this mean, Poisson and binomial quantiles are found exactly by sequential search. */
export const EXACT_INVERSION_MAX_MEAN = 40;

const A1 = -3.969683028665376e1;
const A2 = 2.209460984245205e2;
const A3 = -2.759285104469687e2;
const A4 = 1.38357751867269e2;
const A5 = -3.066479806614716e1;
const A6 = 2.506628277459239;
const B1 = -5.447609879822406e1;
const B2 = 1.615858368580409e2;
const B3 = -1.556989798598866e2;
const B4 = 6.680131188771972e1;
const B5 = -1.328068155288572e1;
const C1 = -7.784894002430293e-3;
const C2 = -3.223964580411365e-1;
const C3 = -2.400758277161838;
const C4 = -2.549732539343734;
const C5 = 4.374664141464968;
const C6 = 2.938163982698783;
const D1 = 7.784695709041462e-3;
const D2 = 3.224671290700398e-1;
const D3 = 2.445134137142996;
const D4 = 3.754408661907416;
const P_LOW = 0.02425;

/**
 * Standard normal quantile Φ⁻¹(p) by Acklam's rational approximation (relative error < 1.15e-9).
 *
 * @example
 * ```ts
 * normalQuantile(0.975); // ≈ 1.959964
 * ```
 */
export function normalQuantile(p: number): number {
  if (p < P_LOW || p > 1 - P_LOW) return normalTailQuantile(p);
  const q = p - 0.5;
  const r = q * q;
  return (
    ((((((A1 * r + A2) * r + A3) * r + A4) * r + A5) * r + A6) * q) /
    (((((B1 * r + B2) * r + B3) * r + B4) * r + B5) * r + 1)
  );
}

/**
 * {@link normalQuantile} in the tails, p < {@link P_LOW} or p > 1 − {@link P_LOW} (kept apart so the
 * central branch, which most calls take, is small enough for the compiler to inline).
 */
function normalTailQuantile(p: number): number {
  const upper = p > 1 - P_LOW;
  const q = Math.sqrt(-2 * Math.log(upper ? 1 - p : p));
  const value =
    (((((C1 * q + C2) * q + C3) * q + C4) * q + C5) * q + C6) / ((((D1 * q + D2) * q + D3) * q + D4) * q + 1);
  return upper ? -value : value;
}

/**
 * Cornish–Fisher quantile of a discrete distribution with the given mean, standard deviation, skewness
 * γ1 and excess kurtosis γ2, with a continuity correction, from the standard normal quantile z = Φ⁻¹(u):
 * w = z + (z² − 1)γ1/6 + (z³ − 3z)γ2/24 − (2z³ − 5z)γ1²/36, x = ⌈μ + σw − ½⌉.
 */
function cornishFisherQuantile(z: number, mean: number, sd: number, skew: number, kurt: number): number {
  const z2 = z * z;
  const w =
    z + ((z2 - 1) * skew) / 6 + ((z2 * z - 3 * z) * kurt) / 24 - ((2 * z2 * z - 5 * z) * skew * skew) / 36;
  return Math.ceil(mean + sd * w - 0.5);
}

/**
 * Poisson quantile: the smallest k with P(X ≤ k) ≥ u. Exact (sequential search over the CDF) for
 * means up to {@link EXACT_INVERSION_MAX_MEAN}; above it, a Cornish–Fisher expansion (4 cumulants),
 * because exact inversion costs O(λ) per draw. Its largest CDF error is 2.5e-4 at λ = 41 and shrinks
 * with λ (measured by `bench/validate.ts`). Non-decreasing in both `u` and `mean`.
 *
 * @example
 * ```ts
 * poissonQuantile(0.5, 3); // 3
 * ```
 */
export function poissonQuantile(u: number, mean: number): number {
  if (!(mean > 0)) return 0;
  const scratch = SCALAR_ARGUMENTS;
  scratch[0] = u;
  scratch[1] = mean;
  if (mean <= EXACT_INVERSION_MAX_MEAN) return poissonSearch(scratch, 0, scratch, 1);
  scratch[0] = normalQuantile(u);
  return poissonCornishFisher(scratch, 0, scratch, 1);
}

/**
 * Slots through which the scalar quantile functions pass their arguments to the array-based ones. The
 * simulator's inner loop calls those directly with its own arrays: a number passed to (or returned
 * from) a call the compiler does not inline is boxed on the heap, an array and an index are not.
 */
const SCALAR_ARGUMENTS = new Float64Array(2);

/**
 * {@link poissonQuantile} of u = `uniforms[uIndex]` and mean = `means[meanIndex]` by sequential search
 * over the CDF, for 0 < mean ≤ {@link EXACT_INVERSION_MAX_MEAN}.
 */
export function poissonSearch(
  uniforms: Float64Array,
  uIndex: number,
  means: Float64Array,
  meanIndex: number,
): number {
  const u = uniforms[uIndex] as number;
  const mean = means[meanIndex] as number;
  let probability = Math.exp(-mean);
  let cumulative = probability;
  let k = 0;
  // The 1e3 cap only guards against u rounding above the float CDF's limit.
  while (u > cumulative && k < 1000) {
    probability *= mean * (k < 256 ? (RECIPROCALS[k] as number) : 1 / (k + 1));
    k += 1;
    cumulative += probability;
  }
  return k;
}

/**
 * {@link poissonQuantile} by the Cornish–Fisher expansion, for mean = `means[meanIndex]` above
 * {@link EXACT_INVERSION_MAX_MEAN}, given z = Φ⁻¹(u) at `normals[zIndex]` (so a caller drawing twice
 * from the same uniform computes z once).
 */
export function poissonCornishFisher(
  normals: Float64Array,
  zIndex: number,
  means: Float64Array,
  meanIndex: number,
): number {
  const mean = means[meanIndex] as number;
  const sd = Math.sqrt(mean);
  const value = cornishFisherQuantile(normals[zIndex] as number, mean, sd, 1 / sd, 1 / mean);
  return Math.max(value, 0);
}

/**
 * Values per Cornish–Fisher term set written by {@link prepareCornishFisherTerms}: z, z² − 1, z³ − 3z
 * and 2z³ − 5z (what the expansion needs of z, whatever the mean).
 */
export const CORNISH_FISHER_TERMS = 4;

/**
 * Bound on |fast − exact| of the Cornish–Fisher value before rounding, as a multiple of
 * mean + sd · (|z| + |each term|) + 1. The two evaluations differ by a few roundings (at most about
 * 40 · 2⁻⁵³ of that sum); this is some 200 times more, so a fast value is kept only where the exact one
 * provably rounds to the same integer.
 */
const CORNISH_FISHER_FAST_TOLERANCE = 1e-12;

/**
 * Write the Cornish–Fisher terms of z = `values[offset]` at `values[offset + 1 … offset + 3]`
 * (z² − 1, z³ − 3z, 2z³ − 5z), computed exactly as {@link poissonCornishFisher} computes them, so a
 * cell that draws twice from one uniform computes them once.
 *
 * @example
 * ```ts
 * const values = Float64Array.of(normalQuantile(0.9), 0, 0, 0, 250);
 * prepareCornishFisherTerms(values, 0);
 * poissonCornishFisherFast(values, 0, values, 4) === poissonQuantile(0.9, 250); // true
 * ```
 */
export function prepareCornishFisherTerms(values: Float64Array, offset: number): void {
  const z = values[offset] as number;
  const z2 = z * z;
  values[offset + 1] = z2 - 1;
  values[offset + 2] = z2 * z - 3 * z;
  values[offset + 3] = 2 * z2 * z - 5 * z;
}

/**
 * {@link poissonCornishFisher} for the terms prepared by {@link prepareCornishFisherTerms} at
 * `terms[offset]`, bit for bit, with one division instead of five: the expansion is evaluated with
 * reciprocals, and where that value lies within {@link CORNISH_FISHER_FAST_TOLERANCE} of a rounding
 * boundary (about once in 10⁹ draws) the exact evaluation decides.
 */
export function poissonCornishFisherFast(
  terms: Float64Array,
  offset: number,
  means: Float64Array,
  meanIndex: number,
): number {
  const mean = means[meanIndex] as number;
  const z = terms[offset] as number;
  const sd = Math.sqrt(mean);
  const inverseMean = 1 / mean;
  const skewTerm = (terms[offset + 1] as number) * (sd * inverseMean) * (1 / 6);
  const kurtosisTerm = (terms[offset + 2] as number) * inverseMean * (1 / 24);
  const squaredSkewTerm = (terms[offset + 3] as number) * inverseMean * (1 / 36);
  const value = mean + sd * (z + skewTerm + kurtosisTerm - squaredSkewTerm) - 0.5;
  const tolerance =
    CORNISH_FISHER_FAST_TOLERANCE *
    (mean + sd * (Math.abs(z) + Math.abs(skewTerm) + Math.abs(kurtosisTerm) + Math.abs(squaredSkewTerm)) + 1);
  const below = Math.ceil(value - tolerance);
  if (below !== Math.ceil(value + tolerance)) return poissonCornishFisher(terms, offset, means, meanIndex);
  // Math.max, as in poissonCornishFisher: it also turns a −0 from Math.ceil into +0.
  return Math.max(below, 0);
}

/** `[1, base]` for the power (1 − p)^n: a table lookup instead of a branch on each exponent bit. */
const POWER_FACTORS = Float64Array.of(1, 1);

/**
 * Binomial quantile: the smallest k with P(X ≤ k) ≥ u for X ~ Binomial(trials, p). Exact (sequential
 * search) when trials × min(p, 1 − p) ≤ {@link EXACT_INVERSION_MAX_MEAN}; otherwise a Cornish–Fisher
 * expansion, clamped to [0, trials]. Non-decreasing in `u` and in `p`.
 *
 * @example
 * ```ts
 * binomialQuantile(0.5, 10, 0.5); // 5
 * ```
 */
export function binomialQuantile(u: number, trials: number, p: number): number {
  prepareBinomialRate(p, SCALAR_RATE, 0);
  SCALAR_ARGUMENTS[0] = u;
  return binomialQuantileForRate(SCALAR_ARGUMENTS, 0, trials, SCALAR_RATE, 0);
}

/** How {@link binomialQuantileForRate} handles a success probability (see {@link prepareBinomialRate}). */
export const BinomialRateMode = {
  /** p ≤ 0 (or NaN): always 0. */
  none: 0,
  /** p ≥ 1: always `trials`. */
  all: 1,
  /** ½ < p < 1: `trials` minus the lower-tail quantile of 1 − u under 1 − p. */
  upper: 2,
  /** 0 < p ≤ ½: the lower-tail quantile. */
  lower: 3,
} as const;

/** Values per prepared rate in a rates array: mode, tail probability p′ and p′ / (1 − p′). */
export const PREPARED_RATE_STRIDE = 3;

/**
 * Write at `rates[offset…offset + 2]` what {@link binomialQuantile} derives from a success probability
 * `p` before its search (mode, the tail probability p′ ≤ ½ and p′ / (1 − p′)), computed exactly
 * as it does, so that {@link binomialQuantileForRate} returns the same value without the per-draw
 * subtraction and division when one probability serves many draws.
 */
export function prepareBinomialRate(p: number, rates: Float64Array, offset: number): void {
  let mode: number = BinomialRateMode.lower;
  let tail = p;
  if (!(p > 0)) mode = BinomialRateMode.none;
  else if (p >= 1) mode = BinomialRateMode.all;
  else if (p > 0.5) {
    mode = BinomialRateMode.upper;
    tail = 1 - p;
  }
  const complement = 1 - tail;
  rates[offset] = mode;
  rates[offset + 1] = tail;
  rates[offset + 2] = tail / complement;
}

/** The prepared rate of {@link binomialQuantile}'s own probability. */
const SCALAR_RATE = new Float64Array(PREPARED_RATE_STRIDE);

/**
 * {@link binomialQuantile} of u = `uniforms[uIndex]` for a probability prepared by
 * {@link prepareBinomialRate} at `rates[offset]`: the same value for every u and trials, bit for bit.
 * For ½ < p < 1 it is `trials` minus the lower-tail quantile of 1 − u under 1 − p.
 */
export function binomialQuantileForRate(
  uniforms: Float64Array,
  uIndex: number,
  trials: number,
  rates: Float64Array,
  offset: number,
): number {
  if (trials <= 0) return 0;
  const mode = rates[offset] as number;
  if (mode === BinomialRateMode.none) return 0;
  if (mode === BinomialRateMode.all) return trials;
  const upper = mode === BinomialRateMode.upper;
  const u = upper ? 1 - (uniforms[uIndex] as number) : (uniforms[uIndex] as number);
  const p = rates[offset + 1] as number;
  const q = 1 - p;
  const mean = trials * p;
  let k = 0;
  if (mean <= EXACT_INVERSION_MAX_MEAN) {
    // P(X = 0) = (1 − p)^n by repeated squaring: each exponent bit multiplies by the square or by 1
    // (exact, as if skipped), looked up rather than branched on. Then
    // P(X = k + 1) = P(X = k) · (n − k)/(k + 1) · p/(1 − p).
    const factors = POWER_FACTORS;
    let probability = 1;
    let square = q;
    for (let exponent = trials; exponent > 0; exponent >>>= 1) {
      factors[1] = square;
      probability *= factors[exponent & 1] as number;
      square *= square;
    }
    const ratio = rates[offset + 2] as number;
    let cumulative = probability;
    while (u > cumulative && k < trials) {
      probability *= (trials - k) * ratio * (k < 256 ? (RECIPROCALS[k] as number) : 1 / (k + 1));
      k += 1;
      cumulative += probability;
    }
  } else {
    const variance = mean * q;
    const sd = Math.sqrt(variance);
    const value = cornishFisherQuantile(
      normalQuantile(u),
      mean,
      sd,
      (1 - 2 * p) / sd,
      (1 - 6 * p * q) / variance,
    );
    k = value < 0 ? 0 : Math.min(value, trials);
  }
  return upper ? trials - k : k;
}
