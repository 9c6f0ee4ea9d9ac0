import type { ModelType } from '@impact/contracts';

/** What a reviewer should know about one methodology class. */
export interface MethodologyKnowledge {
  /** The identifying assumptions the estimate rests on. */
  assumptions: string[];
  /** Diagnostics keys that speak to those assumptions, with what to look for. */
  diagnostics: Record<string, string>;
  /** Common ways the estimate goes wrong. */
  pitfalls: string[];
}

/**
 * Per-methodology assumptions, diagnostics and pitfalls, served to the LLM reviewer by its
 * `methodology_assumptions` tool.
 *
 * @example
 * ```ts
 * METHODOLOGY_KNOWLEDGE['quasi-experiment'].assumptions[0];
 * ```
 */
export const METHODOLOGY_KNOWLEDGE: Record<ModelType, MethodologyKnowledge> = {
  experiment: {
    assumptions: [
      'Random assignment: treatment is independent of potential outcomes.',
      'SUTVA: no interference between units and one version of treatment.',
      'The realised assignment ratio matches the design (no sample-ratio mismatch).',
    ],
    diagnostics: {
      srm_p_value: 'χ² test of the assignment ratio; p < 0.01 signals broken randomisation or logging.',
      n_treated: 'treated units; tiny groups make the normal approximation doubtful.',
      n_control: 'control units.',
      sequential_p_value:
        'always-valid p-value (normal-mixture SPRT); use it instead of p_value when the pilot was read repeatedly or stopped early.',
      refutation_failures:
        'refutation checks (placebo outcome, random common cause, data subsets) that failed.',
    },
    pitfalls: [
      'Peeking or early stopping inflates false positives.',
      'Novelty effects: short pilots overstate lasting effects.',
      'Spill-overs between treated and control products (shared traffic, substitution).',
    ],
  },
  'quasi-experiment': {
    assumptions: [
      'Difference-in-differences: parallel trends between treated and control in the absence of treatment.',
      'Synthetic control: the weighted donor pool reproduces the treated unit before treatment and would have after.',
      'No anticipation and no concurrent shocks specific to the treated group.',
    ],
    diagnostics: {
      pretrend_p_value: 'joint test that event-study leads are zero; small p contradicts parallel trends.',
      placebo_p_value:
        'rank of the treated effect among placebo (donor) effects; large p means the effect is not unusual.',
      pre_rmspe: 'pre-treatment fit error of the synthetic control; compare with the effect size.',
      post_pre_rmspe_ratio:
        'post/pre RMSPE ratio; close to 1 means the post gap resembles pre-period misfit.',
      ci_method:
        'how the synthetic-control interval was built; "mean_gap_placebo_fallback" means the RMSPE-ratio test ' +
        'rejected every constant effect, so a wider placebo interval on the raw mean gap was used instead.',
      ci_inversion_empty:
        'true when the RMSPE-ratio test inversion found no constant effect consistent with the data.',
      twfe_estimate:
        'did_staggered: the two-way fixed-effects coefficient on the same data; far from the headline means TWFE is biased by staggered timing.',
      bacon_weight_later_vs_earlier_treated:
        'did_staggered: share of the TWFE coefficient coming from comparisons with already-treated units (Goodman-Bacon).',
      refute_placebo_date_p_value:
        'placebo treatment start inside the pre-period; small p signals a pre-existing trend.',
    },
    pitfalls: [
      'Selection into treatment on trends (e.g. enriching already-growing products).',
      'Few treated or donor units make inference fragile.',
      'Staggered timing with heterogeneous effects biases two-way fixed effects.',
    ],
  },
  'time-series': {
    assumptions: [
      'The pre-period trend and seasonality, extrapolated, are the counterfactual.',
      'No other change coincides with the intervention.',
    ],
    diagnostics: {
      residual_autocorrelation_lag1:
        'lag-1 autocorrelation of residuals; large values understate standard errors.',
      hac_lags: 'lags used for HAC (Newey–West) standard errors.',
      r_squared: 'fit of the segmented regression.',
      n_pre_periods:
        'periods before the intervention; fewer than about 20 make the extrapolated trend and its interval fragile.',
      df: 'Satterthwaite degrees of freedom of the headline (small_sample); single digits mean the interval rests on little information.',
    },
    pitfalls: [
      'Confounding events at the break date.',
      'Short pre-periods cannot pin down seasonality.',
      'Autocorrelated errors make naive intervals too narrow.',
    ],
  },
  observational: {
    assumptions: [
      'Unconfoundedness: all common causes of treatment and outcome are observed and adjusted for.',
      'Overlap: every unit had a chance of either treatment status.',
    ],
    diagnostics: {
      max_abs_smd_before: 'largest absolute standardised mean difference before adjustment.',
      max_abs_smd_after: 'after matching/weighting; above 0.1 indicates residual imbalance.',
      e_value_ci:
        'E-value of the interval: risk ratio an unmeasured confounder needs with treatment and outcome to explain it away; near 1 is fragile.',
      n_treated: 'treated units.',
      n_control: 'control units.',
      overlap_effective_share:
        'effective share of the rows used (IPW: smaller arm’s effective sample size / rows; matching: effective matched controls / treated); below 0.2 a few rows carry the estimate.',
      poor_match:
        'matching: true when post-match balance failed the gate and the user chose to estimate anyway.',
    },
    pitfalls: [
      'Unobserved confounders (e.g. merchandisers picking promising products).',
      'Extreme propensity weights dominate the estimate.',
      'Model dependence: results change with the specification.',
    ],
  },
};
