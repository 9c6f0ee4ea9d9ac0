import type { JsonValue } from '../model';
import type { ObservationalData } from './common';

/** Crump, Hotz, Imbens & Mitnik (2009) rule of thumb: keep rows with 0.1 ≤ e(X) ≤ 0.9. */
export const CRUMP_TRIM = { lower: 0.1, upper: 0.9 } as const;

/**
 * Overlap diagnostics of a weighting estimator, per arm: propensity range, Kish effective sample size
 * (Σw)²/Σw² and the largest weight's share of its arm's total weight. A few rows carrying most of an arm's
 * weight (ESS far below the arm size, max share well above 1/n) is what makes IPW intervals overconfident.
 * `overlap_effective_share` = min over arms of ESS / rows, the input of review's overlap rule.
 *
 * @example
 * ```ts
 * const diagnostics = overlapDiagnostics(scores, data.treatment, weights);
 * diagnostics.effective_sample_size_control; // e.g. 21 of 400
 * ```
 */
export function overlapDiagnostics(
  scores: Float64Array,
  treatment: Uint8Array,
  weights: Float64Array,
): Record<string, JsonValue> {
  const arms = [0, 1].map(() => ({
    min: Number.POSITIVE_INFINITY,
    max: Number.NEGATIVE_INFINITY,
    sum: 0,
    sumSq: 0,
    maxWeight: 0,
    count: 0,
  }));
  for (let i = 0; i < scores.length; i++) {
    const arm = arms[treatment[i] as number] as (typeof arms)[number];
    const score = scores[i] as number;
    const weight = weights[i] as number;
    arm.min = Math.min(arm.min, score);
    arm.max = Math.max(arm.max, score);
    arm.sum += weight;
    arm.sumSq += weight * weight;
    arm.maxWeight = Math.max(arm.maxWeight, weight);
    arm.count++;
  }
  const [control, treated] = arms as [(typeof arms)[number], (typeof arms)[number]];
  const ess = (arm: (typeof arms)[number]) => (arm.sumSq > 0 ? (arm.sum * arm.sum) / arm.sumSq : 0);
  const share = (arm: (typeof arms)[number]) => (arm.sum > 0 ? arm.maxWeight / arm.sum : 0);
  return {
    propensity_min_treated: treated.min,
    propensity_max_treated: treated.max,
    propensity_min_control: control.min,
    propensity_max_control: control.max,
    effective_sample_size_treated: ess(treated),
    effective_sample_size_control: ess(control),
    max_weight_share_treated: share(treated),
    max_weight_share_control: share(control),
    // Read by review's overlap rule: the smaller arm's ESS as a share of its rows.
    overlap_effective_share: Math.min(ess(treated) / treated.count, ess(control) / control.count),
  };
}

/**
 * The rows of `data` where `keep` is true (outcome, treatment, covariates, group counts recomputed).
 *
 * @example
 * ```ts
 * const trimmed = subsetObservationalData(data, scores.map((e) => (e >= 0.1 && e <= 0.9 ? 1 : 0)));
 * ```
 */
export function subsetObservationalData(data: ObservationalData, keep: Uint8Array): ObservationalData {
  const rows: number[] = [];
  for (let i = 0; i < data.n; i++) if (keep[i] === 1) rows.push(i);
  const treatment = Uint8Array.from(rows, (i) => data.treatment[i] as number);
  let nTreated = 0;
  for (const d of treatment) nTreated += d;
  return {
    n: rows.length,
    outcome: Float64Array.from(rows, (i) => data.outcome[i] as number),
    treatment,
    covariates: data.covariates.map((column) => Float64Array.from(rows, (i) => column[i] as number)),
    covariateNames: data.covariateNames,
    nTreated,
    nControl: rows.length - nTreated,
  };
}
