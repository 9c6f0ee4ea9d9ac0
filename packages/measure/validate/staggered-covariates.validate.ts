/**
 * Ground-truth recovery of `did_staggered` with covariates on a staggered roll-out where parallel trends hold
 * only conditional on a covariate. 300 units × 6 periods; cohorts of 100 units first treated in periods 3 and
 * 5, 100 never treated; the covariate differs by cohort and drives the trend:
 *   x_i | G = g ~ N(μ_g, 1), μ_3 = 0.5, μ_5 = 0.25, μ_never = −0.25 (so P(G = g | x) is exactly a logit),
 *   y_it = α_i + 0.3·t + 0.5·x_i·t + τ_g(t − g)·1{t ≥ g} + ε_it,  α_i ~ N(0, 1), ε_it AR(1) (ρ = 0.5, sd 1),
 *   τ_g(e) = s_g·(1 + 0.5·e), s_3 = 1.2, s_5 = 0.8.
 * Truth: the simple ATT (cohort sizes are fixed, so the share weights are known) and, for the uniform band,
 * every event-time effect (0 before treatment: conditional parallel trends hold there too). Rows: the simple
 * ATT by dr and reg with `covariates: [x]` (gated) and ipw (printed: its O(1/n) bias is ≈ 2 bias SEs here), the dr dynamic-effect band with not-yet-treated
 * controls (gated), and — printed, not gated — the unconditional estimator on the same panels, which the file
 * requires to be visibly biased (> 3 bias SEs).
 * Run alone: npx tsx --conditions=@impact/source packages/measure/validate/staggered-covariates.validate.ts
 */
import { createTable, type Table } from '@impact/contracts';
import { estimateStaggeredDid, StaggeredDidParamsSchema } from '../src/models/staggered/model';
import { createNormal } from './dgp';
import { summarize } from './summary';
import type { ValidationRow } from './types';

const REPLICATIONS = 400;
const PERIODS = 6;
const COHORTS = [3, 5] as const;
const PER_GROUP = 100;
const MEAN_X: Record<number, number> = { 3: 0.5, 5: 0.25, 0: -0.25 };
const SCALE: Record<number, number> = { 3: 1.2, 5: 0.8 };

const effect = (g: number, e: number) => (e >= 0 ? (SCALE[g] as number) * (1 + 0.5 * e) : 0);

function simulatePanel(seed: number): Table {
  const normal = createNormal(seed);
  const unit: string[] = [];
  const period: number[] = [];
  const y: number[] = [];
  const first: number[] = [];
  const x: number[] = [];
  const cohorts = [...COHORTS, 0].flatMap((g) => Array<number>(PER_GROUP).fill(g));
  cohorts.forEach((g, i) => {
    const covariate = (MEAN_X[g] as number) + normal();
    const alpha = normal();
    let noise = normal() / Math.sqrt(1 - 0.25);
    for (let t = 1; t <= PERIODS; t++) {
      if (t > 1) noise = 0.5 * noise + normal();
      unit.push(`u${i}`);
      period.push(t);
      first.push(g);
      x.push(covariate);
      const treatment = g > 0 ? effect(g, t - g) : 0;
      y.push(alpha + 0.3 * t + 0.5 * covariate * t + treatment + noise * Math.sqrt(0.75));
    }
  });
  return createTable({
    unit,
    period: Float64Array.from(period),
    y: Float64Array.from(y),
    first: Float64Array.from(first),
    x: Float64Array.from(x),
  });
}

/** Simple ATT (equal cohort sizes: the mean of τ over post cells) and each event-time effect. */
function truths(): { simple: number; byEventTime: Map<number, number> } {
  let sum = 0;
  let cells = 0;
  for (const g of COHORTS)
    for (let t = g; t <= PERIODS; t++) {
      sum += effect(g, t - g);
      cells++;
    }
  const byEventTime = new Map<number, number>();
  for (let e = -(PERIODS - 2); e <= PERIODS - COHORTS[0]; e++) {
    const present = COHORTS.filter((g) => g + e >= 2 && g + e <= PERIODS);
    if (present.length > 0)
      byEventTime.set(e, present.reduce((total, g) => total + effect(g, e), 0) / present.length);
  }
  return { simple: sum / cells, byEventTime };
}

type Replications = Parameters<typeof summarize>[2];

/** Run the replications and summarise them as {@link ValidationRow}s. */
export async function run(): Promise<ValidationRow[]> {
  const truth = truths();
  const base = { outcome: 'y', unit: 'unit', time: 'period', group: 'first', bootstrap_replications: 0 };
  const methods = ['dr', 'reg', 'ipw'] as const;
  const byMethod: Record<(typeof methods)[number], Replications> = { dr: [], reg: [], ipw: [] };
  const unconditional: Replications = [];
  const band: Replications = [];
  for (let replication = 0; replication < REPLICATIONS; replication++) {
    const table = simulatePanel(70_000 + replication);
    const context = { ciLevel: 0.95, seed: replication };
    for (const method of methods) {
      const fit = estimateStaggeredDid(
        table,
        StaggeredDidParamsSchema.parse({ ...base, covariates: ['x'], est_method: method }),
        context,
      );
      byMethod[method].push({
        estimate: fit.effect_estimate,
        truth: truth.simple,
        ciLower: fit.ci_lower,
        ciUpper: fit.ci_upper,
      });
    }
    const plain = estimateStaggeredDid(table, StaggeredDidParamsSchema.parse(base), context);
    unconditional.push({
      estimate: plain.effect_estimate,
      truth: truth.simple,
      ciLower: plain.ci_lower,
      ciUpper: plain.ci_upper,
    });
    const dynamic = estimateStaggeredDid(
      table,
      StaggeredDidParamsSchema.parse({
        ...base,
        covariates: ['x'],
        control_group: 'not_yet_treated',
        aggregation: 'dynamic',
        bootstrap_replications: 499,
      }),
      context,
    );
    const rows = dynamic.details.dynamic as { event_time: number; band_lower: number; band_upper: number }[];
    const allCovered = rows.every((row) => {
      const value = truth.byEventTime.get(row.event_time) as number;
      return row.band_lower <= value && value <= row.band_upper;
    });
    band.push({
      estimate: dynamic.effect_estimate,
      truth: [...truth.byEventTime]
        .filter(([e]) => e >= 0)
        .reduce((s, [, v], _, all) => s + v / all.length, 0),
      ciLower: allCovered ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY,
      ciUpper: allCovered ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY,
    });
  }
  const unconditionalRow = {
    ...summarize(
      'did_staggered (no covariates)',
      'same panels, unconditional parallel trends (violated: trends depend on x); simple ATT',
      unconditional,
    ),
    expectation: 'known_undercoverage' as const,
  };
  if (!(Math.abs(unconditionalRow.mean_bias) > 3 * unconditionalRow.bias_se))
    throw new Error(
      `the unconditional estimator was expected to be biased here, bias ${unconditionalRow.mean_bias} (SE ${unconditionalRow.bias_se})`,
    );
  const design = '300 units × 6 periods, cohorts 3/5 + never, selection on x, x-dependent trends';
  return [
    summarize('did_staggered', `${design}; covariates: [x], est_method: dr, simple ATT`, byMethod.dr),
    summarize('did_staggered', `same; est_method: reg, simple ATT`, byMethod.reg),
    {
      ...summarize('did_staggered', `same; est_method: ipw, simple ATT`, byMethod.ipw),
      // Measured: bias 0.016 (2.0 SE) at 100 units per group, 0.0045 (1.1 SE) at 400: an O(1/n) bias.
      not_gated:
        'normalised IPW has an O(1/n) finite-sample bias from the estimated odds weights (≈1% of the effect at 300 units, a quarter of that at 1200); coverage is nominal',
    },
    summarize(
      'did_staggered',
      'same; dr, not-yet-treated; uniform band covers every event-time effect (499 multiplier draws)',
      band,
    ),
    unconditionalRow,
  ];
}

if (import.meta.url === `file://${process.argv[1]}`) {
  run().then((rows) => process.stdout.write(`${JSON.stringify(rows, null, 1)}\n`));
}
