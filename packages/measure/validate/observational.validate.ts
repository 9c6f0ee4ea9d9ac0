/**
 * Ground-truth recovery for the observational models (regression_adjustment, nearest_neighbour_matching,
 * subclassification, ipw) under selection on observables.
 *
 * Two data sources: @impact/simulate retail data with `selection` assignment (see simulatedProducts) for
 * the propensity-score estimators, and this own, documented DGP for all estimators, because the
 * simulator's heavy-tailed, multiplicative revenue makes linear outcome models misspecified (those
 * simulator rows run with `OBS_ALL=1`; numbers in docs/measure-observational.md). DGP: n = 1,000 units, X1, X2 ~ N(0, 1), X3 ~ Bernoulli(0.5);
 * P(D = 1 | X) = logistic(−0.5 + 0.8·X1 − 0.5·X2 + 0.4·X3) (≈ 41% treated; the logistic propensity model is
 * correctly specified); Y(0) = 1 + X1 + 0.5·X2 + 0.5·X3 + ε, ε ~ N(0, 1); unit effect τ(X) = 2 + 0.5·X1, so
 * ATE = 2 and ATT = 2 + 0.5·E[X1 | D = 1] (computed once by Monte Carlo on 2,000,000 draws). The naive
 * difference in means is biased upward by ≈ 0.9. Truths are the population ATE/ATT, which is what the
 * sandwich, stratified and Abadie–Imbens SEs estimate the sampling variance around.
 */
import type { Table } from '@impact/contracts';
import { simulate } from '@impact/simulate';
import type { ModelEstimate } from '../src/models/model';
import { IpwParamsSchema, ipwModel } from '../src/models/observational/ipw';
import {
  NearestNeighbourMatchingParamsSchema,
  nearestNeighbourMatchingModel,
} from '../src/models/observational/matching';
import { seededUniform } from '../src/models/observational/random';
import {
  RegressionAdjustmentParamsSchema,
  regressionAdjustmentModel,
} from '../src/models/observational/regression-adjustment';
import {
  SubclassificationParamsSchema,
  subclassificationModel,
} from '../src/models/observational/subclassification';
import { summarize } from './summary';
import type { ValidationRow } from './types';

const REPLICATIONS = 200;
const UNITS = 1000;
const base = { outcome: 'y', treatment: 'd', covariates: ['x1', 'x2', 'x3'] };
const context = (seed: number) => ({ ciLevel: 0.95, seed });

function normalSampler(uniform: () => number): () => number {
  return () => Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());
}

function draw(n: number, seed: number): Table & { columns: Record<string, Float64Array> } {
  const uniform = seededUniform(seed);
  const normal = normalSampler(uniform);
  const x1 = new Float64Array(n);
  const x2 = new Float64Array(n);
  const x3 = new Float64Array(n);
  const d = new Float64Array(n);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    x1[i] = normal();
    x2[i] = normal();
    x3[i] = uniform() < 0.5 ? 1 : 0;
    const score = -0.5 + 0.8 * (x1[i] as number) - 0.5 * (x2[i] as number) + 0.4 * (x3[i] as number);
    d[i] = uniform() < 1 / (1 + Math.exp(-score)) ? 1 : 0;
    const y0 = 1 + (x1[i] as number) + 0.5 * (x2[i] as number) + 0.5 * (x3[i] as number) + normal();
    y[i] = y0 + (d[i] as number) * (2 + 0.5 * (x1[i] as number));
  }
  return { rowCount: n, columns: { x1, x2, x3, d, y } } as Table & { columns: Record<string, Float64Array> };
}

/** Population ATT = 2 + 0.5·E[X1 | D = 1], by Monte Carlo. */
function populationAtt(): number {
  const big = draw(2_000_000, 1);
  let sum = 0;
  let count = 0;
  const { x1, d } = big.columns as { x1: Float64Array; d: Float64Array };
  for (let i = 0; i < big.rowCount; i++) {
    if (d[i] === 1) {
      sum += 2 + 0.5 * (x1[i] as number);
      count++;
    }
  }
  return sum / count;
}

const designs: {
  model: string;
  label: string;
  estimand: 'ATT' | 'ATE';
  fit: (table: Table, seed: number) => ModelEstimate;
}[] = [
  {
    model: 'regression_adjustment',
    label: 'ATE, Lin interactions, HC2',
    estimand: 'ATE',
    fit: (t, s) => regressionAdjustmentModel.fit(t, RegressionAdjustmentParamsSchema.parse(base), context(s)),
  },
  {
    model: 'regression_adjustment',
    label: 'ATT, Lin interactions, HC2',
    estimand: 'ATT',
    fit: (t, s) =>
      regressionAdjustmentModel.fit(
        t,
        RegressionAdjustmentParamsSchema.parse({ ...base, estimand: 'ATT' }),
        context(s),
      ),
  },
  {
    model: 'nearest_neighbour_matching',
    label: 'ATT, Mahalanobis 1:1 w/ repl., bias-corrected, AI SE',
    estimand: 'ATT',
    fit: (t, s) =>
      nearestNeighbourMatchingModel.fit(
        t,
        NearestNeighbourMatchingParamsSchema.parse({
          ...base,
          distance: 'mahalanobis',
          bias_correction: true,
        }),
        context(s),
      ),
  },
  {
    model: 'nearest_neighbour_matching',
    label: 'ATT, logit PS 1:1 w/ replacement, AI SE',
    estimand: 'ATT',
    fit: (t, s) =>
      nearestNeighbourMatchingModel.fit(t, NearestNeighbourMatchingParamsSchema.parse(base), context(s)),
  },
  {
    model: 'subclassification',
    label: 'ATE, 5 PS strata, within-stratum regression',
    estimand: 'ATE',
    fit: (t, s) =>
      subclassificationModel.fit(
        t,
        SubclassificationParamsSchema.parse({ ...base, adjustment: 'regression' }),
        context(s),
      ),
  },
  {
    model: 'subclassification',
    label: 'ATT, 5 PS strata, within-stratum regression',
    estimand: 'ATT',
    fit: (t, s) =>
      subclassificationModel.fit(
        t,
        SubclassificationParamsSchema.parse({ ...base, estimand: 'ATT', adjustment: 'regression' }),
        context(s),
      ),
  },
  {
    model: 'ipw',
    label: 'ATE, stabilized, M-estimation SE',
    estimand: 'ATE',
    fit: (t, s) => ipwModel.fit(t, IpwParamsSchema.parse(base), context(s)),
  },
  {
    model: 'ipw',
    label: 'ATT, M-estimation SE',
    estimand: 'ATT',
    fit: (t, s) => ipwModel.fit(t, IpwParamsSchema.parse({ ...base, estimand: 'ATT' }), context(s)),
  },
];

/**
 * Rows that do NOT meet the bar, by construction of the estimator, printed only with
 * `OBS_ALL=1 pnpm validate observational` (kept out of the default run so CI stays meaningful; the numbers
 * are reported in docs/measure-observational.md):
 * - subclassification on 5 (or 10, 20) propensity strata leaves residual confounding inside the strata
 *   (Cochran 1968: ≈ 90% of the bias removed with 5 strata), so its mean bias is many SEs from zero;
 * - Mahalanobis matching without bias correction keeps the matching-discrepancy bias (Abadie & Imbens 2006);
 * - IPW with the robust-WLS SE ignores the propensity estimation and over-covers for the ATE.
 */
const knownLimitations: typeof designs = [
  {
    model: 'subclassification',
    label: 'ATE, 5 PS strata',
    estimand: 'ATE',
    fit: (t, s) => subclassificationModel.fit(t, SubclassificationParamsSchema.parse(base), context(s)),
  },
  {
    model: 'subclassification',
    label: 'ATT, 5 PS strata',
    estimand: 'ATT',
    fit: (t, s) =>
      subclassificationModel.fit(
        t,
        SubclassificationParamsSchema.parse({ ...base, estimand: 'ATT' }),
        context(s),
      ),
  },
  {
    model: 'subclassification',
    label: 'ATE, 20 PS strata',
    estimand: 'ATE',
    fit: (t, s) =>
      subclassificationModel.fit(
        t,
        SubclassificationParamsSchema.parse({ ...base, n_strata: 20 }),
        context(s),
      ),
  },
  {
    model: 'nearest_neighbour_matching',
    label: 'ATT, Mahalanobis 1:1 w/ repl., no bias correction',
    estimand: 'ATT',
    fit: (t, s) =>
      nearestNeighbourMatchingModel.fit(
        t,
        NearestNeighbourMatchingParamsSchema.parse({ ...base, distance: 'mahalanobis' }),
        context(s),
      ),
  },
  {
    model: 'ipw',
    label: 'ATE, robust WLS (HC0) SE',
    estimand: 'ATE',
    fit: (t, s) =>
      ipwModel.fit(t, IpwParamsSchema.parse({ ...base, standard_error: 'robust_wls' }), context(s)),
  },
];

/**
 * @impact/simulate retail data: 600 products over 28 days, `selection`
 * assignment (log-odds weights popularity 1, quality 0.5, price −0.5 on standardized log traffic, quality
 * and log price; 30% treated on average), +15% multiplicative effect on conversion from day 15. One row per
 * product: post-period revenue per day (outcome), the three selection covariates, baseline traffic and
 * pre-period revenue per day. Truth: the simulator's revenue att_absolute / ate_absolute. Revenue is
 * heavy-tailed and multiplicative in the covariates, so the linear outcome models and coarse matching
 * used here are misspecified; the rows show how far that takes them (see the docs).
 */
function simulatedProducts(seed: number): { table: Table; ATT: number; ATE: number } {
  const simulation = simulate({
    seed,
    products: 600,
    start_date: '2024-01-01',
    end_date: '2024-01-28',
    treatment: {
      assignment: 'selection',
      fraction: 0.3,
      selection: { popularity: 1, quality: 0.5, price: -0.5 },
      start_date: '2024-01-15',
      metric: 'conversion',
      effect: { type: 'multiplicative', size: 0.15 },
    },
  });
  const truth = simulation.groundTruth.metrics.revenue;
  if (!truth) throw new Error('ground truth has no revenue metric');
  const { products, metrics } = simulation;
  const n = products.rowCount;
  const index = new Map((products.columns.product_id as string[]).map((id, k) => [id, k]));
  const sums = [new Float64Array(n), new Float64Array(n)];
  const days = [new Float64Array(n), new Float64Array(n)];
  const ids = metrics.columns.product_id as string[];
  const revenue = metrics.columns.revenue as Float64Array;
  const post = metrics.columns.post as Uint8Array;
  for (let r = 0; r < metrics.rowCount; r++) {
    const k = index.get(ids[r] as string) as number;
    const window = post[r] as 0 | 1;
    (sums[window] as Float64Array)[k] =
      ((sums[window] as Float64Array)[k] as number) + (revenue[r] as number);
    (days[window] as Float64Array)[k] = ((days[window] as Float64Array)[k] as number) + 1;
  }
  const perDay = (w: 0 | 1) =>
    (sums[w] as Float64Array).map((v, k) => v / ((days[w] as Float64Array)[k] as number));
  const table = {
    rowCount: n,
    columns: {
      y: perDay(1),
      revenue_pre: perDay(0),
      log_traffic: (products.columns.baseline_traffic as Float64Array).map(Math.log),
      baseline_traffic: products.columns.baseline_traffic as Float64Array,
      quality_score: products.columns.quality_score as Float64Array,
      log_price: (products.columns.price as Float64Array).map(Math.log),
      d: products.columns.treated as Uint8Array,
    },
  } as Table;
  return { table, ATT: truth.att_absolute, ATE: truth.ate_absolute };
}

/** Outcome-model covariates (regression adjustment, Mahalanobis matching): the selection variables plus outcome predictors. */
const simulatorBase = {
  outcome: 'y',
  treatment: 'd',
  covariates: ['log_traffic', 'quality_score', 'log_price', 'revenue_pre', 'baseline_traffic'],
};
/** Propensity-model covariates: exactly the variables selection depends on (the logistic model is then correct). */
const simulatorPropensity = { ...simulatorBase, covariates: ['log_traffic', 'quality_score', 'log_price'] };
const simulatorDesigns: typeof designs = [
  {
    model: 'regression_adjustment',
    label: 'ATT, Lin, HC2',
    estimand: 'ATT',
    fit: (t, s) =>
      regressionAdjustmentModel.fit(
        t,
        RegressionAdjustmentParamsSchema.parse({ ...simulatorBase, estimand: 'ATT' }),
        context(s),
      ),
  },
  {
    model: 'nearest_neighbour_matching',
    label: 'ATT, Mahalanobis, bias-corrected',
    estimand: 'ATT',
    fit: (t, s) =>
      nearestNeighbourMatchingModel.fit(
        t,
        NearestNeighbourMatchingParamsSchema.parse({
          ...simulatorBase,
          distance: 'mahalanobis',
          bias_correction: true,
        }),
        context(s),
      ),
  },
  {
    model: 'nearest_neighbour_matching',
    label: 'ATT, logit PS',
    estimand: 'ATT',
    fit: (t, s) =>
      nearestNeighbourMatchingModel.fit(
        t,
        NearestNeighbourMatchingParamsSchema.parse(simulatorPropensity),
        context(s),
      ),
  },
  {
    model: 'subclassification',
    label: 'ATE, 5 strata',
    estimand: 'ATE',
    fit: (t, s) =>
      subclassificationModel.fit(t, SubclassificationParamsSchema.parse(simulatorPropensity), context(s)),
  },
  {
    model: 'ipw',
    label: 'ATE, M-estimation',
    estimand: 'ATE',
    fit: (t, s) => ipwModel.fit(t, IpwParamsSchema.parse(simulatorPropensity), context(s)),
  },
  {
    model: 'ipw',
    label: 'ATT, M-estimation',
    estimand: 'ATT',
    fit: (t, s) =>
      ipwModel.fit(t, IpwParamsSchema.parse({ ...simulatorPropensity, estimand: 'ATT' }), context(s)),
  },
];

/**
 * In the default run: the propensity-score estimators (IPW ATE/ATT, propensity matching), whose logistic
 * model matches the simulator's selection mechanism exactly — the design they are meant for. With
 * `OBS_ALL=1` also regression adjustment, Mahalanobis matching and subclassification, whose linear outcome
 * model / coarse strata are misspecified for multiplicative, heavy-tailed revenue.
 */
function runSimulator(all: boolean): ValidationRow[] {
  const propensityModels = new Set(['ATT, logit PS', 'ATE, M-estimation', 'ATT, M-estimation']);
  const selected = simulatorDesigns.filter((design) => all || propensityModels.has(design.label));
  const results = selected.map(
    () => [] as { estimate: number; truth: number; ciLower: number; ciUpper: number }[],
  );
  for (let rep = 0; rep < REPLICATIONS; rep++) {
    const { table, ATT, ATE } = simulatedProducts(5000 + rep);
    selected.forEach((design, k) => {
      const estimate = design.fit(table, rep);
      results[k]?.push({
        estimate: estimate.effect_estimate,
        truth: design.estimand === 'ATT' ? ATT : ATE,
        ciLower: estimate.ci_lower,
        ciUpper: estimate.ci_upper,
      });
    });
  }
  return selected.map((design, k) =>
    summarize(design.model, `@impact/simulate selection, 600 products, ${design.label}`, results[k] ?? []),
  );
}

export async function run(): Promise<ValidationRow[]> {
  const rows = process.env.OBS_ALL === '1' ? [...designs, ...knownLimitations] : designs;
  const truths = { ATE: 2, ATT: populationAtt() };
  const results = rows.map(
    () => [] as { estimate: number; truth: number; ciLower: number; ciUpper: number }[],
  );
  for (let rep = 0; rep < REPLICATIONS; rep++) {
    const table = draw(UNITS, 10_000 + rep);
    rows.forEach((design, k) => {
      const estimate = design.fit(table, rep);
      results[k]?.push({
        estimate: estimate.effect_estimate,
        truth: truths[design.estimand],
        ciLower: estimate.ci_lower,
        ciUpper: estimate.ci_upper,
      });
    });
  }
  const own = rows.map((design, k) =>
    summarize(design.model, `selection on observables, n=${UNITS}, ${design.label}`, results[k] ?? []),
  );
  return [...own, ...runSimulator(process.env.OBS_ALL === '1')];
}
