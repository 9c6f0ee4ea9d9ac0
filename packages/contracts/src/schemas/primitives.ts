import { z } from 'zod';

/**
 * Identifier of an initiative: non-empty; letters, digits, `-` and `_` only.
 *
 * @example
 * ```ts
 * InitiativeIdSchema.parse('product-desc-enhancement');
 * ```
 */
export const InitiativeIdSchema = z
  .string()
  .min(1, 'expected a non-empty initiative id')
  .regex(/^[A-Za-z0-9_-]+$/, 'expected an id made of letters, digits, "-" or "_"');
/** Identifier of an initiative. */
export type InitiativeId = z.output<typeof InitiativeIdSchema>;

/** The four methodology classes, strongest first. */
export const MODEL_TYPES = ['experiment', 'quasi-experiment', 'time-series', 'observational'] as const;

/**
 * Methodology class of a measurement: it sets the confidence band a review may use.
 *
 * @example
 * ```ts
 * ModelTypeSchema.parse('quasi-experiment');
 * ```
 */
export const ModelTypeSchema = z.enum(MODEL_TYPES);
/** Methodology class of a measurement. */
export type ModelType = z.output<typeof ModelTypeSchema>;

/**
 * A finite number. zod 4's `z.number()` already rejects `NaN` and `±Infinity`; the alias documents intent.
 */
export const FiniteNumberSchema = z.number();

/** Confidence in a measurement, in [0, 1]. */
export const ConfidenceSchema = z.number().min(0).max(1);
/** Confidence in a measurement, in [0, 1]. */
export type Confidence = z.output<typeof ConfidenceSchema>;

/** An amount of money: finite and ≥ 0. */
export const CurrencySchema = z.number().min(0);
/** An amount of money: finite and ≥ 0. */
export type Currency = z.output<typeof CurrencySchema>;

/** A probability, in [0, 1]. */
export const ProbabilitySchema = z.number().min(0).max(1);

/** A count of observations: an integer ≥ 1. */
export const SampleSizeSchema = z.number().int().min(1);

/** A confidence level strictly between 0 and 1 (0.95 for a 95% interval). */
export const CiLevelSchema = z.number().gt(0).lt(1);

/** Whether an effect is in the metric's own units (`absolute`) or a fraction of the baseline (`relative`). */
export const EffectUnitSchema = z.enum(['absolute', 'relative']);
/** Whether an effect is absolute or relative. */
export type EffectUnit = z.output<typeof EffectUnitSchema>;

/**
 * Free-form, JSON-compatible details (model diagnostics, rule details). Unknown keys pass through;
 * numbers must still be finite.
 */
export const DiagnosticsSchema = z.record(z.string(), z.json());
/** Free-form JSON-compatible details. */
export type Diagnostics = z.output<typeof DiagnosticsSchema>;

/** How serious a review flag is. */
export const FlagSeveritySchema = z.enum(['info', 'warning', 'critical']);

/**
 * A machine-readable concern raised about a measurement, e.g. `{ code: 'NOT_SIGNIFICANT', message: … }`.
 */
export const FlagSchema = z.strictObject({
  code: z.string().regex(/^[A-Z][A-Z0-9_]*$/, 'expected an UPPER_SNAKE_CASE flag code'),
  message: z.string().min(1),
  severity: FlagSeveritySchema.default('warning'),
});
/** A machine-readable concern raised about a measurement. */
export type Flag = z.output<typeof FlagSchema>;
