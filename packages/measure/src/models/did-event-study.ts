import { coefficientInference, fitOls, type OlsFit, waldTest } from '../stats/ols';
import { absorbFixedEffectsDf } from './did-covariance';
import type { PanelData } from './did-panel';
import type { DifferenceInDifferencesParams } from './did-params';
import type { ModelContext } from './model';
import { fitBalancedGroupTimeOls } from './panel/balanced-group-time-ols';
import { fitIndicatorWithinOls } from './panel/indicator-within-ols';
import type { WithinSolver } from './panel/within';

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

/** Internal switches of {@link estimateDifferenceInDifferences}, for tests. */
export interface EstimationOptions {
  /** Fit the event study by OLS on the materialised within-transformed design (the reference path). */
  generalEventStudy?: boolean;
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

/** The pieces of the main fit that the event study reuses. */
export interface EventStudyInputs {
  /** The within-transformed outcome of the main fit. */
  yWithin: Float64Array;
  /** The main fit's within solver: the unit × period structure, factored once. */
  solver: WithinSolver;
  clusters: { type: 'cluster'; clusters: Int32Array };
  absorbed: number;
  balanced: boolean;
}

/**
 * Fit the event study of a unit + period panel: the balanced fast path, or (unbalanced) the within transform
 * of all lead/lag indicators through the main fit's solver (same factored structure, from level counts) and
 * one structured OLS; `generalEventStudy` materialises the design and uses `fitOls` instead.
 */
export function fitEventStudy(
  panel: PanelData,
  params: DifferenceInDifferencesParams,
  context: ModelContext,
  inputs: EventStudyInputs,
  options: EstimationOptions,
): { terms: EventStudyTerm[]; pretrendPValue?: number; pretrendStatistic?: number } | undefined {
  const layout = eventStudyLayout(panel, params);
  if (!layout) return undefined;
  const { yWithin, solver, clusters, absorbed, balanced } = inputs;
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
  } else if (!options.generalEventStudy) {
    const { treatedRow, timeCodes } = panel;
    const regressorOfRow = new Int32Array(n);
    for (let i = 0; i < n; i++)
      regressorOfRow[i] = treatedRow[i] === 1 ? (regressorOfTime[timeCodes[i] as number] as number) : -1;
    fit = absorbFixedEffectsDf(
      fitIndicatorWithinOls({
        yWithin,
        regressorOfRow,
        solver,
        clusterCodes: panel.unitCodes,
        clusterCount: panel.unitCount,
        names,
        keepResiduals: false,
      }),
      absorbed,
    );
  } else {
    const columns = specs.map(() => new Float64Array(n));
    for (let i = 0; i < n; i++) {
      if (panel.treatedRow[i] !== 1) continue;
      const column = regressorOfTime[panel.timeCodes[i] as number] as number;
      if (column >= 0) (columns[column] as Float64Array)[i] = 1;
    }
    solver.demeanInPlace(columns);
    fit = absorbFixedEffectsDf(
      fitOls({ design: { n, p: specs.length, columns, names }, y: yWithin, covariance: clusters }),
      absorbed,
    );
  }
  return eventStudyFromFit(fit, layout, context, panel.unitCount);
}
