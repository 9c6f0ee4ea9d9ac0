/**
 * A custom reviewer: wrap the configured deterministic reviewer and add a house rule (a pilot shorter
 * than 14 days keeps its score but gets a `SHORT_PILOT` flag and a 10 % haircut on its best case).
 * Reviews three measurements and prints the scores, scenarios and flags.
 */
import { fileURLToPath } from 'node:url';
import type { MeasureResultInput, ReviewResult } from '../../packages/contracts/src/index';
import {
  createReviewerFromConfig,
  loadReviewConfig,
  type Reviewer,
  reviewAll,
} from '../../packages/review/src/index';

const here = (name: string) => fileURLToPath(new URL(name, import.meta.url));
const base = createReviewerFromConfig(loadReviewConfig(here('review.yaml')));

const shortPilotAware: Reviewer = {
  name: 'short-pilot-aware',
  async review(input, options): Promise<ReviewResult> {
    const review = await base.review(input, options);
    const days = input.measurement.diagnostics?.pilot_days;
    if (typeof days !== 'number' || days >= 14) return review;
    return {
      ...review,
      R_best: Math.max(review.R_med, review.R_best * 0.9),
      flags: [
        ...review.flags,
        { code: 'SHORT_PILOT', message: `pilot ran ${days} days (< 14)`, severity: 'info' },
      ],
      reviewer: { name: 'short-pilot-aware', kind: 'deterministic' },
    };
  },
};

const measurements: MeasureResultInput[] = [
  {
    initiative_id: 'rct-descriptions',
    effect_estimate: 2.1,
    ci_lower: 0.9,
    ci_upper: 3.3,
    standard_error: 0.61,
    p_value: 0.0006,
    sample_size: 9000,
    model_type: 'experiment',
    method: 'experiment',
    metric: 'revenue',
    diagnostics: { srm_p_value: 0.42, pilot_days: 10 },
  },
  {
    initiative_id: 'did-images',
    effect_estimate: 1.4,
    ci_lower: -0.2,
    ci_upper: 3.0,
    standard_error: 0.82,
    p_value: 0.09,
    sample_size: 4000,
    model_type: 'quasi-experiment',
    method: 'difference_in_differences',
    metric: 'revenue',
    diagnostics: { pretrend_p_value: 0.03 },
  },
  {
    initiative_id: 'matching-reviews',
    effect_estimate: 3.2,
    ci_lower: 2.6,
    ci_upper: 3.8,
    standard_error: 0.31,
    p_value: 1e-9,
    sample_size: 12000,
    model_type: 'observational',
    method: 'nearest_neighbour_matching',
    metric: 'revenue',
    diagnostics: { max_abs_smd_after: 0.14 },
  },
];

// Effects are dollars of revenue per product-day; scale = 500 products × 90 days.
const reviews = await reviewAll(
  measurements.map((measurement) => ({
    measurement,
    cost: 20_000,
    valuation: { value_per_unit: 1, units: 500 * 90, currency: 'USD' },
  })),
  shortPilotAware,
);
for (const review of reviews) {
  console.log(
    `${review.id.padEnd(18)} ${review.model_type.padEnd(16)} confidence ${review.confidence.toFixed(3)}  ` +
      `R_worst ${Math.round(review.R_worst)}  R_med ${Math.round(review.R_med)}  R_best ${Math.round(review.R_best)}  ` +
      `flags ${review.flags.map((flag) => flag.code).join(', ') || '-'}`,
  );
}
