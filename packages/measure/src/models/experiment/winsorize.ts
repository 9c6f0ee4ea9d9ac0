import { z } from 'zod';
import type { JsonValue } from '../model';

/**
 * `winsorize:` of the experiment model: cap the outcome at pooled (both arms) quantiles before anything else,
 * CUPED included, as GrowthBook's percentile capping does. `upper: 0.99` caps values above the 99th
 * percentile; `lower` caps from below. A `pre_period_metric` is capped at its own quantiles.
 *
 * @example
 * ```ts
 * WinsorizeParamsSchema.parse({ upper: 0.99 });
 * ```
 */
export const WinsorizeParamsSchema = z
  .strictObject({
    lower: z.number().gt(0).lt(0.5).optional(),
    upper: z.number().gt(0.5).lt(1).optional(),
  })
  .refine((spec) => spec.lower !== undefined || spec.upper !== undefined, {
    message: 'expected lower and/or upper',
  });
/** Parsed `winsorize:` parameters. */
export type WinsorizeParams = z.output<typeof WinsorizeParamsSchema>;

/**
 * Sample quantile with linear interpolation between order statistics (Hyndman & Fan type 7: numpy's and R's
 * default, SQL `PERCENTILE_CONT`): h = (n − 1)q, x₍⌊h⌋₎ + (h − ⌊h⌋)(x₍⌊h⌋+1₎ − x₍⌊h⌋₎).
 *
 * @example
 * ```ts
 * quantileType7(Float64Array.from([1, 2, 3, 4]).sort(), 0.5); // 2.5
 * ```
 */
export function quantileType7(sorted: Float64Array, q: number): number {
  const h = (sorted.length - 1) * q;
  const below = Math.floor(h);
  const above = Math.min(below + 1, sorted.length - 1);
  return (sorted[below] as number) + (h - below) * ((sorted[above] as number) - (sorted[below] as number));
}

/** A winsorized column and what was capped. */
export interface Winsorized {
  values: Float64Array;
  lowerCap: number | null;
  upperCap: number | null;
  /** Rows raised to the lower cap / lowered to the upper cap. */
  cappedLower: number;
  cappedUpper: number;
}

/**
 * Cap `values` at their `lower` / `upper` quantiles (type 7).
 *
 * @example
 * ```ts
 * winsorize(revenue, { upper: 0.99 }).upperCap; // the 99th percentile
 * ```
 */
export function winsorize(values: Float64Array, spec: WinsorizeParams): Winsorized {
  const sorted = Float64Array.from(values).sort();
  const lowerCap = spec.lower === undefined ? null : quantileType7(sorted, spec.lower);
  const upperCap = spec.upper === undefined ? null : quantileType7(sorted, spec.upper);
  let cappedLower = 0;
  let cappedUpper = 0;
  const capped = values.map((value) => {
    if (lowerCap !== null && value < lowerCap) {
      cappedLower++;
      return lowerCap;
    }
    if (upperCap !== null && value > upperCap) {
      cappedUpper++;
      return upperCap;
    }
    return value;
  });
  return { values: capped, lowerCap, upperCap, cappedLower, cappedUpper };
}

/**
 * {@link winsorize} the outcome and record the caps in `diagnostics` (`winsorize_lower_cap`,
 * `winsorize_upper_cap`, `winsorized_rows`).
 *
 * @example
 * ```ts
 * outcome = winsorizeWithDiagnostics(outcome, { upper: 0.99 }, diagnostics);
 * ```
 */
export function winsorizeWithDiagnostics(
  outcome: Float64Array,
  spec: WinsorizeParams,
  diagnostics: Record<string, JsonValue>,
): Float64Array {
  const result = winsorize(outcome, spec);
  diagnostics.winsorize_lower_cap = result.lowerCap;
  diagnostics.winsorize_upper_cap = result.upperCap;
  diagnostics.winsorized_rows = result.cappedLower + result.cappedUpper;
  return result.values;
}
