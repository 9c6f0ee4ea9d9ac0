import type { Flag, MeasureResult, ModelType } from '@impact/contracts';
import { type AdjustmentName, type Band, DEFAULT_REVIEW_RULES, type ReviewRules } from '../rules/rules';
import { type PowerAnalysis, powerAnalysis } from '../stats/power';
import { type SampleSizeAdequacy, sampleSizeAdequacy } from './adequacy';
import { ADJUSTMENT_DEFINITIONS, type AdjustmentContext, formatNumber } from './adjustments';
import { isBeyondFlag, rampScore } from './ramp';

/** The outcome of one adjustment on one measurement. */
export interface AdjustmentOutcome {
  name: AdjustmentName;
  label: string;
  /** The adjustment's input value (see the rules table). */
  input: number;
  /** Ramp score in [0, 1] (1 = no concern). */
  score: number;
  weight: number;
  /** Multiplier applied to the band position: `1 − weight · (1 − score)`, in [1 − weight, 1]. */
  factor: number;
  flagged: boolean;
}

/** How a confidence score was reached. */
export interface ConfidenceBreakdown {
  modelType: ModelType;
  band: Band;
  /** Position inside the band, in [0, 1]: the product of the applicable adjustments' factors. */
  position: number;
  /** `band.min + (band.max − band.min) · position`. */
  confidence: number;
  /** Two-sided α of the measurement (`1 − ci_level`). */
  alpha: number;
  /** Power analysis for the observed effect (the LLM's power calculator); not used by the score. */
  power: PowerAnalysis;
  /** Sample-size adequacy against the minimum effect of interest: the `sample_size` adjustment's input. */
  adequacy: SampleSizeAdequacy;
  /** The adjustments that applied (those whose diagnostic was absent are left out). */
  adjustments: AdjustmentOutcome[];
  flags: Flag[];
}

/**
 * Score a measurement: band from its `model_type`, position inside the band from the product of
 * monotone adjustment factors `Π (1 − w_k·(1 − s_k))`, where `s_k` is the ramp score of adjustment k.
 * Adjustments whose diagnostic is absent do not apply (factor 1); a diagnostic present but not a finite
 * number is ignored and flagged `DIAGNOSTIC_INVALID`. The score never leaves the band.
 *
 * @example
 * ```ts
 * scoreConfidence(measurement).confidence; // e.g. 0.93 for a clean, well-powered experiment
 * ```
 */
export function scoreConfidence(
  measurement: MeasureResult,
  rules: ReviewRules = DEFAULT_REVIEW_RULES,
): ConfidenceBreakdown {
  const band = rules.bands[measurement.model_type];
  const alpha = 1 - measurement.ci_level;
  const power = powerAnalysis({
    effect: measurement.effect_estimate,
    standardError: measurement.standard_error,
    sampleSize: measurement.sample_size,
    alpha,
    power: rules.power,
  });
  const adequacy = sampleSizeAdequacy(measurement, {
    alpha,
    power: rules.power,
    ...(rules.minimum_effect === undefined ? {} : { minimumEffect: rules.minimum_effect }),
  });
  const context: AdjustmentContext = { measurement, alpha, power, adequacy };
  const adjustments: AdjustmentOutcome[] = [];
  const flags: Flag[] = [];
  let position = 1;
  for (const definition of ADJUSTMENT_DEFINITIONS) {
    let diagnostic: number | undefined;
    if (definition.diagnostic !== undefined) {
      const raw = measurement.diagnostics[definition.diagnostic];
      if (raw === undefined || raw === null) continue;
      if (typeof raw !== 'number' || !Number.isFinite(raw)) {
        flags.push({
          code: 'DIAGNOSTIC_INVALID',
          message: `diagnostics.${definition.diagnostic}: expected a finite number, got ${JSON.stringify(raw)}; ignored`,
          severity: 'info',
        });
        continue;
      }
      diagnostic = raw;
    }
    const input = definition.input(context, diagnostic);
    if (input === undefined) continue;
    const rule = rules.adjustments[definition.name];
    const score = rampScore(input, rule);
    const factor = 1 - rule.weight * (1 - score);
    const flagged = isBeyondFlag(input, rule, rule.flag_at);
    position *= factor;
    adjustments.push({
      name: definition.name,
      label: definition.label,
      input,
      score,
      weight: rule.weight,
      factor,
      flagged,
    });
    if (flagged && rule.flag_at !== null) {
      flags.push({
        code: definition.flagCode,
        message: definition.flagMessage(input, rule.flag_at, context),
        severity: rule.severity,
      });
    }
  }
  const confidence = clampToBand(band.min + (band.max - band.min) * position, band);
  return {
    modelType: measurement.model_type,
    band,
    position,
    confidence,
    alpha,
    power,
    adequacy,
    adjustments,
    flags,
  };
}

/**
 * Clamp a score into a band.
 *
 * @example
 * ```ts
 * clampToBand(0.95, { min: 0.6, max: 0.84 }); // 0.84
 * ```
 */
export function clampToBand(score: number, band: Band): number {
  return Math.min(band.max, Math.max(band.min, score));
}

/**
 * A one-paragraph explanation of a breakdown, for `ReviewResult.rationale`.
 *
 * @example
 * ```ts
 * describeBreakdown(scoreConfidence(measurement));
 * ```
 */
export function describeBreakdown(breakdown: ConfidenceBreakdown): string {
  const { band } = breakdown;
  const parts = breakdown.adjustments.map(
    (adjustment) =>
      `${adjustment.label} = ${formatNumber(adjustment.input)} → score ${formatNumber(adjustment.score)}, ×${formatNumber(adjustment.factor)}`,
  );
  return (
    `${breakdown.modelType} band [${band.min}, ${band.max}]; position ${formatNumber(breakdown.position)} ` +
    `→ confidence ${formatNumber(breakdown.confidence)}. Adjustments: ${parts.join('; ')}.`
  );
}
