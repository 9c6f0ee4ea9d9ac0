import type { Table } from '@impact/contracts';
import { z } from 'zod';
import { MeasureError } from '../../errors';
import { fitOls } from '../../stats/ols';
import { defineModel, type ModelEstimate } from '../model';
import {
  balanceSummary,
  checkOverlap,
  fitPropensity,
  observationalBaseShape,
  observationalEstimate,
  readObservationalData,
} from './common';

/**
 * Parameters of `subclassification` (strict: unknown keys are rejected).
 *
 * @example
 * ```ts
 * const params = SubclassificationParamsSchema.parse({ outcome: 're78', treatment: 'treat', covariates: ['age', 'educ'] });
 * ```
 */
export const SubclassificationParamsSchema = z.strictObject({
  ...observationalBaseShape,
  estimand: z.enum(['ATE', 'ATT']).default('ATE'),
  /** Number of propensity-score strata (quantile bins). */
  n_strata: z.int().min(2).max(100).default(5),
  /**
   * `none` (default): within-stratum difference in means. `regression`: within each stratum, the treatment
   * coefficient of OLS on an intercept, the treatment and the covariates, with its HC2 variance — removes
   * the confounding left inside coarse strata (Imbens & Rubin 2015, ch. 17). Every retained stratum then
   * needs more rows than covariates + 2.
   */
  adjustment: z.enum(['none', 'regression']).default('none'),
});
/** Parameters of `subclassification` (parsed). */
export type SubclassificationParams = z.output<typeof SubclassificationParamsSchema>;

/** Quantile with R's default type 7 (linear interpolation between order statistics); `sorted` ascending. */
function quantile7(sorted: Float64Array, probability: number): number {
  const position = (sorted.length - 1) * probability;
  const lower = Math.floor(position);
  const upper = Math.min(lower + 1, sorted.length - 1);
  const fraction = position - lower;
  return (sorted[lower] as number) + fraction * ((sorted[upper] as number) - (sorted[lower] as number));
}

/** One propensity-score stratum's summary. */
export interface Stratum {
  stratum: number;
  lower: number;
  upper: number;
  n_treated: number;
  n_control: number;
  mean_treated: number;
  mean_control: number;
  var_treated: number;
  var_control: number;
  weight: number;
  /** Within-stratum effect (difference in means, or regression-adjusted); NaN for dropped strata. */
  effect: number;
  effect_variance: number;
  dropped: boolean;
}

/** Treatment coefficient and its HC2 variance from OLS of the outcome on [1, D, X] within one stratum. */
function stratumRegression(
  covariates: Float64Array[],
  treatment: Uint8Array,
  outcome: Float64Array,
  stratumOf: Int32Array,
  stratum: number,
  treatmentName: string,
): { effect: number; variance: number } {
  const rows: number[] = [];
  for (let i = 0; i < stratumOf.length; i++) if (stratumOf[i] === stratum) rows.push(i);
  const p = covariates.length + 2;
  if (rows.length <= p) {
    throw new MeasureError(
      'DATA_TOO_FEW_ROWS',
      `propensity stratum ${stratum + 1} has ${rows.length} rows, too few for a regression on ${p} terms; use fewer strata or adjustment: none`,
      { parameter: 'n_strata' },
    );
  }
  const pick = (column: ArrayLike<number>) => Float64Array.from(rows, (row) => column[row] as number);
  const fit = fitOls({
    design: {
      n: rows.length,
      p,
      columns: [new Float64Array(rows.length).fill(1), pick(treatment), ...covariates.map(pick)],
      names: ['(Intercept)', treatmentName, ...covariates.map((_, j) => `x${j}`)],
    },
    y: pick(outcome),
    covariance: { type: 'HC2' },
  });
  return { effect: fit.coefficients[1] as number, variance: (fit.standardErrors[1] as number) ** 2 };
}

/**
 * `subclassification`: stratify on the estimated logistic propensity score into `n_strata` bins cut at its
 * quantiles (R type 7) among all rows (ATE) or treated rows (ATT) — MatchIt's `method = "subclass"`
 * convention; rows beyond the outer cut points join the first/last stratum. Within stratum s the effect is
 * the difference in means ȳ₁ₛ − ȳ₀ₛ; the estimate is Σₛ wₛ(ȳ₁ₛ − ȳ₀ₛ) with wₛ = nₛ/N (ATE) or
 * n₁ₛ/N₁ (ATT), renormalized over the retained strata. Strata lacking treated or control rows are dropped
 * and reported (`strata_dropped`, `rows_dropped`). With `adjustment: regression` the within-stratum effect is
 * the treatment coefficient of a within-stratum OLS on the covariates and its variance the HC2 one.
 * SE (default): √Σₛ wₛ²(s²₁ₛ/n₁ₛ + s²₀ₛ/n₀ₛ) from within-stratum
 * sample variances (a group with one row in a stratum borrows that group's pooled within-stratum
 * variance), treating the strata and the score as fixed; normal reference distribution.
 *
 * @example
 * ```ts
 * const estimate = subclassificationModel.fit(table, SubclassificationParamsSchema.parse({ outcome: 're78', treatment: 'treat', covariates: ['age', 'educ'] }), { ciLevel: 0.95, seed: 0 });
 * ```
 */
export const subclassificationModel = defineModel<SubclassificationParams>({
  name: 'subclassification',
  modelType: 'observational',
  paramsSchema: SubclassificationParamsSchema as unknown as z.ZodType<SubclassificationParams>,
  fit(table: Table, params: SubclassificationParams, context): ModelEstimate {
    const data = readObservationalData(table, params);
    const { n, treatment, outcome } = data;
    const scores = fitPropensity(data, params.treatment).probabilities;
    checkOverlap(scores, treatment, params.treatment);
    const basis = Float64Array.from(
      Array.from(scores).filter((_, i) => params.estimand === 'ATE' || treatment[i] === 1),
    ).sort();
    const k = params.n_strata;
    const cuts = Array.from({ length: k + 1 }, (_, j) => quantile7(basis, j / k));
    const stratumOf = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const score = scores[i] as number;
      let s = 0;
      while (s < k - 1 && score >= (cuts[s + 1] as number)) s++;
      stratumOf[i] = s;
    }
    const count = [new Float64Array(k), new Float64Array(k)];
    const sum = [new Float64Array(k), new Float64Array(k)];
    for (let i = 0; i < n; i++) {
      const g = treatment[i] as 0 | 1;
      const s = stratumOf[i] as number;
      (count[g] as Float64Array)[s] = ((count[g] as Float64Array)[s] as number) + 1;
      (sum[g] as Float64Array)[s] = ((sum[g] as Float64Array)[s] as number) + (outcome[i] as number);
    }
    const mean = [0, 1].map((g) =>
      (sum[g] as Float64Array).map((v, s) => v / ((count[g] as Float64Array)[s] as number)),
    );
    const squares = [new Float64Array(k), new Float64Array(k)];
    for (let i = 0; i < n; i++) {
      const g = treatment[i] as 0 | 1;
      const s = stratumOf[i] as number;
      const deviation = (outcome[i] as number) - ((mean[g] as Float64Array)[s] as number);
      (squares[g] as Float64Array)[s] = ((squares[g] as Float64Array)[s] as number) + deviation * deviation;
    }
    const retained = Array.from(
      { length: k },
      (_, s) => (count[0] as Float64Array)[s]! > 0 && (count[1] as Float64Array)[s]! > 0,
    );
    // Pooled within-stratum variance per group, for groups with a single row in some stratum.
    const pooled = [0, 1].map((g) => {
      let ss = 0;
      let df = 0;
      for (let s = 0; s < k; s++) {
        const c = (count[g] as Float64Array)[s] as number;
        if (retained[s] && c > 1) {
          ss += (squares[g] as Float64Array)[s] as number;
          df += c - 1;
        }
      }
      return df > 0 ? ss / df : 0;
    });
    let total = 0;
    for (let s = 0; s < k; s++) {
      if (!retained[s]) continue;
      total +=
        params.estimand === 'ATE'
          ? ((count[0] as Float64Array)[s] as number) + ((count[1] as Float64Array)[s] as number)
          : ((count[1] as Float64Array)[s] as number);
    }
    if (total === 0) {
      throw new MeasureError(
        'DATA_EMPTY_GROUP',
        `no overlap: no propensity-score stratum has both treated and control rows (treatment column "${params.treatment}")`,
        { column: params.treatment },
      );
    }
    let estimate = 0;
    let variance = 0;
    const strata: Stratum[] = [];
    let rowsDropped = 0;
    for (let s = 0; s < k; s++) {
      const n1 = (count[1] as Float64Array)[s] as number;
      const n0 = (count[0] as Float64Array)[s] as number;
      const v1 = n1 > 1 ? ((squares[1] as Float64Array)[s] as number) / (n1 - 1) : (pooled[1] as number);
      const v0 = n0 > 1 ? ((squares[0] as Float64Array)[s] as number) / (n0 - 1) : (pooled[0] as number);
      const weight = retained[s] ? (params.estimand === 'ATE' ? n0 + n1 : n1) / total : 0;
      let effect = Number.NaN;
      let effectVariance = Number.NaN;
      if (retained[s]) {
        if (params.adjustment === 'regression') {
          const adjusted = stratumRegression(
            data.covariates,
            treatment,
            outcome,
            stratumOf,
            s,
            params.treatment,
          );
          effect = adjusted.effect;
          effectVariance = adjusted.variance;
        } else {
          effect = ((mean[1] as Float64Array)[s] as number) - ((mean[0] as Float64Array)[s] as number);
          effectVariance = v1 / n1 + v0 / n0;
        }
        estimate += weight * effect;
        variance += weight * weight * effectVariance;
      } else rowsDropped += n0 + n1;
      strata.push({
        stratum: s + 1,
        lower: cuts[s] as number,
        upper: cuts[s + 1] as number,
        n_treated: n1,
        n_control: n0,
        mean_treated: n1 > 0 ? ((mean[1] as Float64Array)[s] as number) : Number.NaN,
        mean_control: n0 > 0 ? ((mean[0] as Float64Array)[s] as number) : Number.NaN,
        var_treated: v1,
        var_control: v0,
        weight,
        effect,
        effect_variance: effectVariance,
        dropped: !retained[s],
      });
    }
    // Subclassification weights for balance: ATE nₛ/n_gₛ; ATT treated 1, control n₁ₛ/n₀ₛ; dropped strata 0.
    const weights = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const s = stratumOf[i] as number;
      if (!retained[s]) continue;
      const g = treatment[i] as 0 | 1;
      const n1 = (count[1] as Float64Array)[s] as number;
      const n0 = (count[0] as Float64Array)[s] as number;
      const groupCount = g === 1 ? n1 : n0;
      weights[i] = params.estimand === 'ATE' ? (n0 + n1) / groupCount : g === 1 ? 1 : n1 / n0;
    }
    const balance = balanceSummary(data, weights);
    const droppedStrata = strata.filter((s) => s.dropped).map((s) => s.stratum);
    return observationalEstimate(estimate, Math.sqrt(variance), {
      ciLevel: context.ciLevel,
      sampleSize: n - rowsDropped,
      metric: params.outcome,
      diagnostics: {
        n_treated: data.nTreated,
        n_control: data.nControl,
        estimand: params.estimand,
        n_strata: k,
        adjustment: params.adjustment,
        strata_dropped: droppedStrata,
        rows_dropped: rowsDropped,
        max_abs_smd_before: balance.maxBefore,
        max_abs_smd_after: balance.maxAfter,
      },
      details: {
        strata,
        balance: balance.table,
        propensity_scores: Array.from(scores),
        weights: Array.from(weights),
        treatment: Array.from(data.treatment),
      },
    });
  },
});
