import { describe, expect, it } from 'vitest';
import { type SimulationConfigInput, simulate } from '../../src/index';
import { numbers } from '../helpers';

const base: SimulationConfigInput = {
  seed: 3,
  products: 300,
  start_date: '2024-06-03',
  end_date: '2024-06-30',
  treatment: { assignment: 'all', start_date: '2024-06-10' },
};

/** Mean of Y1 − Y0 per post day, from the per-product truth and the observed minus untreated world. */
function dailyEffects(config: SimulationConfigInput, metric: 'revenue' | 'impressions' | 'units') {
  const observed = simulate(config);
  const { treatment: _t, ...untreatedConfig } = config;
  const untreated = simulate(untreatedConfig);
  const y1 = numbers(observed.metrics.columns[metric]);
  const y0 = numbers(untreated.metrics.columns[metric]);
  const n = config.products as number;
  const days = y1.length / n;
  return Array.from({ length: days }, (_, day) => {
    let total = 0;
    for (let i = 0; i < n; i += 1) total += (y1[day * n + i] as number) - (y0[day * n + i] as number);
    return total / n;
  });
}

describe('treatment effects', () => {
  it('ramps up linearly over ramp_days: nothing before the start, growing, then full', () => {
    const config = {
      ...base,
      seasonality: { day_noise: 0, weekday: [1, 1, 1, 1, 1, 1, 1] },
      treatment: {
        ...base.treatment,
        metric: 'revenue' as const,
        effect: { type: 'multiplicative' as const, size: 0.5 },
        ramp_days: 4,
      },
    };
    const effects = dailyEffects(config, 'revenue');
    const revenue = numbers(simulate({ ...config, treatment: undefined }).metrics.columns.revenue);
    for (let day = 0; day < 7; day += 1) expect(effects[day]).toBe(0);
    // A revenue effect scales the unit price: the daily effect / untreated revenue is 0.5 × ramp (up to cents).
    const n = 300;
    for (const [offset, ramp] of [
      [0, 0.25],
      [1, 0.5],
      [2, 0.75],
      [3, 1],
      [10, 1],
    ] as const) {
      const day = 7 + offset;
      const untreatedMean = revenue.slice(day * n, (day + 1) * n).reduce((a, b) => a + b, 0) / n;
      expect((effects[day] as number) / untreatedMean).toBeCloseTo(0.5 * ramp, 2);
    }
  });

  it('applies additive effects in the target units (impressions: + size expected impressions a day)', () => {
    const { groundTruth } = simulate({
      ...base,
      products: 600,
      treatment: { ...base.treatment, metric: 'impressions', effect: { type: 'additive', size: 30 } },
    });
    expect(groundTruth.metrics.impressions.att_absolute).toBeGreaterThan(30 - 1.5);
    expect(groundTruth.metrics.impressions.att_absolute).toBeLessThan(30 + 1.5);
    expect(groundTruth.metrics.visits.att_absolute).toBeGreaterThan(0);
  });

  it('scales effects by category and leaves a zero-multiplier category untouched', () => {
    const { groundTruth } = simulate({
      ...base,
      treatment: {
        ...base.treatment,
        metric: 'units',
        effect: { type: 'multiplicative', size: 0.4 },
        heterogeneity: { by_category: { Books: 0, Food: 2 } },
      },
    });
    const byCategory = (category: string) =>
      groundTruth.per_product
        .filter((product) => product.category === category)
        .map((product) => product.effects.units);
    expect(byCategory('Books').every((effect) => effect === 0)).toBe(true);
    const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
    expect(mean(byCategory('Food'))).toBeGreaterThan(mean(byCategory('Toys')));
    expect(groundTruth.metrics.units.att_absolute).toBeGreaterThan(0);
    expect(groundTruth.metrics.orders.att_absolute).toBe(0);
  });

  it('propagates a quality_score effect to traffic, visits and conversion, and shows it in the rows', () => {
    const { groundTruth, metrics, products } = simulate({
      ...base,
      treatment: { ...base.treatment, metric: 'quality_score', effect: { type: 'additive', size: 0.2 } },
    });
    for (const metric of ['impressions', 'visits', 'add_to_cart', 'orders', 'revenue'] as const) {
      expect(groundTruth.metrics[metric].att_relative).toBeGreaterThan(0.05);
    }
    const quality = numbers(metrics.columns.quality_score);
    const baseQuality = numbers(products.columns.quality_score);
    expect(quality[0]).toBe(baseQuality[0]);
    expect(quality[7 * 300]).toBeCloseTo(Math.min(1, (baseQuality[0] as number) + 0.2), 10);
  });

  it('a negative effect lowers outcomes', () => {
    const { groundTruth } = simulate({
      ...base,
      treatment: { ...base.treatment, metric: 'visits', effect: { type: 'multiplicative', size: -0.3 } },
    });
    expect(groundTruth.metrics.visits.att_relative).toBeLessThan(-0.25);
    expect(groundTruth.metrics.revenue.att_absolute).toBeLessThan(0);
  });
});
