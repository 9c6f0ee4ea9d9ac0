import type { Table } from '@impact/contracts';
import { z } from 'zod';
import { binaryColumn, numericColumn } from '../data/columns';
import { MeasureError } from '../errors';
import {
  type CovarianceSpec,
  coefficientInference,
  fitOls,
  inferenceFromEstimate,
  type OlsFit,
  waldTest,
} from '../stats/ols';
import {
  defineModel,
  estimateFromInference,
  type JsonValue,
  type ModelContext,
  type ModelEstimate,
} from './model';
import { refuseConstantOutcome } from './outcome-checks';
import { fitBalancedGroupTimeOls } from './panel/balanced-group-time-ols';
import { encodeFactor } from './panel/codes';
import { isBalancedPanel, withinTransform } from './panel/within';

/**
 * Parameters of the `difference_in_differences` model (YAML `model.params`).
 *
 * @example
 * ```ts
 * DifferenceInDifferencesParamsSchema.parse({ outcome: 'fte', unit: 'id', time: 'wave', treated: 'nj', post: 'after' });
 * ```
 */
export const DifferenceInDifferencesParamsSchema = z
  .object({
    /** Outcome column (per unit-period). */
    outcome: z.string().min(1).default('revenue'),
    /** Unit id column; standard errors are clustered on it. */
    unit: z.string().min(1).default('product_id'),
    /** Period column: ISO dates or numbers; sorted to give the time index. */
    time: z.string().min(1).default('date'),
    /** 0/1 treatment-group indicator, constant within a unit. */
    treated: z.string().min(1).default('treated'),
    /** 0/1 post-period indicator, a function of time (common treatment start). */
    post: z.string().min(1).default('post'),
    /**
     * `unit_time`: two-way fixed effects (unit + period), the panel estimator. `group_time`: group (treated vs
     * control) + period effects, which in a two-period design is the classic 2×2 regression y ~ treated + post +
     * treated·post and uses units observed in only one period too.
     */
    fixed_effects: z.enum(['unit_time', 'group_time']).default('unit_time'),
    /** Event-study leads tested for pre-trends: k = −2 … −(leads+1), the earliest binned. */
    pretrend_leads: z.number().int().min(0).default(4),
    /** Event-study lags reported as per-period effects: k = 0 … lags−1, the last binned (k ≥ lags−1). */
    event_lags: z.number().int().min(1).default(4),
    /** Convergence tolerance and sweep limit of the within transformation. */
    tolerance: z.number().positive().default(1e-11),
    max_iterations: z.number().int().positive().default(10_000),
    /**
     * Covariance of the headline estimate: `CR1` (default) cluster-robust by `unit`, t with G − 1 df;
     * `classical` σ̂²(X'X)⁻¹ or `HC1` White's (n/(n − K) factor), both with t on n − K df, K counting the
     * absorbed fixed effects — the OLS-with-dummies numbers of statsmodels / R `lm` + `sandwich`. The event
     * study and pre-trend test stay cluster-robust.
     */
    covariance: z.enum(['CR1', 'classical', 'HC1']).default('CR1'),
    /**
     * Small-sample convention of `CR1`, G/(G − 1)·(N − 1)/(N − K): `clusters` (default) counts every absorbed
     * fixed effect in K, as a regression with dummies (statsmodels, R `sandwich::vcovCL`, Stata `regress`);
     * `within` leaves out the unit effects nested in the unit clusters, as fixest (`fixef.K = "nested"`) and
     * Stata `xtreg, fe` do. Both use t with G − 1 df.
     */
    df: z.enum(['clusters', 'within']).default('clusters'),
  })
  .strict()
  .refine((params) => params.df === 'clusters' || params.covariance === 'CR1', {
    message: 'df: within applies to covariance: CR1 only',
    path: ['df'],
  });

/** Parsed parameters of {@link differenceInDifferencesModel}. */
export type DifferenceInDifferencesParams = z.infer<typeof DifferenceInDifferencesParamsSchema>;

/** One event-study coefficient: effect at relative period k (k = −1 is the reference). */
export interface EventStudyTerm {
  label: string;
  /** Relative period; for binned end points the bound (e.g. −5 means k ≤ −5). */
  relative_period: number;
  binned: boolean;
  estimate: number;
  standard_error: number;
  ci_lower: number;
  ci_upper: number;
}

interface PanelData {
  y: Float64Array;
  treatedRow: Uint8Array;
  postRow: Uint8Array;
  unitCodes: Int32Array;
  unitCount: number;
  timeCodes: Int32Array;
  timeCount: number;
  timeLevels: (string | number)[];
  firstPostTime: number;
  treatedUnits: number;
  controlUnits: number;
}

function readPanel(table: Table, params: DifferenceInDifferencesParams): PanelData {
  const y = numericColumn(table, params.outcome, 'outcome');
  refuseConstantOutcome(y, params.outcome, 'difference in differences');
  const treatedRow = binaryColumn(table, params.treated, 'treatment-group');
  const postRow = binaryColumn(table, params.post, 'post-period');
  const unitValues = table.columns[params.unit];
  const timeValues = table.columns[params.time];
  if (unitValues === undefined || timeValues === undefined) {
    const name = unitValues === undefined ? params.unit : params.time;
    throw new MeasureError(
      'DATA_MISSING_COLUMN',
      `${name === params.unit ? 'unit' : 'time'} column "${name}" not found in the data (available: ${Object.keys(table.columns).join(', ')})`,
      { column: name },
    );
  }
  const units = encodeFactor(unitValues);
  const times = encodeFactor(timeValues);
  const n = y.length;

  // Common timing: post must be 0 before the first post period and 1 from it on.
  let firstPostTime = times.levels.length;
  for (let i = 0; i < n; i++)
    if (postRow[i] === 1) firstPostTime = Math.min(firstPostTime, times.codes[i] as number);
  if (firstPostTime === times.levels.length) {
    throw new MeasureError(
      'DATA_NO_POST_PERIOD',
      `post-period column "${params.post}" is 0 in every row: no post-period`,
      { column: params.post },
    );
  }
  if (firstPostTime === 0) {
    throw new MeasureError(
      'DATA_NO_PRE_PERIOD',
      `post-period column "${params.post}" is 1 from the first period (${times.levels[0]}): no pre-period`,
      { column: params.post },
    );
  }
  for (let i = 0; i < n; i++) {
    if (((times.codes[i] as number) >= firstPostTime ? 1 : 0) !== postRow[i]) {
      throw new MeasureError(
        'MODEL_PARAMS_INVALID',
        `post-period column "${params.post}" must be 1 exactly from period ${times.levels[firstPostTime]} on (common treatment start; for staggered adoption use the did_staggered model); row ${i} at ${times.levels[times.codes[i] as number]} has ${postRow[i]}`,
        { column: params.post, row: i },
      );
    }
  }
  // Treatment group constant within unit.
  const unitGroup = new Int8Array(units.levels.length).fill(-1);
  for (let i = 0; i < n; i++) {
    const u = units.codes[i] as number;
    const g = treatedRow[i] as number;
    if (unitGroup[u] === -1) unitGroup[u] = g;
    else if (unitGroup[u] !== g) {
      throw new MeasureError(
        'MODEL_PARAMS_INVALID',
        `treatment-group column "${params.treated}" changes within unit ${units.levels[u]} (row ${i}); it must be constant per unit`,
        {
          column: params.treated,
          row: i,
        },
      );
    }
  }
  let treatedUnits = 0;
  for (const g of unitGroup) if (g === 1) treatedUnits++;
  const controlUnits = unitGroup.length - treatedUnits;
  if (treatedUnits === 0 || controlUnits === 0) {
    throw new MeasureError(
      'DATA_EMPTY_GROUP',
      `treatment-group column "${params.treated}" has ${treatedUnits} treated and ${controlUnits} control units; both groups need at least one`,
      { column: params.treated },
    );
  }
  return {
    y,
    treatedRow,
    postRow,
    unitCodes: units.codes,
    unitCount: units.levels.length,
    timeCodes: times.codes,
    timeCount: times.levels.length,
    timeLevels: times.levels,
    firstPostTime,
    treatedUnits,
    controlUnits,
  };
}

/**
 * Re-scale a cluster covariance computed on within-transformed data so its small-sample factor counts the
 * absorbed fixed effects, G/(G−1)·(N−1)/(N−K) with K = slopes + first-FE levels + second-FE levels − 1: the
 * same number as OLS with dummies under statsmodels `cov_type='cluster'`, R `sandwich::vcovCL(type="HC1")` and
 * Stata `regress … i.unit i.time, vce(cluster unit)`. (Assumes a connected unit × time graph.)
 */
export function absorbFixedEffectsDf<
  F extends Pick<OlsFit, 'n' | 'p' | 'covariance' | 'standardErrors' | 'dfResidual'>,
>(fit: F, absorbed: number): F {
  const k = fit.p + absorbed;
  if (fit.n <= k) {
    throw new MeasureError(
      'DATA_TOO_FEW_ROWS',
      `difference in differences needs more rows (${fit.n}) than parameters including fixed effects (${k})`,
      { parameter: 'fixed_effects' },
    );
  }
  const factor = (fit.n - fit.p) / (fit.n - k);
  const covariance = fit.covariance.map((value) => value * factor);
  const standardErrors = fit.standardErrors.map((value) => value * Math.sqrt(factor));
  return { ...fit, covariance, standardErrors, dfResidual: fit.n - k };
}

/** Internal switches of {@link estimateDifferenceInDifferences}, for tests. */
export interface EstimationOptions {
  /** Fit the event study on the materialised within-transformed design even for balanced panels. */
  generalEventStudy?: boolean;
}

/**
 * Pure estimator behind {@link differenceInDifferencesModel}.
 *
 * @example
 * ```ts
 * const estimate = estimateDifferenceInDifferences(table, DifferenceInDifferencesParamsSchema.parse({}), { ciLevel: 0.95, seed: 1 });
 * ```
 */
export function estimateDifferenceInDifferences(
  table: Table,
  params: DifferenceInDifferencesParams,
  context: ModelContext,
  options: EstimationOptions = {},
): ModelEstimate {
  const panel = readPanel(table, params);
  const n = panel.y.length;
  const byUnit = params.fixed_effects === 'unit_time';
  const firstCodes = byUnit ? panel.unitCodes : Int32Array.from(panel.treatedRow);
  const firstCount = byUnit ? panel.unitCount : 2;
  const absorbed = firstCount + panel.timeCount - 1;
  const balanced =
    byUnit && isBalancedPanel(panel.unitCodes, panel.unitCount, panel.timeCodes, panel.timeCount);
  const within = { tolerance: params.tolerance, maxIterations: params.max_iterations, balanced };

  // Main estimate: y_it = a_i + l_t + δ·D_it + e_it, D = treated·post (or group instead of unit effects).
  const treatment = new Float64Array(n);
  for (let i = 0; i < n; i++) treatment[i] = (panel.treatedRow[i] as number) * (panel.postRow[i] as number);
  const demeaned = withinTransform(
    [panel.y, treatment],
    firstCodes,
    firstCount,
    panel.timeCodes,
    panel.timeCount,
    within,
  );
  const [yWithin, dWithin] = demeaned.columns as [Float64Array, Float64Array];
  let dVariation = 0;
  for (let i = 0; i < n; i++) dVariation += (dWithin[i] as number) ** 2;
  if (!(dVariation > 1e-10 * n)) {
    throw new MeasureError(
      'MODEL_SINGULAR_DESIGN',
      'treated × post has no variation left after removing fixed effects (no treated unit observed both before and after?)',
      { column: params.treated },
    );
  }
  const clusters = { type: 'cluster' as const, clusters: panel.unitCodes };
  const headline = headlineCovariance(params, clusters, absorbed, byUnit ? panel.unitCount - 1 : 0);
  const fit = absorbFixedEffectsDf(
    fitOls({
      design: { n, p: 1, columns: [dWithin], names: ['treated_x_post'] },
      y: yWithin,
      covariance: headline.spec,
    }),
    headline.absorbedInK,
  );
  let totalSs = 0;
  for (let i = 0; i < n; i++) totalSs += (yWithin[i] as number) ** 2;
  // Event study: y_it = a_i + l_t + Σ_k β_k·treated_i·1[t − t0 = k] + e_it, k = −1 omitted.
  const eventStudy = byUnit
    ? fitEventStudy(panel, params, context, yWithin, clusters, absorbed, balanced, options)
    : undefined;
  return didEstimateFromFit(fit, {
    panel,
    params,
    context,
    n,
    totalSs,
    withinIterations: demeaned.iterations,
    balanced,
    absorbed,
    eventStudy,
    ...(headline.spec.type === 'cluster' ? {} : { tDf: n - 1 - absorbed }),
  });
}

/**
 * The covariance of the headline DiD coefficient and how many absorbed fixed effects its small-sample factor
 * counts: all of them, except under `CR1` + `df: within`, where the `nestedInClusters` unit effects are left
 * out (fixest / `xtreg, fe`).
 */
function headlineCovariance(
  params: DifferenceInDifferencesParams,
  clusters: { type: 'cluster'; clusters: Int32Array },
  absorbed: number,
  nestedInClusters: number,
): { spec: CovarianceSpec; absorbedInK: number } {
  if (params.covariance === 'classical') return { spec: { type: 'classical' }, absorbedInK: absorbed };
  if (params.covariance === 'HC1') return { spec: { type: 'HC1' }, absorbedInK: absorbed };
  return { spec: clusters, absorbedInK: params.df === 'within' ? absorbed - nestedInClusters : absorbed };
}

/** What {@link didEstimateFromFit} needs besides the main fit. */
export interface DidFitSetup {
  panel: Pick<
    PanelData,
    'treatedUnits' | 'controlUnits' | 'unitCount' | 'timeCount' | 'firstPostTime' | 'timeLevels'
  >;
  params: DifferenceInDifferencesParams;
  context: ModelContext;
  /** Observations. */
  n: number;
  /** Σ ỹ² of the within-transformed outcome (for R²). */
  totalSs: number;
  withinIterations: number;
  balanced: boolean;
  absorbed: number;
  eventStudy: { terms: EventStudyTerm[]; pretrendPValue?: number; pretrendStatistic?: number } | undefined;
  /** t degrees of freedom when the covariance is not clustered (n − K); clustered fits use G − 1. */
  tDf?: number;
}

/**
 * The DiD estimate from the fitted treated × post coefficient (df already counting absorbed fixed effects):
 * inference with G − 1 df, diagnostics and details. Shared by the in-memory fit and the SQL pushdown.
 *
 * @example
 * ```ts
 * return didEstimateFromFit(fit, { panel, params, context, n, totalSs, withinIterations: 1, balanced: true, absorbed, eventStudy });
 * ```
 */
export function didEstimateFromFit(
  fit: Pick<OlsFit, 'coefficients' | 'standardErrors' | 'p' | 'rss' | 'clusterCount'>,
  setup: DidFitSetup,
): ModelEstimate {
  const { panel, params, context, n, totalSs, balanced, absorbed, eventStudy } = setup;
  const byUnit = params.fixed_effects === 'unit_time';
  const clusterCount = fit.clusterCount ?? panel.unitCount;
  const df = setup.tDf ?? clusterCount - 1;
  const inference = inferenceFromEstimate(
    fit.coefficients[0] as number,
    fit.standardErrors[0] as number,
    context.ciLevel,
    df,
  );
  const diagnostics: Record<string, JsonValue> = {
    n_treated: panel.treatedUnits,
    n_control: panel.controlUnits,
    df,
    r_squared: totalSs > 0 ? 1 - fit.rss / totalSs : 0,
    n_observations: n,
    n_clusters: clusterCount,
    n_periods: panel.timeCount,
    n_pre_periods: panel.firstPostTime,
    n_post_periods: panel.timeCount - panel.firstPostTime,
    within_iterations: setup.withinIterations,
    balanced_panel: balanced,
    covariance: params.covariance,
    ...(params.covariance === 'CR1' ? { df_convention: params.df } : {}),
  };
  if (eventStudy?.pretrendPValue !== undefined) diagnostics.pretrend_p_value = eventStudy.pretrendPValue;
  if (eventStudy?.pretrendStatistic !== undefined)
    diagnostics.pretrend_f_statistic = eventStudy.pretrendStatistic;

  return estimateFromInference(inference, {
    sampleSize: n,
    metric: params.outcome,
    diagnostics,
    details: {
      estimator: byUnit
        ? 'two-way fixed effects (unit + period), within transformation'
        : 'group + period fixed effects (2×2 regression)',
      standard_errors: standardErrorLabel(params, fit.p + absorbed, df),
      coefficients: {
        treated_x_post: {
          estimate: inference.estimate,
          standard_error: inference.standardError,
          statistic: inference.statistic,
        },
      },
      first_post_period: panel.timeLevels[panel.firstPostTime],
      event_study: eventStudy?.terms ?? [],
      per_period_effects: eventStudy?.terms.filter((term) => term.relative_period >= 0) ?? [],
    },
  });
}

function standardErrorLabel(params: DifferenceInDifferencesParams, k: number, df: number): string {
  if (params.covariance === 'classical')
    return `classical σ̂²(X'X)⁻¹ with σ̂² = RSS/(N−K), K = ${k}, t with ${df} df`;
  if (params.covariance === 'HC1') return `HC1 (White, factor N/(N−K), K = ${k}), t with ${df} df`;
  return params.df === 'within'
    ? `cluster-robust by "${params.unit}" (CR1: G/(G−1)·(N−1)/(N−K), K without the unit effects nested in the clusters, as fixest / xtreg), t with G−1 = ${df} df`
    : `cluster-robust by "${params.unit}" (CR1: G/(G−1)·(N−1)/(N−K), K = ${k} incl. absorbed fixed effects), t with G−1 = ${df} df`;
}

/** Event-study columns: leads k = −(leads+1) … −2 and lags 0 … lags−1, ends binned, and the column of each period. */
export interface EventStudyLayout {
  specs: { label: string; k: number; binned: boolean }[];
  /** Regressor index of each period for treated units (−1: none, the reference k = −1 or beyond). */
  regressorOfTime: Int32Array;
  leads: number;
}

/**
 * The event-study layout for a panel, or undefined when there is nothing beyond the main estimate. Shared by
 * the in-memory fit and the SQL pushdown.
 *
 * @example
 * ```ts
 * const layout = eventStudyLayout({ firstPostTime: 4, timeCount: 8 }, params);
 * ```
 */
export function eventStudyLayout(
  panel: Pick<PanelData, 'firstPostTime' | 'timeCount'>,
  params: DifferenceInDifferencesParams,
): EventStudyLayout | undefined {
  const nPre = panel.firstPostTime;
  const nPost = panel.timeCount - panel.firstPostTime;
  const leads = Math.min(params.pretrend_leads, nPre - 1);
  const lags = Math.min(params.event_lags, nPost);
  if (leads + lags < 1 || (leads === 0 && lags === 1)) return undefined; // nothing beyond the main estimate
  // Columns: leads k = −(leads+1) (binned: k ≤ −(leads+1)) … −2, then lags 0 … lags−1 (last binned: k ≥ lags−1).
  const specs: { label: string; k: number; binned: boolean }[] = [];
  for (let l = leads + 1; l >= 2; l--)
    specs.push({
      label: l === leads + 1 && nPre > leads + 1 ? `lead_le_${l}` : `lead_${l}`,
      k: -l,
      binned: l === leads + 1 && nPre > leads + 1,
    });
  for (let m = 0; m < lags; m++)
    specs.push({
      label: m === lags - 1 && nPost > lags ? `lag_ge_${m}` : `lag_${m}`,
      k: m,
      binned: m === lags - 1 && nPost > lags,
    });
  // Regressor of each period for treated units: leads k ≤ −(leads+1) → 0 … k = −2 → leads − 1, lags after them.
  const regressorOfTime = new Int32Array(panel.timeCount).fill(-1);
  for (let t = 0; t < panel.timeCount; t++) {
    const k = t - panel.firstPostTime;
    if (k <= -2 && leads > 0) regressorOfTime[t] = k <= -(leads + 1) ? 0 : leads + 1 + k;
    else if (k >= 0) regressorOfTime[t] = leads + Math.min(k, lags - 1);
  }
  return { specs, regressorOfTime, leads };
}

/**
 * Event-study terms and the joint pre-trend Wald F test (leads = 0) from a fit of the layout's columns whose
 * df already count the absorbed fixed effects.
 *
 * @example
 * ```ts
 * const { terms, pretrendPValue } = eventStudyFromFit(fit, layout, context, unitCount);
 * ```
 */
export function eventStudyFromFit(
  fit: OlsFit,
  layout: EventStudyLayout,
  context: ModelContext,
  unitCount: number,
): { terms: EventStudyTerm[]; pretrendPValue?: number; pretrendStatistic?: number } {
  const { specs, leads } = layout;
  const panel = { unitCount };
  const df = (fit.clusterCount ?? panel.unitCount) - 1;
  const terms = specs.map((spec, index): EventStudyTerm => {
    const inference = coefficientInference(fit, index, context.ciLevel, df);
    return {
      label: spec.label,
      relative_period: spec.k,
      binned: spec.binned,
      estimate: inference.estimate,
      standard_error: inference.standardError,
      ci_lower: inference.ciLower,
      ci_upper: inference.ciUpper,
    };
  });
  if (leads === 0) return { terms };
  const test = waldTest(
    fit,
    specs.map((_, index) => index).filter((index) => index < leads),
    df,
  );
  return { terms, pretrendPValue: test.pValue, pretrendStatistic: test.statistic };
}

function fitEventStudy(
  panel: PanelData,
  params: DifferenceInDifferencesParams,
  context: ModelContext,
  yWithin: Float64Array,
  clusters: { type: 'cluster'; clusters: Int32Array },
  absorbed: number,
  balanced: boolean,
  options: EstimationOptions,
): { terms: EventStudyTerm[]; pretrendPValue?: number; pretrendStatistic?: number } | undefined {
  const layout = eventStudyLayout(panel, params);
  if (!layout) return undefined;
  const { specs, regressorOfTime } = layout;
  const n = yWithin.length;
  const names = specs.map((spec) => spec.label);
  let fit: OlsFit;
  if (balanced && !options.generalEventStudy) {
    fit = fitBalancedGroupTimeOls({
      yWithin,
      groupOfRow: panel.treatedRow,
      unitCodes: panel.unitCodes,
      unitCount: panel.unitCount,
      timeCodes: panel.timeCodes,
      timeCount: panel.timeCount,
      regressorOfTime,
      names,
      absorbed,
    });
  } else {
    const raw = specs.map(() => new Float64Array(n));
    for (let i = 0; i < n; i++) {
      if (panel.treatedRow[i] !== 1) continue;
      const column = regressorOfTime[panel.timeCodes[i] as number] as number;
      if (column >= 0) (raw[column] as Float64Array)[i] = 1;
    }
    const { columns } = withinTransform(
      raw,
      panel.unitCodes,
      panel.unitCount,
      panel.timeCodes,
      panel.timeCount,
      {
        tolerance: params.tolerance,
        maxIterations: params.max_iterations,
        balanced,
      },
    );
    fit = absorbFixedEffectsDf(
      fitOls({ design: { n, p: specs.length, columns, names }, y: yWithin, covariance: clusters }),
      absorbed,
    );
  }
  return eventStudyFromFit(fit, layout, context, panel.unitCount);
}

/**
 * Difference in differences: the 2×2 design and the two-way fixed-effects panel estimator (within
 * transformation, no dummy matrices) with cluster-robust standard errors by unit, plus an event study whose
 * leads give a joint pre-trend test (`diagnostics.pretrend_p_value`) and whose lags are the per-period effects.
 *
 * @example
 * ```ts
 * const estimate = differenceInDifferencesModel.fit(table, DifferenceInDifferencesParamsSchema.parse({ outcome: 'revenue' }), { ciLevel: 0.95, seed: 1 });
 * ```
 */
export const differenceInDifferencesModel = defineModel<DifferenceInDifferencesParams>({
  name: 'difference_in_differences',
  modelType: 'quasi-experiment',
  paramsSchema: DifferenceInDifferencesParamsSchema,
  fit: (table, params, context) => estimateDifferenceInDifferences(table, params, context),
});
