import { z } from 'zod';

/**
 * `refute:` of a measure config: which refutations to run after the fit (each key switches one on; `true`
 * means its defaults). Results go to `diagnostics.refute_*` and `details.refutation`.
 *
 * @example
 * ```yaml
 * refute:
 *   placebo_outcome: { outcome: revenue_last_year }
 *   random_common_cause: true
 *   data_subset: { fraction: 0.8, replications: 20 }
 *   e_value: true
 * ```
 */
export const RefuteConfigSchema = z.strictObject({
  /** Move the treatment start into the pre-period (pre-period data only): a real effect should vanish. */
  placebo_treatment_date: z
    .union([
      z.literal(true),
      z.strictObject({
        /** Placebo start this many periods before the real one (default: half the pre-period). */
        periods_before: z.number().int().min(1).optional(),
      }),
    ])
    .optional(),
  /** Refit with an outcome the treatment cannot have affected (e.g. the same metric before the pilot). */
  placebo_outcome: z.strictObject({ outcome: z.string().min(1) }).optional(),
  /** Add a simulated N(0, 1) covariate (independent of everything): the estimate should not move. */
  random_common_cause: z
    .union([z.literal(true), z.strictObject({ replications: z.number().int().min(1).max(200).default(10) })])
    .optional(),
  /** Refit on random subsets of units: the estimate should stay inside the original interval. */
  data_subset: z
    .union([
      z.literal(true),
      z.strictObject({
        fraction: z.number().gt(0).lt(1).default(0.8),
        replications: z.number().int().min(1).max(500).default(20),
        /** Column whose values are sampled (default: the model's `unit` or `cluster` column, else rows). */
        unit: z.string().min(1).optional(),
      }),
    ])
    .optional(),
  /** E-values of the estimate and its interval (observational designs). */
  e_value: z.literal(true).optional(),
  /** Thresholds for calling a refutation failed (see docs/measure-refutation.md). */
  thresholds: z
    .strictObject({
      /** Placebo treatment/outcome fails when its p-value is below this. */
      placebo_alpha: z.number().gt(0).lt(1).default(0.05),
      /** Random common cause fails when the mean |shift| exceeds this many standard errors. */
      max_shift_se: z.number().positive().default(0.5),
      /** Data subset fails when fewer than this share of subset estimates are inside the original CI. */
      min_subset_within_ci: z.number().min(0).max(1).default(0.9),
    })
    .prefault({}),
});
/** Parsed `refute:` section. */
export type RefuteConfig = z.output<typeof RefuteConfigSchema>;
/** `refute:` as written. */
export type RefuteConfigInput = z.input<typeof RefuteConfigSchema>;
