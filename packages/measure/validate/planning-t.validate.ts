/**
 * planPilot's noncentral-t sizing (`test: t`) checked by simulation at a small sample, where the z sizing
 * falls short. Design: y = 1 + u + δ·D, u ~ N(0, 1), δ = MDE = 1.5 (effect size 1.5), half the units treated,
 * read by the experiment model with classical standard errors (the pooled two-sample t-test, df = n − 2).
 * The t plan (n = 18) must deliver its planned power within 3 Monte-Carlo SEs; the z plan (n = 14) claims
 * ≥ 80% power and the file throws unless its empirical power is more than 3 MC SEs below that claim. The row
 * reports bias and 95% CI coverage at the t-planned size.
 * Run alone: npx tsx --conditions=@impact/source packages/measure/validate/planning-t.validate.ts
 */
import { createTable } from '@impact/contracts';
import { ExperimentParamsSchema, experimentModel } from '../src/models/experiment';
import { planPilot } from '../src/planning/plan-pilot';
import { createNormal } from './dgp';
import { summarize } from './summary';
import type { ValidationRow } from './types';

const REPLICATIONS = 4000;
const MDE = 1.5;

/** Simulate `REPLICATIONS` experiments of n units (the first nTreated treated) and fit each. */
function simulate(n: number, nTreated: number, seed: number) {
  const params = ExperimentParamsSchema.parse({ outcome: 'y', treatment: 'd', covariance: 'classical' });
  const reps: Parameters<typeof summarize>[2] = [];
  let rejections = 0;
  for (let r = 0; r < REPLICATIONS; r++) {
    const normal = createNormal(seed + r);
    const d = Float64Array.from({ length: n }, (_, i) => (i < nTreated ? 1 : 0));
    const y = d.map((treated) => 1 + normal() + MDE * treated);
    const estimate = experimentModel.fit(createTable({ d, y }), params, { ciLevel: 0.95, seed: r });
    reps.push({
      estimate: estimate.effect_estimate,
      truth: MDE,
      ciLower: estimate.ci_lower,
      ciUpper: estimate.ci_upper,
    });
    if (estimate.p_value < 0.05) rejections++;
  }
  return { reps, power: rejections / REPLICATIONS };
}

const mcSe = (power: number) => Math.sqrt((power * (1 - power)) / REPLICATIONS);

/** Run both plans and summarise the t-planned one as a {@link ValidationRow}. */
export async function run(): Promise<ValidationRow[]> {
  const spec = { design: 'experiment' as const, mde: MDE, sd: 1 };
  const tPlan = planPilot({ ...spec, test: 't' });
  const zPlan = planPilot(spec);
  const t = simulate(tPlan.units as number, tPlan.n_treated as number, 900_000);
  const z = simulate(zPlan.units as number, zPlan.n_treated as number, 950_000);
  const tText = `t plan n = ${tPlan.units}: planned power ${tPlan.power.toFixed(3)}, empirical ${t.power.toFixed(3)} (MC SE ${mcSe(tPlan.power).toFixed(3)})`;
  const zText = `z plan n = ${zPlan.units}: claimed power ${zPlan.power.toFixed(3)}, empirical ${z.power.toFixed(3)}`;
  process.stderr.write(`planning-t.validate.ts: ${tText}; ${zText}\n`);
  if (Math.abs(t.power - tPlan.power) > 3 * mcSe(tPlan.power)) throw new Error(`planPilot test t: ${tText}`);
  if (!(zPlan.power - z.power > 3 * mcSe(zPlan.power)))
    throw new Error(`planPilot z sizing was expected to fall short at this n: ${zText}`);
  return [
    summarize(
      'planPilot (test: t) → experiment',
      `mde 1.5, sd 1, classical t; t plan n = ${tPlan.units}: power ${tPlan.power.toFixed(3)} planned / ${t.power.toFixed(3)} empirical; z plan n = ${zPlan.units}: ${zPlan.power.toFixed(3)} claimed / ${z.power.toFixed(3)} empirical`,
      t.reps,
    ),
  ];
}

if (import.meta.url === `file://${process.argv[1]}`) {
  run().then((rows) => process.stdout.write(`${JSON.stringify(rows, null, 1)}\n`));
}
