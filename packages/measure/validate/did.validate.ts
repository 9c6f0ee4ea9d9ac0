/**
 * Ground-truth recovery of `difference_in_differences` on `@impact/simulate` panels: products randomly
 * assigned to enrichment (revenue × 1.1 from the treatment start), daily product-level revenue with shared
 * day shocks and product-day noise (serially correlated within product through product popularity), so
 * standard errors are clustered by product. Truth = the simulator's `att_absolute` for revenue (mean over
 * treated products × post days of Y1 − Y0, per product-day).
 * Run alone: npx tsx --conditions=@impact/source packages/measure/validate/did.validate.ts
 */
import { simulate } from '@impact/simulate';
import { DifferenceInDifferencesParamsSchema, differenceInDifferencesModel } from '../src/models/did';
import type { ValidationRow } from './types';

const REPLICATIONS = 500;

/** Run the replications and summarise them as one {@link ValidationRow}. */
export async function run(): Promise<ValidationRow[]> {
  const params = DifferenceInDifferencesParamsSchema.parse({
    outcome: 'revenue',
    unit: 'product_id',
    time: 'date',
    treated: 'treated',
    post: 'post',
  });
  const estimates: number[] = [];
  const truths: number[] = [];
  let covered = 0;
  for (let replication = 0; replication < REPLICATIONS; replication++) {
    const simulation = simulate({
      seed: 10_000 + replication,
      products: 200,
      start_date: '2024-01-01',
      end_date: '2024-02-29',
      treatment: {
        assignment: 'random',
        fraction: 0.5,
        start_date: '2024-02-10',
        metric: 'revenue',
        effect: { type: 'multiplicative', size: 0.1 },
      },
    });
    const truth = simulation.groundTruth.metrics.revenue?.att_absolute as number;
    const estimate = differenceInDifferencesModel.fit(simulation.metrics, params, {
      ciLevel: 0.95,
      seed: replication,
    });
    estimates.push(estimate.effect_estimate - truth);
    truths.push(truth);
    if (estimate.ci_lower <= truth && truth <= estimate.ci_upper) covered++;
  }
  const meanTruth = truths.reduce((sum, value) => sum + value, 0) / REPLICATIONS;
  const meanError = estimates.reduce((sum, value) => sum + value, 0) / REPLICATIONS;
  const sd = Math.sqrt(
    estimates.reduce((sum, value) => sum + (value - meanError) ** 2, 0) / (REPLICATIONS - 1),
  );
  return [
    {
      model: 'difference_in_differences',
      design: '200 products × 60 days, random 50% enriched from day 40, revenue ×1.1; TWFE, CR1 by product',
      replications: REPLICATIONS,
      true_effect: meanTruth,
      mean_estimate: meanTruth + meanError,
      mean_bias: meanError,
      bias_se: sd / Math.sqrt(REPLICATIONS),
      coverage: covered / REPLICATIONS,
    },
  ];
}

if (import.meta.url === `file://${process.argv[1]}`) {
  run().then((rows) => process.stdout.write(`${JSON.stringify(rows, null, 1)}\n`));
}
