import { parseContract } from '@impact/contracts';
import { z } from 'zod';
import { isCalendarDate } from '../calendar/dates';
import { TREATMENT_TARGETS } from '../config/schema';

const Finite = z.number().refine(Number.isFinite, 'expected a finite number');
const Count = z.number().int().min(0);

/**
 * True effects on one metric, per product-day in the metric's units (relative ones as fractions).
 *
 * @example
 * ```ts
 * MetricTruthSchema.parse(truth.metrics.revenue);
 * ```
 */
export const MetricTruthSchema = z.strictObject({
  /** Mean of Y1 − Y0 over treated products × post days. */
  att_absolute: Finite,
  /** `att_absolute` / mean Y0 over the same cells (0 when that mean is 0). */
  att_relative: Finite,
  /** Mean of Y1 − Y0 over all products × post days. */
  ate_absolute: Finite,
  /** `ate_absolute` / mean Y0 over the same cells (0 when that mean is 0). */
  ate_relative: Finite,
});

const metricRecord = <T extends z.ZodType>(value: T) =>
  z.strictObject({
    impressions: value,
    visits: value,
    add_to_cart: value,
    orders: value,
    units: value,
    revenue: value,
  });

/**
 * The true effect of one product: mean Y1 − Y0 per post day, for each metric.
 *
 * @example
 * ```ts
 * const first = ProductTruthSchema.parse(truth.per_product[0]);
 * ```
 */
export const ProductTruthSchema = z.strictObject({
  product_id: z.string().min(1),
  category: z.string().min(1),
  /** Whether the product was assigned to treatment (untreated products' effects are counterfactual). */
  treated: z.boolean(),
  effects: metricRecord(Finite),
});

/**
 * The recorded ground truth of a simulation: Y1 is the world with the treatment applied to the product,
 * Y0 the same world (same random streams) without it. Without a treatment every effect is 0.
 *
 * @example
 * ```ts
 * const truth = GroundTruthSchema.parse(JSON.parse(text));
 * truth.metrics.revenue.att_absolute;
 * ```
 */
export const GroundTruthSchema = z.strictObject({
  /** First treated day, or null without a treatment. */
  treatment_start: z
    .string()
    .refine(isCalendarDate, 'expected a calendar date written YYYY-MM-DD')
    .nullable(),
  n_products: z.number().int().min(1),
  n_days: z.number().int().min(1),
  n_treated: Count,
  n_post_days: Count,
  assignment: z.enum(['random', 'selection', 'all', 'none']),
  /** Where the effect entered the funnel, or null without a treatment. */
  treatment_metric: z.enum(TREATMENT_TARGETS).nullable(),
  effect: z.strictObject({ type: z.enum(['multiplicative', 'additive']), size: Finite }).nullable(),
  metrics: metricRecord(MetricTruthSchema),
  per_product: z.array(ProductTruthSchema),
});

/** A parsed {@link GroundTruthSchema} document. */
export type GroundTruth = z.output<typeof GroundTruthSchema>;
/** True effects on one metric. */
export type MetricTruth = z.output<typeof MetricTruthSchema>;

/**
 * Validate a ground-truth document (e.g. read from `ground_truth.json`); throws `ContractError`
 * naming the field.
 *
 * @example
 * ```ts
 * const truth = parseGroundTruth(JSON.parse(readFileSync('ground_truth.json', 'utf8')));
 * ```
 */
export function parseGroundTruth(value: unknown, file?: string): GroundTruth {
  return parseContract(GroundTruthSchema, value, 'GroundTruth', file === undefined ? {} : { file });
}
