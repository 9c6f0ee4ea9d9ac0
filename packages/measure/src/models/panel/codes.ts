import type { ColumnValues } from '@impact/contracts';

/** Integer codes of a categorical column: `codes[i]` indexes `levels`, which are sorted. */
export interface FactorCodes {
  codes: Int32Array;
  /** Distinct values in ascending order (numeric order for numeric columns, string order otherwise). */
  levels: (string | number)[];
  /** Rows per level. */
  counts: Int32Array;
}

/**
 * Encode a unit or time column as 0-based integer codes with sorted levels, so ISO dates and numeric periods
 * both become a time index and unit ids a cluster index.
 *
 * @example
 * ```ts
 * encodeFactor(['b', 'a', 'b']); // { codes: [1, 0, 1], levels: ['a', 'b'], counts: [1, 2] }
 * ```
 */
export function encodeFactor(values: ColumnValues): FactorCodes {
  const n = values.length;
  const numeric = !Array.isArray(values);
  const distinct = new Map<string | number, number>();
  for (let i = 0; i < n; i++) {
    const value = values[i] as string | number;
    if (!distinct.has(value)) distinct.set(value, 0);
  }
  const levels = [...distinct.keys()];
  if (numeric) (levels as number[]).sort((a, b) => a - b);
  else (levels as string[]).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  levels.forEach((level, index) => {
    distinct.set(level, index);
  });
  const codes = new Int32Array(n);
  const counts = new Int32Array(levels.length);
  for (let i = 0; i < n; i++) {
    const code = distinct.get(values[i] as string | number) as number;
    codes[i] = code;
    counts[code] = (counts[code] as number) + 1;
  }
  return { codes, levels, counts };
}
