import type { ReviewResult } from '@impact/contracts';
import { ReviewError } from '../errors';
import type { Reviewer, ReviewInput } from './reviewer';

/** Options of {@link reviewAll}. */
export interface ReviewAllOptions {
  /** How many reviews run at once (default 4; LLM reviewers are I/O bound). */
  concurrency?: number;
  /** Cancels every pending review. */
  signal?: AbortSignal;
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
  const results: ReviewResult[] = new Array(inputs.length);
  let next = 0;
  let failed = false;
  const reviewOptions = options.signal === undefined ? {} : { signal: options.signal };
  async function worker(): Promise<void> {
    while (!failed && next < inputs.length) {
      const index = next;
      next += 1;
      try {
        results[index] = await reviewer.review(inputs[index]!, reviewOptions);
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
