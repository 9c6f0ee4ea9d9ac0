import { describe, expect, it } from 'vitest';
import { DifferenceInDifferencesParamsSchema, differenceInDifferencesModel } from '../../src/models/did';
import { InterruptedTimeSeriesParamsSchema, interruptedTimeSeriesModel } from '../../src/models/its';
import { SyntheticControlParamsSchema, syntheticControlModel } from '../../src/models/synthetic-control';
import {
  AggregateByDateParamsSchema,
  aggregateByDateTransform,
  PrepareForSyntheticControlParamsSchema,
  prepareForSyntheticControlTransform,
} from '../../src/transforms/builtin-transforms';
import { simulateRetailPanel } from './simulated-panel';

// One simulated retail panel: 60 products × 60 days, 40% enriched from day 40, revenue × 1.2.
const simulation = simulateRetailPanel(7);
const truth = simulation.groundTruth.metrics.revenue?.att_absolute as number;
const context = { ciLevel: 0.95, seed: 1 };

describe('panel models on @impact/simulate output and the built-in transforms', () => {
  it('difference_in_differences reads the simulator metrics table with its default column names', () => {
    const estimate = differenceInDifferencesModel.fit(
      simulation.metrics,
      DifferenceInDifferencesParamsSchema.parse({}),
      context,
    );
    expect(estimate.diagnostics.n_treated).toBe(simulation.groundTruth.n_treated);
    expect(estimate.diagnostics.balanced_panel).toBe(true);
    expect(estimate.ci_lower).toBeLessThan(truth);
    expect(estimate.ci_upper).toBeGreaterThan(truth);
    expect(estimate.diagnostics.pretrend_p_value).toBeGreaterThan(0);
  });

  it('synthetic_control runs on prepare_for_synthetic_control output (one averaged treated series)', () => {
    const prepared = prepareForSyntheticControlTransform.apply(
      simulation.metrics,
      PrepareForSyntheticControlParamsSchema.parse({ metric: 'revenue' }),
    );
    const estimate = syntheticControlModel.fit(
      prepared,
      SyntheticControlParamsSchema.parse({ unit: 'unit' }),
      context,
    );
    expect(estimate.diagnostics.n_treated).toBe(1);
    expect(estimate.diagnostics.n_control).toBe(60 - simulation.groundTruth.n_treated);
    const weights = Object.values(estimate.details.weights as Record<string, number>);
    expect(weights.reduce((sum, w) => sum + w, 0)).toBeCloseTo(1, 10);
    expect(Math.min(...weights)).toBeGreaterThanOrEqual(0);
    expect(estimate.effect_estimate).toBeGreaterThan(0);
  });

  it('interrupted_time_series runs on aggregate_by_date output of the treated products', () => {
    const daily = aggregateByDateTransform.apply(
      simulation.metrics,
      AggregateByDateParamsSchema.parse({ metric: 'revenue', where: { treated: 1 } }),
    );
    const estimate = interruptedTimeSeriesModel.fit(
      daily,
      InterruptedTimeSeriesParamsSchema.parse({ weekday_effects: true }),
      context,
    );
    expect(estimate.diagnostics.n_pre_periods).toBe(40);
    expect(estimate.diagnostics.n_post_periods).toBe(20);
    expect((estimate.details.counterfactual as unknown[]).length).toBe(20);
    expect(estimate.ci_lower).toBeLessThanOrEqual(estimate.effect_estimate);
  });
});
