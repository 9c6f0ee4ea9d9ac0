import { describe, expect, it } from 'vitest';
import { generateCatalog } from '../../src/catalog/catalog';
import { SimulationConfigSchema, simulate } from '../../src/index';
import { treatmentProbabilities } from '../../src/treatment/assignment';
import { numbers } from '../helpers';

function correlation(x: number[], y: number[]): number {
  const n = x.length;
  const mx = x.reduce((a, b) => a + b, 0) / n;
  const my = y.reduce((a, b) => a + b, 0) / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i += 1) {
    sxy += ((x[i] as number) - mx) * ((y[i] as number) - my);
    sxx += ((x[i] as number) - mx) ** 2;
    syy += ((y[i] as number) - my) ** 2;
  }
  return sxy / Math.sqrt(sxx * syy);
}

describe('treatment assignment', () => {
  it('random assignment treats about `fraction` of products, independently of covariates', () => {
    const { products } = simulate({
      products: 4000,
      start_date: '2024-01-01',
      end_date: '2024-01-02',
      treatment: { fraction: 0.3 },
    });
    const treated = numbers(products.columns.treated);
    const share = treated.reduce((a, b) => a + b, 0) / treated.length;
    expect(Math.abs(share - 0.3)).toBeLessThan(4 * Math.sqrt((0.3 * 0.7) / 4000));
    expect(
      Math.abs(correlation(treated, numbers(products.columns.baseline_traffic).map(Math.log))),
    ).toBeLessThan(0.06);
  });

  it('selection assignment solves the intercept so the mean probability equals `fraction`', () => {
    const config = SimulationConfigSchema.parse({
      products: 3000,
      treatment: { assignment: 'selection', fraction: 0.2, selection: { popularity: 1.5, quality: -1 } },
    });
    const catalog = generateCatalog(config);
    const probabilities = treatmentProbabilities(catalog, config.treatment!);
    const mean = probabilities.reduce((a, b) => a + b, 0) / probabilities.length;
    expect(mean).toBeCloseTo(0.2, 10);
  });

  it('selection on popularity and low quality treats popular, low-quality products more often', () => {
    const { products, groundTruth } = simulate({
      products: 3000,
      start_date: '2024-01-01',
      end_date: '2024-01-14',
      treatment: { assignment: 'selection', fraction: 0.3, selection: { popularity: 1, quality: -1 } },
    });
    const treated = numbers(products.columns.treated);
    expect(correlation(treated, numbers(products.columns.baseline_traffic).map(Math.log))).toBeGreaterThan(
      0.2,
    );
    expect(correlation(treated, numbers(products.columns.quality_score))).toBeLessThan(-0.1);
    // Popular products gain more revenue from a multiplicative effect, so ATT > ATE.
    expect(groundTruth.metrics.revenue.att_absolute).toBeGreaterThan(
      groundTruth.metrics.revenue.ate_absolute,
    );
  });

  it('`all` treats every product', () => {
    const { groundTruth } = simulate({ products: 50, treatment: { assignment: 'all', fraction: 0.1 } });
    expect(groundTruth.n_treated).toBe(50);
  });
});
