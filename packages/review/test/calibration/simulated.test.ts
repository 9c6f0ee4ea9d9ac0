import {
  appendCycle,
  emptyLoopHistory,
  type LoopHistory,
  type ModelType,
  type OutcomeRecord,
} from '@impact/contracts';
import { describe, expect, it } from 'vitest';
import { applyCalibration } from '../../src/calibration/apply';
import { estimateCalibration } from '../../src/calibration/estimate';
import { DEFAULT_REVIEW_RULES } from '../../src/rules/rules';
import { outcome, report, review } from './records';

/** mulberry32: a small seeded PRNG, so the simulation is reproducible. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function normal(uniform: () => number): number {
  // Box–Muller; 1 − u avoids log(0).
  return Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());
}

const BIASED: ModelType = 'observational';
const UNBIASED: ModelType = 'quasi-experiment';
const START_POSITION = 0.75;

interface Pilot {
  truth: number;
  predicted: number;
  ciLower: number;
  ciUpper: number;
}

/**
 * One pilot: true return T ~ U(20, 100); the pilot estimate is `inflation·T + N(0, σ)` with σ = 0.1·T and a
 * 95% interval ± 1.96σ. The biased methodology has inflation 1.5 (an observational estimate confounded by
 * selection on popularity); the unbiased one has 1.
 */
function pilot(uniform: () => number, inflation: number): Pilot {
  const truth = 20 + 80 * uniform();
  const sigma = 0.1 * truth;
  const predicted = inflation * truth + sigma * normal(uniform);
  return { truth, predicted, ciLower: predicted - 1.96 * sigma, ciUpper: predicted + 1.96 * sigma };
}

/** Scaling reveals the truth up to a small measurement noise at scale. */
function scaled(uniform: () => number, entry: Pilot, modelType: ModelType, id: string): OutcomeRecord {
  const actual = entry.truth + 2 * normal(uniform);
  const within = actual >= entry.ciLower && actual <= entry.ciUpper;
  return outcome(entry.predicted, actual, within, modelType, id);
}

function reviewOf(entry: Pilot, modelType: ModelType) {
  const band = DEFAULT_REVIEW_RULES.bands[modelType];
  return review({
    model_type: modelType,
    confidence: band.min + (band.max - band.min) * START_POSITION,
    R_worst: entry.ciLower,
    R_med: entry.predicted,
    R_best: entry.ciUpper,
  });
}

const positionIn = (modelType: ModelType, confidence: number) => {
  const band = DEFAULT_REVIEW_RULES.bands[modelType];
  return (confidence - band.min) / (band.max - band.min);
};

interface Run {
  /** Band position of a fresh review of each methodology before cycles 1…5, after calibrating on history. */
  positions: Record<'biased' | 'unbiased', number[]>;
  /** Biased methodology, fresh pilots after the last cycle: mean |R_med − truth| raw vs calibrated. */
  rawError: number;
  calibratedError: number;
  /** Share of truths inside [R_worst, R_best], raw vs calibrated. */
  rawCoverage: number;
  calibratedCoverage: number;
}

function simulate(seed: number, cycles = 5, perCycle = 10): Run {
  const uniform = prng(seed);
  let history: LoopHistory = emptyLoopHistory();
  const positions: Run['positions'] = { biased: [], unbiased: [] };
  for (let cycle = 1; cycle <= cycles; cycle += 1) {
    const table = estimateCalibration(history);
    for (const [key, modelType, inflation] of [
      ['biased', BIASED, 1.5],
      ['unbiased', UNBIASED, 1],
    ] as const) {
      const calibrated = applyCalibration(reviewOf(pilot(uniform, inflation), modelType), table);
      positions[key].push(positionIn(modelType, calibrated.confidence));
    }
    const records: OutcomeRecord[] = [];
    for (let index = 0; index < perCycle; index += 1) {
      records.push(scaled(uniform, pilot(uniform, 1.5), BIASED, `b-${index}`));
      records.push(scaled(uniform, pilot(uniform, 1), UNBIASED, `u-${index}`));
    }
    history = appendCycle(history, report(records));
  }
  const table = estimateCalibration(history);
  let rawError = 0;
  let calibratedError = 0;
  let rawCovered = 0;
  let calibratedCovered = 0;
  const fresh = 20;
  for (let index = 0; index < fresh; index += 1) {
    const entry = pilot(uniform, 1.5);
    const raw = reviewOf(entry, BIASED);
    const calibrated = applyCalibration(raw, table);
    rawError += Math.abs(raw.R_med - entry.truth) / fresh;
    calibratedError += Math.abs(calibrated.R_med - entry.truth) / fresh;
    if (raw.R_worst <= entry.truth && entry.truth <= raw.R_best) rawCovered += 1;
    if (calibrated.R_worst <= entry.truth && entry.truth <= calibrated.R_best) calibratedCovered += 1;
  }
  return {
    positions,
    rawError,
    calibratedError,
    rawCoverage: rawCovered / fresh,
    calibratedCoverage: calibratedCovered / fresh,
  };
}

describe('calibration on simulated outcomes with one biased methodology', () => {
  const seeds = Array.from({ length: 20 }, (_, index) => 1000 + index);
  const runs = seeds.map((seed) => simulate(seed));

  it('changes nothing before any outcome is known', () => {
    for (const run of runs) {
      expect(run.positions.biased[0]).toBeCloseTo(START_POSITION, 12);
      expect(run.positions.unbiased[0]).toBeCloseTo(START_POSITION, 12);
    }
  });

  it('lowers the biased methodology’s effective confidence cycle after cycle', () => {
    for (const run of runs) {
      const { biased } = run.positions;
      for (let cycle = 1; cycle < biased.length; cycle += 1) {
        expect(biased[cycle]).toBeLessThanOrEqual((biased[cycle - 1] ?? 0) + 1e-12);
      }
      // Five cycles in: 40 records, w = 40/45, over-prediction ≈ 0.3 and coverage ≈ 0 → position ×≈0.5.
      expect(biased.at(-1)).toBeLessThan(0.45);
    }
  });

  it('puts the biased methodology below the unbiased one in its band once outcomes arrive', () => {
    for (const run of runs) {
      for (let cycle = 1; cycle < run.positions.biased.length; cycle += 1) {
        expect(run.positions.biased[cycle]).toBeLessThan(run.positions.unbiased[cycle] ?? 0);
      }
      // The unbiased methodology keeps most of its position (coverage near nominal, no over-prediction).
      expect(run.positions.unbiased.at(-1)).toBeGreaterThan(0.65);
    }
  });

  it('moves the biased methodology’s scenarios toward the truth and restores interval coverage', () => {
    const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
    const rawError = mean(runs.map((run) => run.rawError));
    const calibratedError = mean(runs.map((run) => run.calibratedError));
    // Raw pilots overstate by 50% of a mean truth of 60 → ≈ 30; calibrated by ≈ 1.5·(1 − 0.3) − 1 ≈ 6%.
    expect(rawError).toBeGreaterThan(25);
    expect(calibratedError).toBeLessThan(rawError / 3);
    expect(mean(runs.map((run) => run.rawCoverage))).toBeLessThan(0.1);
    expect(mean(runs.map((run) => run.calibratedCoverage))).toBeGreaterThan(0.8);
  });

  it('is reproducible: the same seed gives the same run', () => {
    expect(simulate(7)).toEqual(simulate(7));
  });
});
