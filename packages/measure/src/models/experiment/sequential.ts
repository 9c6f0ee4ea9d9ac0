import { z } from 'zod';
import type { JsonValue } from '../model';

/**
 * `sequential:` of the experiment model: read the experiment at any time, as often as wanted, with an
 * always-valid p-value and confidence sequence (normal-mixture SPRT). Exactly one of `planned_sample_size`
 * and `mixture_variance` sets the tuning.
 *
 * @example
 * ```ts
 * SequentialParamsSchema.parse({ planned_sample_size: 20_000, look_column: 'day' });
 * ```
 */
export const SequentialParamsSchema = z
  .strictObject({
    /**
     * Sample size (rows) at which the confidence sequence should be narrowest, as GrowthBook's tuning
     * parameter: τ² = r*·σ̂²/N* with r* the width-minimising ratio for the level. Set it before the first look.
     */
    planned_sample_size: z.number().int().positive().optional(),
    /** The mixing variance τ² of the effect directly, in squared effect units (fully pre-specified). */
    mixture_variance: z.number().positive().optional(),
    /** Column ordering the looks (day, date, batch): the path is evaluated at every distinct value. */
    look_column: z.string().min(1).optional(),
    /** Report the always-valid interval and p-value as the headline instead of the fixed-horizon ones. */
    headline: z.boolean().default(false),
  })
  .refine((p) => (p.planned_sample_size === undefined) !== (p.mixture_variance === undefined), {
    message: 'give exactly one of planned_sample_size and mixture_variance',
    path: ['planned_sample_size'],
  });
/** Parsed `sequential:` parameters. */
export type SequentialParams = z.output<typeof SequentialParamsSchema>;

/**
 * The ratio r = τ²/v that minimises the confidence-sequence half-width at variance v: the root of
 * r = log(1 + r) − 2·log α (set the derivative of (1 + 1/r)(log(1 + r) − 2 log α) to zero). r ≈ 8.21 at α = 0.05.
 *
 * @example
 * ```ts
 * optimalMixtureRatio(0.05); // ≈ 8.21
 * ```
 */
export function optimalMixtureRatio(alpha: number): number {
  const c = -2 * Math.log(alpha);
  let r = c + Math.log(1 + c);
  for (let k = 0; k < 100; k++) {
    const next = c + Math.log(1 + r);
    if (Math.abs(next - r) < 1e-14) return next;
    r = next;
  }
  return r;
}

/**
 * Normal-mixture likelihood ratio (Robbins 1970; the mSPRT of Johari et al. 2017) of an estimate θ̂ with
 * variance v against H0: θ = θ0, mixing θ ~ N(θ0, τ²):
 * Λ = √(v/(v + τ²))·exp(τ²(θ̂ − θ0)²/(2v(v + τ²))). Under H0 it is a nonnegative martingale in the sample
 * size, so P(Λ ever ≥ 1/α) ≤ α (Ville's inequality): 1/Λ is an always-valid p-value.
 *
 * @example
 * ```ts
 * mixtureLikelihoodRatio(0.3, 0.01, 0.08); // evidence against θ = 0
 * ```
 */
export function mixtureLikelihoodRatio(
  estimate: number,
  variance: number,
  tau2: number,
  nullValue = 0,
): number {
  const z2 = (estimate - nullValue) ** 2;
  return Math.sqrt(variance / (variance + tau2)) * Math.exp((tau2 * z2) / (2 * variance * (variance + tau2)));
}

/**
 * Half-width of the two-sided normal-mixture confidence sequence at level 1 − α (Howard et al. 2021, eq. 14,
 * in the estimate's scale): {θ0 : Λ(θ0) < 1/α} = θ̂ ± √(v(v + τ²)/τ²·(log((v + τ²)/v) − 2·log α)).
 *
 * @example
 * ```ts
 * confidenceSequenceHalfWidth(0.01, 0.08, 0.05);
 * ```
 */
export function confidenceSequenceHalfWidth(variance: number, tau2: number, alpha: number): number {
  return Math.sqrt(
    ((variance * (variance + tau2)) / tau2) * (Math.log((variance + tau2) / variance) - 2 * Math.log(alpha)),
  );
}

/** The estimate at one look. */
export interface Look {
  /** Value of the look column (or `final`). */
  label: string | number;
  /** Rows used up to and including this look. */
  sampleSize: number;
  estimate: number;
  standardError: number;
}

/** The always-valid inference along the looks. */
export interface SequentialPath {
  /** Mixing variance τ² used. */
  mixtureVariance: number;
  /** Always-valid p-value at the last look: running minimum of min(1, 1/Λ) over looks. */
  pValue: number;
  /** Confidence sequence at the last look: running intersection of the per-look intervals. */
  ciLower: number;
  ciUpper: number;
  /** Per look: estimate, SE, per-look interval, running p-value and running interval. */
  looks: Record<string, JsonValue>[];
  /** First look at which the always-valid p-value fell below α (when it did). */
  firstRejection?: string | number;
}

/**
 * Always-valid p-values and a confidence sequence along a series of looks at a growing experiment (asymptotic
 * normal-mixture boundary with plug-in variance, Waudby-Smith et al. 2024 "time-uniform central limit theory").
 * The per-look values are combined as running minimum (p) and running intersection (interval), which keeps
 * their time-uniform guarantee. τ² is `mixture_variance`, or r*·σ̂²/N* with σ̂² = SE²·n at the last look.
 *
 * @example
 * ```ts
 * const path = sequentialPath([{ label: 1, sampleSize: 200, estimate: 0.4, standardError: 0.2 }], { planned_sample_size: 10_000, headline: false }, 0.95);
 * ```
 */
export function sequentialPath(looks: Look[], params: SequentialParams, ciLevel: number): SequentialPath {
  const alpha = 1 - ciLevel;
  const last = looks[looks.length - 1] as Look;
  const tau2 =
    params.mixture_variance ??
    (optimalMixtureRatio(alpha) * last.standardError ** 2 * last.sampleSize) /
      (params.planned_sample_size as number);
  let pValue = 1;
  let ciLower = Number.NEGATIVE_INFINITY;
  let ciUpper = Number.POSITIVE_INFINITY;
  let firstRejection: string | number | undefined;
  const rows: Record<string, JsonValue>[] = [];
  for (const look of looks) {
    const variance = look.standardError ** 2;
    const valid = variance > 0 && Number.isFinite(variance);
    if (valid) {
      const ratio = mixtureLikelihoodRatio(look.estimate, variance, tau2);
      pValue = Math.min(pValue, Math.min(1, 1 / ratio));
      const half = confidenceSequenceHalfWidth(variance, tau2, alpha);
      ciLower = Math.max(ciLower, look.estimate - half);
      ciUpper = Math.min(ciUpper, look.estimate + half);
    }
    if (firstRejection === undefined && pValue < alpha) firstRejection = look.label;
    rows.push({
      look: look.label,
      sample_size: look.sampleSize,
      estimate: look.estimate,
      standard_error: look.standardError,
      always_valid_p_value: pValue,
      ci_lower: ciLower,
      ci_upper: ciUpper,
    });
  }
  // Running intersection can become empty only when the model is wrong (e.g. drifting effect); report it.
  return {
    mixtureVariance: tau2,
    pValue,
    ciLower,
    ciUpper,
    looks: rows,
    ...(firstRejection === undefined ? {} : { firstRejection }),
  };
}
