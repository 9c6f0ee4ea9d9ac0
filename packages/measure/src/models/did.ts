import type { Table } from '@impact/contracts';
import { MeasureError } from '../errors';
import { fitOls } from '../stats/ols';
import { absorbFixedEffectsDf, headlineCovariance } from './did-covariance';
import { didEstimateFromFit } from './did-estimate';
import { type EstimationOptions, fitEventStudy } from './did-event-study';
import { readPanel } from './did-panel';
import { type DifferenceInDifferencesParams, DifferenceInDifferencesParamsSchema } from './did-params';
import { defineModel, type ModelContext, type ModelEstimate } from './model';
import { createWithinSolver, isBalancedPanel } from './panel/within';

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
  const treatment = new Float64Array(n);
  for (let i = 0; i < n; i++) treatment[i] = (panel.treatedRow[i] as number) * (panel.postRow[i] as number);
  const demeaned = solver.demeanInPlace([panel.y.slice(), treatment]);
  const [yWithin, dWithin] = demeaned as [Float64Array, Float64Array];
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
