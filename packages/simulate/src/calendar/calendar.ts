import type { SimulationConfig } from '../config/schema';
import { normalQuantile } from '../random/distributions';
import { streamKey, Xoshiro128 } from '../random/prng';
import { dateOfEpochDay, epochDayOf, weekdayOf } from './dates';

/** The simulated days and the traffic multiplier shared by all products on each. */
export interface Calendar {
  /** Number of days in the range (inclusive). */
  readonly dayCount: number;
  /** Epoch day of each simulated day. */
  readonly epochDays: Int32Array;
  /** `YYYY-MM-DD` of each simulated day. */
  readonly dates: readonly string[];
  /** Weekday (0 = Monday) of each day. */
  readonly weekdays: Int32Array;
  /**
   * Traffic multiplier of each day: weekday × trend × holiday × a log-normal day shock with mean 1
   * (drawn from the `calendar` stream keyed by the date, so it does not depend on the range).
   */
  readonly trafficFactors: Float64Array;
}

/**
 * Build the calendar of a simulation: dates, weekdays and daily traffic multipliers.
 *
 * @example
 * ```ts
 * const calendar = buildCalendar(SimulationConfigSchema.parse({}));
 * calendar.dates[0]; // '2024-01-01'
 * ```
 */
export function buildCalendar(config: SimulationConfig): Calendar {
  const first = epochDayOf(config.start_date);
  const dayCount = epochDayOf(config.end_date) - first + 1;
  const { weekday, trend, holidays, day_noise: daySigma } = config.seasonality;
  const holidayMultipliers = new Map<number, number>();
  for (const holiday of holidays) {
    const day = epochDayOf(holiday.date);
    holidayMultipliers.set(day, (holidayMultipliers.get(day) ?? 1) * holiday.multiplier);
  }
  const rng = new Xoshiro128();
  const key = streamKey(config.seed, 'calendar');
  const epochDays = new Int32Array(dayCount);
  const weekdays = new Int32Array(dayCount);
  const trafficFactors = new Float64Array(dayCount);
  const dates: string[] = new Array(dayCount);
  for (let day = 0; day < dayCount; day += 1) {
    const epochDay = first + day;
    epochDays[day] = epochDay;
    weekdays[day] = weekdayOf(epochDay);
    dates[day] = dateOfEpochDay(epochDay);
    rng.seedCell(key, epochDay, 0);
    const shock = Math.exp(daySigma * normalQuantile(rng.nextUniform()) - (daySigma * daySigma) / 2);
    trafficFactors[day] =
      (weekday[weekdays[day] as number] as number) *
      Math.exp((trend * day) / 365) *
      (holidayMultipliers.get(epochDay) ?? 1) *
      shock;
  }
  return { dayCount, epochDays, dates, weekdays, trafficFactors };
}
