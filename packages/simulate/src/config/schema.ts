import { z } from 'zod';
import { epochDayOf, isCalendarDate } from '../calendar/dates';
import { CATEGORIES } from '../catalog/categories';

export { METRICS, type MetricName } from './metrics';

/**
 * Where a treatment enters the funnel (`treatment.metric`).
 *
 * @example
 * ```ts
 * TREATMENT_TARGETS.includes('conversion'); // true
 * ```
 */
export const TREATMENT_TARGETS = [
  'impressions',
  'visits',
  'conversion',
  'units',
  'revenue',
  'quality_score',
] as const;

/** One of the {@link TREATMENT_TARGETS}. */
export type TreatmentTarget = (typeof TREATMENT_TARGETS)[number];

const IsoDateSchema = z
  .string()
  .refine(isCalendarDate, 'expected a calendar date written YYYY-MM-DD (e.g. 2024-01-31)');

const NonNegativeSchema = z.number().min(0);
const PositiveSchema = z.number().positive();

/**
 * Catalog (product characteristics) settings: the `catalog` section.
 *
 * @example
 * ```ts
 * CatalogConfigSchema.parse({ categories: ['Books', 'Toys'], median_impressions: 60 });
 * ```
 */
export const CatalogConfigSchema = z.strictObject({
  /** Categories products are drawn from, uniformly. Default: all ten built-in categories. */
  categories: z
    .array(z.enum(CATEGORIES))
    .min(1)
    .refine((list) => new Set(list).size === list.length, 'expected each category at most once')
    .default([...CATEGORIES]),
  /** Prefix of product ids (`P000001`, …). */
  id_prefix: z
    .string()
    .regex(
      /^[A-Za-z][A-Za-z0-9_-]{0,15}$/,
      'expected 1–16 letters, digits, "_" or "-", starting with a letter',
    )
    .default('P'),
  /** Median expected impressions per product-day of a typical product (before seasonality). */
  median_impressions: PositiveSchema.default(120),
  /** Log-normal σ of product popularity (spread of baseline traffic across products). */
  popularity_sigma: NonNegativeSchema.default(0.9),
  /** Log-normal σ of a product's own conversion propensity around its category's rate. */
  propensity_sigma: NonNegativeSchema.default(0.3),
  /** Elasticity of add-to-cart probability with respect to price relative to the category median. */
  price_elasticity: z.number().max(0).default(-0.3),
  /** How strongly quality moves traffic, visit rate and conversion: factor exp(β·(quality − 0.5)). */
  quality_sensitivity: z
    .strictObject({
      traffic: NonNegativeSchema.default(0.8),
      visits: NonNegativeSchema.default(0.5),
      conversion: NonNegativeSchema.default(1),
    })
    .prefault({}),
});

/**
 * Calendar effects and noise: the `seasonality` section.
 *
 * @example
 * ```ts
 * SeasonalityConfigSchema.parse({ trend: 0.1, holidays: [{ date: '2024-11-29', multiplier: 2.5 }] });
 * ```
 */
export const SeasonalityConfigSchema = z.strictObject({
  /** Traffic multipliers Monday … Sunday. */
  weekday: z.array(PositiveSchema).length(7).default([0.94, 0.96, 0.97, 0.99, 1.04, 1.1, 1]),
  /** Log growth of traffic per year (0.1 ≈ +10.5 % a year), applied smoothly by day. */
  trend: z.number().min(-5).max(5).default(0),
  /** Traffic multipliers on given dates (holiday bumps); dates outside the range are ignored. */
  holidays: z.array(z.strictObject({ date: IsoDateSchema, multiplier: PositiveSchema })).default([]),
  /** σ of a log-normal shock shared by all products on a day. */
  day_noise: z.number().min(0).max(2).default(0.05),
  /** σ of a log-normal shock per product-day (over-dispersion of traffic). */
  product_noise: z.number().min(0).max(2).default(0.25),
});

/**
 * How products are chosen for treatment.
 *
 * @example
 * ```ts
 * AssignmentSchema.parse('selection');
 * ```
 */
export const AssignmentSchema = z.enum(['random', 'selection', 'all']);

/**
 * The treatment (enrichment) and how it is assigned: the `treatment` section.
 *
 * @example
 * ```ts
 * TreatmentConfigSchema.parse({ metric: 'quality_score', effect: { type: 'additive', size: 0.15 }, ramp_days: 7 });
 * ```
 */
export const TreatmentConfigSchema = z.strictObject({
  /**
   * `random`: each product independently with probability `fraction` (an experiment); `selection`:
   * with a probability that depends on observables (observational / quasi-experimental); `all`: every
   * product from `start_date` (time series).
   */
  assignment: AssignmentSchema.default('random'),
  /** Share of products treated (`random`), or the average probability of treatment (`selection`). */
  fraction: z.number().min(0).max(1).default(0.5),
  /** Log-odds weights on standardized covariates for `selection` assignment. */
  selection: z
    .strictObject({
      popularity: z.number().default(0),
      quality: z.number().default(0),
      price: z.number().default(0),
    })
    .prefault({}),
  /** First treated day (inclusive). Default: the middle day of the simulated range. */
  start_date: IsoDateSchema.optional(),
  /** Where the effect enters the funnel. */
  metric: z.enum(TREATMENT_TARGETS).default('conversion'),
  /** The effect: multiplicative (× (1 + size)) or additive (+ size), in the target's units. */
  effect: z
    .strictObject({
      type: z.enum(['multiplicative', 'additive']).default('multiplicative'),
      size: z.number().min(-1e6).max(1e6).default(0.1),
    })
    .prefault({}),
  /** Days over which the effect ramps up linearly to its full size (0: full size from the start). */
  ramp_days: z.number().int().min(0).default(0),
  /** Effect-size multipliers by category (default 1). */
  heterogeneity: z
    .strictObject({
      by_category: z.partialRecord(z.enum(CATEGORIES), z.number().min(-1e3).max(1e3)).default({}),
    })
    .prefault({}),
});

/**
 * The simulator's configuration (snake_case, as in YAML). Every field has a documented default; see
 * `docs/simulate.md`. Cross-field rules: `end_date ≥ start_date`, the treatment start lies inside the
 * range, and a multiplicative effect is above −1.
 *
 * @example
 * ```ts
 * const config = SimulationConfigSchema.parse({ products: 200, treatment: { fraction: 0.3 } });
 * ```
 */
export const SimulationConfigSchema = z
  .strictObject({
    /** Seed of every random stream. */
    seed: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).default(42),
    /** Number of products in the catalog. */
    products: z.number().int().min(1).max(10_000_000).default(100),
    /** First simulated day. */
    start_date: IsoDateSchema.default('2024-01-01'),
    /** Last simulated day (inclusive). */
    end_date: IsoDateSchema.default('2024-03-31'),
    catalog: CatalogConfigSchema.prefault({}),
    seasonality: SeasonalityConfigSchema.prefault({}),
    treatment: TreatmentConfigSchema.optional(),
  })
  .superRefine((config, context) => {
    const first = epochDayOf(config.start_date);
    const last = epochDayOf(config.end_date);
    if (last < first) {
      context.addIssue({
        code: 'custom',
        path: ['end_date'],
        message: `expected a date on or after start_date (${config.start_date})`,
        input: config.end_date,
      });
      return;
    }
    const treatment = config.treatment;
    if (treatment === undefined) return;
    if (treatment.start_date !== undefined) {
      const start = epochDayOf(treatment.start_date);
      if (start < first || start > last) {
        context.addIssue({
          code: 'custom',
          path: ['treatment', 'start_date'],
          message: `expected a date from ${config.start_date} to ${config.end_date}`,
          input: treatment.start_date,
        });
      }
    }
    if (treatment.effect.type === 'multiplicative' && treatment.effect.size <= -1) {
      context.addIssue({
        code: 'custom',
        path: ['treatment', 'effect', 'size'],
        message: 'expected a number > -1 for a multiplicative effect',
        input: treatment.effect.size,
      });
    }
  });

/** Configuration as written (every field optional where it has a default). */
export type SimulationConfigInput = z.input<typeof SimulationConfigSchema>;
/** Configuration after defaults are applied. */
export type SimulationConfig = z.output<typeof SimulationConfigSchema>;
/** The `treatment` section after defaults. */
export type TreatmentConfig = z.output<typeof TreatmentConfigSchema>;
