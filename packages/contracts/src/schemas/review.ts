import { z } from 'zod';
import {
  ConfidenceSchema,
  CurrencySchema,
  FiniteNumberSchema,
  FlagSchema,
  InitiativeIdSchema,
  ModelTypeSchema,
  ProbabilitySchema,
} from './primitives';

/** Which reviewer produced a review, and with which model when it was an LLM. */
export const ReviewerInfoSchema = z.strictObject({
  name: z.string().min(1),
  kind: z.enum(['deterministic', 'llm']),
  model: z.string().min(1).optional(),
});
/** Which reviewer produced a review. */
export type ReviewerInfo = z.output<typeof ReviewerInfoSchema>;

/** One quantile of a predictive distribution: `P(return ≤ value) = p`. */
export const PredictionQuantileSchema = z.strictObject({ p: ProbabilitySchema, value: FiniteNumberSchema });

/**
 * The predictive distribution of an initiative's return at scale, in the currency of `cost`, as a decision
 * model produced it: `family` and its `mean`/`sd`, the quantiles that became `R_worst`/`R_best` (ascending
 * in `p` and in `value`), the probability of losing money (`P(return < cost)`) and the components it was
 * built from (the raw estimate, sampling and methodology-bias spread, the empirical-Bayes prior and the
 * shrinkage weight on the estimate). Invariant: `sd ≥ 0`, quantiles ordered.
 *
 * @example
 * ```ts
 * PredictionSchema.parse({ model: 'predictive', family: 'normal', mean: 12, sd: 3,
 *   quantiles: [{ p: 0.1, value: 8.2 }, { p: 0.9, value: 15.8 }], probability_of_loss: 0.25, expected_net: 2,
 *   components: { estimate: 15, sampling_sd: 2, bias_mean: 0, bias_sd: 1, prior_mean: 8, prior_sd: 4, shrinkage_weight: 0.7 } });
 * ```
 */
export const PredictionSchema = z
  .strictObject({
    /** The decision model that produced it (e.g. `predictive`). */
    model: z.string().min(1),
    /** `normal`, or `normal_mixture`: a scale mixture of normals over the prior's spread (its quantiles exact, `sd` its moment). */
    family: z.enum(['normal', 'normal_mixture']),
    mean: FiniteNumberSchema,
    sd: z.number().min(0),
    quantiles: z.array(PredictionQuantileSchema).min(1),
    /** `P(return < cost)`: the chance that funding loses money. */
    probability_of_loss: ProbabilitySchema,
    /** `mean − cost`. */
    expected_net: FiniteNumberSchema,
    components: z.strictObject({
      /** The measurement's point estimate valued as a return (before bias correction and shrinkage). */
      estimate: FiniteNumberSchema,
      /** Sampling SD of that return (the estimate's SE times the valuation multiplier). */
      sampling_sd: z.number().min(0),
      /** Methodology bias subtracted from the estimate (from calibration; 0 without). */
      bias_mean: FiniteNumberSchema,
      /** SD of the methodology bias term (grows as confidence falls). */
      bias_sd: z.number().min(0),
      /** Mean of the empirical-Bayes prior over true returns, at this initiative's cost; null when unpooled. */
      prior_mean: FiniteNumberSchema.nullable(),
      /** SD of that prior, at this initiative's cost; null when unpooled. */
      prior_sd: z.number().min(0).nullable(),
      /** Weight of the (bias-corrected) estimate in the posterior mean, in [0, 1]; 1 − weight is the shrinkage. */
      shrinkage_weight: ProbabilitySchema,
    }),
  })
  .superRefine((value, ctx) => {
    value.quantiles.forEach((quantile, index) => {
      const previous = value.quantiles[index - 1];
      if (previous !== undefined && (quantile.p <= previous.p || quantile.value < previous.value)) {
        ctx.addIssue({
          code: 'custom',
          path: ['quantiles', index],
          input: quantile,
          message: `expected quantiles ascending in p and value after p ${previous.p} (value ${previous.value})`,
        });
      }
    });
  });
/** A predictive distribution of return at scale. */
export type Prediction = z.output<typeof PredictionSchema>;

/**
 * Review → Allocate: confidence in one initiative's measurement, its cost to scale, and its best/median/
 * worst returns in the same currency as `cost` (gross: cost is not subtracted). `decision_model` names what
 * produced the scenarios; with a `prediction` they are quantiles/mean of a predictive distribution (already
 * carrying the uncertainty), without one they are interval bounds. Invariant: `R_worst ≤ R_med ≤ R_best`.
 *
 * @example
 * ```ts
 * ReviewResultSchema.parse({ id: 'a', confidence: 0.9, cost: 10, R_best: 15, R_med: 10, R_worst: 2,
 *   model_type: 'experiment', flags: [], rationale: '', reviewer: { name: 'deterministic', kind: 'deterministic' } });
 * ```
 */
export const ReviewResultSchema = z
  .strictObject({
    id: InitiativeIdSchema,
    confidence: ConfidenceSchema,
    cost: CurrencySchema,
    R_best: FiniteNumberSchema,
    R_med: FiniteNumberSchema,
    R_worst: FiniteNumberSchema,
    model_type: ModelTypeSchema,
    flags: z.array(FlagSchema).default([]),
    rationale: z.string().default(''),
    reviewer: ReviewerInfoSchema,
    /** Which decision model turned the measurement into scenarios (`predictive`, `design_ci`, …); absent on hand-written reviews. */
    decision_model: z.string().min(1).optional(),
    /** The predictive distribution behind the scenarios, when the decision model produced one. */
    prediction: PredictionSchema.optional(),
  })
  .superRefine((value, ctx) => {
    if (value.R_worst > value.R_med) {
      ctx.addIssue({
        code: 'custom',
        path: ['R_worst'],
        input: value.R_worst,
        message: `expected R_worst ≤ R_med (${value.R_med})`,
      });
    }
    if (value.R_med > value.R_best) {
      ctx.addIssue({
        code: 'custom',
        path: ['R_best'],
        input: value.R_best,
        message: `expected R_best ≥ R_med (${value.R_med})`,
      });
    }
  });
/** Review → Allocate contract (parsed form). */
export type ReviewResult = z.output<typeof ReviewResultSchema>;
/** Review → Allocate contract as accepted on input. */
export type ReviewResultInput = z.input<typeof ReviewResultSchema>;
