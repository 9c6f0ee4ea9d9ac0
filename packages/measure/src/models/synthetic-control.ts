import type { Table } from '@impact/contracts';
import { z } from 'zod';
import { binaryColumn, numericColumn } from '../data/columns';
import { MeasureError } from '../errors';
import { defineModel, type JsonValue, type ModelContext, type ModelEstimate } from './model';
import { encodeFactor } from './panel/codes';
import { simplexLeastSquares } from './panel/simplex-least-squares';

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

/** Synthetic-control fit of one series against a donor pool. */
export interface SyntheticFit {
  weights: Float64Array;
  /** Observed − synthetic, per period. */
  gaps: Float64Array;
  preRmspe: number;
  postRmspe: number;
  /** Mean post-period gap. */
  effect: number;
}

/**
 * Fit one synthetic control: simplex weights minimising the pre-period squared gap, then gaps in all periods.
 * `series` is T×U column-major (column u = unit u), `target` the treated series, `donors` the unit columns used.
 *
 * @example
 * ```ts
 * const fit = fitSyntheticControl(target, series, periods, donors, isPost, gram, gramSize, targetMoments, targetSquare);
 * ```
 */
export function fitSyntheticControl(
  target: Float64Array,
  series: Float64Array,
  periods: number,
  donors: readonly number[],
  isPost: Uint8Array,
  gram: Float64Array,
  gramSize: number,
  targetMoments: Float64Array,
  targetSquare: number,
): SyntheticFit {
  const j = donors.length;
  const subGram = new Float64Array(j * j);
  const moment = new Float64Array(j);
  for (let a = 0; a < j; a++) {
    const da = donors[a] as number;
    moment[a] = targetMoments[da] as number;
    for (let c = 0; c < j; c++) subGram[a * j + c] = gram[da * gramSize + (donors[c] as number)] as number;
  }
  const { weights } = simplexLeastSquares(subGram, moment, targetSquare, j);
  const gaps = Float64Array.from(target);
  for (let a = 0; a < j; a++) {
    const w = weights[a] as number;
    if (w === 0) continue;
    const offset = (donors[a] as number) * periods;
    for (let t = 0; t < periods; t++) gaps[t] = (gaps[t] as number) - w * (series[offset + t] as number);
  }
  let preSs = 0;
  let postSs = 0;
  let postSum = 0;
  let nPost = 0;
  for (let t = 0; t < periods; t++) {
    const g = gaps[t] as number;
    if (isPost[t] === 1) {
      postSs += g * g;
      postSum += g;
      nPost++;
    } else preSs += g * g;
  }
  const nPre = periods - nPost;
  return {
    weights,
    gaps,
    preRmspe: Math.sqrt(preSs / nPre),
    postRmspe: Math.sqrt(postSs / nPost),
    effect: postSum / nPost,
  };
}

/** post/pre RMSPE; 0 when there is no post-period gap at all, +∞ for a perfect pre-fit with a post gap. */
/** Sample standard deviation (n − 1; 0 for a single value). */
function standardDeviation(values: readonly number[]): number {
  const mean = values.reduce((sum, value) => sum + value, 0) / values.length;
  return Math.sqrt(
    values.reduce((sum, value) => sum + (value - mean) ** 2, 0) / Math.max(1, values.length - 1),
  );
}

function rmspeRatio(postRmspe: number, preRmspe: number): number {
  if (postRmspe === 0) return 0;
  return preRmspe === 0 ? Number.POSITIVE_INFINITY : postRmspe / preRmspe;
}

interface WidePanel {
  /** T×U column-major outcome matrix. */
  series: Float64Array;
  periods: number;
  units: number;
  unitLevels: (string | number)[];
  timeLevels: (string | number)[];
  unitTreated: Uint8Array;
  isPost: Uint8Array;
}

function toWide(table: Table, params: SyntheticControlParams): WidePanel {
  const y = numericColumn(table, params.outcome, 'outcome');
  const treated = binaryColumn(table, params.treated, 'treated-unit');
  const post = binaryColumn(table, params.post, 'post-period');
  for (const [name, role] of [
    [params.unit, 'unit'],
    [params.time, 'time'],
  ] as const) {
    if (table.columns[name] === undefined) {
      throw new MeasureError(
        'DATA_MISSING_COLUMN',
        `${role} column "${name}" not found in the data (available: ${Object.keys(table.columns).join(', ')})`,
        { column: name },
      );
    }
  }
  const units = encodeFactor(table.columns[params.unit] as never);
  const times = encodeFactor(table.columns[params.time] as never);
  const periods = times.levels.length;
  const unitCount = units.levels.length;
  const series = new Float64Array(periods * unitCount).fill(Number.NaN);
  const unitTreated = new Uint8Array(unitCount).fill(255);
  const isPost = new Uint8Array(periods).fill(255);
  for (let i = 0; i < y.length; i++) {
    const u = units.codes[i] as number;
    const t = times.codes[i] as number;
    const cell = u * periods + t;
    if (!Number.isNaN(series[cell] as number)) {
      throw new MeasureError(
        'MODEL_PARAMS_INVALID',
        `unit ${units.levels[u]} has more than one row for period ${times.levels[t]} (row ${i}); aggregate to one row per unit × period first`,
        {
          column: params.unit,
          row: i,
        },
      );
    }
    series[cell] = y[i] as number;
    if (unitTreated[u] === 255) unitTreated[u] = treated[i] as number;
    else if (unitTreated[u] !== treated[i]) {
      throw new MeasureError(
        'MODEL_PARAMS_INVALID',
        `treated column "${params.treated}" changes within unit ${units.levels[u]} (row ${i})`,
        { column: params.treated, row: i },
      );
    }
    if (isPost[t] === 255) isPost[t] = post[i] as number;
    else if (isPost[t] !== post[i]) {
      throw new MeasureError(
        'MODEL_PARAMS_INVALID',
        `post column "${params.post}" differs between units in period ${times.levels[t]} (row ${i}); it must be a function of time`,
        {
          column: params.post,
          row: i,
        },
      );
    }
  }
  for (let cell = 0; cell < series.length; cell++) {
    if (Number.isNaN(series[cell] as number)) {
      const u = Math.floor(cell / periods);
      throw new MeasureError(
        'DATA_TOO_FEW_ROWS',
        `synthetic control needs a balanced panel: unit ${units.levels[u]} has no row for period ${times.levels[cell % periods]}`,
        {
          column: params.unit,
        },
      );
    }
  }
  return {
    series,
    periods,
    units: unitCount,
    unitLevels: units.levels,
    timeLevels: times.levels,
    unitTreated,
    isPost,
  };
}

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
  const { series, periods, isPost } = panel;
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
  const alpha = 1 - context.ciLevel;
  // Placebo ranks take values k/(J+1); an interval at level 1−α needs (J+1)·α ≥ 1 to be finite.
  const rankUnits = donors.length + 1;
  if (rankUnits * alpha < 1 - 1e-9) {
    throw new MeasureError(
      'DATA_TOO_FEW_DONORS',
      `placebo inference at ci_level ${context.ciLevel} needs at least ${Math.ceil(1 / alpha - 1e-9) - 1} donors (the p-value cannot go below 1/(donors+1)), found ${donors.length}`,
      { parameter: 'ci_level' },
    );
  }

  // Treated series (mean of the treated units) and the pre-period Gram matrix of [donors…, treated].
  const target = new Float64Array(periods);
  for (const u of treatedUnits)
    for (let t = 0; t < periods; t++)
      target[t] = (target[t] as number) + (series[u * periods + t] as number) / treatedUnits.length;
  const stacked = new Float64Array(periods * (donors.length + 1));
  donors.forEach((u, a) => {
    stacked.set(series.subarray(u * periods, (u + 1) * periods), a * periods);
  });
  stacked.set(target, donors.length * periods);
  const size = donors.length + 1;
  const gram = new Float64Array(size * size);
  for (let a = 0; a < size; a++) {
    for (let c = 0; c <= a; c++) {
      let sum = 0;
      for (let t = 0; t < periods; t++)
        if (isPost[t] === 0)
          sum += (stacked[a * periods + t] as number) * (stacked[c * periods + t] as number);
      gram[a * size + c] = sum;
      gram[c * size + a] = sum;
    }
  }
  const column = (a: number) => gram.subarray(a * size, (a + 1) * size);
  const allDonors = donors.map((_, a) => a);
  const fit = fitSyntheticControl(
    target,
    stacked,
    periods,
    allDonors,
    isPost,
    gram,
    size,
    column(donors.length),
    gram[donors.length * size + donors.length] as number,
  );
  const ratio = rmspeRatio(fit.postRmspe, fit.preRmspe);

  // In-space placebos: each donor in turn treated as if treated, the other donors as its pool (ADH 2010 §4).
  const placebos = allDonors.map((a) => {
    const pool = allDonors.filter((b) => b !== a);
    const placebo = fitSyntheticControl(
      stacked.subarray(a * periods, (a + 1) * periods),
      stacked,
      periods,
      pool,
      isPost,
      gram,
      size,
      column(a),
      gram[a * size + a] as number,
    );
    return {
      unit: panel.unitLevels[donors[a] as number] as string | number,
      effect: placebo.effect,
      preRmspe: placebo.preRmspe,
      ratio: rmspeRatio(placebo.postRmspe, placebo.preRmspe),
      gaps: placebo.gaps,
    };
  });
  // p = (1 + #{placebo ratio ≥ treated ratio}) / (J + 1): ties counted against the treated unit (conservative).
  const atLeast = placebos.filter((placebo) => placebo.ratio >= ratio).length;
  const placeboPValue = (1 + atLeast) / rankUnits;

  // Interval by test inversion over constant effects τ (Firpo & Possebom 2018): subtracting τ from the treated
  // post-period outcomes leaves its weights and the placebos unchanged and makes its ratio
  // R(τ) = √(mean((g_t − τ)²))/pre_rmspe = √((ḡ − τ)² + s²)/pre_rmspe, s² the post-gap variance. τ is kept when
  // p(τ) > α, i.e. R(τ) ≤ r_(m), the m-th largest placebo ratio with m the smallest integer > α(J+1) − 1:
  // τ ∈ ḡ ± √(r_(m)²·pre_rmspe² − s²).
  const postGaps: number[] = [];
  for (let t = 0; t < periods; t++) if (isPost[t] === 1) postGaps.push(fit.gaps[t] as number);
  const spread = postGaps.reduce((sum, gap) => sum + (gap - fit.effect) ** 2, 0) / postGaps.length;
  const sortedRatios = placebos.map((placebo) => placebo.ratio).sort((a, b) => b - a);
  const m = Math.floor(Math.round(alpha * rankUnits * 1e9) / 1e9 - 1) + 1;
  const threshold = sortedRatios[m - 1] as number;
  const radicand = threshold * threshold * fit.preRmspe * fit.preRmspe - spread;
  if (radicand === Number.POSITIVE_INFINITY || Number.isNaN(radicand)) {
    const exact = placebos.find((placebo) => placebo.ratio === Number.POSITIVE_INFINITY);
    throw new MeasureError(
      'MODEL_SINGULAR_DESIGN',
      `placebo unit ${exact?.unit ?? '?'} reproduces its pre-period exactly (pre-RMSPE 0), so the placebo interval is unbounded; use fewer donors than pre-periods (${periods - nPost}) or a longer pre-period`,
      { parameter: 'donors' },
    );
  }
  // Empty inversion set: even the best constant effect leaves the treated ratio R(τ) ≥ s/pre_rmspe above
  // r_(m), i.e. the test rejects the constant-effect model itself (post gaps vary more than the pre-period fit
  // allows: an averaged treated series fits its pre-period far better than it tracks after treatment, and a
  // multiplicative effect varies with the level). A zero-width interval would then pass for certainty, so both
  // the interval and the p-value fall back to the unstandardized placebo test of the mean post gap,
  // T(τ) = |ḡ − τ| against |ḡ_j|: τ is kept when 1 + #{|ḡ_j| ≥ |ḡ − τ|} > α(J+1), i.e. τ ∈ ḡ ± a_(m) with a_(m)
  // the m-th largest |placebo effect| (same m). Single donors are noisier than an average of treated units, so
  // this interval is conservative there (wide rather than falsely precise).
  const inversionEmpty = !(radicand > 0);
  const absolutePlaceboEffects = placebos.map((placebo) => Math.abs(placebo.effect)).sort((a, b) => b - a);
  const meanGapPValue =
    (1 + placebos.filter((placebo) => Math.abs(placebo.effect) >= Math.abs(fit.effect)).length) / rankUnits;
  const halfWidth = inversionEmpty ? (absolutePlaceboEffects[m - 1] as number) : Math.sqrt(radicand);
  const pValue = inversionEmpty ? meanGapPValue : placeboPValue;
  const ciMethod = inversionEmpty ? 'mean_gap_placebo_fallback' : 'rmspe_ratio_inversion';
  const placeboSd = standardDeviation(placebos.map((placebo) => placebo.effect));
  // Placebo effects in units of their own pre-period fit, rescaled to the treated series' fit; donors that
  // reproduce their pre-period exactly carry no scale and are left out.
  const scaled = placebos.filter((placebo) => placebo.preRmspe > 0);
  const prefitScaledSd =
    scaled.length >= 2
      ? fit.preRmspe * standardDeviation(scaled.map((placebo) => placebo.effect / placebo.preRmspe))
      : placeboSd;
  const standardError = params.standard_error === 'placebo_sd' ? placeboSd : prefitScaledSd;

  const weights: Record<string, number> = {};
  allDonors.forEach((a) => {
    weights[String(panel.unitLevels[donors[a] as number])] = fit.weights[a] as number;
  });
  const finiteOrNull = (value: number): number | null => (Number.isFinite(value) ? value : null);
  const diagnostics: Record<string, JsonValue> = {
    n_treated: treatedUnits.length,
    n_control: donors.length,
    pre_rmspe: fit.preRmspe,
    post_rmspe: fit.postRmspe,
    post_pre_rmspe_ratio: finiteOrNull(ratio),
    placebo_p_value: pValue,
    rmspe_ratio_p_value: placeboPValue,
    mean_gap_p_value: meanGapPValue,
    n_pre_periods: periods - nPost,
    n_post_periods: nPost,
    ci_inversion_empty: inversionEmpty,
    ci_method: ciMethod,
    min_rmspe_ratio: finiteOrNull(Math.sqrt(spread) / fit.preRmspe),
    placebo_ratio_threshold: finiteOrNull(threshold),
    standard_error_method: params.standard_error,
  };
  return {
    effect_estimate: fit.effect,
    standard_error: standardError,
    ci_lower: fit.effect - halfWidth,
    ci_upper: fit.effect + halfWidth,
    p_value: pValue,
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
      placebo_sd: placeboSd,
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
