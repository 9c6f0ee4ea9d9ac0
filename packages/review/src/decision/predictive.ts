import { type Flag, MODEL_TYPES, type ModelType } from '@impact/contracts';
import { z } from 'zod';
import { formatNumber } from '../scoring/adjustments';
import { normalCdf, normalQuantile } from '../stats/normal';
import { type DecisionContext, type DecisionItem, type DecisionOutcome, defineDecisionModel } from './model';
import { estimateNormalPrior, type NormalPrior, type PooledObservation, shrinkToPrior } from './shrinkage';

/** Default bias scale per methodology: none for randomized experiments, most for observational designs. */
const DEFAULT_BIAS_SCALE: Record<ModelType, number> = {
  experiment: 0,
  'quasi-experiment': 0.25,
  'time-series': 0.25,
  observational: 1,
};
const biasScaleShape = Object.fromEntries(
  MODEL_TYPES.map((modelType) => [modelType, z.number().min(0).default(DEFAULT_BIAS_SCALE[modelType])]),
) as Record<ModelType, z.ZodDefault<z.ZodNumber>>;

/**
 * Parameters of the `predictive` decision model (YAML `decision_model: { name: predictive, … }`).
 *
 * - `interval` (0.8): central probability of the predictive interval; `R_worst`/`R_best` are its
 *   `(1 ∓ interval)/2` quantiles.
 * - `bias_scale` (experiment 0, quasi-experiment 0.25, time-series 0.25, observational 1): the
 *   methodology bias SD is `bias_scale · (1 − confidence) · τ`, with τ the prior SD of true returns on the
 *   pooled scale, so the bias term widens as confidence falls.
 * - `min_initiatives` (3): fewest initiatives with a cost > 0 to estimate the prior from; below, no pooling.
 * - `pooling` (true): `false` turns the empirical-Bayes prior off (bias and sampling error only).
 * - `scale` (`return`): the scale on which initiatives are exchangeable — the return itself, or
 *   `per_cost` (return per unit cost, when true returns grow with what an initiative costs).
 *
 * @example
 * ```ts
 * PredictiveParamsSchema.parse({ interval: 0.9, bias_scale: { observational: 2 } });
 * ```
 */
export const PredictiveParamsSchema = z.strictObject({
  interval: z.number().gt(0).lt(1).default(0.8),
  bias_scale: z.strictObject(biasScaleShape).prefault({}),
  min_initiatives: z.number().int().min(2).default(3),
  pooling: z.boolean().default(true),
  scale: z.enum(['return', 'per_cost']).default('return'),
});
/** Parsed parameters of the `predictive` model. */
export type PredictiveParams = z.output<typeof PredictiveParamsSchema>;

interface Prepared {
  item: DecisionItem;
  multiplier: number;
  estimate: number;
  samplingSd: number;
  biasMean: number;
  relativeBias: number;
  excessVariance: number;
  pooled: boolean;
  /** Divisor from money to the pooled scale: the cost (`per_cost`) or 1 (`return`). */
  unit: number;
}

function prepare(item: DecisionItem, params: PredictiveParams, context: DecisionContext): Prepared {
  const { review, measurement, valuation } = item;
  const multiplier = valuation.value_per_unit * valuation.units;
  const correction = context.corrections?.[review.model_type];
  const cost = review.cost;
  const relativeBias = (params.bias_scale[review.model_type] * (1 - review.confidence)) ** 2;
  return {
    item,
    multiplier,
    estimate: measurement.effect_estimate * multiplier,
    samplingSd: measurement.standard_error * multiplier,
    // Corrections live on the per-unit-cost scale; a free initiative has no such scale.
    biasMean: cost > 0 ? (correction?.bias ?? 0) * cost : 0,
    relativeBias,
    excessVariance: cost > 0 ? (correction?.excess_variance ?? 0) * cost * cost : 0,
    pooled: false,
    unit: params.scale === 'return' ? 1 : cost,
  };
}

function observation(entry: Prepared): PooledObservation {
  const cost = entry.unit;
  return {
    estimate: (entry.estimate - entry.biasMean) / cost,
    samplingVariance: (entry.samplingSd / cost) ** 2,
    relativeBiasVariance: entry.relativeBias,
    excessVariance: entry.excessVariance / (cost * cost),
  };
}

function outcome(
  entry: Prepared,
  mean: number,
  variance: number,
  weight: number,
  prior: NormalPrior | undefined,
  biasSd: number,
  params: PredictiveParams,
): DecisionOutcome {
  const cost = entry.item.review.cost;
  const sd = Math.sqrt(Math.max(0, variance));
  const z = normalQuantile((1 + params.interval) / 2);
  const lowerP = (1 - params.interval) / 2;
  // `+ 0` keeps −0 out of the JSON.
  const worst = mean - z * sd + 0;
  const best = mean + z * sd + 0;
  const probabilityOfLoss = sd > 0 ? normalCdf((cost - mean) / sd) : mean < cost ? 1 : 0;
  const flags: Flag[] = [];
  if (!entry.pooled) {
    flags.push({
      code: 'PREDICTION_UNPOOLED',
      message:
        cost > 0
          ? 'too few initiatives to estimate a prior over returns: the prediction is not shrunk'
          : 'a free initiative has no return per unit cost to pool on: the prediction is not shrunk',
      severity: 'info',
    });
  }
  const interval = `${formatNumber(params.interval * 100)}% predictive interval [${formatNumber(worst)}, ${formatNumber(best)}]`;
  const shrinkText = entry.pooled
    ? `shrunk toward the portfolio prior (weight ${formatNumber(weight)} on the estimate)`
    : 'not shrunk';
  return {
    R_worst: Math.min(worst, mean),
    R_med: mean + 0,
    R_best: Math.max(best, mean),
    prediction: {
      family: 'normal',
      mean: mean + 0,
      sd,
      quantiles: [
        { p: lowerP, value: Math.min(worst, mean) },
        { p: 1 - lowerP, value: Math.max(best, mean) },
      ],
      probability_of_loss: Math.min(1, Math.max(0, probabilityOfLoss)),
      expected_net: mean - cost + 0,
      components: {
        estimate: entry.estimate + 0,
        sampling_sd: entry.samplingSd,
        bias_mean: entry.biasMean + 0,
        bias_sd: biasSd,
        prior_mean: prior === undefined ? null : prior.mean * entry.unit + 0,
        prior_sd: prior === undefined ? null : Math.sqrt(prior.variance) * entry.unit,
        shrinkage_weight: Math.min(1, Math.max(0, weight)),
      },
    },
    rationale:
      `Predictive model: estimate ${formatNumber(entry.estimate)} (sampling SD ${formatNumber(entry.samplingSd)}, ` +
      `methodology bias SD ${formatNumber(biasSd)}${entry.biasMean === 0 ? '' : `, bias ${formatNumber(entry.biasMean)} removed`}), ` +
      `${shrinkText} → mean return ${formatNumber(mean)}, ${interval}, expected net ${formatNumber(mean - cost)}, ` +
      `P(loss) ${formatNumber(probabilityOfLoss)}.`,
    flags,
  };
}

/**
 * Predictive scenarios for a portfolio (the `predictive` decision model). Each initiative's return at scale
 * gets a normal predictive distribution built from its sampling error (SE × valuation multiplier), a
 * methodology bias term (mean from calibration, SD `bias_scale·(1 − confidence)·τ`) and a normal prior over
 * true returns per unit cost estimated by REML across the portfolio (see `shrinkage.ts`); the posterior
 * shrinks noisy and low-confidence estimates toward the prior, which is the optimizer's-curse correction
 * of Smith & Winkler (2006). `R_med` is the predictive mean, `R_worst`/`R_best` its interval quantiles.
 * Without enough initiatives to pool (or with `pooling: false`) the prediction is the bias-corrected
 * estimate with sampling and bias spread, the bias SD then measured against the estimate's own size.
 *
 * @example
 * ```ts
 * const outcomes = decidePredictive(items, PredictiveParamsSchema.parse({}), { rules: DEFAULT_REVIEW_RULES });
 * ```
 */
export function decidePredictive(
  items: readonly DecisionItem[],
  params: PredictiveParams,
  context: DecisionContext,
): DecisionOutcome[] {
  const prepared = items.map((item) => prepare(item, params, context));
  const poolable = prepared.filter((entry) => entry.item.review.cost > 0);
  const prior =
    params.pooling && poolable.length >= params.min_initiatives
      ? estimateNormalPrior(poolable.map(observation))
      : undefined;
  return prepared.map((entry) => {
    const cost = entry.item.review.cost;
    if (prior !== undefined && cost > 0) {
      entry.pooled = true;
      const posterior = shrinkToPrior(observation(entry), prior);
      const unit = entry.unit;
      const biasSd = Math.sqrt(entry.relativeBias * prior.variance) * unit;
      return outcome(
        entry,
        posterior.mean * unit,
        posterior.variance * unit * unit,
        posterior.weight,
        prior,
        biasSd,
        params,
      );
    }
    const biasSd = Math.sqrt(entry.relativeBias) * Math.abs(entry.estimate - entry.biasMean);
    const variance = entry.samplingSd ** 2 + biasSd ** 2 + entry.excessVariance;
    return outcome(entry, entry.estimate - entry.biasMean, variance, 1, undefined, biasSd, params);
  });
}

/**
 * The default decision model: predictive distributions with empirical-Bayes shrinkage (see
 * {@link decidePredictive}). Its reviews carry a `prediction`, so the allocator applies no confidence
 * penalty on top (`confidence_penalty: auto`).
 *
 * @example
 * ```ts
 * const reviews = applyDecisionModel(items, 'predictive');
 * ```
 */
export const predictiveDecisionModel = defineDecisionModel<PredictiveParams>({
  name: 'predictive',
  parameters: PredictiveParamsSchema as unknown as z.ZodType<PredictiveParams>,
  decide: decidePredictive,
});
