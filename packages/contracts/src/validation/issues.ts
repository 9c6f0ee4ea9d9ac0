import type { z } from 'zod';
import type { FieldIssue } from '../errors';

/** Marker that a custom refinement message is already phrased as an expectation. */
const EXPECTATION_PREFIX = 'expected ';

/**
 * Render a zod path the way users write it: `initiatives[2].cost_to_scale`.
 *
 * @example
 * ```ts
 * formatPath(['initiatives', 2, 'cost_to_scale']); // 'initiatives[2].cost_to_scale'
 * ```
 */
export function formatPath(path: readonly PropertyKey[]): string {
  let rendered = '';
  for (const segment of path) {
    if (typeof segment === 'number') rendered += `[${segment}]`;
    else {
      const key = String(segment);
      rendered += /^[A-Za-z_$][\w$-]*$/.test(key)
        ? `${rendered === '' ? '' : '.'}${key}`
        : `[${JSON.stringify(key)}]`;
    }
  }
  return rendered === '' ? '(root)' : rendered;
}

/** Render a found value for a message: strings quoted, numbers as written, objects as short JSON. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing (the field is missing)';
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return 'NaN';
    if (!Number.isFinite(value)) return value > 0 ? 'Infinity' : '-Infinity';
    return String(value);
  }
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'symbol') return value.toString();
  let json: string | undefined;
  try {
    json = JSON.stringify(value);
  } catch {
    json = undefined;
  }
  if (json === undefined) return Object.prototype.toString.call(value);
  return json.length > 80 ? `${json.slice(0, 77)}...` : json;
}

const TYPE_WORDS: Record<string, string> = {
  number: 'a number',
  int: 'an integer',
  string: 'a string',
  boolean: 'true or false',
  object: 'an object (a mapping of keys to values)',
  array: 'a list',
  record: 'a mapping of keys to values',
  date: 'a date',
  bigint: 'a big integer',
  null: 'null',
  undefined: 'nothing',
  literal: 'a fixed value',
};

function boundWords(origin: string, bound: number | bigint, inclusive: boolean, below: boolean): string {
  const op = below ? (inclusive ? '≥' : '>') : inclusive ? '≤' : '<';
  switch (origin) {
    case 'string':
      return `a string of ${below ? 'at least' : 'at most'} ${bound} characters`;
    case 'array':
    case 'set':
      return `a list of ${below ? 'at least' : 'at most'} ${bound} item${Number(bound) === 1 ? '' : 's'}`;
    default:
      return `a number ${op} ${bound}`;
  }
}

/** Turn one zod issue into what was expected, in words. */
function expectationOf(issue: z.core.$ZodIssue): string {
  if (issue.message.startsWith(EXPECTATION_PREFIX)) return issue.message.slice(EXPECTATION_PREFIX.length);
  switch (issue.code) {
    case 'invalid_type':
      return TYPE_WORDS[issue.expected] ?? `a value of type ${issue.expected}`;
    case 'too_small':
      return boundWords(issue.origin, issue.minimum, issue.inclusive ?? true, true);
    case 'too_big':
      return boundWords(issue.origin, issue.maximum, issue.inclusive ?? true, false);
    case 'invalid_value':
      return issue.values.length === 1
        ? describeValue(issue.values[0])
        : `one of ${issue.values.map((v) => describeValue(v)).join(' | ')}`;
    case 'invalid_format':
      return issue.format === 'regex' && 'pattern' in issue && issue.pattern
        ? `a string matching ${issue.pattern}`
        : `a valid ${issue.format}`;
    case 'not_multiple_of':
      return `a multiple of ${issue.divisor}`;
    case 'unrecognized_keys':
      return 'only known keys (check the spelling or remove it)';
    case 'invalid_union':
      return 'one of the allowed forms';
    case 'invalid_key':
      return 'a valid key';
    case 'invalid_element':
      return 'a valid element';
    default:
      return issue.message;
  }
}

/**
 * Convert zod issues into {@link FieldIssue}s with a path, the expectation and the value found.
 * Pass the validated input so values can be reported even when zod did not attach them.
 */
export function toFieldIssues(issues: readonly z.core.$ZodIssue[], root?: unknown): FieldIssue[] {
  const result: FieldIssue[] = [];
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        const path = formatPath([...issue.path, key]);
        const found = `unknown key "${key}"`;
        result.push({
          path,
          expected: expectationOf(issue),
          found,
          message: `${path}: ${found}; expected ${expectationOf(issue)}`,
        });
      }
      continue;
    }
    const path = formatPath(issue.path);
    const expected = expectationOf(issue);
    const input = 'input' in issue ? issue.input : valueAt(root, issue.path);
    const received = (issue as { received?: unknown }).received;
    const found =
      typeof received === 'string' && (received === 'NaN' || received.endsWith('Infinity'))
        ? received
        : describeValue(input);
    result.push({ path, expected, found, message: `${path}: expected ${expected}, got ${found}` });
  }
  return result;
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let current: unknown = root;
  for (const segment of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[segment];
  }
  return current;
}

/** One summary line for a list of issues: the first one, and how many more. */
export function summarizeIssues(issues: readonly FieldIssue[]): string {
  const first = issues[0];
  if (!first) return 'invalid value';
  const more = issues.length - 1;
  return more > 0 ? `${first.message} (and ${more} more problem${more === 1 ? '' : 's'})` : first.message;
}
