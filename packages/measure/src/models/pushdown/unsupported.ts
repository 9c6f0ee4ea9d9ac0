/**
 * Thrown by a pushdown fitter when the data cannot be handled in SQL (e.g. an unbalanced panel); the run
 * then loads the columns the model names and fits in memory, saying why in `diagnostics.data_path`.
 *
 * @example
 * ```ts
 * throw new PushdownUnsupported('unbalanced panel');
 * ```
 */
export class PushdownUnsupported extends Error {
  override readonly name = 'PushdownUnsupported';
}
