import { describe, expect, it } from 'vitest';
import {
  buildCalendar,
  dateOfEpochDay,
  epochDayOf,
  isCalendarDate,
  SimulationConfigSchema,
  weekdayOf,
} from '../../src/index';

describe('calendar', () => {
  it('converts dates and weekdays without time zones', () => {
    expect(epochDayOf('1970-01-01')).toBe(0);
    expect(dateOfEpochDay(epochDayOf('2024-02-29'))).toBe('2024-02-29');
    expect(weekdayOf(epochDayOf('2024-01-01'))).toBe(0);
    expect(weekdayOf(epochDayOf('2024-01-07'))).toBe(6);
    expect(isCalendarDate('2023-02-29')).toBe(false);
    expect(isCalendarDate('2024-13-01')).toBe(false);
  });

  it('multiplies weekday, trend and holiday factors', () => {
    const calendar = buildCalendar(
      SimulationConfigSchema.parse({
        start_date: '2024-01-01',
        end_date: '2024-12-30',
        seasonality: {
          weekday: [1, 2, 3, 4, 5, 6, 7],
          trend: 0.365,
          holidays: [{ date: '2024-01-03', multiplier: 10 }],
          day_noise: 0,
        },
      }),
    );
    expect(calendar.dayCount).toBe(365);
    expect(calendar.trafficFactors[0]).toBeCloseTo(1, 12);
    expect(calendar.trafficFactors[1]).toBeCloseTo(2 * Math.exp(0.001), 12);
    expect(calendar.trafficFactors[2]).toBeCloseTo(3 * Math.exp(0.002) * 10, 12);
    expect(calendar.trafficFactors[364]).toBeCloseTo(1 * Math.exp(0.364), 12);
  });

  it('draws the daily shock from the date, so it does not depend on the range start', () => {
    const config = (start: string) =>
      SimulationConfigSchema.parse({
        start_date: start,
        end_date: '2024-03-31',
        seasonality: { day_noise: 0.2 },
      });
    const wide = buildCalendar(config('2024-01-01'));
    const narrow = buildCalendar(config('2024-03-01'));
    expect(Array.from(narrow.trafficFactors)).toEqual(Array.from(wide.trafficFactors.slice(60)));
  });
});
