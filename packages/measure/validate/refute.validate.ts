/**
 * False alarms of the refutation stage on sound designs: a refuter should rarely fail when nothing is wrong.
 * - DiD placebo treatment date: 60 units × 10 periods (treated from period 6, effect 1, unit effects, AR(1)
 *   ρ = 0.3 errors), placebo start 3 periods before the real one on the pre-period data. Truth of the placebo
 *   effect = 0; "coverage" = share of runs where it is not rejected (meant to be ≈ 95%).
 * - Experiment placebo outcome: 400 units, an outcome unrelated to the treatment; same reading.
 * The file throws when data_subset or random_common_cause fail in more than 2% of the sound experiments.
 * Run alone: npx tsx --conditions=@impact/source packages/measure/validate/refute.validate.ts
 */
import { createTable, type Table } from '@impact/contracts';
import { evaluateImpact } from '../src/evaluate';
import { createNormal } from './dgp';
import { summarize } from './summary';
import type { ValidationRow } from './types';

const REPLICATIONS = 400;

function panel(seed: number): Table {
  const normal = createNormal(seed);
  const rows = {
    unit: [] as number[],
    t: [] as number[],
    g: [] as number[],
    post: [] as number[],
    y: [] as number[],
  };
  const shocks = Array.from({ length: 10 }, () => normal());
  for (let u = 0; u < 60; u++) {
    const g = u % 2;
    const alpha = normal();
    let e = normal();
    for (let t = 0; t < 10; t++) {
      if (t > 0) e = 0.3 * e + Math.sqrt(1 - 0.09) * normal();
      rows.unit.push(u);
      rows.t.push(t);
      rows.g.push(g);
      rows.post.push(t >= 6 ? 1 : 0);
      rows.y.push(alpha + (shocks[t] as number) + g * (t >= 6 ? 1 : 0) + e);
    }
  }
  return createTable(Object.fromEntries(Object.entries(rows).map(([k, v]) => [k, Float64Array.from(v)])));
}

function experiment(seed: number): Table {
  const normal = createNormal(seed);
  const n = 400;
  const d = Float64Array.from({ length: n }, (_, i) => i % 2);
  const x = Float64Array.from({ length: n }, () => normal());
  const y = x.map((xi, i) => xi + 0.3 * (d[i] as number) + normal());
  const unrelated = Float64Array.from({ length: n }, () => Math.exp(normal()));
  return createTable({ d, x, y, unrelated });
}

const flag = (estimate: number, rejected: boolean) => ({
  estimate,
  truth: 0,
  ciLower: rejected ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY,
  ciUpper: rejected ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY,
});

/** Run both designs. */
export async function run(): Promise<ValidationRow[]> {
  const placeboDate: Parameters<typeof summarize>[2] = [];
  for (let r = 0; r < REPLICATIONS; r++) {
    const { result } = await evaluateImpact({
      data: panel(600_000 + r),
      config: {
        initiative_id: 'refute-validate',
        seed: r,
        model: {
          name: 'difference_in_differences',
          params: { outcome: 'y', unit: 'unit', time: 't', treated: 'g', post: 'post' },
        },
        refute: { placebo_treatment_date: { periods_before: 3 } },
      },
    });
    const p = result.diagnostics.refute_placebo_date_p_value as number;
    placeboDate.push(flag(result.diagnostics.refute_placebo_date_estimate as number, p < 0.05));
  }
  const placeboOutcome: Parameters<typeof summarize>[2] = [];
  let subsetFailures = 0;
  let commonCauseFailures = 0;
  for (let r = 0; r < REPLICATIONS; r++) {
    const { result } = await evaluateImpact({
      data: experiment(700_000 + r),
      config: {
        initiative_id: 'refute-validate',
        seed: r,
        model: { name: 'experiment', params: { outcome: 'y', treatment: 'd', covariates: ['x'] } },
        refute: {
          placebo_outcome: { outcome: 'unrelated' },
          random_common_cause: { replications: 3 },
          data_subset: { replications: 10 },
        },
      },
    });
    const p = result.diagnostics.refute_placebo_outcome_p_value as number;
    placeboOutcome.push(flag(result.diagnostics.refute_placebo_outcome_estimate as number, p < 0.05));
    const failed = String(result.diagnostics.refutation_failed ?? '');
    if (failed.includes('data_subset')) subsetFailures++;
    if (failed.includes('random_common_cause')) commonCauseFailures++;
  }
  process.stderr.write(
    `refute.validate.ts: sound experiments (${REPLICATIONS}): data_subset failed ${subsetFailures}, random_common_cause failed ${commonCauseFailures}\n`,
  );
  if (subsetFailures > 0.02 * REPLICATIONS || commonCauseFailures > 0.02 * REPLICATIONS)
    throw new Error(
      `false alarms: data_subset ${subsetFailures}, random_common_cause ${commonCauseFailures} of ${REPLICATIONS}`,
    );
  return [
    summarize(
      'refute: placebo_treatment_date',
      'DiD 60 units × 10 periods, AR(1) 0.3, placebo 3 periods early; not rejected (truth 0)',
      placeboDate,
    ),
    summarize(
      'refute: placebo_outcome',
      'experiment n = 400, unrelated lognormal outcome; not rejected (truth 0)',
      placeboOutcome,
    ),
  ];
}

if (import.meta.url === `file://${process.argv[1]}`) {
  run().then((rows) => process.stdout.write(`${JSON.stringify(rows, null, 1)}\n`));
}
