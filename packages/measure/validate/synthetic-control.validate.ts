/**
 * Ground-truth recovery of `synthetic_control` on a documented factor-model DGP (not `@impact/simulate`: the
 * placebo test's validity rests on exchangeable units, which an averaged treated series of simulated products
 * is not). 40 units × 40 periods (30 pre, 10 post):
 *   y_it = 50 + μ_i + λ_i1·f_1t + λ_i2·f_2t + ε_it,  μ_i ~ N(0, 2²), λ ~ N(1, 0.5²), f_kt random walks N(0, 1)
 *   steps, ε ~ N(0, 1); the treated unit is drawn at random and gets +τ = 3 in every post period.
 * Truth = τ. Interval = inversion of the placebo RMSPE-ratio test (exact level under exchangeability).
 * Run alone: npx tsx --conditions=@impact/source packages/measure/validate/synthetic-control.validate.ts
 */
import { createTable } from '@impact/contracts';
import { SyntheticControlParamsSchema, syntheticControlModel } from '../src/models/synthetic-control';
import { createNormal } from './dgp';
import type { ValidationRow } from './types';

const REPLICATIONS = 400;
const UNITS = 40;
const PERIODS = 40;
const FIRST_POST = 30;
const EFFECT = 3;

/** Run the replications and summarise them as one {@link ValidationRow}. */
export async function run(): Promise<ValidationRow[]> {
  const params = SyntheticControlParamsSchema.parse({ outcome: 'y', unit: 'unit', time: 'period' });
  const errors: number[] = [];
  let covered = 0;
  for (let replication = 0; replication < REPLICATIONS; replication++) {
    const normal = createNormal(1_000 + replication);
    const factors = [new Float64Array(PERIODS), new Float64Array(PERIODS)];
    for (const factor of factors)
      for (let t = 1; t < PERIODS; t++) factor[t] = (factor[t - 1] as number) + normal();
    const treatedUnit = Math.floor(((normal() + 10) * 1e6) % UNITS);
    const n = UNITS * PERIODS;
    const unit: string[] = new Array(n);
    const period = new Float64Array(n);
    const y = new Float64Array(n);
    const treated = new Float64Array(n);
    const post = new Float64Array(n);
    for (let u = 0; u < UNITS; u++) {
      const level = 50 + 2 * normal();
      const loading1 = 1 + 0.5 * normal();
      const loading2 = 1 + 0.5 * normal();
      for (let t = 0; t < PERIODS; t++) {
        const row = u * PERIODS + t;
        unit[row] = `u${u}`;
        period[row] = t;
        treated[row] = u === treatedUnit ? 1 : 0;
        post[row] = t >= FIRST_POST ? 1 : 0;
        y[row] =
          level +
          loading1 * (factors[0]?.[t] as number) +
          loading2 * (factors[1]?.[t] as number) +
          normal() +
          (u === treatedUnit && t >= FIRST_POST ? EFFECT : 0);
      }
    }
    const estimate = syntheticControlModel.fit(createTable({ unit, period, y, treated, post }), params, {
      ciLevel: 0.95,
      seed: replication,
    });
    errors.push(estimate.effect_estimate - EFFECT);
    if (estimate.ci_lower <= EFFECT && EFFECT <= estimate.ci_upper) covered++;
  }
  const meanError = errors.reduce((sum, value) => sum + value, 0) / REPLICATIONS;
  const sd = Math.sqrt(errors.reduce((sum, value) => sum + (value - meanError) ** 2, 0) / (REPLICATIONS - 1));
  return [
    {
      model: 'synthetic_control',
      design:
        'factor model (own DGP), 1 random treated of 40 units, 30 pre / 10 post periods, +3 additive; placebo-inversion CI',
      replications: REPLICATIONS,
      true_effect: EFFECT,
      mean_estimate: EFFECT + meanError,
      mean_bias: meanError,
      bias_se: sd / Math.sqrt(REPLICATIONS),
      coverage: covered / REPLICATIONS,
    },
  ];
}

if (import.meta.url === `file://${process.argv[1]}`) {
  run().then((rows) => process.stdout.write(`${JSON.stringify(rows, null, 1)}\n`));
}
