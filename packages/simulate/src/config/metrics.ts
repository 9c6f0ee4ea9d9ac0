// Kept apart from ./schema (zod) so the engine's worker threads load no schema library.

/**
 * Metrics of the daily panel, in funnel order (also the keys of the ground truth's `metrics`).
 *
 * @example
 * ```ts
 * for (const metric of METRICS) console.log(metric, truth.metrics[metric].att_absolute);
 * ```
 */
export const METRICS = ['impressions', 'visits', 'add_to_cart', 'orders', 'units', 'revenue'] as const;

/** One of the panel {@link METRICS}. */
export type MetricName = (typeof METRICS)[number];
