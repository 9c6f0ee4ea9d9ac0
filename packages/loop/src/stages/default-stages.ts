import { type AllocateConfigInput, AllocateConfigSchema, allocateFromConfig } from '@impact/allocate';
import { parseConfig } from '@impact/contracts';
import { evaluateImpact, joinProductCovariates, type MeasureConfigInput } from '@impact/measure';
import {
  applyDecisionModel,
  calibrationCorrections,
  calibrationMethodCorrections,
  createReviewerFromConfig,
  type DecisionModelSpec,
  type Reviewer,
  type ReviewRulesInput,
} from '@impact/review';
import { simulate } from '@impact/simulate';
import { prefixConfigError } from '../config/pipeline-schema';
import type { LoopStages, TrueMetricEffect } from './stages';

/** What {@link createDefaultStages} needs from the pipeline. */
export interface DefaultStagesOptions {
  /** The pipeline's `review:` section (an `@impact/review` configuration). */
  review?: Record<string, unknown>;
  /** The pipeline's `allocate:` section (an `@impact/allocate` configuration without `budget`). */
  allocate?: Record<string, unknown>;
  /** The pipeline's budget (only used to validate `allocate:` up front). */
  budget?: number;
  /** The pipeline file, for error messages. */
  file?: string;
  /** A ready reviewer (e.g. an LLM reviewer built in code); replaces the one `review:` describes. */
  reviewer?: Reviewer;
}

/**
 * The real stages: `@impact/simulate` for simulated worlds, `@impact/measure`'s `evaluateImpact` (artifacts
 * written under each request's folder), the reviewer described by the `review:` section, the decision
 * model it names (`review.decision_model`, default `predictive`, with the cycle's calibration corrections)
 * and `@impact/allocate`'s `allocateFromConfig` (default rule `expected_return`: the expected net value under
 * the predictive distributions; name `rule: minimax_regret` for the original design). The `review:` and `allocate:` sections are validated here,
 * up front, with errors naming `review.…` / `allocate.…`.
 *
 * @example
 * ```ts
 * const stages = createDefaultStages({ review: { reviewer: 'deterministic' }, allocate: { rule: 'minimax_regret' }, budget: 60000 });
 * ```
 */
export function createDefaultStages(options: DefaultStagesOptions = {}): LoopStages {
  let reviewer: Reviewer;
  try {
    // `batch`: the loop applies `review.multiple_testing` across the cycle's pilots itself (run/pilot.ts).
    reviewer = options.reviewer ?? createReviewerFromConfig(options.review ?? {}, { batch: true });
  } catch (error) {
    throw prefixConfigError(error, 'review', options.file);
  }
  try {
    parseConfig({ ...(options.allocate ?? {}), budget: options.budget ?? 0 }, AllocateConfigSchema);
  } catch (error) {
    throw prefixConfigError(error, 'allocate', options.file);
  }
  return {
    simulate(request) {
      const world = simulate(request.config);
      const truth: Record<string, TrueMetricEffect> = {};
      for (const [metric, effect] of Object.entries(world.groundTruth.metrics)) {
        truth[metric] = { att_absolute: effect.att_absolute, att_relative: effect.att_relative };
      }
      return { data: joinProductCovariates(world.metrics, world.products), truth };
    },
    async measure(request) {
      const evaluated = await evaluateImpact({
        config: request.config as MeasureConfigInput,
        ...(request.data === undefined ? {} : { data: request.data }),
        storageUrl: request.artifactDir,
      });
      return {
        result: evaluated.result,
        ...(evaluated.artifactUri === undefined ? {} : { artifactUri: evaluated.artifactUri }),
      };
    },
    review(request) {
      return reviewer.review({
        measurement: request.measurement,
        cost: request.cost,
        valuation: request.valuation,
      });
    },
    decide(items, request) {
      return applyDecisionModel(
        items,
        (options.review?.decision_model as DecisionModelSpec | undefined) ?? 'predictive',
        {
          ...(options.review?.rules === undefined ? {} : { rules: options.review.rules as ReviewRulesInput }),
          ...(request.calibration === undefined
            ? {}
            : {
                corrections: calibrationCorrections(request.calibration),
                method_corrections: calibrationMethodCorrections(request.calibration),
              }),
          ...(request.history === undefined ? {} : { history: request.history }),
          ...(request.outcomes === undefined ? {} : { outcomes: request.outcomes }),
        },
      );
    },
    allocate(reviews, request) {
      // The loop's default rule is the Bayes rule under the predictive distributions: maximise expected
      // net value (equal weights on the symmetric quantiles and the mean = the mean).
      return allocateFromConfig(reviews, {
        rule: 'expected_return',
        ...request.config,
        budget: request.budget,
      } as AllocateConfigInput);
    },
  };
}
