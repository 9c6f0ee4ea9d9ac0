/**
 * Ground-truth recovery for `experiment` on @impact/simulate data: randomized assignment of half the
 * products, a multiplicative effect on conversion starting mid-period, outcome = post-period revenue per
 * product-day (aggregate_by_product, window post). Truth per replication = the simulator's
 * ate_absolute for revenue (mean over all products × post days of Y1 − Y0): with random assignment the
 * difference in means targets it (ate_relative for the relative-lift row). Each replication draws a new catalog (seed), so the estimator's
 * sampling variance is the one its robust SE estimates.
 */
import { simulate } from '@impact/simulate';
import { ExperimentParamsSchema, experimentModel } from '../src/models/experiment';
import { joinProductCovariates } from '../src/sources/simulator';
import {
  AggregateByProductParamsSchema,
  aggregateByProductTransform,
} from '../src/transforms/builtin-transforms';
import { summarize } from './summary';
import type { ValidationRow } from './types';

const REPLICATIONS = 200;

const designs = [
  { label: 'diff in means, HC1', params: { formula: 'revenue ~ treated' } },
  {
    label: 'OLS + covariates, HC3',
    params: { formula: 'revenue ~ treated + price + quality_score + C(category)', covariance: 'HC3' },
  },
  {
    label: 'CUPED (pre revenue), HC1',
    params: { formula: 'revenue ~ treated', pre_period_metric: 'revenue_pre' },
  },
  {
    label: 'relative lift (delta method), HC1',
    params: { formula: 'revenue ~ treated', effect_unit: 'relative' },
  },
] as const;

export async function run(): Promise<ValidationRow[]> {
  const results = designs.map(
    () => [] as { estimate: number; truth: number; ciLower: number; ciUpper: number }[],
  );
  for (let rep = 0; rep < REPLICATIONS; rep++) {
    const simulation = simulate({
      seed: 1000 + rep,
      products: 400,
      start_date: '2024-01-01',
      end_date: '2024-01-28',
      treatment: {
        assignment: 'random',
        fraction: 0.5,
        start_date: '2024-01-15',
        metric: 'conversion',
        effect: { type: 'multiplicative', size: 0.15 },
      },
    });
    const revenueTruth = simulation.groundTruth.metrics.revenue;
    if (revenueTruth === undefined) throw new Error('ground truth has no revenue metric');
    const panel = joinProductCovariates(simulation.metrics, simulation.products);
    const table = aggregateByProductTransform.apply(
      panel,
      AggregateByProductParamsSchema.parse({ metric: 'revenue', window: 'post' }),
    );
    designs.forEach((design, k) => {
      const estimate = experimentModel.fit(table, ExperimentParamsSchema.parse(design.params), {
        ciLevel: 0.95,
        seed: rep,
      });
      const truth =
        estimate.effect_unit === 'relative' ? revenueTruth.ate_relative : revenueTruth.ate_absolute;
      results[k]?.push({
        estimate: estimate.effect_estimate,
        truth,
        ciLower: estimate.ci_lower,
        ciUpper: estimate.ci_upper,
      });
    });
  }
  return designs.map((design, k) =>
    summarize('experiment', `RCT 400 products, ${design.label}`, results[k] ?? []),
  );
}
