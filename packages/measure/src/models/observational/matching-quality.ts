import { MeasureError } from '../../errors';
import type { balanceSummary } from './common';
import type { NearestNeighbourMatchingParams } from './matching';
import type { MatchedSets } from './nearest-neighbour';

/**
 * Match-quality facts from the control weights wⱼ = Σ_{i∋j} 1/kᵢ: distinct controls used, their Kish effective
 * number (Σw)²/Σw², and the largest total weight one control carries (its reuse, in treated units).
 */
export function matchQuality(
  controlWeight: Float64Array,
  matchedTreated: number,
  maxSmdAfter: number,
): { distinct: number; effective: number; maxReuse: number; maxSmdAfter: number } {
  let distinct = 0;
  let sum = 0;
  let sumSq = 0;
  let maxReuse = 0;
  for (const w of controlWeight) {
    if (w <= 0) continue;
    distinct++;
    sum += w;
    sumSq += w * w;
    maxReuse = Math.max(maxReuse, w);
  }
  return {
    distinct,
    effective: sumSq > 0 ? (sum * sum) / sumSq : 0,
    maxReuse: matchedTreated > 0 ? maxReuse : 0,
    maxSmdAfter,
  };
}

/** Matching weights for balance: treated 1 if matched else 0, controls Σ 1/kᵢ. */
export function matchingWeights(sets: MatchedSets, controlWeight: Float64Array): Float64Array {
  const weights = Float64Array.from(controlWeight);
  for (let t = 0; t < sets.treated.length; t++) {
    weights[sets.treated[t] as number] =
      (sets.offsets[t + 1] as number) > (sets.offsets[t] as number) ? 1 : 0;
  }
  return weights;
}

/**
 * The match-quality gate (`max_smd_after`): whether the match is poor, i.e. some covariate's |SMD| after
 * matching exceeds the threshold. With `on_poor_match: error` a poor match is refused with `DATA_POOR_OVERLAP`
 * naming the worst covariate.
 */
export function matchQualityGate(
  balance: Pick<ReturnType<typeof balanceSummary>, 'table' | 'maxAfter'>,
  quality: ReturnType<typeof matchQuality>,
  params: NearestNeighbourMatchingParams,
  nControl: number,
): boolean {
  const poorMatch = balance.maxAfter > params.max_smd_after;
  if (poorMatch && params.on_poor_match === 'error') {
    const worst = balance.table.reduce((a, b) =>
      Math.abs(b.smd_after ?? 0) > Math.abs(a.smd_after ?? 0) ? b : a,
    );
    throw new MeasureError(
      'DATA_POOR_OVERLAP',
      `poor match: after ${params.distance} matching the covariate "${worst.covariate}" still differs by ${Math.abs(worst.smd_after ?? 0).toFixed(2)} SD between treated and matched controls (max_smd_after ${params.max_smd_after}); ${quality.distinct} of ${nControl} controls were used, weighing like ${quality.effective.toFixed(1)}. The groups do not overlap enough for matching: restrict the sample, add a caliper, or set on_poor_match: flag to estimate anyway`,
      { parameter: 'max_smd_after', column: worst.covariate },
    );
  }
  return poorMatch;
}
