import type { Table } from '@impact/contracts';
import { z } from 'zod';
import { binaryColumn, numericColumn } from '../../data/columns';
import { MeasureError } from '../../errors';
import { chiSquaredSurvival } from '../../stats/distributions';
import { inferenceFromEstimate } from '../../stats/ols';
import { estimateFromInference, type JsonValue, type ModelEstimate } from '../model';

/**
 * `ratio:` of the experiment model: a ratio metric Σ numerator / Σ denominator per arm (revenue per visit,
 * clicks per session), with one row per randomization unit holding that unit's numerator and denominator.
 *
 * @example
 * ```ts
 * RatioParamsSchema.parse({ numerator: 'revenue', denominator: 'visits' });
 * ```
 */
export const RatioParamsSchema = z.strictObject({
  numerator: z.string().min(1),
  denominator: z.string().min(1),
});
/** Parsed `ratio:` parameters. */
export type RatioParams = z.output<typeof RatioParamsSchema>;

interface ArmRatio {
  n: number;
  ratio: number;
  /** Delta-method variance of the ratio of means. */
  variance: number;
}

/**
 * R = x̄/ȳ of one arm and its delta-method variance (Deng, Knoblich & Lu 2018):
 * Var(R) ≈ (s_x² − 2R·s_xy + R²·s_y²) / (n·ȳ²), sample (co)variances with n − 1.
 */
function armRatio(x: Float64Array, y: Float64Array, arm: Uint8Array, group: number, label: string): ArmRatio {
  let n = 0;
  let sumX = 0;
  let sumY = 0;
  for (let i = 0; i < x.length; i++) {
    if (arm[i] !== group) continue;
    n++;
    sumX += x[i] as number;
    sumY += y[i] as number;
  }
  const meanX = sumX / n;
  const meanY = sumY / n;
  if (!(n >= 2) || meanY === 0) {
    throw new MeasureError(
      'DATA_EMPTY_GROUP',
      `ratio metric: the ${label} arm has ${n} rows and denominator mean ${meanY}; it needs at least 2 rows and a non-zero denominator`,
      { column: label },
    );
  }
  let sxx = 0;
  let syy = 0;
  let sxy = 0;
  for (let i = 0; i < x.length; i++) {
    if (arm[i] !== group) continue;
    const dx = (x[i] as number) - meanX;
    const dy = (y[i] as number) - meanY;
    sxx += dx * dx;
    syy += dy * dy;
    sxy += dx * dy;
  }
  const ratio = meanX / meanY;
  const variance = (sxx - 2 * ratio * sxy + ratio * ratio * syy) / (n - 1) / (n * meanY * meanY);
  return { n, ratio, variance: Math.max(0, variance) };
}

/**
 * The experiment model on a ratio metric: effect R₁ − R₀ (or R₁/R₀ − 1 with `effect_unit: relative`), delta-
 * method standard errors, normal reference, plus the sample-ratio-mismatch test of the experiment model.
 *
 * @example
 * ```ts
 * estimateRatioExperiment(table, { ratio: { numerator: 'revenue', denominator: 'visits' }, treatment: 'arm',
 *   expected_treated_share: 0.5, effect_unit: 'absolute' }, 0.95);
 * ```
 */
export function estimateRatioExperiment(
  table: Table,
  params: {
    ratio: RatioParams;
    treatment: string;
    expected_treated_share: number;
    effect_unit: 'absolute' | 'relative';
  },
  ciLevel: number,
): ModelEstimate {
  const x = numericColumn(table, params.ratio.numerator, 'ratio numerator');
  const y = numericColumn(table, params.ratio.denominator, 'ratio denominator');
  const arm = binaryColumn(table, params.treatment, 'treatment');
  const control = armRatio(x, y, arm, 0, 'control');
  const treated = armRatio(x, y, arm, 1, 'treated');
  const difference = treated.ratio - control.ratio;
  const absolute = inferenceFromEstimate(
    difference,
    Math.sqrt(treated.variance + control.variance),
    ciLevel,
    Number.POSITIVE_INFINITY,
  );
  // Relative lift R₁/R₀ − 1, delta method over the two independent arms.
  const lift = treated.ratio / control.ratio - 1;
  const liftVariance =
    treated.variance / control.ratio ** 2 + (treated.ratio ** 2 * control.variance) / control.ratio ** 4;
  const relative = inferenceFromEstimate(lift, Math.sqrt(liftVariance), ciLevel, Number.POSITIVE_INFINITY);
  if (!(absolute.standardError > 0)) {
    throw new MeasureError(
      'DATA_ZERO_VARIANCE',
      `ratio metric ${params.ratio.numerator}/${params.ratio.denominator} has no variation within the arms, so no standard error can be estimated`,
      { column: params.ratio.numerator },
    );
  }
  const n = control.n + treated.n;
  const expectedTreated = n * params.expected_treated_share;
  const expectedControl = n - expectedTreated;
  const srmChi2 =
    (treated.n - expectedTreated) ** 2 / expectedTreated +
    (control.n - expectedControl) ** 2 / expectedControl;
  const diagnostics: Record<string, JsonValue> = {
    n_treated: treated.n,
    n_control: control.n,
    ratio_treated: treated.ratio,
    ratio_control: control.ratio,
    control_mean: control.ratio,
    relative_lift: relative.estimate,
    relative_lift_se: relative.standardError,
    relative_lift_ci_lower: relative.ciLower,
    relative_lift_ci_upper: relative.ciUpper,
    df: null,
    expected_treated_share: params.expected_treated_share,
    srm_chi2: srmChi2,
    srm_p_value: chiSquaredSurvival(srmChi2, 1),
  };
  const headline = params.effect_unit === 'relative' ? relative : absolute;
  return estimateFromInference(headline, {
    sampleSize: n,
    metric: `${params.ratio.numerator}/${params.ratio.denominator}`,
    diagnostics,
    details: {
      estimator:
        'ratio of means per arm (Σ numerator / Σ denominator), delta-method standard errors, normal reference',
      arms: {
        treated: { n: treated.n, ratio: treated.ratio, standard_error: Math.sqrt(treated.variance) },
        control: { n: control.n, ratio: control.ratio, standard_error: Math.sqrt(control.variance) },
      },
    },
    effectUnit: params.effect_unit,
  });
}
