/**
 * Statistical validation of @impact/simulate (slow; not part of the unit tests):
 * 1. Over many seeds, a difference in means of post-period revenue between randomly treated and
 *    control products is centred on the recorded ground truth, and its 95 % interval covers it at
 *    about the nominal rate.
 * 2. The Cornish–Fisher quantiles used above the exact-inversion threshold are close to exact: the
 *    largest CDF error and the total variation distance between the sampled and the exact law.
 *
 *   pnpm --filter @impact/simulate validate
 */
import { simulate } from '../src/index';
import { binomialQuantile, EXACT_INVERSION_MAX_MEAN, poissonQuantile } from '../src/random/distributions';

function differenceInMeans(seed: number) {
  const { metrics, groundTruth } = simulate({
    seed,
    products: 400,
    start_date: '2024-05-06',
    end_date: '2024-06-02',
    treatment: { fraction: 0.5, start_date: '2024-05-20', metric: 'conversion', effect: { size: 0.2 } },
  });
  const revenue = metrics.columns.revenue as Float64Array;
  const post = metrics.columns.post as Uint8Array;
  const treated = metrics.columns.treated as Uint8Array;
  const ids = metrics.columns.product_id as string[];
  const perProduct = new Map<string, { sum: number; days: number; treated: number }>();
  for (let row = 0; row < metrics.rowCount; row += 1) {
    if (post[row] !== 1) continue;
    const id = ids[row] as string;
    const entry = perProduct.get(id) ?? { sum: 0, days: 0, treated: treated[row] as number };
    entry.sum += revenue[row] as number;
    entry.days += 1;
    perProduct.set(id, entry);
  }
  const groups = [[], []] as number[][];
  for (const entry of perProduct.values()) groups[entry.treated]?.push(entry.sum / entry.days);
  const stats = groups.map((values) => {
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    const variance = values.reduce((a, b) => a + (b - mean) ** 2, 0) / (values.length - 1);
    return { mean, variance, n: values.length };
  });
  const [control, treatment] = stats as [(typeof stats)[0], (typeof stats)[0]];
  const estimate = treatment.mean - control.mean;
  const standardError = Math.sqrt(treatment.variance / treatment.n + control.variance / control.n);
  return { estimate, standardError, truth: groundTruth.metrics.revenue.ate_absolute };
}

const seeds = Array.from({ length: 200 }, (_, index) => 1000 + index);
let covered = 0;
let sumZ = 0;
let sumZ2 = 0;
for (const seed of seeds) {
  const { estimate, standardError, truth } = differenceInMeans(seed);
  const z = (estimate - truth) / standardError;
  sumZ += z;
  sumZ2 += z * z;
  if (Math.abs(z) <= 1.959964) covered += 1;
}
const meanZ = sumZ / seeds.length;
console.log(
  '1. Difference in means vs recorded ATE (revenue per product-day), 200 seeds × 400 products × 28 days',
);
console.table({
  'mean z = (estimate − truth)/SE': meanZ.toFixed(3),
  'sd of z (≈ 1 expected)': Math.sqrt(sumZ2 / seeds.length - meanZ * meanZ).toFixed(3),
  '95 % interval coverage': `${covered}/${seeds.length}`,
});

function exactPoissonPmf(mean: number, k: number): number {
  let logFactorial = 0;
  for (let i = 2; i <= k; i += 1) logFactorial += Math.log(i);
  return Math.exp(-mean + k * Math.log(mean) - logFactorial);
}

/** Largest |F_sampler(k) − F_exact(k)| and total variation, sampling the quantile on a fine u grid. */
function samplerError(quantile: (u: number) => number, pmf: (k: number) => number, upper: number) {
  const grid = 200_000;
  const counts = new Float64Array(upper + 1);
  for (let i = 0; i < grid; i += 1) {
    const k = quantile((i + 0.5) / grid);
    counts[Math.min(upper, k)] = (counts[Math.min(upper, k)] as number) + 1 / grid;
  }
  let cdfSampler = 0;
  let cdfExact = 0;
  let maxCdfError = 0;
  let totalVariation = 0;
  for (let k = 0; k <= upper; k += 1) {
    const exact = pmf(k);
    cdfSampler += counts[k] as number;
    cdfExact += exact;
    maxCdfError = Math.max(maxCdfError, Math.abs(cdfSampler - cdfExact));
    totalVariation += Math.abs((counts[k] as number) - exact) / 2;
  }
  return { maxCdfError, totalVariation };
}

const rows: Record<string, { 'max CDF error': string; 'total variation': string }> = {};
for (const mean of [EXACT_INVERSION_MAX_MEAN + 1, 100, 1000]) {
  const { maxCdfError, totalVariation } = samplerError(
    (u) => poissonQuantile(u, mean),
    (k) => exactPoissonPmf(mean, k),
    Math.ceil(mean + 12 * Math.sqrt(mean) + 20),
  );
  rows[`Poisson(${mean})`] = {
    'max CDF error': maxCdfError.toExponential(2),
    'total variation': totalVariation.toExponential(2),
  };
}
for (const [n, p] of [
  [300, 0.15],
  [2000, 0.1],
] as const) {
  const logChoose = (k: number) => {
    let value = 0;
    for (let i = 1; i <= k; i += 1) value += Math.log(n - k + i) - Math.log(i);
    return value;
  };
  const { maxCdfError, totalVariation } = samplerError(
    (u) => binomialQuantile(u, n, p),
    (k) => Math.exp(logChoose(k) + k * Math.log(p) + (n - k) * Math.log1p(-p)),
    n,
  );
  rows[`Binomial(${n}, ${p})`] = {
    'max CDF error': maxCdfError.toExponential(2),
    'total variation': totalVariation.toExponential(2),
  };
}
console.log('\n2. Cornish–Fisher quantiles above the exact-inversion threshold vs the exact law');
console.table(rows);
