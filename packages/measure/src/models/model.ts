import type { EffectUnit, ModelType, Table } from '@impact/contracts';
import type { z } from 'zod';
import type { CoefficientInference } from '../stats/ols';

/** What every model receives besides its data and parameters. */
export interface ModelContext {
  /** Confidence level of reported intervals, e.g. 0.95. */
  ciLevel: number;
  /** Seed for anything random (bootstrap, placebo order); same seed → same output. */
  seed: number;
}

/** A JSON value (what diagnostics may hold). */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/**
 * What a model returns: the headline estimate with its uncertainty, plus JSON diagnostics (reviewed
 * downstream; standard keys in docs/measure.md) and free-form details (coefficients, weights, per-period
 * effects) stored as a separate artifact for plotting.
 */
export interface ModelEstimate {
  effect_estimate: number;
  standard_error: number;
  ci_lower: number;
  ci_upper: number;
  p_value: number;
  sample_size: number;
  metric: string;
  effect_unit: EffectUnit;
  diagnostics: Record<string, JsonValue>;
  details: Record<string, unknown>;
}

/**
 * A causal-effect model: validated parameters in, one {@link ModelEstimate} out. `fit` is pure and
 * synchronous; it throws `MeasureError` for bad data.
 */
export interface ModelAdapter<P = unknown> {
  /** Name used in YAML (`model: { name }`). */
  name: string;
  /** Methodology class reported as `model_type`. */
  modelType: ModelType;
  /** Schema of `model.params` (strict: unknown keys rejected). */
  paramsSchema: z.ZodType<P>;
  fit(table: Table, params: P, context: ModelContext): ModelEstimate;
}

/**
 * Type helper for declaring a model adapter with its parameter type inferred from the schema.
 *
 * @example
 * ```ts
 * const meanModel = defineModel({
 *   name: 'mean', modelType: 'observational', paramsSchema: z.strictObject({ outcome: z.string() }),
 *   fit: (table, params, context) => ({ ... }),
 * });
 * registerModel(meanModel);
 * ```
 */
export function defineModel<P>(adapter: ModelAdapter<P>): ModelAdapter<P> {
  return adapter;
}

/** Everything a {@link ModelEstimate} needs besides the inference on its headline coefficient. */
export interface EstimateContext {
  sampleSize: number;
  metric: string;
  diagnostics: Record<string, JsonValue>;
  details: Record<string, unknown>;
  /** Defaults to `absolute`. */
  effectUnit?: EffectUnit;
}

/**
 * Assemble a {@link ModelEstimate} from the inference on the effect (estimate, SE, CI, p-value), so every
 * model reports those fields the same way.
 *
 * @example
 * ```ts
 * return estimateFromInference(coefficientInference(fit, 1, ciLevel, fit.dfResidual),
 *   { sampleSize: n, metric: 'revenue', diagnostics, details });
 * ```
 */
export function estimateFromInference(
  inference: CoefficientInference,
  context: EstimateContext,
): ModelEstimate {
  return {
    effect_estimate: inference.estimate,
    standard_error: inference.standardError,
    ci_lower: inference.ciLower,
    ci_upper: inference.ciUpper,
    p_value: inference.pValue,
    sample_size: context.sampleSize,
    metric: context.metric,
    effect_unit: context.effectUnit ?? 'absolute',
    diagnostics: context.diagnostics,
    details: context.details,
  };
}
