import type { Catalog } from '../catalog/catalog';
import type { TreatmentConfig } from '../config/schema';
import { streamKey, Xoshiro128 } from '../random/prng';

function standardize(values: Float64Array): Float64Array {
  const n = values.length;
  let mean = 0;
  for (let i = 0; i < n; i += 1) mean += values[i] as number;
  mean /= n;
  let variance = 0;
  for (let i = 0; i < n; i += 1) variance += ((values[i] as number) - mean) ** 2;
  const sd = Math.sqrt(variance / n);
  const result = new Float64Array(n);
  if (sd > 0) for (let i = 0; i < n; i += 1) result[i] = ((values[i] as number) - mean) / sd;
  return result;
}

/**
 * Probability of treatment of each product. `random`: `fraction` for everyone. `selection`:
 * logistic(α + w_pop·z(log baseline traffic) + w_q·z(quality) + w_price·z(log price)) with covariates
 * standardized over the catalog and α solved (bisection) so the mean probability equals `fraction`.
 * `all`: 1.
 *
 * @example
 * ```ts
 * const probabilities = treatmentProbabilities(catalog, treatment);
 * ```
 */
export function treatmentProbabilities(catalog: Catalog, treatment: TreatmentConfig): Float64Array {
  const n = catalog.size;
  const probabilities = new Float64Array(n);
  if (treatment.assignment === 'all') return probabilities.fill(1);
  if (treatment.assignment === 'random' || treatment.fraction === 0 || treatment.fraction === 1) {
    return probabilities.fill(treatment.fraction);
  }
  const popularity = standardize(catalog.baselineTraffic.map(Math.log));
  const quality = standardize(catalog.qualityScores);
  const price = standardize(catalog.prices.map(Math.log));
  const weights = treatment.selection;
  const score = new Float64Array(n);
  for (let i = 0; i < n; i += 1) {
    score[i] =
      weights.popularity * (popularity[i] as number) +
      weights.quality * (quality[i] as number) +
      weights.price * (price[i] as number);
  }
  const meanProbability = (intercept: number): number => {
    let total = 0;
    for (let i = 0; i < n; i += 1) total += 1 / (1 + Math.exp(-(intercept + (score[i] as number))));
    return total / n;
  };
  // The mean probability is increasing in the intercept; bracket then bisect to machine precision.
  let low = -50;
  let high = 50;
  for (let iteration = 0; iteration < 200 && high - low > 1e-12; iteration += 1) {
    const middle = (low + high) / 2;
    if (meanProbability(middle) < treatment.fraction) low = middle;
    else high = middle;
  }
  const intercept = (low + high) / 2;
  for (let i = 0; i < n; i += 1) probabilities[i] = 1 / (1 + Math.exp(-(intercept + (score[i] as number))));
  return probabilities;
}

/**
 * Assign products to treatment: product i is treated when its uniform from the `assignment` stream
 * (keyed by i) is below its probability, so the assignment of a product never depends on how many
 * others there are.
 *
 * @example
 * ```ts
 * const treated = assignTreatment(catalog, treatment, 42); // Uint8Array of 0/1
 * ```
 */
export function assignTreatment(catalog: Catalog, treatment: TreatmentConfig, seed: number): Uint8Array {
  const probabilities = treatmentProbabilities(catalog, treatment);
  const rng = new Xoshiro128();
  const key = streamKey(seed, 'assignment');
  const treated = new Uint8Array(catalog.size);
  for (let i = 0; i < catalog.size; i += 1) {
    rng.seedCell(key, i, 0);
    treated[i] = rng.nextUniform() < (probabilities[i] as number) ? 1 : 0;
  }
  return treated;
}
