import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { evaluateImpact } from '../src/evaluate';
import { getModel, listModels } from '../src/registry';

// Simulated pilot: 60 products, 6 weeks, random half treated from day 29, +30% conversion.
const simulation = {
  seed: 21,
  products: 60,
  start_date: '2024-01-01',
  end_date: '2024-02-11',
  treatment: {
    assignment: 'random',
    fraction: 0.5,
    start_date: '2024-01-29',
    metric: 'conversion',
    effect: { size: 0.3 },
  },
};
const data = { source: 'simulator', config: simulation };

describe('built-in models through evaluateImpact with the built-in transforms', () => {
  it('registers every built-in model with its model type', () => {
    const expected: Record<string, string> = {
      experiment: 'experiment',
      difference_in_differences: 'quasi-experiment',
      synthetic_control: 'quasi-experiment',
      interrupted_time_series: 'time-series',
      regression_adjustment: 'observational',
      nearest_neighbour_matching: 'observational',
      subclassification: 'observational',
      ipw: 'observational',
    };
    expect(listModels()).toEqual(expect.arrayContaining(Object.keys(expected)));
    for (const [name, modelType] of Object.entries(expected))
      expect(getModel(name).modelType).toBe(modelType);
  });

  it('difference_in_differences on the simulated product-day panel', async () => {
    const { result } = await evaluateImpact({
      config: {
        initiative_id: 'did-run',
        data,
        model: { name: 'difference_in_differences', params: { outcome: 'revenue' } },
      },
    });
    expect(result.model_type).toBe('quasi-experiment');
    expect(result.method).toBe('difference_in_differences');
    expect(result.ci_lower).toBeLessThan(result.ci_upper);
  });

  it('prepare_for_synthetic_control feeds synthetic_control (unit column "unit")', async () => {
    const { result } = await evaluateImpact({
      config: {
        initiative_id: 'sc-run',
        data: { ...data, config: { ...simulation, treatment: { ...simulation.treatment, fraction: 0.1 } } },
        transforms: [{ name: 'prepare_for_synthetic_control', metric: 'revenue' }],
        model: { name: 'synthetic_control', params: { outcome: 'revenue', unit: 'unit' } },
      },
    });
    expect(result.model_type).toBe('quasi-experiment');
    expect(result.diagnostics.pre_rmspe).toBeTypeOf('number');
  });

  it('aggregate_by_date (treated units) feeds interrupted_time_series', async () => {
    const { result } = await evaluateImpact({
      config: {
        initiative_id: 'its-run',
        data,
        transforms: [{ name: 'aggregate_by_date', metric: 'revenue', where: { treated: 1 } }],
        model: { name: 'interrupted_time_series', params: { outcome: 'revenue' } },
      },
    });
    expect(result.model_type).toBe('time-series');
    expect(result.sample_size).toBe(42);
  });
});

describe('observational models through evaluateImpact on LaLonde (file source)', () => {
  const path = fileURLToPath(new URL('./fixtures/lalonde.csv', import.meta.url));
  for (const name of ['regression_adjustment', 'nearest_neighbour_matching', 'subclassification', 'ipw']) {
    it(`${name} returns a valid observational MeasureResult`, async () => {
      const { result } = await evaluateImpact({
        config: {
          initiative_id: `lalonde-${name.replaceAll('_', '-')}`,
          data: { source: 'file', path, types: { treat: 'binary' } },
          model: {
            name,
            params: {
              outcome: 're78',
              treatment: 'treat',
              covariates: ['age', 'educ', 'married', 'nodegree', 're74', 're75'],
              categorical: ['race'],
            },
          },
        },
      });
      expect(result.model_type).toBe('observational');
      expect(result.method).toBe(name);
      expect(result.metric).toBe('re78');
    });
  }
});
