/**
 * Retail category profiles. Price ranges follow the predecessor simulator's categories (e.g. Electronics
 * 50–1500, Food 5–50); the funnel rates are plausible e-commerce magnitudes, not estimates from data.
 */
export interface CategoryProfile {
  /** Median price (log-normal location is its log). */
  readonly medianPrice: number;
  /** Log-normal σ of price within the category. */
  readonly priceSigma: number;
  /** Multiplier on the catalog's median daily impressions. */
  readonly trafficMultiplier: number;
  /** Impression → visit probability at quality 0.5. */
  readonly visitRate: number;
  /** Visit → add-to-cart probability at quality 0.5 and the category's median price. */
  readonly cartRate: number;
  /** Add-to-cart → order probability. */
  readonly orderRate: number;
  /** Mean number of units per order beyond the first. */
  readonly extraUnitsPerOrder: number;
  /** Mean of the latent (logit-scale) content quality. */
  readonly qualityLogitMean: number;
  /** Brands sold in the category. */
  readonly brands: readonly string[];
}

/**
 * The built-in retail categories, in a fixed order (the order is part of the deterministic output).
 *
 * @example
 * ```ts
 * simulate({ catalog: { categories: CATEGORIES.filter((c) => c !== 'Food') } });
 * ```
 */
export const CATEGORIES = [
  'Electronics',
  'Clothing',
  'Home & Garden',
  'Books',
  'Sports',
  'Toys',
  'Food',
  'Health & Beauty',
  'Pet Supplies',
  'Automotive',
] as const;

/** One of the built-in {@link CATEGORIES}. */
export type Category = (typeof CATEGORIES)[number];

/**
 * Profiles of the built-in categories: price distribution, funnel rates, quality and brands.
 *
 * @example
 * ```ts
 * CATEGORY_PROFILES.Electronics.medianPrice; // 250
 * ```
 */
export const CATEGORY_PROFILES: Readonly<Record<Category, CategoryProfile>> = {
  Electronics: {
    medianPrice: 250,
    priceSigma: 0.8,
    trafficMultiplier: 1.4,
    visitRate: 0.08,
    cartRate: 0.12,
    orderRate: 0.55,
    extraUnitsPerOrder: 0.05,
    qualityLogitMean: 0.4,
    brands: ['Voltrix', 'Nexon', 'Auralis', 'Kinetra', 'Pixelon', 'Quantis'],
  },
  Clothing: {
    medianPrice: 45,
    priceSigma: 0.6,
    trafficMultiplier: 1.2,
    visitRate: 0.12,
    cartRate: 0.18,
    orderRate: 0.6,
    extraUnitsPerOrder: 0.4,
    qualityLogitMean: 0.1,
    brands: ['Threadly', 'Norrow', 'Velvetine', 'Urbanna', 'Cottonwise', 'Loomis'],
  },
  'Home & Garden': {
    medianPrice: 60,
    priceSigma: 0.8,
    trafficMultiplier: 0.9,
    visitRate: 0.1,
    cartRate: 0.14,
    orderRate: 0.6,
    extraUnitsPerOrder: 0.2,
    qualityLogitMean: 0,
    brands: ['Hearthly', 'Greenvale', 'Casamo', 'Terrafin', 'Bloomstead', 'Dwellix'],
  },
  Books: {
    medianPrice: 18,
    priceSigma: 0.45,
    trafficMultiplier: 0.8,
    visitRate: 0.14,
    cartRate: 0.22,
    orderRate: 0.7,
    extraUnitsPerOrder: 0.1,
    qualityLogitMean: 0.3,
    brands: ['Inkwell Press', 'Marginalia', 'Folio & Co', 'Papyra', 'Chapterhouse', 'Quillon'],
  },
  Sports: {
    medianPrice: 55,
    priceSigma: 0.7,
    trafficMultiplier: 1,
    visitRate: 0.1,
    cartRate: 0.15,
    orderRate: 0.62,
    extraUnitsPerOrder: 0.25,
    qualityLogitMean: 0,
    brands: ['Stridex', 'Peakform', 'Vantage', 'Corewave', 'Trailrun', 'Apexa'],
  },
  Toys: {
    medianPrice: 28,
    priceSigma: 0.55,
    trafficMultiplier: 0.9,
    visitRate: 0.11,
    cartRate: 0.17,
    orderRate: 0.65,
    extraUnitsPerOrder: 0.3,
    qualityLogitMean: -0.1,
    brands: ['Playmoro', 'Tinkerly', 'Bricktop', 'Wonderkin', 'Gigglo', 'Joybox'],
  },
  Food: {
    medianPrice: 14,
    priceSigma: 0.5,
    trafficMultiplier: 1.1,
    visitRate: 0.13,
    cartRate: 0.25,
    orderRate: 0.75,
    extraUnitsPerOrder: 1.2,
    qualityLogitMean: -0.3,
    brands: ['Harvest Lane', 'Pantrio', 'Savora', 'Grainfield', 'Orchardine', 'Spicewell'],
  },
  'Health & Beauty': {
    medianPrice: 22,
    priceSigma: 0.55,
    trafficMultiplier: 1,
    visitRate: 0.12,
    cartRate: 0.2,
    orderRate: 0.7,
    extraUnitsPerOrder: 0.6,
    qualityLogitMean: 0.2,
    brands: ['Lumiere', 'Purelle', 'Vitalia', 'Glowra', 'Dermica', 'Serenne'],
  },
  'Pet Supplies': {
    medianPrice: 25,
    priceSigma: 0.6,
    trafficMultiplier: 0.7,
    visitRate: 0.12,
    cartRate: 0.2,
    orderRate: 0.72,
    extraUnitsPerOrder: 0.7,
    qualityLogitMean: -0.2,
    brands: ['Pawsome', 'Furrly', 'Tailwind Pets', 'Kibblix', 'Whiskerwood', 'Barkley'],
  },
  Automotive: {
    medianPrice: 70,
    priceSigma: 0.8,
    trafficMultiplier: 0.6,
    visitRate: 0.09,
    cartRate: 0.13,
    orderRate: 0.58,
    extraUnitsPerOrder: 0.15,
    qualityLogitMean: -0.4,
    brands: ['Torqued', 'Roadline', 'Motiva', 'Gearhaus', 'Axlewright', 'Drivex'],
  },
};
