import { normalCdf, normalQuantile } from './normal';

/**
 * Exact power of the two-sided t-test, from the noncentral t distribution.
 *
 * With T = (Z + λ) / S, Z ~ N(0, 1) and S = √(χ²_ν / ν) independent, the test that rejects when |T| > c has
 *
 *   P(reject) = ∫₀^∞ [Φ(λ − c·s) + Φ(−λ − c·s)] g_ν(s) ds,   g_ν(s) ∝ s^{ν−1} e^{−ν s²/2}
 *
 * (both rejection tails, as statsmodels' `TTestPower` counts them). The integral over s is a composite
 * Gauss–Legendre rule on the range where g_ν carries its mass, with g_ν normalised on the same nodes
 * (which also avoids the cancellation of log Γ(ν/2) at large ν). For ν above {@link NORMAL_LIMIT_DF} S is
 * taken as 1 (the z-test). ν below 1 (a Satterthwaite df can be) is treated as 1.
 */

/** Above this df the t-test is evaluated as a z-test (S ≡ 1); the power differs by < 1e-8. */
export const NORMAL_LIMIT_DF = 1e8;

const standardNormalDensity = (x: number): number => Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI);

/** Gauss–Legendre nodes and weights on [−1, 1] (Newton on P_n from Tricomi's initial guesses). */
function gaussLegendre(order: number): { x: Float64Array; w: Float64Array } {
  const x = new Float64Array(order);
  const w = new Float64Array(order);
  for (let i = 0; i < order; i += 1) {
    let root = Math.cos((Math.PI * (i + 0.75)) / (order + 0.5));
    let derivative = 1;
    for (let iteration = 0; iteration < 100; iteration += 1) {
      // Three-term recurrence for P_n(root) and its derivative.
      let previous = 1;
      let current = root;
      for (let k = 2; k <= order; k += 1) {
        const next = ((2 * k - 1) * root * current - (k - 1) * previous) / k;
        previous = current;
        current = next;
      }
      derivative = (order * (root * current - previous)) / (root * root - 1);
      const step = current / derivative;
      root -= step;
      if (Math.abs(step) < 1e-16) break;
    }
    x[i] = root;
    w[i] = 2 / ((1 - root * root) * derivative * derivative);
  }
  return { x, w };
}

const RULE = gaussLegendre(16);

/**
 * Number of 16-point panels over the range of S: small df need the most (wide range, integrand scale ~1/c).
 * ≤ 1.1e-8 against scipy's nct for df from 1 to 5·10⁷ (worst near df = 1.5).
 */
const panelsFor = (nu: number): number => (nu < 8 ? 8 : nu < 64 ? 3 : 2);

/** Quadrature nodes and normalised weights for S = √(χ²_ν/ν); a single node at 1 in the normal limit. */
interface ScaleQuadrature {
  nodes: Float64Array;
  weights: Float64Array;
}

/**
 * Composite 16-point Gauss–Legendre rule for S, integrated in u with s = u^m: m = 2/ν for ν < 2 turns the
 * s^{ν−1} cusp at 0 into a smooth u·(…), m = 1 otherwise. S has mean ≈ 1 and sd ≈ 1/√(2ν); 9 sd either
 * side (and [0, 7.4] for ν = 1) leaves < 1e-17 of its mass outside.
 */
function scaleQuadrature(df: number): ScaleQuadrature {
  if (!(df < NORMAL_LIMIT_DF)) return { nodes: Float64Array.of(1), weights: Float64Array.of(1) };
  const nu = Math.max(1, df);
  const m = nu < 2 ? 2 / nu : 1;
  const halfWidth = 9 / Math.sqrt(2 * nu);
  const uLo = Math.max(0, 1 - halfWidth) ** (1 / m);
  const uHi = (1 + halfWidth) ** (1 / m);
  const panels = panelsFor(nu);
  const size = panels * RULE.x.length;
  const nodes = new Float64Array(size);
  const logWeights = new Float64Array(size);
  const width = (uHi - uLo) / panels;
  let maxLog = Number.NEGATIVE_INFINITY;
  for (let j = 0; j < panels; j += 1) {
    for (let i = 0; i < RULE.x.length; i += 1) {
      const u = uLo + width * (j + (1 + (RULE.x[i] as number)) / 2);
      const s = u ** m;
      const t = s - 1;
      // log of [rule weight · ds/du · g(s)] up to a constant, g written around s = 1 for precision at
      // large ν: ln g = (ν−1)·ln s − ν·(s² − 1)/2; ds/du = m·u^{m−1}, so s^{ν−1}·ds/du ∝ u^{mν−1}.
      const value =
        Math.log(RULE.w[i] as number) +
        (m === 1 ? (nu - 1) * Math.log1p(t) : (m * nu - 1) * Math.log(u)) -
        nu * (t + (t * t) / 2);
      const index = j * RULE.x.length + i;
      nodes[index] = s;
      logWeights[index] = value;
      if (value > maxLog) maxLog = value;
    }
  }
  const weights = new Float64Array(size);
  let total = 0;
  for (let k = 0; k < size; k += 1) {
    const weight = Math.exp((logWeights[k] as number) - maxLog);
    weights[k] = weight;
    total += weight;
  }
  for (let k = 0; k < size; k += 1) weights[k] = (weights[k] as number) / total;
  return { nodes, weights };
}

/** Rejection probability of |T| > c at noncentrality λ, and its derivatives in λ and c. */
function rejection(q: ScaleQuadrature, critical: number, lambda: number) {
  let value = 0;
  let dLambda = 0;
  let dCritical = 0;
  for (let i = 0; i < q.nodes.length; i += 1) {
    const s = q.nodes[i] as number;
    const w = q.weights[i] as number;
    const upper = lambda - critical * s;
    const lower = -lambda - critical * s;
    value += w * (normalCdf(upper) + normalCdf(lower));
    const densityUpper = standardNormalDensity(upper);
    const densityLower = standardNormalDensity(lower);
    dLambda += w * (densityUpper - densityLower);
    dCritical -= w * s * (densityUpper + densityLower);
  }
  return { value, dLambda, dCritical };
}

/**
 * Solve f(x) = 0 for a monotone f (increasing or not) with a sign change on [lo, hi], by Newton steps
 * that fall back to bisection whenever a step leaves the bracket.
 */
function solveBracketed(
  f: (x: number) => { value: number; slope: number },
  bracket: [number, number],
  start: number,
  increasing: boolean,
): number {
  let [lo, hi] = bracket;
  let x = Math.min(hi, Math.max(lo, start));
  for (let iteration = 0; iteration < 200; iteration += 1) {
    const { value, slope } = f(x);
    if (value === 0) return x;
    if (value > 0 === increasing) hi = x;
    else lo = x;
    let next = x - value / slope;
    if (!(next > lo && next < hi)) next = (lo + hi) / 2;
    if (Math.abs(next - x) <= 1e-13 * Math.max(1, Math.abs(x)) || hi - lo <= 1e-13 * Math.max(1, hi))
      return next;
    x = next;
  }
  return x;
}

/**
 * Two-sided critical value `t_{1−α/2, df}` of Student's t (the z quantile for `df = ∞`).
 *
 * @example
 * ```ts
 * studentTCritical(0.05, 10); // ≈ 2.2281
 * ```
 */
export function studentTCritical(alpha: number, df: number): number {
  return criticalFor(scaleQuadrature(df), alpha, df);
}

function criticalFor(q: ScaleQuadrature, alpha: number, df: number): number {
  const z = normalQuantile(1 - alpha / 2);
  if (q.nodes.length === 1) return z;
  let hi = 2 * z;
  while (rejection(q, hi, 0).value > alpha) hi *= 2;
  return solveBracketed(
    (c) => {
      const r = rejection(q, c, 0);
      return { value: r.value - alpha, slope: r.dCritical };
    },
    [z, hi],
    // Cornish–Fisher start: t ≈ z + (z³ + z)/(4ν).
    z + (z ** 3 + z) / (4 * Math.max(1, df)),
    false,
  );
}

/** Power of a two-sided t-test and the noncentrality it needs for a target power. */
export interface TTestPower {
  /** Two-sided critical value `t_{1−α/2, df}`. */
  critical: number;
  /** Power at the given noncentrality λ = δ/SE. */
  power: number;
  /** The noncentrality at which the power reaches the target (0 when the target is ≤ α). */
  requiredNoncentrality: number;
}

/**
 * Power of the two-sided level-α t-test on `df` degrees of freedom against noncentrality `λ = δ / SE`,
 * and the noncentrality needed for `targetPower` (exact noncentral t; `df = ∞` gives the z-test).
 * Agrees with scipy's `nct` to 1e-8 (see `test/fixtures/generate_power.py`).
 *
 * @example
 * ```ts
 * const result = tTestPower({ noncentrality: 2.5, df: 20, alpha: 0.05, targetPower: 0.8 });
 * result.power; // ≈ 0.67
 * result.requiredNoncentrality; // ≈ 2.97
 * ```
 */
export function tTestPower(inputs: {
  noncentrality: number;
  df: number;
  alpha: number;
  targetPower: number;
}): TTestPower {
  const q = scaleQuadrature(inputs.df);
  const critical = criticalFor(q, inputs.alpha, inputs.df);
  const lambda = Math.abs(inputs.noncentrality);
  const power = Number.isFinite(lambda) ? rejection(q, critical, lambda).value : 1;
  if (inputs.targetPower <= inputs.alpha) return { critical, power, requiredNoncentrality: 0 };
  const start = critical + normalQuantile(inputs.targetPower);
  let hi = Math.max(1, 2 * start);
  while (rejection(q, critical, hi).value < inputs.targetPower) hi *= 2;
  const requiredNoncentrality = solveBracketed(
    (l) => {
      const r = rejection(q, critical, l);
      return { value: r.value - inputs.targetPower, slope: r.dLambda };
    },
    [0, hi],
    start,
    true,
  );
  return { critical, power: Math.min(1, power), requiredNoncentrality };
}
