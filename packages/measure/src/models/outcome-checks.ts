import { MeasureError } from '../errors';

/**
 * Refuse an outcome column with no variation (every value equal): any standard error from it is round-off,
 * and a "significant" p-value from round-off is worse than no answer.
 *
 * @example
 * ```ts
 * refuseConstantOutcome(y, 'revenue', 'interrupted time series');
 * ```
 */
export function refuseConstantOutcome(values: Float64Array, column: string, model: string): void {
  if (values.length === 0) return;
  const first = values[0] as number;
  if (values.every((value) => value === first)) {
    throw new MeasureError(
      'DATA_ZERO_VARIANCE',
      `${model}: outcome column "${column}" has the same value (${first}) in all ${values.length} rows, so no effect or standard error can be estimated`,
      { column },
    );
  }
}

/**
 * Refuse a least-squares fit whose residuals are zero up to round-off (RSS ≤ 1e-20·Σy²): its residual variance,
 * and so every standard error, is round-off.
 *
 * @example
 * ```ts
 * refuseExactFit(fit.rss, y, 'revenue', 'interrupted time series');
 * ```
 */
export function refuseExactFit(rss: number, y: Float64Array, column: string, model: string): void {
  let sumOfSquares = 0;
  for (const value of y) sumOfSquares += value * value;
  if (!(rss > 1e-20 * sumOfSquares)) {
    throw new MeasureError(
      'DATA_ZERO_VARIANCE',
      `${model}: the model fits outcome column "${column}" exactly (residual sum of squares ${rss.toExponential(2)}), so no standard error can be estimated; check the outcome column`,
      { column },
    );
  }
}
