const DAY_MS = 86_400_000;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * Whether a string is a real calendar date written `YYYY-MM-DD` (so `2023-02-29` is not).
 *
 * @example
 * ```ts
 * isCalendarDate('2024-02-29'); // true
 * ```
 */
export function isCalendarDate(value: string): boolean {
  const match = ISO_DATE.exec(value);
  if (!match) return false;
  const year = Number(match[1]);
  const month = Number(match[2]);
  const day = Number(match[3]);
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/**
 * Days since 1970-01-01 of a `YYYY-MM-DD` date (UTC; no time zones involved).
 *
 * @example
 * ```ts
 * epochDayOf('1970-01-02'); // 1
 * ```
 */
export function epochDayOf(date: string): number {
  const match = ISO_DATE.exec(date);
  if (!match) return Number.NaN;
  return Math.round(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])) / DAY_MS);
}

/**
 * The `YYYY-MM-DD` date of an epoch day.
 *
 * @example
 * ```ts
 * dateOfEpochDay(19723); // '2024-01-01'
 * ```
 */
export function dateOfEpochDay(epochDay: number): string {
  return new Date(epochDay * DAY_MS).toISOString().slice(0, 10);
}

/**
 * Weekday of an epoch day, 0 = Monday … 6 = Sunday (1970-01-01 was a Thursday).
 *
 * @example
 * ```ts
 * weekdayOf(epochDayOf('2024-01-01')); // 0 (a Monday)
 * ```
 */
export function weekdayOf(epochDay: number): number {
  return (((epochDay + 3) % 7) + 7) % 7;
}
