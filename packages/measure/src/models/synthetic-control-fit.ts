/**
 * One synthetic-control fit (simplex donor weights on the pre-period, gaps in every period) and the stacked
 * donor/treated matrix with its pre-period Gram matrix that every fit of one estimate (treated and placebos)
 * shares.
 */
import { simplexLeastSquares } from './panel/simplex-least-squares';

/** Synthetic-control fit of one series against a donor pool. */
export interface SyntheticFit {
  weights: Float64Array;
  /** Observed − synthetic, per period. */
  gaps: Float64Array;
  preRmspe: number;
  postRmspe: number;
  /** Mean post-period gap. */
  effect: number;
}

/**
 * Fit one synthetic control: simplex weights minimising the pre-period squared gap, then gaps in all periods.
 * `series` is T×U column-major (column u = unit u), `target` the treated series, `donors` the unit columns used.
 *
 * @example
 * ```ts
 * const fit = fitSyntheticControl(target, series, periods, donors, isPost, gram, gramSize, targetMoments, targetSquare);
 * ```
 */
export function fitSyntheticControl(
  target: Float64Array,
  series: Float64Array,
  periods: number,
  donors: readonly number[],
  isPost: Uint8Array,
  gram: Float64Array,
  gramSize: number,
  targetMoments: Float64Array,
  targetSquare: number,
): SyntheticFit {
  const j = donors.length;
  const subGram = new Float64Array(j * j);
  const moment = new Float64Array(j);
  for (let a = 0; a < j; a++) {
    const da = donors[a] as number;
    moment[a] = targetMoments[da] as number;
    for (let c = 0; c < j; c++) subGram[a * j + c] = gram[da * gramSize + (donors[c] as number)] as number;
  }
  const { weights } = simplexLeastSquares(subGram, moment, targetSquare, j);
  const gaps = Float64Array.from(target);
  for (let a = 0; a < j; a++) {
    const w = weights[a] as number;
    if (w === 0) continue;
    const offset = (donors[a] as number) * periods;
    for (let t = 0; t < periods; t++) gaps[t] = (gaps[t] as number) - w * (series[offset + t] as number);
  }
  let preSs = 0;
  let postSs = 0;
  let postSum = 0;
  let nPost = 0;
  for (let t = 0; t < periods; t++) {
    const g = gaps[t] as number;
    if (isPost[t] === 1) {
      postSs += g * g;
      postSum += g;
      nPost++;
    } else preSs += g * g;
  }
  const nPre = periods - nPost;
  return {
    weights,
    gaps,
    preRmspe: Math.sqrt(preSs / nPre),
    postRmspe: Math.sqrt(postSs / nPost),
    effect: postSum / nPost,
  };
}

/** post/pre RMSPE; 0 when there is no post-period gap at all, +∞ for a perfect pre-fit with a post gap. */
export function rmspeRatio(postRmspe: number, preRmspe: number): number {
  if (postRmspe === 0) return 0;
  return preRmspe === 0 ? Number.POSITIVE_INFINITY : postRmspe / preRmspe;
}

/** The donors' series and the treated series stacked as columns 0…J−1 and J, with their pre-period Gram matrix. */
export interface DonorStack {
  /** Mean of the treated units' series. */
  target: Float64Array;
  /** T×(J+1) column-major: donors, then the treated series. */
  stacked: Float64Array;
  /** (J+1)×(J+1) Gram matrix of `stacked` over the pre-period. */
  gram: Float64Array;
  size: number;
  periods: number;
  isPost: Uint8Array;
}

/** Stack the donors (unit columns of the T×U `series`) and the mean treated series, and their pre-period Gram. */
export function stackDonors(
  series: Float64Array,
  periods: number,
  donors: readonly number[],
  treatedUnits: readonly number[],
  isPost: Uint8Array,
): DonorStack {
  const target = new Float64Array(periods);
  for (const u of treatedUnits)
    for (let t = 0; t < periods; t++)
      target[t] = (target[t] as number) + (series[u * periods + t] as number) / treatedUnits.length;
  const size = donors.length + 1;
  const stacked = new Float64Array(periods * size);
  donors.forEach((u, a) => {
    stacked.set(series.subarray(u * periods, (u + 1) * periods), a * periods);
  });
  stacked.set(target, donors.length * periods);
  const gram = new Float64Array(size * size);
  for (let a = 0; a < size; a++) {
    for (let c = 0; c <= a; c++) {
      let sum = 0;
      for (let t = 0; t < periods; t++)
        if (isPost[t] === 0)
          sum += (stacked[a * periods + t] as number) * (stacked[c * periods + t] as number);
      gram[a * size + c] = sum;
      gram[c * size + a] = sum;
    }
  }
  return { target, stacked, gram, size, periods, isPost };
}

/** Fit column `a` of the stack (a donor as placebo, or J for the treated series) on the donors `pool`. */
export function fitStackColumn(stack: DonorStack, a: number, pool: readonly number[]): SyntheticFit {
  const { stacked, gram, size, periods, isPost } = stack;
  return fitSyntheticControl(
    stacked.subarray(a * periods, (a + 1) * periods),
    stacked,
    periods,
    pool,
    isPost,
    gram,
    size,
    gram.subarray(a * size, (a + 1) * size),
    gram[a * size + a] as number,
  );
}
