import type { Table } from '@impact/contracts';
import { MeasureError } from '../errors';
import { type CovarianceSpec, fitOls, type OlsFit } from '../stats/ols';
import { absorbFixedEffectsDf, headlineCovariance } from './did-covariance';
import { didEstimateFromFit } from './did-estimate';
import { type EstimationOptions, fitEventStudy } from './did-event-study';
import { type PanelData, readPanel } from './did-panel';
import { type DifferenceInDifferencesParams, DifferenceInDifferencesParamsSchema } from './did-params';
import { defineModel, type ModelContext, type ModelEstimate } from './model';
import { fitIndicatorWithinOls } from './panel/indicator-within-ols';
import { createWithinSolver, isBalancedPanel, type WithinSolver } from './panel/within';

export { absorbFixedEffectsDf } from './did-covariance';
export { type DidFitSetup, didEstimateFromFit } from './did-estimate';
export {
  type EstimationOptions,
  type EventStudyLayout,
  type EventStudyTerm,
  eventStudyFromFit,
  eventStudyLayout,
} from './did-event-study';
export { type DifferenceInDifferencesParams, DifferenceInDifferencesParamsSchema } from './did-params';

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
  const solver = createWithinSolver(firstCodes, firstCount, panel.timeCodes, panel.timeCount, {
    tolerance: params.tolerance,
    maxIterations: params.max_iterations,
    balanced,
  });

  // Main estimate: y_it = a_i + l_t + δ·D_it + e_it, D = treated·post (or group instead of unit effects).
  const clusters = { type: 'cluster' as const, clusters: panel.unitCodes };
  const headline = headlineCovariance(params, clusters, absorbed, byUnit ? panel.unitCount - 1 : 0);
  const { yWithin, slopeFit, totalSs } = fitTreatmentSlope(panel, params, solver, headline.spec);
  const fit = absorbFixedEffectsDf(slopeFit, headline.absorbedInK);
  // Event study: y_it = a_i + l_t + Σ_k β_k·treated_i·1[t − t0 = k] + e_it, k = −1 omitted.
  const eventStudy = byUnit
    ? fitEventStudy(panel, params, context, { yWithin, solver, clusters, absorbed, balanced }, options)
    : undefined;
  return didEstimateFromFit(fit, {
    panel,
    params,
    context,
    n,
    totalSs,
    withinIterations: solver.iterations(),
    balanced,
    absorbed,
    eventStudy,
    ...(headline.spec.type === 'cluster' ? {} : { tDf: n - 1 - absorbed }),
  });
}

/**
 * The within-transformed outcome, the OLS of it on the transformed D = treated × post, and Σ ỹ². CR1 by unit
 * uses the structured fit of a 0/1 regressor (D̃ never materialised, clusters not hashed); classical and HC1
 * `fitOls`.
 */
function fitTreatmentSlope(
  panel: PanelData,
  params: DifferenceInDifferencesParams,
  solver: WithinSolver,
  covariance: CovarianceSpec,
): { yWithin: Float64Array; slopeFit: OlsFit; totalSs: number } {
  const n = panel.y.length;
  const refuseNoVariation = (dVariation: number): void => {
    if (!(dVariation > 1e-10 * n)) {
      throw new MeasureError(
        'MODEL_SINGULAR_DESIGN',
        'treated × post has no variation left after removing fixed effects (no treated unit observed both before and after?)',
        { column: params.treated },
      );
    }
  };
  if (covariance.type === 'cluster') {
    const [yWithin] = solver.demeanInPlace([panel.y.slice()]) as [Float64Array];
    const { treatedRow, postRow } = panel;
    const regressorOfRow = new Int32Array(n);
    for (let i = 0; i < n; i++) regressorOfRow[i] = (treatedRow[i] as number) * (postRow[i] as number) - 1;
    const slopeFit = fitIndicatorWithinOls({
      yWithin,
      regressorOfRow,
      solver,
      clusterCodes: panel.unitCodes,
      clusterCount: panel.unitCount,
      names: ['treated_x_post'],
      checkGram: (gram) => refuseNoVariation(gram[0] as number),
      keepResiduals: false,
    });
    return { yWithin, slopeFit, totalSs: slopeFit.totalSs };
  }
  const treatment = new Float64Array(n);
  for (let i = 0; i < n; i++) treatment[i] = (panel.treatedRow[i] as number) * (panel.postRow[i] as number);
  const [yWithin, dWithin] = solver.demeanInPlace([panel.y.slice(), treatment]) as [
    Float64Array,
    Float64Array,
  ];
  let dVariation = 0;
  let totalSs = 0;
  for (let i = 0; i < n; i++) {
    dVariation += (dWithin[i] as number) ** 2;
    totalSs += (yWithin[i] as number) ** 2;
  }
  refuseNoVariation(dVariation);
  const slopeFit = fitOls({
    design: { n, p: 1, columns: [dWithin], names: ['treated_x_post'] },
    y: yWithin,
    covariance,
  });
  return { yWithin, slopeFit, totalSs };
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
