/**
 * Ratio metric (spend per visit) in a randomized experiment: 1,000 units, visits_i = 1 + Poisson(1 + 4·u_i),
 * spend_i = Σ over the unit's visits of (5 + 0.8·D_i + Gamma(2, 2) − 4), so E[spend | visits] = visits·(5 + 0.8·D)
 * and the true difference in spend per visit is 0.8 (relative lift 0.16). Checks the delta-method interval
 * of `experiment` with `ratio:` (absolute and relative) for bias and 95% coverage.
 * Run alone: npx tsx --conditions=@impact/source packages/measure/validate/experiment-ratio.validate.ts
 */
import { createTable } from '@impact/contracts';
import { ExperimentParamsSchema, experimentModel } from '../src/models/experiment';
import { normalCdf } from '../src/stats/distributions';
import { createNormal } from './dgp';
import type { ValidationRow } from './types';

const REPLICATIONS = 400;
const UNITS = 1000;

function simulate(replication: number) {
  const normal = createNormal(130_000 + replication);
  const uniform = () => normalCdf(normal());
  const poisson = (mean: number) => {
    let k = 0;
    let product = uniform();
    const limit = Math.exp(-mean);
    while (product > limit) {
      k++;
      product *= uniform();
    }
    return k;
  };
  // Gamma(2, scale 2) as the sum of two exponentials with mean 2.
  const gamma = () => -2 * Math.log(uniform()) - 2 * Math.log(uniform());
  const treated = Float64Array.from({ length: UNITS }, () => (uniform() < 0.5 ? 1 : 0));
  const visits = treated.map(() => 1 + poisson(1 + 4 * uniform()));
  const spend = visits.map((count, i) => {
    let total = 0;
    for (let v = 0; v < count; v++) total += 5 + 0.8 * (treated[i] as number) + gamma() - 4;
    return total;
  });
  return createTable({ treated, visits, spend });
}

function replicate(effectUnit: 'absolute' | 'relative', truth: number): ValidationRow {
  const params = ExperimentParamsSchema.parse({
    treatment: 'treated',
    ratio: { numerator: 'spend', denominator: 'visits' },
    effect_unit: effectUnit,
  });
  const errors: number[] = [];
  let covered = 0;
  for (let replication = 0; replication < REPLICATIONS; replication++) {
    const estimate = experimentModel.fit(simulate(replication), params, { ciLevel: 0.95, seed: replication });
    errors.push(estimate.effect_estimate - truth);
    if (estimate.ci_lower <= truth && truth <= estimate.ci_upper) covered++;
  }
  const meanError = errors.reduce((sum, value) => sum + value, 0) / REPLICATIONS;
  const sd = Math.sqrt(errors.reduce((sum, value) => sum + (value - meanError) ** 2, 0) / (REPLICATIONS - 1));
  return {
    model: 'experiment',
    design: `ratio metric spend/visits, 1,000 units, delta method, ${effectUnit}`,
    replications: REPLICATIONS,
    true_effect: truth,
    mean_estimate: truth + meanError,
    mean_bias: meanError,
    bias_se: sd / Math.sqrt(REPLICATIONS),
    coverage: covered / REPLICATIONS,
  };
}

/** Absolute difference and relative lift of spend per visit. */
export async function run(): Promise<ValidationRow[]> {
  return [replicate('absolute', 0.8), replicate('relative', 0.8 / 5)];
}

if (import.meta.url === `file://${process.argv[1]}`) {
  run().then((rows) => process.stdout.write(`${JSON.stringify(rows, null, 1)}\n`));
}
