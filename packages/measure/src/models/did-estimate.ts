import { inferenceFromEstimate, type OlsFit } from '../stats/ols';
import { standardErrorLabel } from './did-covariance';
import type { EventStudyTerm } from './did-event-study';
import type { PanelData } from './did-panel';
import type { DifferenceInDifferencesParams } from './did-params';
import { estimateFromInference, type JsonValue, type ModelContext, type ModelEstimate } from './model';

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
