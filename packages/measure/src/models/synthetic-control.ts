import type { Table } from '@impact/contracts';
import { z } from 'zod';
import { MeasureError } from '../errors';
import { defineModel, type JsonValue, type ModelContext, type ModelEstimate } from './model';
import { fitStackColumn, stackDonors } from './synthetic-control-fit';
import { toWide, type WidePanel } from './synthetic-control-panel';
import { placeboInference } from './synthetic-control-placebo';

export { fitSyntheticControl, type SyntheticFit } from './synthetic-control-fit';

/**
 * Parameters of the `synthetic_control` model (YAML `model.params`). Data are long: one row per unit × period.
 *
 * @example
 * ```ts
 * SyntheticControlParamsSchema.parse({ outcome: 'sales', unit: 'state', time: 'year' });
 * ```
 */
export const SyntheticControlParamsSchema = z
  .object({
    outcome: z.string().min(1).default('revenue'),
    unit: z.string().min(1).default('product_id'),
    /** Period column: ISO dates or numbers. */
    time: z.string().min(1).default('date'),
    /** 0/1 unit-level indicator of the treated unit(s); several treated units are averaged into one series. */
    treated: z.string().min(1).default('treated'),
    /** 0/1 post-period indicator, a function of time. */
    post: z.string().min(1).default('post'),
    /** Fewest donor (control) units accepted. */
    min_donors: z.number().int().min(1).default(2),
    /**
     * How `standard_error` is computed from the in-space placebos: `prefit_scaled`, the SD of the placebo
     * effects each divided by its own pre-period RMSPE, times the treated series' pre-period RMSPE (a donor
     * that fits its pre-period badly is noisy, and so is its placebo effect); `placebo_sd`, the plain SD of
     * the placebo effects (too wide when the treated series averages several units and fits far better
     * than a single donor can).
     */
    standard_error: z.enum(['prefit_scaled', 'placebo_sd']).default('prefit_scaled'),
  })
  .strict();

/** Parsed parameters of {@link syntheticControlModel}. */
export type SyntheticControlParams = z.infer<typeof SyntheticControlParamsSchema>;

/** Treated and donor units of the panel, after checking the design can be estimated at `ciLevel`. */
function splitUnits(
  panel: WidePanel,
  params: SyntheticControlParams,
  ciLevel: number,
): { treatedUnits: number[]; donors: number[]; nPost: number } {
  const { periods, isPost } = panel;
  const treatedUnits: number[] = [];
  const donors: number[] = [];
  panel.unitTreated.forEach((flag, u) => {
    (flag === 1 ? treatedUnits : donors).push(u);
  });
  const nPost = isPost.reduce((sum, flag) => sum + flag, 0);
  if (nPost === 0)
    throw new MeasureError(
      'DATA_NO_POST_PERIOD',
      `post column "${params.post}" is 0 in every period: no post-period`,
      { column: params.post },
    );
  if (nPost === periods)
    throw new MeasureError(
      'DATA_NO_PRE_PERIOD',
      `post column "${params.post}" is 1 in every period: no pre-period to fit donor weights on`,
      { column: params.post },
    );
  if (treatedUnits.length === 0)
    throw new MeasureError(
      'DATA_EMPTY_GROUP',
      `treated column "${params.treated}" marks no unit as treated`,
      { column: params.treated },
    );
  if (donors.length < params.min_donors) {
    throw new MeasureError(
      'DATA_TOO_FEW_DONORS',
      `synthetic control needs at least ${params.min_donors} donor units (parameter min_donors), found ${donors.length}`,
      { parameter: 'min_donors', column: params.treated },
    );
  }
  const alpha = 1 - ciLevel;
  // Placebo ranks take values k/(J+1); an interval at level 1−α needs (J+1)·α ≥ 1 to be finite.
  if ((donors.length + 1) * alpha < 1 - 1e-9) {
    throw new MeasureError(
      'DATA_TOO_FEW_DONORS',
      `placebo inference at ci_level ${ciLevel} needs at least ${Math.ceil(1 / alpha - 1e-9) - 1} donors (the p-value cannot go below 1/(donors+1)), found ${donors.length}`,
      { parameter: 'ci_level' },
    );
  }
  return { treatedUnits, donors, nPost };
}

const finiteOrNull = (value: number): number | null => (Number.isFinite(value) ? value : null);

/**
 * Pure estimator behind {@link syntheticControlModel}.
 *
 * @example
 * ```ts
 * const estimate = estimateSyntheticControl(table, SyntheticControlParamsSchema.parse({ unit: 'unit' }), { ciLevel: 0.95, seed: 1 });
 * ```
 */
export function estimateSyntheticControl(
  table: Table,
  params: SyntheticControlParams,
  context: ModelContext,
): ModelEstimate {
  const panel = toWide(table, params);
  const { periods, isPost } = panel;
  const { treatedUnits, donors, nPost } = splitUnits(panel, params, context.ciLevel);
  const stack = stackDonors(panel.series, periods, donors, treatedUnits, isPost);
  const target = stack.target;
  const fit = fitStackColumn(
    stack,
    donors.length,
    donors.map((_, a) => a),
  );
  const unitOf = (a: number) => panel.unitLevels[donors[a] as number] as string | number;
  const inference = placeboInference(stack, fit, 1 - context.ciLevel, unitOf);
  const { placebos, inversionEmpty, threshold, spread } = inference;
  const weights: Record<string, number> = {};
  donors.forEach((_, a) => {
    weights[String(unitOf(a))] = fit.weights[a] as number;
  });
  const diagnostics: Record<string, JsonValue> = {
    n_treated: treatedUnits.length,
    n_control: donors.length,
    pre_rmspe: fit.preRmspe,
    post_rmspe: fit.postRmspe,
    post_pre_rmspe_ratio: finiteOrNull(inference.ratio),
    placebo_p_value: inference.pValue,
    rmspe_ratio_p_value: inference.rmspeRatioPValue,
    mean_gap_p_value: inference.meanGapPValue,
    n_pre_periods: periods - nPost,
    n_post_periods: nPost,
    ci_inversion_empty: inversionEmpty,
    ci_method: inference.ciMethod,
    min_rmspe_ratio: finiteOrNull(Math.sqrt(spread) / fit.preRmspe),
    placebo_ratio_threshold: finiteOrNull(threshold),
    standard_error_method: params.standard_error,
  };
  return {
    effect_estimate: fit.effect,
    standard_error: params.standard_error === 'placebo_sd' ? inference.placeboSd : inference.prefitScaledSd,
    ci_lower: fit.effect - inference.halfWidth,
    ci_upper: fit.effect + inference.halfWidth,
    p_value: inference.pValue,
    sample_size: panel.units * periods,
    metric: params.outcome,
    effect_unit: 'absolute',
    diagnostics,
    details: {
      estimator:
        'synthetic control, outcome-only (pre-period outcomes, equal period weights), simplex weights by an exact active-set QP',
      standard_error_method:
        params.standard_error === 'placebo_sd'
          ? 'standard deviation of the in-space placebo effects (mean post-period gaps of the donors)'
          : "standard deviation of the in-space placebo effects each divided by its pre-period RMSPE, times the treated series' pre-period RMSPE",
      placebo_sd: inference.placeboSd,
      ci_method: inversionEmpty
        ? `the RMSPE-ratio placebo test rejects every constant effect (min ratio ${Math.sqrt(spread) / fit.preRmspe} > placebo threshold ${threshold}); fallback: inversion of the placebo test of the mean post gap |ḡ − τ| against |placebo effects| (level ${context.ciLevel}), conservative when donors are noisier than the treated series; p_value from the same test`
        : `inversion of the placebo RMSPE-ratio rank test over constant effects (level ${context.ciLevel})`,
      weights,
      gaps: Array.from({ length: periods }, (_, t) => ({
        period: panel.timeLevels[t],
        post: isPost[t] === 1,
        observed: target[t] as number,
        synthetic: (target[t] as number) - (fit.gaps[t] as number),
        gap: fit.gaps[t] as number,
      })),
      placebos: placebos.map((placebo) => ({
        unit: placebo.unit,
        effect: placebo.effect,
        pre_rmspe: placebo.preRmspe,
        post_pre_rmspe_ratio: finiteOrNull(placebo.ratio),
        // Per-period gaps of the placebo fit (drawn as the placebo band of the gap plot).
        gaps: Array.from(placebo.gaps),
      })),
    },
  };
}

/**
 * Synthetic control (Abadie, Diamond & Hainmueller 2010) on pre-period outcomes: donor weights on the simplex,
 * effect = mean post-period gap, inference by in-space placebos (p-value = rank of the post/pre RMSPE ratio),
 * interval by inverting that placebo test over constant effects. When that inversion is empty (the test rejects
 * every constant effect), interval and p-value both fall back to the placebo test of the mean post gap
 * (`diagnostics.ci_method = "mean_gap_placebo_fallback"`) instead of collapsing to a point.
 *
 * @example
 * ```ts
 * const estimate = syntheticControlModel.fit(table, SyntheticControlParamsSchema.parse({ outcome: 'sales', unit: 'state', time: 'year' }), { ciLevel: 0.9, seed: 1 });
 * ```
 */
export const syntheticControlModel = defineModel<SyntheticControlParams>({
  name: 'synthetic_control',
  modelType: 'quasi-experiment',
  paramsSchema: SyntheticControlParamsSchema,
  fit: estimateSyntheticControl,
});
