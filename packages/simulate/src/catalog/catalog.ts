import type { SimulationConfig } from '../config/schema';
import { normalQuantile } from '../random/distributions';
import { streamKey, Xoshiro128 } from '../random/prng';
import { CATEGORY_PROFILES, type Category } from './categories';

/**
 * The catalog in columnar form, with the latent quantities the funnel needs. Every product's draws come
 * from the `catalog` stream keyed by its index, so product i is the same whatever the catalog size.
 */
export interface Catalog {
  readonly size: number;
  readonly productIds: readonly string[];
  readonly categories: readonly Category[];
  readonly brands: readonly string[];
  /** List price (rounded to cents). */
  readonly prices: Float64Array;
  /** Content quality in [0, 1] (rounded to 4 decimals). */
  readonly qualityScores: Float64Array;
  /** Expected daily impressions before quality, seasonality and noise. */
  readonly popularity: Float64Array;
  /** Product-specific multiplier of the add-to-cart probability. */
  readonly propensityFactors: Float64Array;
  /** Expected impressions per day at the product's own quality, before seasonality and noise. */
  readonly baselineTraffic: Float64Array;
  /** Visit → order probability at the product's own quality and price. */
  readonly conversionPropensity: Float64Array;
}

function logistic(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

/** Quality multiplier exp(β·(quality − 0.5)) of traffic, visit rate or conversion. */
function qualityFactor(sensitivity: number, quality: number): number {
  return Math.exp(sensitivity * (quality - 0.5));
}

/**
 * Visit → add-to-cart probability of a product at a quality level: category rate × (price / category
 * median)^elasticity × quality factor × the product's own propensity.
 */
function cartProbability(
  config: SimulationConfig,
  category: Category,
  price: number,
  quality: number,
  propensityFactor: number,
): number {
  const profile = CATEGORY_PROFILES[category];
  const value =
    profile.cartRate *
    (price / profile.medianPrice) ** config.catalog.price_elasticity *
    qualityFactor(config.catalog.quality_sensitivity.conversion, quality) *
    propensityFactor;
  return Math.min(value, 1);
}

/**
 * Generate the product catalog of a simulation.
 *
 * @example
 * ```ts
 * const catalog = generateCatalog(SimulationConfigSchema.parse({ products: 10 }));
 * catalog.productIds[0]; // 'P000001'
 * ```
 */
export function generateCatalog(config: SimulationConfig): Catalog {
  const size = config.products;
  const allowed = config.catalog.categories;
  const digits = Math.max(6, String(size).length);
  const rng = new Xoshiro128();
  const key = streamKey(config.seed, 'catalog');
  const productIds: string[] = new Array(size);
  const categories: Category[] = new Array(size);
  const brands: string[] = new Array(size);
  const prices = new Float64Array(size);
  const qualityScores = new Float64Array(size);
  const popularity = new Float64Array(size);
  const propensityFactors = new Float64Array(size);
  const baselineTraffic = new Float64Array(size);
  const conversionPropensity = new Float64Array(size);
  const { median_impressions: medianImpressions, popularity_sigma: popularitySigma } = config.catalog;
  for (let index = 0; index < size; index += 1) {
    rng.seedCell(key, index, 0);
    const category = allowed[Math.floor(rng.nextUniform() * allowed.length)] as Category;
    const profile = CATEGORY_PROFILES[category];
    const brand = profile.brands[Math.floor(rng.nextUniform() * profile.brands.length)] as string;
    const price = Math.max(
      0.5,
      Math.round(
        profile.medianPrice * Math.exp(profile.priceSigma * normalQuantile(rng.nextUniform())) * 100,
      ) / 100,
    );
    const quality =
      Math.round(logistic(profile.qualityLogitMean + normalQuantile(rng.nextUniform())) * 10_000) / 10_000;
    const latentPopularity =
      medianImpressions *
      profile.trafficMultiplier *
      Math.exp(popularitySigma * normalQuantile(rng.nextUniform()));
    const propensity = Math.exp(config.catalog.propensity_sigma * normalQuantile(rng.nextUniform()));
    productIds[index] = `${config.catalog.id_prefix}${String(index + 1).padStart(digits, '0')}`;
    categories[index] = category;
    brands[index] = brand;
    prices[index] = price;
    qualityScores[index] = quality;
    popularity[index] = latentPopularity;
    propensityFactors[index] = propensity;
    baselineTraffic[index] =
      latentPopularity * qualityFactor(config.catalog.quality_sensitivity.traffic, quality);
    conversionPropensity[index] =
      cartProbability(config, category, price, quality, propensity) * profile.orderRate;
  }
  return {
    size,
    productIds,
    categories,
    brands,
    prices,
    qualityScores,
    popularity,
    propensityFactors,
    baselineTraffic,
    conversionPropensity,
  };
}
