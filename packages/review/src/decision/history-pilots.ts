/**
 * The pilots a prediction pools besides the current portfolio's: the history's earlier pilots, grouped by
 * initiative and combined, each on the pooled scale with the same bias terms a current pilot gets.
 */
import type { ModelType, PilotEvidence } from '@impact/contracts';
import { normalQuantile } from '../stats/normal';
import type { GroupedObservation } from './design-offsets';
import type { DecisionContext, MethodologyCorrection, ScaleOutcome } from './model';
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

/** One initiative of the history: its pilots on the pooled scale by estimator, and its scale outcome if measured. */
export interface HistoryInitiative {
  /**
   * Its pilots by bias group ({@link biasGroup}), in history order. Pilots of different estimators carry
   * different biases, so they are never averaged into one estimate (a restudy's experiment is not diluted
   * by the observational pilot it replaced).
   */
  byGroup: Map<string, PooledObservation[]>;
  /** Its scale outcome on the pooled scale (unbiased, no bias terms), with `outcomes: prior`. */
  outcome?: PooledObservation;
}

/**
 * The pilots of one initiative that stand for it in the prior: those of its most trusted estimator (the
 * smallest bias variance; the latest on ties), combined.
 */
export function trustedPilots(initiative: HistoryInitiative): {
  observation: PooledObservation;
  group: string;
} {
  let best: { observations: PooledObservation[]; group: string } | undefined;
  for (const [group, observations] of initiative.byGroup) {
    const bias = (observations[0] as PooledObservation).relativeBiasVariance;
    if (best === undefined || bias <= (best.observations[0] as PooledObservation).relativeBiasVariance) {
      best = { observations, group };
    }
  }
  if (best === undefined) throw new Error('trustedPilots: an initiative of the history without pilots');
  return { observation: combinePilots(best.observations), group: best.group };
}

/**
 * The earlier pilots of an initiative by the same estimator as a current pilot (model type and method; a
 * pilot whose method was not recorded matches on its model type), in history order.
 */
export function sameEstimatorPilots(
  initiative: HistoryInitiative | undefined,
  modelType: ModelType,
  method: string | undefined,
): PooledObservation[] {
  if (initiative === undefined) return [];
  const own = biasGroup(modelType, method);
  const matches: PooledObservation[] = [];
  for (const [group, observations] of initiative.byGroup) {
    const unrecorded = group === modelType || method === undefined;
    if (group === own || (unrecorded && group.split('/')[0] === modelType)) matches.push(...observations);
  }
  return matches;
}

/**
 * The history's initiatives (those not in the current portfolio) as observations of the prior: by their
 * most trusted estimator's pilots, or, when scaled, by their outcome with every estimator's pilots as
 * evidence about its offset.
 */
export function historyGroupedObservations(initiatives: Iterable<HistoryInitiative>): GroupedObservation[] {
  return [...initiatives].map((initiative) =>
    initiative.outcome === undefined
      ? trustedPilots(initiative)
      : {
          observation: initiative.outcome,
          group: undefined,
          pilots: [...initiative.byGroup].map(([group, observations]) => ({
            observation: combinePilots(observations),
            group,
          })),
        },
  );
}

/**
 * The history's pilots (cost > 0) grouped by initiative and estimator, each on the pooled scale (empty
 * without `prior_from_history` or history). With `outcomes: prior`, an initiative funded in full at its cost
 * also carries its scale outcome (the last one, if scaled more than once).
 */
export function historyByInitiative(
  params: PredictiveParams,
  context: DecisionContext,
): Map<string, HistoryInitiative> {
  const initiatives = new Map<string, HistoryInitiative>();
  if (!params.prior_from_history || context.history === undefined) return initiatives;
  const costs = new Map<string, number>();
  for (const evidence of context.history) {
    if (!(evidence.cost > 0)) continue;
    const entry = initiatives.get(evidence.initiative_id) ?? { byGroup: new Map() };
    const group = biasGroup(evidence.model_type, evidence.method);
    // Re-inserted so that iteration order follows each estimator's latest pilot.
    const pilots = entry.byGroup.get(group) ?? [];
    entry.byGroup.delete(group);
    entry.byGroup.set(group, [...pilots, historyObservation(evidence, params, context)]);
    initiatives.set(evidence.initiative_id, entry);
    costs.set(evidence.initiative_id, evidence.cost);
  }
  if (params.outcomes !== 'prior') return initiatives;
  for (const outcome of context.outcomes ?? []) {
    const entry = initiatives.get(outcome.initiative_id);
    const cost = costs.get(outcome.initiative_id);
    if (entry === undefined || cost === undefined || !(outcome.budget >= cost * (1 - 1e-9))) continue;
    const observation = outcomeObservation(outcome, params.scale === 'return' ? 1 : cost);
    if (observation !== undefined) entry.outcome = observation;
  }
  return initiatives;
}

const Z975 = normalQuantile(0.975);

/**
 * A scale outcome as an observation of the initiative's true return on the pooled scale: the measured
 * return with the variance its 95% interval implies, and no bias term (the scale run is the reference).
 * Undefined when the interval says nothing (zero or non-finite width).
 */
export function outcomeObservation(outcome: ScaleOutcome, unit: number): PooledObservation | undefined {
  const sd = (outcome.actual_ci_upper - outcome.actual_ci_lower) / (2 * Z975) / unit;
  if (!(sd > 0) || !Number.isFinite(sd)) return undefined;
  return {
    estimate: outcome.actual_return / unit,
    samplingVariance: sd * sd,
    relativeBiasVariance: 0,
    excessVariance: 0,
  };
}

/** The estimator whose bias a pilot shares: its methodology and `MeasureResult.method`. */
export function biasGroup(modelType: ModelType, method: string | undefined): string {
  return method === undefined ? modelType : `${modelType}/${method}`;
}
