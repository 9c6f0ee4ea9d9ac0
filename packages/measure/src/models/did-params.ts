import { z } from 'zod';

/**
 * Parameters of the `difference_in_differences` model (YAML `model.params`).
 *
 * @example
 * ```ts
 * DifferenceInDifferencesParamsSchema.parse({ outcome: 'fte', unit: 'id', time: 'wave', treated: 'nj', post: 'after' });
 * ```
 */
export const DifferenceInDifferencesParamsSchema = z
  .object({
    /** Outcome column (per unit-period). */
    outcome: z.string().min(1).default('revenue'),
    /** Unit id column; standard errors are clustered on it. */
    unit: z.string().min(1).default('product_id'),
    /** Period column: ISO dates or numbers; sorted to give the time index. */
    time: z.string().min(1).default('date'),
    /** 0/1 treatment-group indicator, constant within a unit. */
    treated: z.string().min(1).default('treated'),
    /** 0/1 post-period indicator, a function of time (common treatment start). */
    post: z.string().min(1).default('post'),
    /**
     * `unit_time`: two-way fixed effects (unit + period), the panel estimator. `group_time`: group (treated vs
     * control) + period effects, which in a two-period design is the classic 2×2 regression y ~ treated + post +
     * treated·post and uses units observed in only one period too.
     */
    fixed_effects: z.enum(['unit_time', 'group_time']).default('unit_time'),
    /** Event-study leads tested for pre-trends: k = −2 … −(leads+1), the earliest binned. */
    pretrend_leads: z.number().int().min(0).default(4),
    /** Event-study lags reported as per-period effects: k = 0 … lags−1, the last binned (k ≥ lags−1). */
    event_lags: z.number().int().min(1).default(4),
    /** Convergence tolerance and sweep limit of the within transformation. */
    tolerance: z.number().positive().default(1e-11),
    max_iterations: z.number().int().positive().default(10_000),
    /**
     * Covariance of the headline estimate: `CR1` (default) cluster-robust by `unit`, t with G − 1 df;
     * `classical` σ̂²(X'X)⁻¹ or `HC1` White's (n/(n − K) factor), both with t on n − K df, K counting the
     * absorbed fixed effects — the OLS-with-dummies numbers of statsmodels / R `lm` + `sandwich`. The event
     * study and pre-trend test stay cluster-robust.
     */
    covariance: z.enum(['CR1', 'classical', 'HC1']).default('CR1'),
    /**
     * Small-sample convention of `CR1`, G/(G − 1)·(N − 1)/(N − K): `clusters` (default) counts every absorbed
     * fixed effect in K, as a regression with dummies (statsmodels, R `sandwich::vcovCL`, Stata `regress`);
     * `within` leaves out the unit effects nested in the unit clusters, as fixest (`fixef.K = "nested"`) and
     * Stata `xtreg, fe` do. Both use t with G − 1 df.
     */
    df: z.enum(['clusters', 'within']).default('clusters'),
  })
  .strict()
  .refine((params) => params.df === 'clusters' || params.covariance === 'CR1', {
    message: 'df: within applies to covariance: CR1 only',
    path: ['df'],
  });

/** Parsed parameters of {@link differenceInDifferencesModel}. */
export type DifferenceInDifferencesParams = z.infer<typeof DifferenceInDifferencesParamsSchema>;
