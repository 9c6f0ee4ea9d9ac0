import { MeasureError } from '../errors';

/** CUPED (Deng et al. 2013): the pre-period adjustment of the experiment model, in memory and from moments. */

function mean(values: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i] as number;
  return sum / values.length;
}

/**
 * CUPED's θ = S_xy/S_xx and the share of the outcome's variance it removes, S_xy²/(S_xx·S_yy), from the
 * centred sums of squares and products of the pre-period metric x and the outcome y (in memory, streamed or
 * pushed down). Throws `MODEL_SINGULAR_DESIGN` when x is constant.
 *
 * @example
 * ```ts
 * cupedFromMoments(4, 2, 3); // { theta: 0.5, varianceReduction: 1/3 }
 * ```
 */
export function cupedFromMoments(
  sxx: number,
  sxy: number,
  syy: number,
): { theta: number; varianceReduction: number } {
  if (!(sxx > 0)) {
    throw new MeasureError(
      'MODEL_SINGULAR_DESIGN',
      'CUPED pre-period metric is constant: it cannot explain any variance',
      { parameter: 'pre_period_metric' },
    );
  }
  return { theta: sxy / sxx, varianceReduction: syy > 0 ? (sxy * sxy) / (sxx * syy) : 0 };
}

/**
 * CUPED (Deng et al. 2013): Y_adj = Y − θ(X − X̄) with θ = cov(X, Y)/var(X) pooled over both arms,
 * X the same metric measured before treatment. Removes the part of Y's variance explained by X.
 */
export function cupedAdjust(
  outcome: Float64Array,
  pre: Float64Array,
): { adjusted: Float64Array; theta: number; varianceReduction: number } {
  const my = mean(outcome);
  const mx = mean(pre);
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < outcome.length; i++) {
    const dx = (pre[i] as number) - mx;
    const dy = (outcome[i] as number) - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  const { theta, varianceReduction } = cupedFromMoments(sxx, sxy, syy);
  const adjusted = outcome.map((value, i) => value - theta * ((pre[i] as number) - mx));
  return { adjusted, theta, varianceReduction };
}
