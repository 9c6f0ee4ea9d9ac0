/**
 * Ground-truth recovery of `interrupted_time_series` on a documented DGP (not `@impact/simulate`, whose
 * seasonal traffic is not a linear trend): 200 daily observations from 2024-01-01, intervention on day 140,
 *   y_t = 100 + 0.05·t + 1.5·weekend_t + 2·post_t + 0.02·(t − 140)·post_t + u_t,  u_t = 0.4·u_{t−1} + ε_t, ε ~ N(0, 1),
 * fitted with weekday dummies and the default Newey–West lag. Truth = mean post-period gap
 * = 2 + 0.02·mean(0…59) = 2.59.
 * Run alone: npx tsx --conditions=@impact/source packages/measure/validate/its.validate.ts
 */
import { createTable } from '@impact/contracts';
import { InterruptedTimeSeriesParamsSchema, interruptedTimeSeriesModel } from '../src/models/its';
import { createNormal } from './dgp';
import type { ValidationRow } from './types';

const REPLICATIONS = 400;
const PERIODS = 200;
const FIRST_POST = 140;
const TRUE_EFFECT = 2 + 0.02 * ((PERIODS - FIRST_POST - 1) / 2);

/** Run the replications and summarise them as one {@link ValidationRow}. */
export async function run(): Promise<ValidationRow[]> {
  const params = InterruptedTimeSeriesParamsSchema.parse({ outcome: 'y', weekday_effects: true });
  const date = Array.from({ length: PERIODS }, (_, t) =>
    new Date(Date.UTC(2024, 0, 1 + t)).toISOString().slice(0, 10),
  );
  const weekend = date.map((iso) => (new Date(`${iso}T00:00:00Z`).getUTCDay() % 6 === 0 ? 1 : 0));
  const post = Float64Array.from({ length: PERIODS }, (_, t) => (t >= FIRST_POST ? 1 : 0));
  const errors: number[] = [];
  let covered = 0;
  for (let replication = 0; replication < REPLICATIONS; replication++) {
    const normal = createNormal(50_000 + replication);
    const y = new Float64Array(PERIODS);
    let noise = normal() / Math.sqrt(1 - 0.16);
    for (let t = 0; t < PERIODS; t++) {
      if (t > 0) noise = 0.4 * noise + normal();
      y[t] =
        100 +
        0.05 * t +
        1.5 * (weekend[t] as number) +
        (t >= FIRST_POST ? 2 + 0.02 * (t - FIRST_POST) : 0) +
        noise;
    }
    const estimate = interruptedTimeSeriesModel.fit(createTable({ date, y, post }), params, {
      ciLevel: 0.95,
      seed: replication,
    });
    errors.push(estimate.effect_estimate - TRUE_EFFECT);
    if (estimate.ci_lower <= TRUE_EFFECT && TRUE_EFFECT <= estimate.ci_upper) covered++;
  }
  const meanError = errors.reduce((sum, value) => sum + value, 0) / REPLICATIONS;
  const sd = Math.sqrt(errors.reduce((sum, value) => sum + (value - meanError) ** 2, 0) / (REPLICATIONS - 1));
  return [
    {
      model: 'interrupted_time_series',
      design:
        'own DGP: 200 days, AR(1) ρ=0.4 errors, weekend effect, level +2 & slope +0.02 from day 140; HAC default lag',
      replications: REPLICATIONS,
      true_effect: TRUE_EFFECT,
      mean_estimate: TRUE_EFFECT + meanError,
      mean_bias: meanError,
      bias_se: sd / Math.sqrt(REPLICATIONS),
      coverage: covered / REPLICATIONS,
    },
  ];
}

if (import.meta.url === `file://${process.argv[1]}`) {
  run().then((rows) => process.stdout.write(`${JSON.stringify(rows, null, 1)}\n`));
}
