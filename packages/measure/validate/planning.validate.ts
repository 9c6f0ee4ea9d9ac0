/**
 * planPilot checked by simulation: each design is sized for a target MDE and 80% power, then simulated at the
 * planned size with the true effect = MDE and measured by the real model. The file throws unless the experiment's
 * empirical power is within 3 Monte-Carlo SEs of the planned power, and the Monte-Carlo SD of the DiD (ITS)
 * estimate is within 5% (7%) of the planned standard error (the DiD model's CR1 convention is conservative, see
 * didRow; ITS inference is HAC). Rows report bias and 95% CI coverage of each model at the
 * planned size (gated as usual); the planned vs empirical power is printed to stderr and in the design column.
 * - experiment: y = 1 + 2·(ρ·x + √(1 − ρ²)·u) + δ·D, x the pre-period metric, ρ² = 0.4; CUPED on x; HC1.
 * - did: y_it = α_i + λ_t + δ·D_it + ε_it, ICC 0.5 (σ = 1), ε AR(1) ρ = 0.5, 6 pre and 4 post periods; TWFE CR1.
 * - its: y_t = 10 + 0.05·t + δ·post + ε_t (δ = 2), ε AR(1) ρ = 0.3 (σ = 1), 40 pre periods, post period planned.
 * Run alone: npx tsx --conditions=@impact/source packages/measure/validate/planning.validate.ts
 */
import { createTable } from '@impact/contracts';
import { DifferenceInDifferencesParamsSchema, differenceInDifferencesModel } from '../src/models/did';
import { ExperimentParamsSchema, experimentModel } from '../src/models/experiment';
import { InterruptedTimeSeriesParamsSchema, interruptedTimeSeriesModel } from '../src/models/its';
import { planPilot } from '../src/planning/plan-pilot';
import { createNormal } from './dgp';
import { summarize } from './summary';
import type { ValidationRow } from './types';

const REPLICATIONS = 1000;

function checkPower(label: string, planned: number, rejections: number): string {
  const empirical = rejections / REPLICATIONS;
  const mcSe = Math.sqrt((planned * (1 - planned)) / REPLICATIONS);
  const text = `${label}: planned power ${planned.toFixed(3)}, empirical ${empirical.toFixed(3)} (MC SE ${mcSe.toFixed(3)})`;
  process.stderr.write(`planning.validate.ts: ${text}\n`);
  if (Math.abs(empirical - planned) > 3 * mcSe) throw new Error(`planPilot ${text}`);
  return `power planned ${planned.toFixed(3)} / empirical ${empirical.toFixed(3)}`;
}

function monteCarloSd(reps: { estimate: number }[]): number {
  const mean = reps.reduce((sum, rep) => sum + rep.estimate, 0) / reps.length;
  return Math.sqrt(reps.reduce((sum, rep) => sum + (rep.estimate - mean) ** 2, 0) / (reps.length - 1));
}

function experimentRow(): ValidationRow {
  const mde = 0.25;
  const plan = planPilot({ design: 'experiment', mde, sd: 2, cuped_r_squared: 0.4 });
  const params = ExperimentParamsSchema.parse({ outcome: 'y', treatment: 'd', pre_period_metric: 'x' });
  const rho = Math.sqrt(0.4);
  const nTreated = plan.n_treated as number;
  const n = plan.units as number;
  const reps: Parameters<typeof summarize>[2] = [];
  let rejections = 0;
  for (let r = 0; r < REPLICATIONS; r++) {
    const normal = createNormal(300_000 + r);
    const x = Float64Array.from({ length: n }, () => normal());
    const d = Float64Array.from({ length: n }, (_, i) => (i < nTreated ? 1 : 0));
    const y = x.map(
      (xi, i) => 1 + 2 * (rho * xi + Math.sqrt(1 - rho * rho) * normal()) + mde * (d[i] as number),
    );
    const estimate = experimentModel.fit(createTable({ x, d, y }), params, { ciLevel: 0.95, seed: r });
    reps.push({
      estimate: estimate.effect_estimate,
      truth: mde,
      ciLower: estimate.ci_lower,
      ciUpper: estimate.ci_upper,
    });
    if (estimate.p_value < 0.05) rejections++;
  }
  const power = checkPower(`experiment (CUPED ρ² = 0.4, n = ${n})`, plan.power, rejections);
  return summarize('planPilot → experiment', `mde 0.25, sd 2, CUPED ρ² 0.4 → n = ${n}; ${power}`, reps);
}

function didRow(): ValidationRow {
  const mde = 0.2;
  const plan = planPilot({
    design: 'did',
    mde,
    sd: 1,
    icc: 0.5,
    autocorrelation: 0.5,
    pre_periods: 6,
    post_periods: 4,
  });
  const units = plan.units as number;
  const nTreated = plan.n_treated as number;
  const periods = 10;
  const params = DifferenceInDifferencesParamsSchema.parse({
    outcome: 'y',
    unit: 'unit',
    time: 't',
    treated: 'g',
    post: 'post',
  });
  const reps: Parameters<typeof summarize>[2] = [];
  let rejections = 0;
  for (let r = 0; r < REPLICATIONS; r++) {
    const normal = createNormal(400_000 + r);
    const periodEffect = Array.from({ length: periods }, () => normal());
    const rows = units * periods;
    const unit = new Float64Array(rows);
    const t = new Float64Array(rows);
    const g = new Float64Array(rows);
    const post = new Float64Array(rows);
    const y = new Float64Array(rows);
    for (let u = 0; u < units; u++) {
      const alpha = Math.sqrt(0.5) * normal();
      let e = normal();
      for (let s = 0; s < periods; s++) {
        if (s > 0) e = 0.5 * e + Math.sqrt(0.75) * normal();
        const i = u * periods + s;
        unit[i] = u;
        t[i] = s;
        g[i] = u < nTreated ? 1 : 0;
        post[i] = s >= 6 ? 1 : 0;
        y[i] =
          alpha +
          (periodEffect[s] as number) +
          Math.sqrt(0.5) * e +
          mde * (g[i] as number) * (post[i] as number);
      }
    }
    const estimate = differenceInDifferencesModel.fit(createTable({ unit, t, g, post, y }), params, {
      ciLevel: 0.95,
      seed: r,
    });
    reps.push({
      estimate: estimate.effect_estimate,
      truth: mde,
      ciLower: estimate.ci_lower,
      ciUpper: estimate.ci_upper,
    });
    if (estimate.p_value < 0.05) rejections++;
  }
  // Gate on the estimator's spread: the model's CR1 counts the unit effects nested in the clusters in K
  // (statsmodels/Stata-with-dummies convention), which inflates its SE by √((N−1)/(N−K)) ≈ 1.06 here, so its
  // rejection rate is below the planned power by design of that convention, not of the plan.
  const sd = monteCarloSd(reps);
  const ratio = sd / plan.standard_error;
  const empirical = rejections / REPLICATIONS;
  process.stderr.write(
    `planning.validate.ts: did (ICC 0.5, AR(1) 0.5, ${units} units): planned SE ${plan.standard_error.toFixed(4)}, Monte-Carlo SD ${sd.toFixed(4)} (ratio ${ratio.toFixed(3)}); planned power ${plan.power.toFixed(3)}, model's empirical power ${empirical.toFixed(3)} (CR1 with K incl. unit effects)\n`,
  );
  if (Math.abs(ratio - 1) > 0.05)
    throw new Error(`planPilot DiD standard error off by ${((ratio - 1) * 100).toFixed(1)}%`);
  return summarize(
    'planPilot → difference_in_differences',
    `mde 0.2, ICC 0.5, ρ 0.5, 6+4 periods → ${units} units; SE planned ${plan.standard_error.toFixed(4)} / MC ${sd.toFixed(4)}; power planned ${plan.power.toFixed(2)} / model ${empirical.toFixed(2)}`,
    reps,
  );
}

function itsRow(): ValidationRow {
  const mde = 2;
  const plan = planPilot({ design: 'its', mde, sd: 1, autocorrelation: 0.3, pre_periods: 40 });
  const post = plan.post_periods as number;
  const n = 40 + post;
  const params = InterruptedTimeSeriesParamsSchema.parse({ outcome: 'y', time: 't', post: 'post' });
  const reps: Parameters<typeof summarize>[2] = [];
  for (let r = 0; r < REPLICATIONS; r++) {
    const normal = createNormal(500_000 + r);
    let e = normal();
    const t = Float64Array.from({ length: n }, (_, s) => s);
    const postColumn = t.map((s) => (s >= 40 ? 1 : 0));
    const y = t.map((s) => {
      if (s > 0) e = 0.3 * e + Math.sqrt(1 - 0.09) * normal();
      return 10 + 0.05 * s + mde * (postColumn[s] as number) + e;
    });
    const estimate = interruptedTimeSeriesModel.fit(createTable({ t, post: postColumn, y }), params, {
      ciLevel: 0.95,
      seed: r,
    });
    reps.push({
      estimate: estimate.effect_estimate,
      truth: mde,
      ciLower: estimate.ci_lower,
      ciUpper: estimate.ci_upper,
    });
  }
  const sd = monteCarloSd(reps);
  const ratio = sd / plan.standard_error;
  process.stderr.write(
    `planning.validate.ts: its (AR(1) 0.3, 40 pre → ${post} post): planned SE ${plan.standard_error.toFixed(4)}, Monte-Carlo SD ${sd.toFixed(4)} (ratio ${ratio.toFixed(3)})\n`,
  );
  if (Math.abs(ratio - 1) > 0.07)
    throw new Error(`planPilot ITS standard error off by ${((ratio - 1) * 100).toFixed(1)}%`);
  return {
    ...summarize(
      'planPilot → interrupted_time_series',
      `mde 2, AR(1) 0.3, 40 pre → ${post} post; SE planned ${plan.standard_error.toFixed(3)} / MC ${sd.toFixed(3)}`,
      reps,
    ),
    not_gated:
      'checks the planned SE (gated in this file); the CI coverage is the ITS model’s HAC inference at a short post period, gated in its own validation files',
  };
}

/** Run the three designs. */
export async function run(): Promise<ValidationRow[]> {
  return [experimentRow(), didRow(), itsRow()];
}

if (import.meta.url === `file://${process.argv[1]}`) {
  run().then((rows) => process.stdout.write(`${JSON.stringify(rows, null, 1)}\n`));
}
