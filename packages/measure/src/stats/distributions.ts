/**
 * Distribution functions used for inference. Implemented here (rather than with jStat) because jStat's
 * Student-t breaks down for large degrees of freedom; everything rests on two special functions:
 * the regularized incomplete beta (Lentz continued fraction, Numerical Recipes §6.4) and the regularized
 * incomplete gamma (series / continued fraction, NR §6.2), with a Stirling-series log-gamma whose
 * large-argument differences are formed without cancellation. Agreement with scipy is tested to 1e-9
 * relative for df from 1 to 10^6.
 */

const LN_SQRT_2PI = 0.9189385332046728; // ½·ln(2π)
const EPS = 1e-16;
const TINY = 1e-300;
const MAX_ITERATIONS = 100_000;

/** Stirling correction lnΓ(z) − [(z−½)ln z − z + ½ln 2π] for z ≥ 10 (Bernoulli series, error < 1e-17). */
function stirlingCorrection(z: number): number {
  const z2 = 1 / (z * z);
  return (
    (1 / z) *
    (1 / 12 +
      z2 *
        (-1 / 360 +
          z2 * (1 / 1260 + z2 * (-1 / 1680 + z2 * (1 / 1188 + z2 * (-691 / 360360 + z2 * (1 / 156)))))))
  );
}

/**
 * Natural log of the gamma function for z > 0: Stirling series at z ≥ 10, shifted by the recurrence
 * Γ(z+1) = zΓ(z) below that. Relative error about 1e-15.
 *
 * @example
 * ```ts
 * logGamma(5); // ln 24
 * ```
 */
export function logGamma(z: number): number {
  if (z < 10) {
    let product = 1;
    let shifted = z;
    while (shifted < 10) {
      product *= shifted;
      shifted += 1;
    }
    return logGamma(shifted) - Math.log(product);
  }
  return (z - 0.5) * Math.log(z) - z + LN_SQRT_2PI + stirlingCorrection(z);
}

/** lnΓ(a+b) − lnΓ(a) for a ≥ 10, without subtracting two large numbers. */
function logGammaRatio(a: number, b: number): number {
  const c = a + b;
  if (c < 10) return logGamma(c) - logGamma(a);
  // (c−½)ln c − (a−½)ln a − b = (a−½)·ln(1+b/a) + b·ln c − b
  return (a - 0.5) * Math.log1p(b / a) + b * Math.log(c) - b + stirlingCorrection(c) - stirlingCorrection(a);
}

/**
 * ln B(a, b) = lnΓ(a) + lnΓ(b) − lnΓ(a+b), accurate when one argument is huge (Student-t with df = 10^6).
 *
 * @example
 * ```ts
 * logBeta(2, 3); // ln(1/12)
 * ```
 */
export function logBeta(a: number, b: number): number {
  const big = Math.max(a, b);
  const small = Math.min(a, b);
  if (big < 10) return logGamma(a) + logGamma(b) - logGamma(a + b);
  return logGamma(small) - logGammaRatio(big, small);
}

/** Continued fraction for the incomplete beta (modified Lentz), NR eq. 6.4.5. */
function betaContinuedFraction(x: number, a: number, b: number): number {
  const qab = a + b;
  const qap = a + 1;
  const qam = a - 1;
  let c = 1;
  let d = 1 - (qab * x) / qap;
  if (Math.abs(d) < TINY) d = TINY;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= MAX_ITERATIONS; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < EPS) return h;
  }
  return h;
}

/**
 * Regularized incomplete beta I_x(a, b). `y` must equal 1 − x; passing it separately keeps precision
 * when x is close to 1 (large-df Student-t tails).
 *
 * @example
 * ```ts
 * regularizedIncompleteBeta(0.5, 2, 3); // 0.6875
 * ```
 */
export function regularizedIncompleteBeta(x: number, a: number, b: number, y: number = 1 - x): number {
  if (x <= 0) return 0;
  if (y <= 0) return 1;
  const logX = x < 0.5 ? Math.log(x) : Math.log1p(-y);
  const logY = y < 0.5 ? Math.log(y) : Math.log1p(-x);
  const front = Math.exp(a * logX + b * logY - logBeta(a, b));
  if (x < (a + 1) / (a + b + 2)) return (front * betaContinuedFraction(x, a, b)) / a;
  return 1 - (front * betaContinuedFraction(y, b, a)) / b;
}

/**
 * Regularized upper incomplete gamma Q(a, x) = Γ(a, x)/Γ(a).
 *
 * @example
 * ```ts
 * regularizedUpperGamma(1, 2); // e^{-2}
 * ```
 */
export function regularizedUpperGamma(a: number, x: number): number {
  if (x <= 0) return 1;
  const front = Math.exp(a * Math.log(x) - x - logGamma(a));
  if (x < a + 1) {
    // series for P(a, x), NR eq. 6.2.5
    let term = 1 / a;
    let sum = term;
    for (let n = 1; n <= MAX_ITERATIONS; n++) {
      term *= x / (a + n);
      sum += term;
      if (Math.abs(term) < Math.abs(sum) * EPS) break;
    }
    return 1 - sum * front;
  }
  // continued fraction for Q(a, x), NR eq. 6.2.7 (Lentz)
  let b = x + 1 - a;
  let c = 1 / TINY;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i <= MAX_ITERATIONS; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < TINY) d = TINY;
    c = b + an / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < EPS) break;
  }
  return front * h;
}

/**
 * Standard normal cumulative distribution Φ(x), accurate in the tails (via Q(½, x²/2)).
 *
 * @example
 * ```ts
 * normalCdf(1.959963984540054); // 0.975
 * ```
 */
export function normalCdf(x: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  if (x === Number.POSITIVE_INFINITY) return 1;
  if (x === Number.NEGATIVE_INFINITY) return 0;
  const tail = 0.5 * regularizedUpperGamma(0.5, (x * x) / 2);
  return x < 0 ? tail : 1 - tail;
}

/** Standard normal density φ(x). */
function normalPdf(x: number): number {
  return Math.exp(-0.5 * x * x - LN_SQRT_2PI);
}

/** Acklam's rational approximation to Φ⁻¹ (relative error < 1.2e-9), refined below. */
function acklamQuantile(p: number): number {
  const a = [
    -39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716,
    2.506628277459239,
  ];
  const b = [
    -54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572,
  ];
  const c = [
    -0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968,
    2.938163982698783,
  ];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const [a0, a1, a2, a3, a4, a5] = a as [number, number, number, number, number, number];
  const [b0, b1, b2, b3, b4] = b as [number, number, number, number, number];
  const [c0, c1, c2, c3, c4, c5] = c as [number, number, number, number, number, number];
  const [d0, d1, d2, d3] = d as [number, number, number, number];
  const low = 0.02425;
  if (p < low) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (
      (((((c0 * q + c1) * q + c2) * q + c3) * q + c4) * q + c5) /
      ((((d0 * q + d1) * q + d2) * q + d3) * q + 1)
    );
  }
  if (p > 1 - low) return -acklamQuantile(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return (
    ((((((a0 * r + a1) * r + a2) * r + a3) * r + a4) * r + a5) * q) /
    (((((b0 * r + b1) * r + b2) * r + b3) * r + b4) * r + 1)
  );
}

/**
 * Standard normal quantile Φ⁻¹(p): Acklam's approximation polished by Halley steps on {@link normalCdf}.
 *
 * @example
 * ```ts
 * normalQuantile(0.975); // 1.959963984540054
 * ```
 */
export function normalQuantile(p: number): number {
  if (!(p >= 0 && p <= 1)) return Number.NaN;
  if (p === 0) return Number.NEGATIVE_INFINITY;
  if (p === 1) return Number.POSITIVE_INFINITY;
  if (p > 0.5) return -normalQuantile(1 - p);
  let x = acklamQuantile(p);
  for (let i = 0; i < 3; i++) {
    const e = normalCdf(x) - p;
    const u = e / normalPdf(x);
    const step = u / (1 + (x * u) / 2);
    x -= step;
    if (Math.abs(step) <= 1e-16 * Math.abs(x)) break;
  }
  return x;
}

function checkDf(df: number): void {
  if (!(df > 0)) throw new RangeError(`degrees of freedom must be > 0, got ${df}`);
}

/**
 * Student-t cumulative distribution with `df` degrees of freedom (`Infinity` gives the normal).
 *
 * @example
 * ```ts
 * studentTCdf(2, 10); // 0.9633059826146297
 * ```
 */
export function studentTCdf(t: number, df: number): number {
  checkDf(df);
  if (df === Number.POSITIVE_INFINITY) return normalCdf(t);
  if (Number.isNaN(t)) return Number.NaN;
  if (t === Number.POSITIVE_INFINITY) return 1;
  if (t === Number.NEGATIVE_INFINITY) return 0;
  const t2 = t * t;
  // P(T < −|t|) = ½·I_{df/(df+t²)}(df/2, ½)
  const tail = 0.5 * regularizedIncompleteBeta(df / (df + t2), df / 2, 0.5, t2 / (df + t2));
  return t < 0 ? tail : 1 - tail;
}

/** Student-t density. */
function studentTPdf(t: number, df: number): number {
  const logNorm = -logBeta(df / 2, 0.5) - 0.5 * Math.log(df);
  return Math.exp(logNorm - ((df + 1) / 2) * Math.log1p((t * t) / df));
}

/**
 * Student-t quantile: closed forms for df 1 and 2, otherwise safeguarded Newton iterations on
 * {@link studentTCdf} started from the normal quantile. `df = Infinity` gives {@link normalQuantile}.
 *
 * @example
 * ```ts
 * studentTQuantile(0.975, 30); // 2.042272456301238
 * ```
 */
export function studentTQuantile(p: number, df: number): number {
  checkDf(df);
  if (df === Number.POSITIVE_INFINITY) return normalQuantile(p);
  if (!(p >= 0 && p <= 1)) return Number.NaN;
  if (p === 0) return Number.NEGATIVE_INFINITY;
  if (p === 1) return Number.POSITIVE_INFINITY;
  if (p > 0.5) return -studentTQuantile(1 - p, df);
  if (p === 0.5) return 0;
  if (df === 1) return -1 / Math.tan(Math.PI * p); // −cot(πp), exact near p = 0
  if (df === 2) return (2 * p - 1) / Math.sqrt(2 * p * (1 - p));
  // Solve cdf(t) = p for t < 0 inside a bracket [lo, hi].
  let hi = 0;
  let lo = Math.min(normalQuantile(p), -1);
  while (studentTCdf(lo, df) > p) {
    hi = lo;
    lo *= 2;
  }
  let t = Math.max(lo, Math.min(hi, normalQuantile(p)));
  for (let i = 0; i < 200; i++) {
    const value = studentTCdf(t, df) - p;
    if (value > 0) hi = t;
    else lo = t;
    let next = t - value / studentTPdf(t, df);
    if (!(next > lo && next < hi)) next = (lo + hi) / 2;
    if (Math.abs(next - t) <= 1e-15 * Math.abs(t)) return next;
    t = next;
  }
  return t;
}

/**
 * Two-sided p-value P(|T| ≥ |stat|) for a t statistic with `df` degrees of freedom (`Infinity`: normal).
 *
 * @example
 * ```ts
 * twoSidedPValue(1.959963984540054, Infinity); // 0.05
 * ```
 */
export function twoSidedPValue(statistic: number, df: number): number {
  checkDf(df);
  if (Number.isNaN(statistic)) return Number.NaN;
  const magnitude = Math.abs(statistic);
  if (df === Number.POSITIVE_INFINITY)
    return Math.min(1, regularizedUpperGamma(0.5, (magnitude * magnitude) / 2));
  const t2 = magnitude * magnitude;
  return Math.min(1, regularizedIncompleteBeta(df / (df + t2), df / 2, 0.5, t2 / (df + t2)));
}

/**
 * Upper tail P(X ≥ x) of a χ² distribution with `df` degrees of freedom.
 *
 * @example
 * ```ts
 * chiSquaredSurvival(3.841458820694124, 1); // 0.05
 * ```
 */
export function chiSquaredSurvival(x: number, df: number): number {
  checkDf(df);
  if (x <= 0) return 1;
  return regularizedUpperGamma(df / 2, x / 2);
}

/**
 * Upper tail P(X ≥ x) of an F distribution with (d1, d2) degrees of freedom.
 *
 * @example
 * ```ts
 * fSurvival(4.964602743730711, 1, 10); // 0.05
 * ```
 */
export function fSurvival(x: number, d1: number, d2: number): number {
  checkDf(d1);
  checkDf(d2);
  if (x <= 0) return 1;
  if (d2 === Number.POSITIVE_INFINITY) return chiSquaredSurvival(x * d1, d1);
  return regularizedIncompleteBeta(d2 / (d2 + d1 * x), d2 / 2, d1 / 2, (d1 * x) / (d2 + d1 * x));
}
