import type { ReviewResult } from '@impact/contracts';
import { ReviewError } from '../errors';
import { adjustPValues, type MultipleTestingMethod } from '../stats/multiplicity';
import type { Reviewer, ReviewInput } from './reviewer';

/** Options of {@link reviewAll}. */
export interface ReviewAllOptions {
  /** How many reviews run at once (default 4; LLM reviewers are I/O bound). */
  concurrency?: number;
  /** Cancels every pending review. */
  signal?: AbortSignal;
  /**
   * Correct the p-values across `inputs` (one family: the initiatives of a cycle) before reviewing: `holm`
   * (family-wise error) or `bh` (Benjamini–Hochberg false discovery rate); default `none`. Each reviewer then
   * sees the adjusted p-value (its significance ramp uses it), the raw one is kept in
   * `diagnostics.p_value_unadjusted`, and the review gets an info flag `MULTIPLE_TESTING` with both.
   * Intervals are not adjusted.
   */
  multipleTesting?: MultipleTestingMethod;
}

const METHOD_LABEL: Record<Exclude<MultipleTestingMethod, 'none'>, string> = {
  holm: 'Holm',
  bh: 'Benjamini–Hochberg',
};

/**
 * Correct the p-values of one family of review inputs (the initiatives of a cycle) for multiple testing:
 * the inputs with the adjusted p-value in `measurement.p_value` (the raw one kept in
 * `diagnostics.p_value_unadjusted`) and, for each, the info flag `MULTIPLE_TESTING` its review should carry.
 * With `none` or fewer than two inputs nothing changes and there are no flags. This is what
 * {@link reviewAll} does before reviewing; a caller that reviews one at a time (the loop) uses it directly.
 *
 * @example
 * ```ts
 * const { adjusted, flags } = adjustForMultipleTesting(inputs, 'holm');
 * ```
 */
export function adjustForMultipleTesting(
  inputs: readonly ReviewInput[],
  method: MultipleTestingMethod,
): { adjusted: ReviewInput[]; flags: (ReviewResult['flags'][number] | undefined)[] } {
  if (method === 'none' || inputs.length < 2)
    return { adjusted: [...inputs], flags: inputs.map(() => undefined) };
  const raw = inputs.map((input) => input.measurement.p_value);
  const adjustedP = adjustPValues(raw, method);
  return {
    adjusted: inputs.map((input, index) => ({
      ...input,
      measurement: {
        ...input.measurement,
        p_value: adjustedP[index] as number,
        diagnostics: { ...input.measurement.diagnostics, p_value_unadjusted: raw[index] as number },
      },
    })),
    flags: inputs.map((_, index) => ({
      code: 'MULTIPLE_TESTING',
      severity: 'info' as const,
      message: `p = ${Number((raw[index] as number).toPrecision(4))}; ${METHOD_LABEL[method]}-adjusted over ${inputs.length} initiatives: p = ${Number((adjustedP[index] as number).toPrecision(4))} (used for significance)`,
    })),
  };
}

/**
 * Review many measurements with one reviewer, at most `concurrency` at a time. Results keep the order of
 * `inputs`. The first failure rejects the whole call (reviewers fall back internally where they can).
 *
 * @example
 * ```ts
 * const reviews = await reviewAll(measurements.map((measurement) => ({ measurement, cost: 1000 })), createDeterministicReviewer());
 * ```
 */
export async function reviewAll(
  inputs: readonly ReviewInput[],
  reviewer: Reviewer,
  options: ReviewAllOptions = {},
): Promise<ReviewResult[]> {
  const concurrency = options.concurrency ?? 4;
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new ReviewError(
      'REVIEW_OPTIONS_INVALID',
      `concurrency: expected an integer ≥ 1, got ${String(concurrency)}`,
    );
  }
  const { adjusted, flags } = adjustForMultipleTesting(inputs, options.multipleTesting ?? 'none');
  const results: ReviewResult[] = new Array(inputs.length);
  let next = 0;
  let failed = false;
  const reviewOptions = options.signal === undefined ? {} : { signal: options.signal };
  async function worker(): Promise<void> {
    while (!failed && next < inputs.length) {
      const index = next;
      next += 1;
      try {
        const review = await reviewer.review(adjusted[index]!, reviewOptions);
        const flag = flags[index];
        results[index] = flag === undefined ? review : { ...review, flags: [...review.flags, flag] };
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  }
  const workers = Array.from({ length: Math.min(concurrency, inputs.length) }, () => worker());
  await Promise.all(workers);
  return results;
}
