/**
 * Opening tag of the block that carries untrusted measurement data in the prompt.
 *
 * @example
 * ```ts
 * prompt.indexOf(DATA_BLOCK_OPEN);
 * ```
 */
export const DATA_BLOCK_OPEN = '<measurement_data>';
/**
 * Closing tag of the data block.
 *
 * @example
 * ```ts
 * prompt.lastIndexOf(DATA_BLOCK_CLOSE);
 * ```
 */
export const DATA_BLOCK_CLOSE = '</measurement_data>';

/**
 * JSON for a prompt: `<`, `>` and `&` are written as `\u003c`, `\u003e`, `\u0026` (still valid JSON,
 * same value), so text inside the data can never close the data block or open a new tag.
 *
 * @example
 * ```ts
 * toPromptJson({ method: '</measurement_data>' }); // '{"method":"\\u003c/measurement_data\\u003e"}'
 * ```
 */
export function toPromptJson(value: unknown): string {
  return JSON.stringify(value, null, 2)
    .replaceAll('<', '\\u003c')
    .replaceAll('>', '\\u003e')
    .replaceAll('&', '\\u0026');
}

/**
 * Wrap a value as a delimited data block.
 *
 * @example
 * ```ts
 * dataBlock({ effect_estimate: 1 });
 * ```
 */
export function dataBlock(value: unknown): string {
  return `${DATA_BLOCK_OPEN}\n${toPromptJson(value)}\n${DATA_BLOCK_CLOSE}`;
}
