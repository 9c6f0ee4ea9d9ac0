import type { Table } from '@impact/contracts';
import { z } from 'zod';
import { inferenceFromEstimate } from '../../stats/ols';
import {
  defineModel,
  estimateFromInference,
  type JsonValue,
  type ModelContext,
  type ModelEstimate,
} from '../model';
import { type AggregatedEffect, aggregateGroupTimeEffects } from './aggregate';
import { baconDecomposition } from './bacon';
import { influenceWaldTest, multiplierBootstrap } from './bootstrap';
import { groupTimeEffects } from './group-time';
import { ALWAYS_TREATED, NEVER_TREATED, readStaggeredPanel } from './panel';

/**
 * Parameters of the `did_staggered` model (YAML `model.params`).
 *
 * @example
 * ```ts
 * StaggeredDidParamsSchema.parse({ outcome: 'lemp', unit: 'countyreal', time: 'year', group: 'first.treat' });
 * ```
 */
export const StaggeredDidParamsSchema = z.strictObject({
  /** Outcome column (one row per unit and period; balanced panel). */
  outcome: z.string().min(1).default('revenue'),
  /** Unit id column. */
  unit: z.string().min(1).default('product_id'),
  /** Period column (numbers or ISO dates). */
  time: z.string().min(1).default('date'),
  /** First treated period of the unit, in the units of `time`; 0 or empty for never treated. */
  group: z.string().min(1).default('first_treated'),
  /** Controls of each ATT(g,t): never-treated units, or also units not yet treated by then. */
  control_group: z.enum(['never_treated', 'not_yet_treated']).default('never_treated'),
  /** Base period of pre-treatment cells: the previous period (`varying`) or g−1 (`universal`). */
  base_period: z.enum(['varying', 'universal']).default('varying'),
  /** Which aggregation is the headline effect. */
  aggregation: z.enum(['simple', 'dynamic', 'group']).default('simple'),
  /**
   * Numeric covariate columns for parallel trends conditional on them (Callaway & Sant'Anna 2021, eq. 2.9);
   * taken at the earlier period of each 2×2 comparison. Empty: unconditional parallel trends.
   */
  covariates: z.array(z.string().min(1)).default([]),
  /**
   * 2×2 estimator with covariates: doubly robust (`dr`, Sant'Anna & Zhao 2020), outcome regression (`reg`) or
   * normalised inverse probability weighting (`ipw`). Ignored without covariates (all three coincide then).
   */
  est_method: z.enum(['dr', 'reg', 'ipw']).default('dr'),
  /** Multiplier-bootstrap draws for the uniform bands (0: pointwise intervals only). */
  bootstrap_replications: z.number().int().min(0).max(100_000).default(999),
});

const ESTIMATOR_NAMES = {
  dr: "doubly robust 2×2, Sant'Anna & Zhao 2020",
  reg: 'outcome-regression 2×2',
  ipw: 'normalised IPW 2×2',
} as const;

/** Parsed parameters of {@link staggeredDidModel}. */
export type StaggeredDidParams = z.output<typeof StaggeredDidParamsSchema>;

interface EffectRow {
  estimate: number;
  standard_error: number;
  ci_lower: number;
  ci_upper: number;
  p_value: number;
  bootstrap_se?: number;
  band_lower?: number;
  band_upper?: number;
}

function effectRow(
  effect: { estimate: number; standardError: number },
  ciLevel: number,
  df: number,
  band?: { se: number; critical: number },
): EffectRow {
  const inference = inferenceFromEstimate(effect.estimate, effect.standardError, ciLevel, df);
  const row: EffectRow = {
    estimate: effect.estimate,
    standard_error: effect.standardError,
    ci_lower: inference.ciLower,
    ci_upper: inference.ciUpper,
    p_value: inference.pValue,
  };
  if (band !== undefined) {
    row.bootstrap_se = band.se;
    row.band_lower = effect.estimate - band.critical * band.se;
    row.band_upper = effect.estimate + band.critical * band.se;
  }
  return row;
}

/** Pointwise rows plus (with bootstrap draws) uniform bands over the whole set. */
function bandedRows(
  effects: { estimate: number; standardError: number; influence: Float64Array }[],
  params: StaggeredDidParams,
  context: ModelContext,
  df: number,
): { rows: EffectRow[]; criticalValue?: number } {
  if (params.bootstrap_replications === 0 || effects.length === 0)
    return { rows: effects.map((effect) => effectRow(effect, context.ciLevel, df)) };
  const boot = multiplierBootstrap(
    effects.map((effect) => effect.influence),
    params.bootstrap_replications,
    context.ciLevel,
    context.seed,
  );
  return {
    rows: effects.map((effect, k) =>
      effectRow(effect, context.ciLevel, df, {
        se: boot.standardErrors[k] as number,
        critical: boot.criticalValue,
      }),
    ),
    criticalValue: boot.criticalValue,
  };
}

/**
 * Pure estimator behind {@link staggeredDidModel}.
 *
 * @example
 * ```ts
 * const estimate = estimateStaggeredDid(table, StaggeredDidParamsSchema.parse({ outcome: 'lemp', unit: 'countyreal', time: 'year', group: 'first.treat' }), { ciLevel: 0.95, seed: 1 });
 * ```
 */
export function estimateStaggeredDid(
  table: Table,
  params: StaggeredDidParams,
  context: ModelContext,
): ModelEstimate {
  const panel = readStaggeredPanel(table, params);
  const estimates = groupTimeEffects(
    panel,
    params.control_group,
    params.base_period,
    params.covariates.length > 0 ? params.est_method : undefined,
  );
  const aggregations = aggregateGroupTimeEffects(estimates);
  const n = estimates.unitCount;
  // t with n − 1 df: the influence-function variance is a cluster-robust variance with one cluster per unit.
  const df = n - 1;
  const label = (index: number) => panel.periods[index] as string | number;

  const cells = bandedRows(estimates.cells, params, context, df);
  const dynamic = bandedRows(aggregations.byEventTime, params, context, df);
  const cohortRows = bandedRows(aggregations.byCohort, params, context, df);
  const headlineEffect: AggregatedEffect = aggregations[params.aggregation];
  const headline = inferenceFromEstimate(
    headlineEffect.estimate,
    headlineEffect.standardError,
    context.ciLevel,
    df,
  );

  const pre = estimates.cells.filter((cell) => cell.period < cell.cohort);
  const pretrend = influenceWaldTest(
    pre.map((cell) => cell.estimate),
    pre.map((cell) => cell.influence),
  );
  const bacon = baconDecomposition(panel);
  let always = 0;
  let never = 0;
  for (const cohort of panel.cohortOfUnit) {
    if (cohort === ALWAYS_TREATED) always++;
    else if (cohort === NEVER_TREATED) never++;
  }
  const summary = (effect: AggregatedEffect) => effectRow(effect, context.ciLevel, df);
  const diagnostics: Record<string, JsonValue> = {
    n_units: n,
    n_treated: n - never,
    n_control: never,
    n_cohorts: estimates.cohorts.length,
    n_periods: panel.periodCount,
    n_group_time_cells: estimates.cells.length,
    n_always_treated_excluded: always,
    df,
    control_group: params.control_group,
    aggregation: params.aggregation,
    simple_att: aggregations.simple.estimate,
    dynamic_att: aggregations.dynamic.estimate,
    group_att: aggregations.group.estimate,
    twfe_estimate: bacon.twfeEstimate,
    twfe_minus_headline: bacon.twfeEstimate - headlineEffect.estimate,
    bacon_weight_treated_vs_never: bacon.weightByComparison.treated_vs_never_treated,
    bacon_weight_earlier_vs_later: bacon.weightByComparison.earlier_vs_later_not_yet_treated,
    bacon_weight_later_vs_earlier_treated: bacon.weightByComparison.later_vs_earlier_treated,
  };
  if (pretrend !== undefined) {
    diagnostics.pretrend_p_value = pretrend.pValue;
    diagnostics.pretrend_chi2 = pretrend.statistic;
    diagnostics.pretrend_df = pretrend.df;
  }
  if (cells.criticalValue !== undefined) diagnostics.uniform_critical_value = cells.criticalValue;
  diagnostics.est_method = estimates.method;
  diagnostics.n_covariates = params.covariates.length;
  diagnostics.n_skipped_cells = estimates.skipped.length;
  if (estimates.method === 'dr' || estimates.method === 'ipw') {
    diagnostics.n_trimmed_controls = estimates.cells.reduce((sum, c) => sum + (c.trimmedControls ?? 0), 0);
    diagnostics.max_control_propensity = Math.max(...estimates.cells.map((c) => c.maxControlPropensity ?? 0));
    // Read by review's overlap rule: the smallest effective share of the control weights over the
    // post-treatment cells (the ones the aggregations use).
    const postShares = estimates.cells
      .filter((c) => c.period >= c.cohort)
      .map((c) => c.controlEffectiveShare ?? 1);
    if (postShares.length > 0) diagnostics.overlap_effective_share = Math.min(...postShares);
  }

  return estimateFromInference(headline, {
    sampleSize: n,
    metric: params.outcome,
    diagnostics,
    details: {
      estimator: `Callaway & Sant'Anna (2021) group-time ATTs, ${estimates.method === 'unconditional' ? 'unconditional parallel trends' : `parallel trends conditional on ${params.covariates.join(', ')} (${ESTIMATOR_NAMES[estimates.method]})`}, ${params.control_group.replaceAll('_', '-')} controls, ${params.base_period} base period; headline: ${params.aggregation} aggregation`,
      standard_errors: `analytic from influence functions, t with n − 1 = ${df} df; bands: ${params.bootstrap_replications > 0 ? `multiplier bootstrap (Rademacher, ${params.bootstrap_replications} draws, seed ${context.seed}), uniform over each table` : 'none'}`,
      group_time: estimates.cells.map((cell, k) => ({
        group: label(cell.cohort),
        period: label(cell.period),
        base_period: label(cell.basePeriod),
        pre_treatment: cell.period < cell.cohort,
        n_treated: cell.treatedUnits,
        n_control: cell.controlUnits,
        ...(cells.rows[k] as EffectRow),
      })),
      skipped_cells: estimates.skipped.map((cell) => ({
        group: label(cell.cohort),
        period: label(cell.period),
        reason: cell.reason,
      })),
      dynamic: aggregations.byEventTime.map((effect, k) => ({
        event_time: effect.key,
        ...(dynamic.rows[k] as EffectRow),
      })),
      by_group: aggregations.byCohort.map((effect, k) => ({
        group: label(effect.key),
        ...(cohortRows.rows[k] as EffectRow),
      })),
      aggregations: {
        simple: summary(aggregations.simple),
        dynamic: summary(aggregations.dynamic),
        group: summary(aggregations.group),
      },
      bacon_decomposition: {
        twfe_estimate: bacon.twfeEstimate,
        weight_by_comparison: bacon.weightByComparison,
        terms: bacon.terms,
      },
      ...(dynamic.criticalValue === undefined ? {} : { dynamic_critical_value: dynamic.criticalValue }),
      ...(cohortRows.criticalValue === undefined ? {} : { group_critical_value: cohortRows.criticalValue }),
    },
  });
}

/**
 * Staggered difference in differences (Callaway & Sant'Anna 2021): group-time ATT(g,t) for each adoption
 * cohort against never-treated or not-yet-treated units, aggregated to a simple, dynamic (event-time) or
 * group effect, with analytic standard errors from influence functions, multiplier-bootstrap uniform bands,
 * a pre-trend Wald test (`diagnostics.pretrend_p_value`), and the Goodman-Bacon decomposition of the TWFE
 * coefficient on the same data (`diagnostics.twfe_estimate`, `bacon_weight_*`; `details.bacon_decomposition`).
 * With `covariates`, parallel trends is conditional on them and each ATT(g,t) is the doubly robust
 * (Sant'Anna & Zhao 2020), outcome-regression or IPW 2×2 estimator of `est_method`.
 *
 * @example
 * ```ts
 * const estimate = staggeredDidModel.fit(table, StaggeredDidParamsSchema.parse({ outcome: 'lemp', unit: 'countyreal', time: 'year', group: 'first.treat', covariates: ['lpop'] }), { ciLevel: 0.95, seed: 1 });
 * ```
 */
export const staggeredDidModel = defineModel<StaggeredDidParams>({
  name: 'did_staggered',
  modelType: 'quasi-experiment',
  paramsSchema: StaggeredDidParamsSchema,
  fit: (table, params, context) => estimateStaggeredDid(table, params, context),
});
