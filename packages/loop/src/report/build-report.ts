import {
  type AllocationResult,
  atMost,
  type DroppedInitiative,
  type OutcomeRecord,
  type OutcomeReport,
  type PilotEvidence,
  parseOutcomeReport,
  type ReviewResult,
  type RunMetadata,
} from '@impact/contracts';
import type { InitiativeRun } from './initiative-run';

/** Inputs of {@link buildOutcomeReport}. */
export interface BuildReportInput {
  budget: number;
  /** Every initiative of the pipeline, in pipeline order. */
  initiatives: readonly InitiativeRun[];
  /** The allocation (absent when no initiative reached it). */
  allocation?: AllocationResult;
  metadata: RunMetadata;
}

const money = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/** Ids listed under `key` of the allocation's free-form `detail`. */
function detailIds(allocation: AllocationResult | undefined, key: string): Set<string> {
  const value = allocation?.detail[key];
  return new Set(Array.isArray(value) ? value.filter((id): id is string => typeof id === 'string') : []);
}

function failureMessage(run: InitiativeRun): string {
  const failure = run.failure;
  if (failure === undefined) return 'failed';
  const where = failure.phase === undefined ? failure.stage : `${failure.stage} (${failure.phase})`;
  return `${where} failed${failure.code === undefined ? '' : ` [${failure.code}]`}: ${failure.message}`;
}

/**
 * Why a reviewed initiative was not funded: `excluded` (named in `allocate.excluded`), `confidence` (below
 * `min_confidence`), `budget` (it does not fit in what the chosen portfolio leaves), or `rule` (it would
 * fit, but the decision rule preferred not to fund it).
 */
function dropReason(
  run: InitiativeRun,
  allocation: AllocationResult,
  excluded: Set<string>,
  lowConfidence: Set<string>,
): DroppedInitiative {
  const id = run.initiative_id;
  if (excluded.has(id)) {
    return { initiative_id: id, reason: 'excluded', message: 'excluded by the allocate configuration' };
  }
  const review = run.review;
  if (lowConfidence.has(id)) {
    return {
      initiative_id: id,
      reason: 'confidence',
      message: `confidence ${review?.confidence.toFixed(2) ?? '?'} is below the allocation's minimum confidence`,
    };
  }
  const left = allocation.budget - allocation.total_cost;
  const inMoney = review === undefined ? undefined : moneyTerms(review);
  const terms = inMoney === undefined ? {} : inMoney.fields;
  // Under the net objective an initiative expected to lose money is dropped for that, whether or not it fits.
  const net = (allocation.detail as { objective?: unknown }).objective === 'net';
  if (net && inMoney !== undefined && inMoney.fields.expected_net_value < 0) {
    return {
      initiative_id: id,
      reason: 'rule',
      message: `expected to lose money: ${inMoney.text}; ${money.format(left)} of the budget stays unspent rather than fund it`,
      ...terms,
    };
  }
  if (!atMost(run.cost_to_scale, left)) {
    return {
      initiative_id: id,
      reason: 'budget',
      message: `cost ${money.format(run.cost_to_scale)} exceeds the ${money.format(left)} left after funding the chosen portfolio (${money.format(allocation.total_cost)} of ${money.format(allocation.budget)})${inMoney === undefined ? '' : `; ${inMoney.text}`}`,
      ...terms,
    };
  }
  return {
    initiative_id: id,
    reason: 'rule',
    message: `not chosen by the ${allocation.rule} rule although ${money.format(left)} of the budget was left${inMoney === undefined ? '' : `: ${inMoney.text}`}`,
    ...terms,
  };
}

/** An initiative's decision in money: expected net value, probability of a loss and its interval. */
function moneyTerms(review: ReviewResult): {
  text: string;
  fields: { expected_net_value: number; probability_of_loss?: number };
} {
  const prediction = review.prediction;
  const expectedNet = (prediction?.expected_net ?? review.R_med - review.cost) + 0;
  const interval =
    prediction === undefined
      ? `scenarios [${money.format(review.R_worst)}, ${money.format(review.R_best)}]`
      : `${Math.round(((prediction.quantiles.at(-1)?.p ?? 1) - (prediction.quantiles[0]?.p ?? 0)) * 100)}% predictive interval [${money.format(review.R_worst)}, ${money.format(review.R_best)}]`;
  const loss =
    prediction === undefined
      ? ''
      : `, probability of a loss ${Math.round(prediction.probability_of_loss * 100)}%`;
  return {
    text: `expected net value ${money.format(expectedNet)} (return ${money.format(review.R_med)} for cost ${money.format(review.cost)}${loss}; ${interval})`,
    fields: {
      expected_net_value: expectedNet,
      ...(prediction === undefined ? {} : { probability_of_loss: prediction.probability_of_loss }),
    },
  };
}

/**
 * Assemble and validate the `OutcomeReport` of a run: one record per scaled initiative (predicted return
 * = the allocation's `predicted_returns`, i.e. the pilot's R_med; actual return = the scale estimate
 * valued the same way; the pilot interval `[R_worst, R_best]` decides `within_pilot_ci`), and every other
 * initiative in `dropped` with its reason. Funded fractions (fractional allocation) scale every return.
 * Pure: same inputs, same report.
 *
 * @example
 * ```ts
 * const report = buildOutcomeReport({ budget: 60000, initiatives, allocation, metadata });
 * ```
 */
export function buildOutcomeReport(input: BuildReportInput): OutcomeReport {
  const { allocation } = input;
  const records: OutcomeRecord[] = [];
  const dropped: DroppedInitiative[] = [];
  const evidence = pilotEvidence(input.initiatives);
  const selected = new Set(allocation?.selected_initiatives ?? []);
  const excluded = detailIds(allocation, 'excluded');
  const lowConfidence = detailIds(allocation, 'excluded_by_confidence');
  for (const run of input.initiatives) {
    const id = run.initiative_id;
    if (run.review === undefined || run.pilot === undefined || allocation === undefined) {
      dropped.push({ initiative_id: id, reason: 'failed', message: failureMessage(run) });
      continue;
    }
    if (!selected.has(id)) {
      dropped.push(dropReason(run, allocation, excluded, lowConfidence));
      continue;
    }
    const allocated = allocation.budget_allocated[id] ?? run.cost_to_scale;
    if (run.scale === undefined) {
      dropped.push({
        initiative_id: id,
        reason: 'failed',
        message: `funded with ${money.format(allocated)}, but the ${failureMessage(run)}`,
      });
      continue;
    }
    const fraction = run.cost_to_scale > 0 ? allocated / run.cost_to_scale : 1;
    const multiplier = run.valuation.value_per_unit * run.valuation.units * fraction;
    const review = run.review;
    const scale = run.scale.measurement;
    const predicted = allocation.predicted_returns[id] ?? review.R_med * fraction;
    const predictedLower = Math.min(review.R_worst * fraction, predicted);
    const predictedUpper = Math.max(review.R_best * fraction, predicted);
    const actual = scale.effect_estimate * multiplier + 0;
    const record: OutcomeRecord = {
      initiative_id: id,
      predicted_return: predicted,
      actual_return: actual,
      prediction_error: actual - predicted,
      sample_size_pilot: run.pilot.measurement.sample_size,
      sample_size_scale: scale.sample_size,
      within_pilot_ci: actual >= predictedLower && actual <= predictedUpper,
      actual_ci_lower: Math.min(scale.ci_lower * multiplier + 0, actual),
      actual_ci_upper: Math.max(scale.ci_upper * multiplier + 0, actual),
      budget: allocated,
      roi: allocated > 0 ? (actual - allocated) / allocated : null,
      confidence: review.confidence,
      model_type: run.pilot.measurement.model_type,
      method: run.pilot.measurement.method,
      predicted_ci_lower: predictedLower,
      predicted_ci_upper: predictedUpper,
    };
    if (run.scale.true_effect !== undefined) record.true_return = run.scale.true_effect * multiplier + 0;
    // Calibration learns from the prediction actually made; a fractional funding rescales it, so only whole ones carry it.
    if (review.prediction !== undefined && fraction === 1) record.prediction = review.prediction;
    records.push(record);
  }
  return parseOutcomeReport({
    metadata: input.metadata,
    budget: input.budget,
    total_allocated: allocation
      ? Object.values(allocation.budget_allocated).reduce((sum, amount) => sum + amount, 0)
      : 0,
    records,
    dropped,
    ...(evidence.length === 0 ? {} : { evidence }),
  });
}

/**
 * Every reviewed pilot as evidence for later cycles (funded or not): its valued estimate and SE, the
 * review's confidence and the initiative's cost. Decision models pool it into their prior next cycle.
 */
function pilotEvidence(runs: BuildReportInput['initiatives']): PilotEvidence[] {
  const evidence: PilotEvidence[] = [];
  for (const run of runs) {
    if (run.review === undefined || run.pilot === undefined) continue;
    const { measurement } = run.pilot;
    const multiplier = run.valuation.value_per_unit * run.valuation.units;
    const estimate = measurement.effect_estimate * multiplier + 0;
    const se = measurement.standard_error * Math.abs(multiplier);
    if (!Number.isFinite(estimate) || !Number.isFinite(se)) continue;
    evidence.push({
      initiative_id: run.initiative_id,
      model_type: measurement.model_type,
      method: measurement.method,
      confidence: run.review.confidence,
      cost: run.cost_to_scale,
      estimated_return: estimate,
      estimated_return_se: se,
    });
  }
  return evidence;
}
