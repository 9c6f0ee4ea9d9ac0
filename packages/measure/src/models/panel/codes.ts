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
  if (!Array.isArray(values)) {
    const dense = encodeSmallIntegers(values as Float64Array | Int32Array | Uint8Array);
    if (dense) return dense;
  }
  const n = values.length;
  const numeric = !Array.isArray(values);
  // One hash per row (first-seen ids; consecutive equal values skip the lookup), then sort the levels and
  // renumber through a permutation.
  const seen = new Map<string | number, number>();
  const firstSeen = new Int32Array(n);
  let previous: string | number | undefined;
  let previousId = -1;
  for (let i = 0; i < n; i++) {
    const value = values[i] as string | number;
    if (value !== previous || previousId < 0) {
      let id = seen.get(value);
      if (id === undefined) {
        id = seen.size;
        seen.set(value, id);
      }
      previous = value;
      previousId = id;
    }
    firstSeen[i] = previousId;
  }
  const levels = [...seen.keys()];
  if (numeric) (levels as number[]).sort((a, b) => a - b);
  else (levels as string[]).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const rank = new Int32Array(levels.length);
  levels.forEach((level, index) => {
    rank[seen.get(level) as number] = index;
  });
  const codes = firstSeen;
  const counts = new Int32Array(levels.length);
  for (let i = 0; i < n; i++) {
    const code = rank[firstSeen[i] as number] as number;
    codes[i] = code;
    counts[code] = (counts[code] as number) + 1;
  }
  return { codes, levels, counts };
}

/**
 * Numeric columns of integers spanning at most max(4n, 1024) values (unit ids, period numbers): codes by
 * direct indexing, no hashing or sort. Undefined for anything else (then the general path runs).
 */
function encodeSmallIntegers(values: Float64Array | Int32Array | Uint8Array): FactorCodes | undefined {
  const n = values.length;
  if (n === 0) return undefined;
  const fromZero = encodeFromZero(values);
  if (fromZero) return fromZero;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < n; i++) {
    const value = values[i] as number;
    if (Math.floor(value) !== value) return undefined; // NaN and fractions; ±∞ fail the span test below
    if (value < min) min = value;
    if (value > max) max = value;
  }
  const span = max - min + 1;
  if (!(span <= Math.max(4 * n, 1024))) return undefined;
  // Offsets from the minimum, with their counts, in one pass; gaps (values absent) are then closed by one
  // renumbering pass, which ids 0…G−1 and periods without holes never need.
  const codes = new Int32Array(n);
  const spanCounts = new Int32Array(span);
  for (let i = 0; i < n; i++) {
    const offset = ((values[i] as number) - min) | 0;
    codes[i] = offset;
    spanCounts[offset] = (spanCounts[offset] as number) + 1;
  }
  const levels: number[] = [];
  const slot = new Int32Array(span);
  for (let k = 0; k < span; k++) {
    if ((spanCounts[k] as number) > 0) {
      slot[k] = levels.length;
      levels.push(min + k);
    }
  }
  if (levels.length === span) return { codes, levels, counts: spanCounts };
  const counts = new Int32Array(levels.length);
  for (let k = 0; k < span; k++)
    if ((spanCounts[k] as number) > 0) counts[slot[k] as number] = spanCounts[k] as number;
  for (let i = 0; i < n; i++) codes[i] = slot[codes[i] as number] as number;
  return { codes, levels, counts };
}

/**
 * The common case of {@link encodeSmallIntegers} in one pass: integers in [0, max(4n, 1024)) (ids 0…G−1,
 * period numbers), whose codes are the values themselves when no value in 0…max is missing. Gaps cost one
 * renumbering pass; anything else (negative, fractional, too large) gives undefined before any result.
 */
function encodeFromZero(values: Float64Array | Int32Array | Uint8Array): FactorCodes | undefined {
  const n = values.length;
  const bound = Math.max(4 * n, 1024);
  const codes = new Int32Array(n);
  let counts = new Int32Array(Math.min(bound, 1024));
  let max = -1;
  for (let i = 0; i < n; i++) {
    const value = values[i] as number;
    if (!(value >= 0 && value < bound) || Math.floor(value) !== value) return undefined;
    if (value >= counts.length) {
      const grown = new Int32Array(Math.min(bound, Math.max(2 * counts.length, value + 1)));
      grown.set(counts);
      counts = grown;
    }
    codes[i] = value;
    counts[value] = (counts[value] as number) + 1;
    if (value > max) max = value;
  }
  const levels: number[] = [];
  for (let k = 0; k <= max; k++) if ((counts[k] as number) > 0) levels.push(k);
  if (levels.length === max + 1) return { codes, levels, counts: counts.slice(0, max + 1) };
  const slot = new Int32Array(max + 1);
  const dense = new Int32Array(levels.length);
  levels.forEach((level, code) => {
    slot[level] = code;
    dense[code] = counts[level] as number;
  });
  for (let i = 0; i < n; i++) codes[i] = slot[codes[i] as number] as number;
  return { codes, levels, counts: dense };
}
