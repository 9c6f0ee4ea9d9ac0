import { type Flag, MODEL_TYPES, type ModelType } from '@impact/contracts';
import { z } from 'zod';
import { formatNumber } from '../scoring/adjustments';
import { normalCdf, normalQuantile } from '../stats/normal';
import type { GroupedObservation, OffsetObservation } from './design-offsets';
import { fitPrior, priorSummary } from './fit-prior';
import {
  biasGroup,
  combinePilots,
  correctionFor,
  historyByInitiative,
  historyGroupedObservations,
  sameEstimatorPilots,
} from './history-pilots';
import {
  type IntegratedPrior,
  integratedPosterior,
  type MixtureComponent,
  mixtureCdf,
  mixtureQuantile,
} from './integrated-prior';
import { type DecisionContext, type DecisionItem, type DecisionOutcome, defineDecisionModel } from './model';
import { type NormalPrior, type PooledObservation, shrinkToPrior } from './shrinkage';

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
 *   Pooling also needs more initiatives than `tau_prior_shape`.
 * - `tau_fit` (`integrate`): how the prior's spread τ enters. `integrate` averages the predictions over
 *   τ's posterior (hyperprior `p(τ) ∝ τ^(α−1)`, μ flat; full Bayes, see `integrated-prior.ts`), so a
 *   poorly determined τ does not shrink a strong estimate as if the prior were known; the prediction is
 *   then a scale mixture of normals (`family: normal_mixture`) with exact quantiles. It needs more than
 *   `α + 1` initiatives; with exactly `α + 1` the mode is used. `mode` plugs in τ's penalised REML mode
 *   with Morris's (1983) variance correction (the earlier default; `family: normal`).
 * - `tau_prior_shape` (2): shape `α` of the Gamma(α, 0) prior on the prior SD τ (its log `(α − 1)·log τ`
 *   penalises the REML estimate); 2 is the weakest boundary-avoiding choice (Chung et al. 2013). Larger
 *   values shrink less. They decide better when the prior is misspecified (heavy-tailed true returns,
 *   biased designs), but the predictions of funded initiatives then run high even where the normal model
 *   holds, and calibration reads that as bias (see docs/decision-benchmark.md).
 * - `pooling` (true): `false` turns the empirical-Bayes prior off (bias and sampling error only).
 * - `prior_from_history` (true): fit the prior on every initiative seen so far, each once with all its
 *   pilots (`context.history`, the history's `evidence`, plus the current pilot) combined by inverse
 *   variance; an initiative's own prediction uses its combined pilots too. A later cycle's pool is what
 *   earlier cycles did not fund; conditioning on every pilot is what makes that selection ignorable. On
 *   the four-cycle study it raised cycles 2–4 by 0.047 ± 0.026 (seeds 2001–2060) and 0.082 ± 0.026 (seeds
 *   3001–3060) of the hindsight optimum (docs/decision-benchmark.md).
 * - `shared_bias` (true): the methodology bias is shared by every pilot of one estimator (methodology and
 *   `MeasureResult.method`), so each pilot's bias is learned from the other pilots of its estimator in the
 *   pool and the history, before any outcome (`design-offsets.ts`): with a long history a design whose
 *   estimates sit above the experiments' is read as biased, not as evidence of high returns. A pilot alone
 *   in its estimator gets the independent bias term unchanged. `false`: every pilot's bias independent.
 * - `outcomes` (`prior`): condition on the history's scale outcomes (`context.outcomes`; needs
 *   `prior_from_history`). A funded initiative then enters the prior as its scale outcome (unbiased, with
 *   the variance its interval implies), and its pilots become evidence about their estimator's offset
 *   only: each pilot's residual about the initiative's true return given the outcome. Funding depends only
 *   on pilots, and every pilot, funded or not, is in the model, so the selection is ignorable (no winner's
 *   curse): an unbiased design's offset centres on 0. Outcomes anchor the prior where no experiment does
 *   (every pilot from one biased design). Calibration's bias and excess-variance corrections, learned from
 *   the same outcomes, are then not applied on top. `ignore`: pilots only.
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
  tau_fit: z.enum(['integrate', 'mode']).default('integrate'),
  tau_prior_shape: z.number().min(1).default(2),
  pooling: z.boolean().default(true),
  prior_from_history: z.boolean().default(true),
  scale: z.enum(['return', 'per_cost']).default('return'),
  shared_bias: z.boolean().default(true),
  outcomes: z.enum(['prior', 'ignore']).default('prior'),
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
  /** Earlier pilots of this initiative combined with its current one (`prior_from_history`). */
  earlierPilots: number;
  /** The design offset removed (`shared_bias`), in money, and how many other pilots it was learned from. */
  offset: number;
  offsetFrom: number;
}

function prepare(item: DecisionItem, params: PredictiveParams, context: DecisionContext): Prepared {
  const { review, measurement, valuation } = item;
  const multiplier = valuation.value_per_unit * valuation.units;
  const correction = correctionFor(context, review.model_type, measurement.method);
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
    earlierPilots: 0,
    offset: 0,
    offsetFrom: 0,
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

/** A predictive distribution of one return, in money: normal, or a scale mixture of normals. */
interface Predicted {
  mean: number;
  variance: number;
  /** Weight on the estimate (posterior mean of it for a mixture). */
  weight: number;
  /** The prior's mean and SD at this initiative, in money, and how many initiatives it came from. */
  prior?: { mean: number; sd: number; count: number };
  /** Mixture components in money (`normal_mixture`); absent for a normal. */
  components?: readonly MixtureComponent[];
}

function outcome(
  entry: Prepared,
  predicted: Predicted,
  biasSd: number,
  params: PredictiveParams,
): DecisionOutcome {
  const { mean, variance, weight, prior, components } = predicted;
  const cost = entry.item.review.cost;
  const sd = Math.sqrt(Math.max(0, variance));
  const lowerP = (1 - params.interval) / 2;
  const z = normalQuantile((1 + params.interval) / 2);
  // `+ 0` keeps −0 out of the JSON.
  const worst = (components ? mixtureQuantile(components, lowerP) : mean - z * sd) + 0;
  const best = (components ? mixtureQuantile(components, 1 - lowerP) : mean + z * sd) + 0;
  const probabilityOfLoss = components
    ? mixtureCdf(components, cost)
    : sd > 0
      ? normalCdf((cost - mean) / sd)
      : mean < cost
        ? 1
        : 0;
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
    ? `${entry.earlierPilots > 0 ? `combined with ${entry.earlierPilots} earlier pilot${entry.earlierPilots === 1 ? '' : 's'} of this initiative and ` : ''}shrunk toward the prior estimated from ${prior?.count ?? 0} initiatives${components ? ' (its spread integrated over)' : ''} (weight ${formatNumber(weight)} on the estimate)`
    : 'not shrunk';
  return {
    R_worst: Math.min(worst, mean),
    R_med: mean + 0,
    R_best: Math.max(best, mean),
    prediction: {
      family: components ? 'normal_mixture' : 'normal',
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
        bias_mean: entry.biasMean + entry.offset + 0,
        bias_sd: biasSd,
        prior_mean: prior === undefined ? null : prior.mean + 0,
        prior_sd: prior === undefined ? null : prior.sd,
        shrinkage_weight: Math.min(1, Math.max(0, weight)),
      },
    },
    rationale:
      `Predictive model: estimate ${formatNumber(entry.estimate)} (sampling SD ${formatNumber(entry.samplingSd)}, ` +
      `methodology bias SD ${formatNumber(biasSd)}${entry.biasMean === 0 ? '' : `, bias ${formatNumber(entry.biasMean)} removed`}${offsetText(entry)}), ` +
      `${shrinkText} → mean return ${formatNumber(mean)}, ${interval}, expected net ${formatNumber(mean - cost)}, ` +
      `P(loss) ${formatNumber(probabilityOfLoss)}.`,
    flags,
  };
}

/** The design offset learned from the estimator's other pilots, for the rationale ('' when none). */
function offsetText(entry: Prepared): string {
  if (entry.offsetFrom === 0 || entry.offset === 0) return '';
  const others = `${entry.offsetFrom} other pilot${entry.offsetFrom === 1 ? '' : 's'}`;
  return `, design offset ${formatNumber(entry.offset)} learned from ${others} of ${entry.item.measurement.method ?? entry.item.review.model_type} removed`;
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
  given: DecisionContext,
): DecisionOutcome[] {
  const context = withoutDoubleCounting(params, given);
  const prepared = items.map((item) => prepare(item, params, context));
  // Every initiative counts once in the prior, with all its pilots combined: a later pool is what earlier
  // cycles did not fund, and conditioning on every pilot is what makes that selection ignorable.
  const history = historyByInitiative(params, context);
  const combined = new Map<Prepared, PooledObservation>();
  for (const entry of prepared) {
    if (entry.item.review.cost <= 0) continue;
    // Only the earlier pilots of the same estimator: another estimator's pilots carry another bias.
    const earlier = sameEstimatorPilots(
      history.get(entry.item.review.id),
      entry.item.review.model_type,
      entry.item.measurement.method,
    );
    combined.set(entry, combinePilots([observation(entry), ...earlier]));
    entry.earlierPilots = earlier.length;
    history.delete(entry.item.review.id);
  }
  const current = [...combined.entries()];
  const grouped: GroupedObservation[] = [
    ...current.map(([entry, observation]) => ({
      observation,
      group: biasGroup(entry.item.review.model_type, entry.item.measurement.method),
    })),
    ...historyGroupedObservations(history.values()),
  ];
  const fitted = fitPrior(grouped, {
    pool: params.pooling && grouped.length >= params.min_initiatives,
    tauFit: params.tau_fit,
    shape: params.tau_prior_shape,
    sharedBias: params.shared_bias,
  });
  const own = new Map<Prepared, OffsetObservation>(
    current.map(([entry], index) => [entry, fitted.observations[index] as OffsetObservation]),
  );
  const prior = priorSummary(fitted);
  return prepared.map((entry) => {
    const cost = entry.item.review.cost;
    const unit = entry.unit;
    const adjusted = own.get(entry);
    if (cost > 0 && adjusted !== undefined && prior !== undefined) {
      entry.pooled = true;
      entry.offset = adjusted.offset * unit;
      entry.offsetFrom = adjusted.from;
      const biasSd = Math.sqrt(adjusted.observation.relativeBiasVariance * prior.variance) * unit;
      const predicted = pooledPrediction(adjusted.observation, unit, fitted.integrated, fitted.mode);
      return outcome(entry, predicted, biasSd, params);
    }
    const biasSd = Math.sqrt(entry.relativeBias) * Math.abs(entry.estimate - entry.biasMean);
    const variance = entry.samplingSd ** 2 + biasSd ** 2 + entry.excessVariance;
    return outcome(entry, { mean: entry.estimate - entry.biasMean, variance, weight: 1 }, biasSd, params);
  });
}

/**
 * With `outcomes: prior` and outcomes to learn from, the model learns each estimator's bias from them
 * itself (the outcomes anchor the prior and the design offsets), so calibration's bias and excess-variance
 * corrections, learned from the same outcomes, are not applied on top.
 */
function withoutDoubleCounting(params: PredictiveParams, context: DecisionContext): DecisionContext {
  const learns =
    params.outcomes === 'prior' && params.prior_from_history && (context.outcomes?.length ?? 0) > 0;
  if (!learns) return context;
  const { corrections: _corrections, method_corrections: _methods, ...rest } = context;
  return rest;
}

/** The prediction of one pooled observation, in money: a mixture over τ, or a normal at τ's mode. */
function pooledPrediction(
  own: PooledObservation,
  unit: number,
  integrated: IntegratedPrior | undefined,
  mode: NormalPrior | undefined,
): Predicted {
  if (integrated !== undefined) {
    const posterior = integratedPosterior(own, integrated);
    return {
      mean: posterior.mean * unit,
      variance: posterior.variance * unit * unit,
      weight: posterior.weight,
      prior: { mean: integrated.mean * unit, sd: integrated.sd * unit, count: integrated.count },
      components: posterior.components.map((c) => ({
        probability: c.probability,
        mean: c.mean * unit,
        variance: c.variance * unit * unit,
      })),
    };
  }
  const prior = mode as NormalPrior;
  const posterior = shrinkToPrior(own, prior);
  return {
    mean: posterior.mean * unit,
    variance: posterior.variance * unit * unit,
    weight: posterior.weight,
    prior: { mean: prior.mean * unit, sd: Math.sqrt(prior.variance) * unit, count: prior.count },
  };
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
