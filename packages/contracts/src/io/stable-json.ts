import { createHash } from 'node:crypto';

/**
 * JSON with object keys sorted at every level, so equal values always serialize to equal bytes
 * (the basis of byte-identical outputs and config hashes). Arrays keep their order.
 *
 * @example
 * ```ts
 * stableStringify({ b: 1, a: 2 }); // '{"a":2,"b":1}'
 * ```
 */
export function stableStringify(value: unknown, indent?: number): string {
  return JSON.stringify(sortKeys(value), null, indent);
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object' && !(value instanceof Date)) {
    const source = value as Record<string, unknown>;
    const sorted: Record<string, unknown> = {};
    for (const key of Object.keys(source).sort()) {
      if (source[key] !== undefined) sorted[key] = sortKeys(source[key]);
    }
    return sorted;
  }
  return value;
}

/**
 * SHA-256 (hex) of a value's {@link stableStringify} form: the same configuration always hashes the same.
 *
 * @example
 * ```ts
 * hashValue({ seed: 1 }); // 64 hex characters
 * ```
 */
export function hashValue(value: unknown): string {
  return createHash('sha256').update(stableStringify(value)).digest('hex');
}
