/**
 * The pilots a prediction pools besides the current portfolio's: the history's earlier pilots, grouped by
 * initiative and combined, each on the pooled scale with the same bias terms a current pilot gets.
 */
import type { ModelType, PilotEvidence } from '@impact/contracts';
import type { DecisionContext, MethodologyCorrection } from './model';
import type { PredictiveParams } from './predictive';
import type { PooledObservation } from './shrinkage';

/** The estimator's learned correction where calibration has one, else its methodology's. */
export function correctionFor(
  context: DecisionContext,
  modelType: ModelType,
  method: string | undefined,
): MethodologyCorrection | undefined {
  const byMethod = method === undefined ? undefined : context.method_corrections?.[modelType];
  if (byMethod !== undefined && method !== undefined && Object.hasOwn(byMethod, method))
    return byMethod[method];
  return context.corrections?.[modelType];
}

/** A pilot of an earlier cycle on the pooled scale, with the same bias terms a current one gets. */
export function historyObservation(
  evidence: PilotEvidence,
  params: PredictiveParams,
  context: DecisionContext,
): PooledObservation {
  const correction = correctionFor(context, evidence.model_type, evidence.method);
  const cost = evidence.cost;
  const unit = params.scale === 'return' ? 1 : cost;
  return {
    estimate: (evidence.estimated_return - (correction?.bias ?? 0) * cost) / unit,
    samplingVariance: (evidence.estimated_return_se / unit) ** 2,
    relativeBiasVariance: (params.bias_scale[evidence.model_type] * (1 - evidence.confidence)) ** 2,
    excessVariance: ((correction?.excess_variance ?? 0) * cost * cost) / (unit * unit),
  };
}

/**
 * Several pilots of one initiative as one observation: the inverse-variance mean of their estimates with
 * the combined sampling variance. The methodology bias is the initiative's, shared by its pilots, so it
 * is not averaged away: the first observation's bias terms are kept (the current pilot's, when there is one).
 * A pilot with no sampling error dominates the rest.
 */
export function combinePilots(observations: readonly PooledObservation[]): PooledObservation {
  const [first, ...rest] = observations as [PooledObservation, ...PooledObservation[]];
  if (rest.length === 0) return first;
  const exact = observations.find((o) => o.samplingVariance === 0);
  if (exact !== undefined) return { ...first, estimate: exact.estimate, samplingVariance: 0 };
  let precision = 0;
  let weighted = 0;
  for (const o of observations) {
    precision += 1 / o.samplingVariance;
    weighted += o.estimate / o.samplingVariance;
  }
  return { ...first, estimate: weighted / precision, samplingVariance: 1 / precision };
}

/**
 * The history's pilots (cost > 0) grouped by initiative, each group as its observations on the pooled
 * scale (empty without `prior_from_history` or history).
 */
export function historyByInitiative(
  params: PredictiveParams,
  context: DecisionContext,
): Map<string, { observations: PooledObservation[]; group: string }> {
  const groups = new Map<string, { observations: PooledObservation[]; group: string }>();
  if (!params.prior_from_history || context.history === undefined) return groups;
  for (const evidence of context.history) {
    if (!(evidence.cost > 0)) continue;
    const entry = groups.get(evidence.initiative_id) ?? {
      observations: [],
      group: biasGroup(evidence.model_type, evidence.method),
    };
    entry.observations.push(historyObservation(evidence, params, context));
    groups.set(evidence.initiative_id, entry);
  }
  return groups;
}

/** The estimator whose bias a pilot shares: its methodology and `MeasureResult.method`. */
export function biasGroup(modelType: ModelType, method: string | undefined): string {
  return method === undefined ? modelType : `${modelType}/${method}`;
}
