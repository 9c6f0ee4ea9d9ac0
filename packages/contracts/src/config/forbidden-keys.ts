import type { FieldIssue } from '../errors';

/** Keys that would reach an object's prototype when copied (`result[key] = value`) and are never config. */
export const FORBIDDEN_CONFIG_KEYS: readonly string[] = ['__proto__', 'constructor', 'prototype'];

function childPath(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  return path === '' ? key : `${path}.${key}`;
}

/**
 * The first `__proto__`, `constructor` or `prototype` key at any depth of a parsed configuration value
 * (own keys only, as YAML and `JSON.parse` create them), as a field issue; `undefined` when there is none.
 * Free-form sections (`review:`, `allocate:`, `data:`, `model.params`) would otherwise drop such a key
 * silently or pass it to code that copies it onto a prototype.
 *
 * @example
 * ```ts
 * forbiddenKeyIssue(JSON.parse('{"review":{"__proto__":{"x":1}}}'))?.path; // 'review.__proto__'
 * ```
 */
export function forbiddenKeyIssue(value: unknown, path = '', depth = 0): FieldIssue | undefined {
  if (value === null || typeof value !== 'object' || depth > 64) return undefined;
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index++) {
      const issue = forbiddenKeyIssue(value[index], childPath(path, index), depth + 1);
      if (issue !== undefined) return issue;
    }
    return undefined;
  }
  const prototype = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) return undefined; // Dates, typed arrays, tables…
  for (const key of Object.keys(value)) {
    const here = childPath(path, key);
    if (FORBIDDEN_CONFIG_KEYS.includes(key)) {
      const expected = 'no "__proto__", "constructor" or "prototype" key';
      return {
        path: here,
        expected,
        found: JSON.stringify(key),
        message: `${here}: expected ${expected}, got ${JSON.stringify(key)}`,
      };
    }
    const issue = forbiddenKeyIssue((value as Record<string, unknown>)[key], here, depth + 1);
    if (issue !== undefined) return issue;
  }
  return undefined;
}
