import { describe, expect, it } from 'vitest';
import { buildCalendar, SimulationConfigSchema, simulate } from '../../src/index';
import { numbers, smallExperiment } from '../helpers';

describe('simulate', () => {
  it('returns one metrics row per product and day, ordered by day then product', () => {
    const { metrics, products } = simulate(smallExperiment);
    expect(products.rowCount).toBe(60);
    expect(metrics.rowCount).toBe(60 * 28);
    const ids = metrics.columns.product_id as string[];
    const dates = metrics.columns.date as string[];
    const days = numbers(metrics.columns.day);
    expect(ids.slice(0, 60)).toEqual(products.columns.product_id);
    expect(dates[0]).toBe('2024-03-04');
    expect(dates[60]).toBe('2024-03-05');
    expect(dates.at(-1)).toBe('2024-03-31');
    expect(days[59]).toBe(0);
    expect(days[60]).toBe(1);
  });

  it('keeps the funnel ordered: orders ≤ add_to_cart ≤ visits ≤ impressions and units ≥ orders', () => {
    const { metrics } = simulate({ ...smallExperiment, products: 150 });
    const c = metrics.columns;
    const impressions = numbers(c.impressions);
    const visits = numbers(c.visits);
    const carts = numbers(c.add_to_cart);
    const orders = numbers(c.orders);
    const units = numbers(c.units);
    for (let row = 0; row < metrics.rowCount; row += 1) {
      expect(visits[row]).toBeLessThanOrEqual(impressions[row] as number);
      expect(carts[row]).toBeLessThanOrEqual(visits[row] as number);
      expect(orders[row]).toBeLessThanOrEqual(carts[row] as number);
      expect(units[row]).toBeGreaterThanOrEqual(orders[row] as number);
      expect(Number.isInteger(impressions[row])).toBe(true);
    }
    expect(orders.reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
  });

  it('records revenue = price × units on every row (the row price is the realized unit price)', () => {
    const { metrics } = simulate({
      ...smallExperiment,
      treatment: {
        ...smallExperiment.treatment,
        metric: 'revenue',
        effect: { type: 'multiplicative', size: 0.1 },
      },
    });
    const price = numbers(metrics.columns.price);
    const units = numbers(metrics.columns.units);
    const revenue = numbers(metrics.columns.revenue);
    let total = 0;
    let expected = 0;
    for (let row = 0; row < metrics.rowCount; row += 1) {
      expect(revenue[row]).toBeCloseTo((price[row] as number) * (units[row] as number), 6);
      total += revenue[row] as number;
      expected += (price[row] as number) * (units[row] as number);
    }
    expect(Math.abs(total - expected)).toBeLessThan(1e-6 * expected + 0.01 * metrics.rowCount);
  });

  it('marks post and enriched from the treatment start date', () => {
    const { metrics, products } = simulate(smallExperiment);
    const dates = metrics.columns.date as string[];
    const post = numbers(metrics.columns.post);
    const treated = numbers(metrics.columns.treated);
    const enriched = numbers(metrics.columns.enriched);
    const productTreated = numbers(products.columns.treated);
    for (let row = 0; row < metrics.rowCount; row += 1) {
      expect(post[row]).toBe((dates[row] as string) >= '2024-03-18' ? 1 : 0);
      expect(treated[row]).toBe(productTreated[row % 60]);
      expect(enriched[row]).toBe((treated[row] as number) * (post[row] as number));
    }
  });

  it('treats nothing without a treatment section and records zero effects', () => {
    const { metrics, groundTruth } = simulate({
      products: 20,
      start_date: '2024-01-01',
      end_date: '2024-01-10',
    });
    expect(numbers(metrics.columns.treated).every((v) => v === 0)).toBe(true);
    expect(numbers(metrics.columns.post).every((v) => v === 0)).toBe(true);
    expect(groundTruth.assignment).toBe('none');
    expect(groundTruth.treatment_start).toBeNull();
    expect(groundTruth.metrics.revenue.att_absolute).toBe(0);
  });

  it('shows the configured weekday pattern in mean impressions', () => {
    const weekday = [0.7, 0.8, 0.9, 1, 1.1, 1.3, 1.5];
    const { metrics } = simulate({
      seed: 5,
      products: 300,
      start_date: '2024-01-01',
      end_date: '2024-03-31',
      seasonality: { weekday, day_noise: 0 },
    });
    const dates = metrics.columns.date as string[];
    const impressions = numbers(metrics.columns.impressions);
    const sums = new Array(7).fill(0);
    const counts = new Array(7).fill(0);
    for (let row = 0; row < metrics.rowCount; row += 1) {
      const day = (new Date(`${dates[row]}T00:00:00Z`).getUTCDay() + 6) % 7;
      sums[day] += impressions[row] as number;
      counts[day] += 1;
    }
    const means = sums.map((s, i) => s / counts[i]);
    const overall = means.reduce((a, b) => a + b, 0) / 7;
    const meanMultiplier = weekday.reduce((a, b) => a + b, 0) / 7;
    for (let day = 0; day < 7; day += 1) {
      expect((means[day] as number) / overall).toBeCloseTo((weekday[day] as number) / meanMultiplier, 1);
    }
    expect(means[6]).toBeGreaterThan((means[0] as number) * 1.8);
  });
});

describe('funnel model', () => {
  it('matches the documented rates: E[impressions] = baseline × day factor, orders/visits = conversion_propensity', () => {
    const config = { seed: 21, products: 400, start_date: '2024-04-01', end_date: '2024-04-28' };
    const { metrics, products } = simulate(config);
    const calendar = buildCalendar(SimulationConfigSchema.parse(config));
    const baseline = numbers(products.columns.baseline_traffic);
    const propensity = numbers(products.columns.conversion_propensity);
    const impressions = numbers(metrics.columns.impressions);
    const visits = numbers(metrics.columns.visits);
    const orders = numbers(metrics.columns.orders);
    const n = 400;
    let expectedImpressions = 0;
    let observedImpressions = 0;
    let visitWeightedPropensity = 0;
    let totalOrders = 0;
    for (let row = 0; row < metrics.rowCount; row += 1) {
      const product = row % n;
      expectedImpressions +=
        (baseline[product] as number) * (calendar.trafficFactors[Math.floor(row / n)] as number);
      observedImpressions += impressions[row] as number;
      visitWeightedPropensity += (visits[row] as number) * (propensity[product] as number);
      totalOrders += orders[row] as number;
    }
    // Product-day noise has mean 1, so totals agree up to sampling error (well under 2 % here).
    expect(observedImpressions / expectedImpressions).toBeGreaterThan(0.98);
    expect(observedImpressions / expectedImpressions).toBeLessThan(1.02);
    expect(totalOrders / visitWeightedPropensity).toBeGreaterThan(0.95);
    expect(totalOrders / visitWeightedPropensity).toBeLessThan(1.05);
  });
});
