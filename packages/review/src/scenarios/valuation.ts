import type { MeasureResult } from '@impact/contracts';
import { z } from 'zod';

/**
 * How a measured effect becomes money: `return = effect × value_per_unit × units`.
 * `value_per_unit` converts one unit of the metric into the currency of `cost` (1 when the metric already
 * is that currency, e.g. revenue in dollars); `units` is the scale at which the effect will be realised
 * (e.g. product-days at scale, since simulated effects are per product-day). For `effect_unit: relative`,
 * set `value_per_unit` to the baseline value the fraction applies to.
 *
 * @example
 * ```ts
 * ValuationSchema.parse({ value_per_unit: 1, units: 500 * 90, currency: 'USD', label: 'revenue per product-day × 500 products × 90 days' });
 * ```
 */
export const ValuationSchema = z.strictObject({
  value_per_unit: z.number().min(0).default(1),
  units: z.number().min(0).default(1),
  currency: z.string().min(1).optional(),
  label: z.string().min(1).optional(),
});
/** A parsed valuation. */
export type Valuation = z.output<typeof ValuationSchema>;
/** A valuation as written (defaults optional). */
export type ValuationInput = z.input<typeof ValuationSchema>;

/** Best, median and worst returns of one initiative, in the currency of its cost. */
export interface Scenarios {
  R_best: number;
  R_med: number;
  R_worst: number;
}

/**
 * Convert a measurement's interval into return scenarios through a valuation:
 * `R_best = ci_upper·v·u`, `R_med = effect_estimate·v·u`, `R_worst = ci_lower·v·u`. With `v, u ≥ 0` the
 * order `R_worst ≤ R_med ≤ R_best` of the interval is preserved.
 *
 * @example
 * ```ts
 * scenariosFromMeasurement(measurement, { value_per_unit: 2, units: 100 }); // { R_best: 200·ci_upper, … }
 * ```
 */
export function scenariosFromMeasurement(
  measurement: Pick<MeasureResult, 'ci_lower' | 'effect_estimate' | 'ci_upper'>,
  valuation: Pick<Valuation, 'value_per_unit' | 'units'>,
): Scenarios {
  const multiplier = valuation.value_per_unit * valuation.units;
  // `+ 0` turns −0 (0 × negative) into 0 so that JSON output stays clean.
  return {
    R_best: measurement.ci_upper * multiplier + 0,
    R_med: measurement.effect_estimate * multiplier + 0,
    R_worst: measurement.ci_lower * multiplier + 0,
  };
}
