import {
  appendCycle,
  emptyLoopHistory,
  type LoopHistory,
  type ModelType,
  type OutcomeRecord,
  OutcomeRecordSchema,
  type PilotEvidence,
} from '@impact/contracts';
import { describe, expect, it } from 'vitest';
import { calibrationCorrections, estimateCalibration } from '../../src/calibration/estimate';
import type { CalibrationTable } from '../../src/calibration/table';
import { applyDecisionModel } from '../../src/decision/apply';
import { reviewParsed } from '../../src/reviewer/deterministic';
import { parseReviewInput } from '../../src/reviewer/reviewer';
import { parseReviewRules } from '../../src/rules/rules';
import { measurement, seededDraws } from '../helpers';
import { report } from './records';

const rules = parseReviewRules({});
const METHODS: readonly ModelType[] = ['quasi-experiment', 'observational'];
// The decision model pools on return per unit cost here, so calibration fits the prior mean on that scale.
// The loop's defaults otherwise: the shrinkage error is not fitted, and every earlier pilot joins the prior
// (`prior_from_history`). Over 40 seeds the unbiased designs' learned bias is 0.059 ± 0.028 and
// −0.017 ± 0.035 that way; with each cycle's prior from its own 10 pilots it was 0.13 ± 0.03 (τ, integrated
// over, shrinks too little with 10 initiatives), 0.077 ± 0.033 with the shrinkage error fitted.
const SETTINGS = { prior_mean: 'per_cost' } as const;

interface World {
  /** Bias of observational estimates per unit cost (quasi-experiments are unbiased). */
  bias: number;
  cycles: number;
}

interface Learned {
  table: CalibrationTable;
  /** Funded initiatives: mean of (raw estimate − truth) per unit cost, by methodology (the winner's curse). */
  rawFundedError: Record<string, number>;
}

/**
 * Cycles of 10 initiatives (5 per methodology): true return per unit cost θ ~ N(1, 0.6²), costs 5k–25k,
 * pilot estimate `(θ + bias + N(0, s²))·cost` with s ∈ [0.2, 0.8]; the predictive decision model (with the
 * calibration learned so far and every earlier pilot in its prior) ranks them, the best half with a positive expected net value is funded, and
 * only funded initiatives report a scale outcome `θ·cost + N(0, (0.05·cost)²)`.
 */
function run(seed: number, world: World): Learned {
  const { normal, uniform } = seededDraws(seed);
  let history: LoopHistory = emptyLoopHistory();
  // Every earlier pilot, pooled into the prior as the loop does (`prior_from_history`).
  const evidence: PilotEvidence[] = [];
  const rawErrors: Record<string, number[]> = { 'quasi-experiment': [], observational: [] };
  for (let cycle = 0; cycle < world.cycles; cycle++) {
    const table = estimateCalibration(history, SETTINGS);
    const items = Array.from({ length: 10 }, (_, i) => {
      const modelType = METHODS[i % 2] as ModelType;
      const cost = 5_000 + Math.floor(uniform() * 20_000);
      const theta = 1 + 0.6 * normal();
      const s = 0.2 + 0.6 * uniform();
      const bias = modelType === 'observational' ? world.bias : 0;
      const estimate = (theta + bias + s * normal()) * cost;
      const m = measurement({
        initiative_id: `c${cycle}-i${i}`,
        effect_estimate: estimate,
        standard_error: s * cost,
        ci_lower: estimate - 1.96 * s * cost,
        ci_upper: estimate + 1.96 * s * cost,
        p_value: 0.04,
        model_type: modelType,
      });
      const valuation = { value_per_unit: 1, units: 1 };
      const review = reviewParsed(parseReviewInput({ measurement: m, cost, valuation }), rules);
      return { item: { review, measurement: m, valuation }, theta, cost };
    });
    const decided = applyDecisionModel(
      items.map((entry) => entry.item),
      // True returns scale with cost in this world: pool on return per unit cost.
      { name: 'predictive', scale: 'per_cost' },
      { corrections: calibrationCorrections(table), history: [...evidence] },
    );
    const funded = decided
      .map((review, i) => ({ review, i }))
      .filter(({ review }) => review.R_med > review.cost)
      .sort((a, b) => b.review.R_med / b.review.cost - a.review.R_med / a.review.cost)
      .slice(0, 5);
    const records: OutcomeRecord[] = funded.map(({ review, i }) => {
      const entry = items[i] as (typeof items)[number];
      const actual = entry.theta * entry.cost + 0.05 * entry.cost * normal();
      rawErrors[review.model_type]?.push(
        (entry.item.measurement.effect_estimate - entry.theta * entry.cost) / entry.cost,
      );
      return OutcomeRecordSchema.parse({
        initiative_id: review.id,
        predicted_return: review.R_med,
        actual_return: actual,
        prediction_error: actual - review.R_med,
        sample_size_pilot: 100,
        sample_size_scale: 2000,
        within_pilot_ci: actual >= review.R_worst && actual <= review.R_best,
        actual_ci_lower: actual - 0.098 * entry.cost,
        actual_ci_upper: actual + 0.098 * entry.cost,
        budget: entry.cost,
        roi: (actual - entry.cost) / entry.cost,
        model_type: review.model_type,
        prediction: review.prediction,
      });
    });
    history = appendCycle(history, report(records));
    for (const { item, cost } of items) {
      evidence.push({
        initiative_id: item.review.id,
        model_type: item.review.model_type,
        confidence: item.review.confidence,
        cost,
        estimated_return: item.measurement.effect_estimate,
        estimated_return_se: item.measurement.standard_error,
      });
    }
  }
  const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / Math.max(1, values.length);
  return {
    table: estimateCalibration(history, SETTINGS),
    rawFundedError: Object.fromEntries(Object.entries(rawErrors).map(([key, values]) => [key, mean(values)])),
  };
}

function summarize(runs: Learned[], modelType: ModelType) {
  const biases = runs.map(
    (entry) => entry.table.rows.find((row) => row.model_type === modelType)?.bias ?? Number.NaN,
  );
  const mean = biases.reduce((a, b) => a + b, 0) / biases.length;
  const sd = Math.sqrt(biases.reduce((a, b) => a + (b - mean) ** 2, 0) / (biases.length - 1));
  const raw = runs.reduce((a, entry) => a + (entry.rawFundedError[modelType] ?? 0), 0) / runs.length;
  return { mean, se: sd / Math.sqrt(biases.length), raw };
}

describe('calibration against the predictions made (only funded initiatives report outcomes)', () => {
  const REPLICATES = 40;

  it('learns a bias centred on 0 for unbiased designs although funded pilots over-estimated', () => {
    const runs = Array.from({ length: REPLICATES }, (_, seed) => run(1000 + seed, { bias: 0, cycles: 4 }));
    for (const modelType of METHODS) {
      const { mean, se, raw } = summarize(runs, modelType);
      // The winner's curse: funded raw estimates ran high …
      expect(raw).toBeGreaterThan(0.1);
      // … but the bias learned against the predictive means centres on 0.
      expect(Math.abs(mean)).toBeLessThan(3 * se + 0.02);
    }
  }, 180_000);

  it('recovers the bias of a biased design, cycle after cycle with its own correction applied', () => {
    const runs = Array.from({ length: REPLICATES }, (_, seed) => run(2000 + seed, { bias: 0.5, cycles: 4 }));
    const observational = summarize(runs, 'observational');
    expect(Math.abs(observational.mean - 0.5)).toBeLessThan(3 * observational.se + 0.1);
    const quasi = summarize(runs, 'quasi-experiment');
    expect(Math.abs(quasi.mean)).toBeLessThan(3 * quasi.se + 0.1);
  }, 180_000);

  it('is reproducible: the same seed gives the same table', () => {
    expect(JSON.stringify(run(7, { bias: 0.5, cycles: 3 }).table)).toBe(
      JSON.stringify(run(7, { bias: 0.5, cycles: 3 }).table),
    );
  });
});
