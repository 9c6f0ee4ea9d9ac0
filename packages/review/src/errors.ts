import { ImpactError, type ImpactErrorOptions } from '@impact/contracts';

/** Codes a {@link ReviewError} can carry. */
export type ReviewErrorCode =
  /** An optional provider package (`@langchain/ollama`, `@langchain/aws`) is not installed. */
  | 'REVIEW_PROVIDER_MISSING'
  /** The caller's `AbortSignal` fired before the review finished. */
  | 'REVIEW_ABORTED'
  /** A `ReviewInput` (cost, valuation) is invalid. */
  | 'REVIEW_INPUT_INVALID'
  /** `reviewAll` options are invalid (e.g. a concurrency below 1). */
  | 'REVIEW_OPTIONS_INVALID'
  /** A decision model returned the wrong number of outcomes. */
  | 'REVIEW_DECISION_INVALID';

/**
 * An error raised by `@impact/review`. Branch on `code`; the message names the field, what was expected
 * and what was found. Measurement contract problems are reported as `ContractError` from
 * `@impact/contracts`, configuration problems as `ConfigError`.
 *
 * @example
 * ```ts
 * try { await reviewer.review(input) } catch (e) { if (e instanceof ReviewError && e.code === 'REVIEW_PROVIDER_MISSING') … }
 * ```
 */
export class ReviewError extends ImpactError {
  declare readonly code: ReviewErrorCode;

  constructor(code: ReviewErrorCode, message: string, options: ImpactErrorOptions = {}) {
    super(code, message, options);
  }
}
