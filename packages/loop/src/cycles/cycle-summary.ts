import type { ModelType } from '@impact/contracts';
import type { CalibrationTable } from '@impact/review';
import type { LoopRun } from '../report/initiative-run';
import { hindsightOptimum } from './hindsight';

/** One methodology's calibration as it stood before a cycle (a subset of a calibration table row). */
export interface CycleCalibrationRow {
  model_type: ModelType;
  /** The estimator of a per-method row (calibration `group_by: method`); absent on the methodology's row. */
  method?: string;
  n: number;
  shrunk_relative_bias: number;
  shrunk_coverage: number;
  confidence_factor: number;
  /** Learned bias of the methodology's estimates per unit cost (against the predictions made), its SE, and shrunk. */
  bias: number;
  bias_se: number;
  shrunk_bias: number;
  /** Learned excess SD per unit cost (shrunk). */
  shrunk_excess_sd: number;
  /** Trust score in [0, 1] behind `confidence_factor`. */
  trust_score: number;
}

/** What one cycle spent, returned and learned (a row of `cycles.json`). */
export interface CycleSummary {
  cycle: number;
  /** The cycle's base seed (the pipeline seed in cycle 1, derived from it and the cycle number after). */
  seed: number;
  /** Initiatives in the cycle's pool, reviewed, and scaled. */
  initiatives: number;
  reviewed: number;
  scaled: number;
  /** Initiatives piloted with their `restudy` design, and those whose `joins_in_cycle` is this cycle. */
  restudied: string[];
  joined: string[];
  /** Initiatives of the pool whose `leaves_after_cycle` is this cycle: not funded now, they leave. */
  last_chance: string[];
  /** Σ allocated budget. */
  spent: number;
  /** Σ actual (scale-measured) returns of the scaled initiatives. */
  realized_return: number;
  /** Σ true returns of the scaled initiatives; null unless every scaled initiative's truth is known. */
  true_return: number | null;
  /** Σ true returns of the hindsight-optimal portfolio; null unless every reviewed initiative's truth is known. */
  hindsight_return: number | null;
  hindsight_selected: string[] | null;
  /** hindsight_return − true_return; null when either is. */
  regret: number | null;
  /** Σ (true return − cost) of the scaled initiatives; null unless every scaled initiative's truth is known. */
  true_net_return: number | null;
  /**
   * The best Σ (true return − cost) of any portfolio of the reviewed initiatives under the budget (unspent
   * budget kept at face value); null unless every reviewed initiative's truth is known.
   */
  hindsight_net_return: number | null;
  /** hindsight_net_return − true_net_return; null when either is. */
  net_regret: number | null;
  /** Mean review confidence per methodology in this cycle (after calibration, when enabled). */
  mean_confidence: Partial<Record<ModelType, number>>;
  /** The calibration applied in this cycle: one row per methodology with outcomes; empty without calibration. */
  calibration: CycleCalibrationRow[];
  /**
   * The true prior mean the calibration learned jointly with those biases (its table's `prior_mean`: scale,
   * mean, SE, records); null without calibration or without a pooled prediction among the outcomes.
   */
  calibration_prior_mean: { scale: 'return' | 'per_cost'; mean: number; se: number; n: number } | null;
}

/**
 * Summarize one cycle: money spent, realized return, the true return of the chosen portfolio against the
 * hindsight-optimal one (an exact 0/1 knapsack over the true returns of every reviewed initiative, each at
 * its full `cost_to_scale`, under the same budget), mean confidence per methodology and the calibration used.
 *
 * @example
 * ```ts
 * const summary = summarizeCycle(run, { cycle: 1, seed: 42, budget: 60000, restudied: [], joined: [] });
 * ```
 */
export function summarizeCycle(
  run: LoopRun,
  info: {
    cycle: number;
    seed: number;
    budget: number;
    restudied: string[];
    joined: string[];
    last_chance?: string[];
  },
): CycleSummary {
  const { report } = run;
  const reviewed = run.initiatives.filter((entry) => entry.review !== undefined);
  const realized = report.records.reduce((sum, record) => sum + record.actual_return, 0);
  const knownTrue = report.records.every((record) => record.true_return !== undefined);
  const trueReturn = knownTrue
    ? report.records.reduce((sum, record) => sum + (record.true_return ?? 0), 0)
    : null;
  const items = reviewed.map((entry) => {
    const effect = entry.scale?.true_effect ?? entry.hindsight_true_effect;
    const value =
      effect === undefined ? undefined : effect * entry.valuation.value_per_unit * entry.valuation.units;
    return { id: entry.initiative_id, cost: entry.cost_to_scale, value };
  });
  const complete = items.every((item) => item.value !== undefined);
  const optimum = complete
    ? hindsightOptimum(
        items.map((item) => ({ id: item.id, cost: item.cost, value: item.value ?? 0 })),
        info.budget,
      )
    : undefined;
  const netOptimum = complete
    ? hindsightOptimum(
        items.map((item) => ({ id: item.id, cost: item.cost, value: (item.value ?? 0) - item.cost })),
        info.budget,
      )
    : undefined;
  const trueNet = trueReturn === null ? null : trueReturn - report.total_allocated;
  const confidences = new Map<ModelType, number[]>();
  for (const entry of reviewed) {
    const review = entry.review;
    if (review === undefined) continue;
    confidences.set(review.model_type, [...(confidences.get(review.model_type) ?? []), review.confidence]);
  }
  const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
  return {
    cycle: info.cycle,
    seed: info.seed,
    initiatives: run.initiatives.length,
    reviewed: reviewed.length,
    scaled: report.records.length,
    restudied: info.restudied,
    joined: info.joined,
    last_chance: info.last_chance ?? [],
    spent: report.total_allocated,
    realized_return: realized + 0,
    true_return: trueReturn === null ? null : trueReturn + 0,
    hindsight_return: optimum === undefined ? null : optimum.value + 0,
    hindsight_selected: optimum === undefined ? null : optimum.selected,
    regret: optimum === undefined || trueReturn === null ? null : optimum.value - trueReturn + 0,
    true_net_return: trueNet === null ? null : trueNet + 0,
    hindsight_net_return: netOptimum === undefined ? null : netOptimum.value + 0,
    net_regret: netOptimum === undefined || trueNet === null ? null : netOptimum.value - trueNet + 0,
    mean_confidence: Object.fromEntries([...confidences].map(([type, values]) => [type, mean(values)])),
    calibration: calibrationRows(run.calibration),
    calibration_prior_mean:
      run.calibration?.prior_mean === undefined ? null : { ...run.calibration.prior_mean },
  };
}

function calibrationRows(table: CalibrationTable | undefined): CycleCalibrationRow[] {
  return (table?.rows ?? []).map((row) => ({
    model_type: row.model_type,
    ...(row.method === undefined ? {} : { method: row.method }),
    n: row.n,
    shrunk_relative_bias: row.shrunk_relative_bias,
    shrunk_coverage: row.shrunk_coverage,
    confidence_factor: row.confidence_factor,
    bias: row.bias,
    bias_se: row.bias_se,
    shrunk_bias: row.shrunk_bias,
    shrunk_excess_sd: row.shrunk_excess_sd,
    trust_score: row.trust_score,
  }));
}
