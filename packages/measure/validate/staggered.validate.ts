/**
 * Ground-truth recovery of `did_staggered` on a documented staggered roll-out with heterogeneous, growing
 * effects (the simulator has a single treatment start). 200 units × 8 periods; cohorts of 50 units first
 * treated in periods 3, 5 and 7, 50 never treated:
 *   y_it = α_i + λ_t + τ_g(t − g)·1{t ≥ g} + ε_it,  α_i ~ N(0, 1), λ_t = 0.3·t + N(0, 0.5²) (shared),
 *   ε_it AR(1) within unit (ρ = 0.5, sd 1),  τ_g(e) = s_g·(1 + e)·0.4 with s_3 = 1.5, s_5 = 1, s_7 = 0.5.
 * Truths are the population aggregations of τ (cohort sizes are fixed). Rows: the simple ATT with never-treated
 * controls, the dynamic ATT with not-yet-treated controls, the simultaneous coverage of the multiplier-
 * bootstrap uniform band over every event time (pre-periods included, truth 0), and — printed, not gated — the
 * TWFE coefficient with CR1 errors, which the Goodman-Bacon decomposition shows is pulled towards zero by
 * later-vs-earlier comparisons. The file throws unless TWFE is visibly biased (> 3 bias SEs).
 * Run alone: npx tsx --conditions=@impact/source packages/measure/validate/staggered.validate.ts
 */
import { createTable, type Table } from '@impact/contracts';
import { estimateStaggeredDid, StaggeredDidParamsSchema } from '../src/models/staggered/model';
import { studentTQuantile } from '../src/stats/distributions';
import { fitOls } from '../src/stats/ols';
import { createNormal } from './dgp';
import { summarize } from './summary';
import type { ValidationRow } from './types';

const REPLICATIONS = 400;
const PERIODS = 8;
const COHORTS = [3, 5, 7] as const;
const SCALE: Record<number, number> = { 3: 1.5, 5: 1, 7: 0.5 };
const PER_COHORT = 50;
const NEVER = 50;

const effect = (g: number, e: number) => (e >= 0 ? (SCALE[g] as number) * (1 + e) * 0.4 : 0);

function simulatePanel(seed: number): Table {
  const normal = createNormal(seed);
  const periodEffect = Array.from({ length: PERIODS + 1 }, (_, t) => 0.3 * t + 0.5 * normal());
  const unit: string[] = [];
  const period: number[] = [];
  const y: number[] = [];
  const first: number[] = [];
  const cohorts = [
    ...COHORTS.flatMap((g) => Array<number>(PER_COHORT).fill(g)),
    ...Array<number>(NEVER).fill(0),
  ];
  cohorts.forEach((g, i) => {
    const alpha = normal();
    let noise = normal() / Math.sqrt(1 - 0.25);
    for (let t = 1; t <= PERIODS; t++) {
      if (t > 1) noise = 0.5 * noise + normal();
      unit.push(`u${i}`);
      period.push(t);
      first.push(g);
      y.push(alpha + (periodEffect[t] as number) + (g > 0 ? effect(g, t - g) : 0) + noise * Math.sqrt(0.75));
    }
  });
  return createTable({
    unit,
    period: Float64Array.from(period),
    y: Float64Array.from(y),
    first: Float64Array.from(first),
  });
}

/** Population aggregations of τ: simple (cohort-share weighted over post cells) and dynamic (mean over e ≥ 0). */
function truths(): { simple: number; byEventTime: Map<number, number>; dynamic: number } {
  let numerator = 0;
  let denominator = 0;
  const byEventTime = new Map<number, number>();
  for (let e = -(PERIODS - 2); e <= PERIODS - COHORTS[0]; e++) {
    const cohorts = COHORTS.filter((g) => g + e >= 2 && g + e <= PERIODS);
    if (cohorts.length > 0)
      byEventTime.set(e, cohorts.reduce((sum, g) => sum + effect(g, e), 0) / cohorts.length);
  }
  for (const g of COHORTS)
    for (let t = g; t <= PERIODS; t++) {
      numerator += effect(g, t - g);
      denominator += 1;
    }
  const post = [...byEventTime].filter(([e]) => e >= 0).map(([, value]) => value);
  return {
    simple: numerator / denominator,
    byEventTime,
    dynamic: post.reduce((a, b) => a + b, 0) / post.length,
  };
}

/** TWFE y ~ D + unit + period FE by two-way demeaning (balanced), CR1 by unit, t with G − 1 df. */
function twfe(table: Table): { estimate: number; ciLower: number; ciUpper: number } {
  const y = table.columns.y as Float64Array;
  const period = table.columns.period as Float64Array;
  const first = table.columns.first as Float64Array;
  const n = y.length;
  const units = n / PERIODS;
  const d = Float64Array.from(period, (t, i) =>
    (first[i] as number) > 0 && t >= (first[i] as number) ? 1 : 0,
  );
  const demean = (x: Float64Array) => {
    const unitMean = new Float64Array(units);
    const periodMean = new Float64Array(PERIODS);
    let grand = 0;
    for (let i = 0; i < n; i++) {
      const u = Math.floor(i / PERIODS);
      unitMean[u] = (unitMean[u] as number) + (x[i] as number) / PERIODS;
      periodMean[i % PERIODS] = (periodMean[i % PERIODS] as number) + (x[i] as number) / units;
      grand += (x[i] as number) / n;
    }
    return x.map(
      (v, i) =>
        v - (unitMean[Math.floor(i / PERIODS)] as number) - (periodMean[i % PERIODS] as number) + grand,
    );
  };
  const clusters = Int32Array.from({ length: n }, (_, i) => Math.floor(i / PERIODS));
  const fit = fitOls({
    design: { n, p: 1, columns: [demean(d)], names: ['D'] },
    y: demean(y),
    covariance: { type: 'cluster', clusters },
  });
  const se = (fit.standardErrors[0] as number) * Math.sqrt((n - 1) / (n - 1 - units - PERIODS + 1));
  const critical = studentTQuantile(0.975, units - 1);
  const estimate = fit.coefficients[0] as number;
  return { estimate, ciLower: estimate - critical * se, ciUpper: estimate + critical * se };
}

/** Run the replications and summarise them as {@link ValidationRow}s. */
export async function run(): Promise<ValidationRow[]> {
  const truth = truths();
  const simple: Parameters<typeof summarize>[2] = [];
  const dynamic: Parameters<typeof summarize>[2] = [];
  const band: Parameters<typeof summarize>[2] = [];
  const twfeRows: Parameters<typeof summarize>[2] = [];
  const base = { outcome: 'y', unit: 'unit', time: 'period', group: 'first' };
  for (let replication = 0; replication < REPLICATIONS; replication++) {
    const table = simulatePanel(50_000 + replication);
    const context = { ciLevel: 0.95, seed: replication };
    const never = estimateStaggeredDid(
      table,
      StaggeredDidParamsSchema.parse({ ...base, bootstrap_replications: 0 }),
      context,
    );
    simple.push({
      estimate: never.effect_estimate,
      truth: truth.simple,
      ciLower: never.ci_lower,
      ciUpper: never.ci_upper,
    });
    const notYet = estimateStaggeredDid(
      table,
      StaggeredDidParamsSchema.parse({
        ...base,
        control_group: 'not_yet_treated',
        aggregation: 'dynamic',
        bootstrap_replications: 499,
      }),
      context,
    );
    dynamic.push({
      estimate: notYet.effect_estimate,
      truth: truth.dynamic,
      ciLower: notYet.ci_lower,
      ciUpper: notYet.ci_upper,
    });
    const eventRows = notYet.details.dynamic as {
      event_time: number;
      band_lower: number;
      band_upper: number;
    }[];
    const allCovered = eventRows.every((row) => {
      const value = truth.byEventTime.get(row.event_time) as number;
      return row.band_lower <= value && value <= row.band_upper;
    });
    // Simultaneous coverage as a 0/1 "interval" around the dynamic estimate.
    band.push({
      estimate: notYet.effect_estimate,
      truth: truth.dynamic,
      ciLower: allCovered ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY,
      ciUpper: allCovered ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY,
    });
    const twoWay = twfe(table);
    if (Math.abs(twoWay.estimate - (never.diagnostics.twfe_estimate as number)) > 1e-9)
      throw new Error('TWFE by demeaning disagrees with the Bacon decomposition diagnostic');
    twfeRows.push({ ...twoWay, truth: truth.simple });
  }
  const twfeRow = {
    ...summarize(
      'TWFE (for comparison)',
      'same roll-outs; y ~ D + unit + period FE, CR1; truth = simple ATT',
      twfeRows,
    ),
    expectation: 'known_undercoverage' as const,
  };
  if (!(Math.abs(twfeRow.mean_bias) > 3 * twfeRow.bias_se))
    throw new Error(
      `TWFE was expected to be biased on this design, bias ${twfeRow.mean_bias} (SE ${twfeRow.bias_se})`,
    );
  return [
    summarize(
      'did_staggered',
      '200 units × 8 periods, cohorts 3/5/7 + never, growing effects; simple ATT, never-treated',
      simple,
    ),
    summarize('did_staggered', 'same; dynamic ATT (mean over e ≥ 0), not-yet-treated controls', dynamic),
    summarize(
      'did_staggered',
      'same; uniform band covers every event-time effect (499 multiplier draws)',
      band,
    ),
    twfeRow,
  ];
}

if (import.meta.url === `file://${process.argv[1]}`) {
  run().then((rows) => process.stdout.write(`${JSON.stringify(rows, null, 1)}\n`));
}
