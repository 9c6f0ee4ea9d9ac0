import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type CycleSummary, runLoopCycles } from '../../src/index';
import { biasedWorldPipeline, biasedWorldStages } from '../helpers/biased-world';

const SEEDS = Array.from({ length: 30 }, (_, k) => k + 1);
const CYCLES = 3;

async function study(
  calibration: boolean,
  outcomes: 'prior' | 'ignore' = 'ignore',
): Promise<CycleSummary[][]> {
  return (await studyRuns(calibration, outcomes)).map((run) => run.cycles);
}

interface StudyRun {
  cycles: CycleSummary[];
  /** Predictive mean minus true return of the observational pilots reviewed in cycles 2 and 3. */
  observationalGaps: number[];
}

async function studyRuns(calibration: boolean, outcomes: 'prior' | 'ignore'): Promise<StudyRun[]> {
  const runs: StudyRun[] = [];
  for (const seed of SEEDS) {
    const config = biasedWorldPipeline(seed, {
      cycles: CYCLES,
      joiningPerCycle: 6,
      budget: 50,
      bias: 1.5,
      rule: 'minimax_regret',
      calibration,
      outcomes,
    });
    const outDir = mkdtempSync(join(tmpdir(), 'impact-evidence-'));
    const result = await runLoopCycles({ config, outDir, stages: biasedWorldStages() });
    const observationalGaps: number[] = [];
    for (const cycle of [2, 3]) {
      const run = JSON.parse(readFileSync(join(outDir, `cycle-${cycle}`, 'run.json'), 'utf8')) as {
        initiatives: {
          pilot?: { measurement: { model_type: string }; true_effect: number };
          review?: { R_med: number };
        }[];
      };
      for (const initiative of run.initiatives) {
        if (initiative.pilot?.measurement.model_type !== 'observational' || !initiative.review) continue;
        observationalGaps.push(initiative.review.R_med - initiative.pilot.true_effect * 10);
      }
    }
    runs.push({ cycles: result.cycles, observationalGaps });
  }
  return runs;
}

/** Mean over seeds of a per-cycle quantity (cycle index k, 0-based). */
function meanAt(runs: CycleSummary[][], k: number, value: (summary: CycleSummary) => number): number {
  const values = runs.map((cycles) => value(cycles[k] as CycleSummary));
  return values.reduce((sum, v) => sum + v, 0) / values.length;
}

const observationalConfidence = (summary: CycleSummary) =>
  summary.mean_confidence.observational ?? Number.NaN;
const observationalFactor = (summary: CycleSummary) =>
  summary.calibration.find((row) => row.model_type === 'observational')?.confidence_factor ?? 1;

describe('calibration over cycles on a world with a biased methodology', () => {
  // Observational pilots over-estimate by 1.5 per unit (selection on popularity); experiments are unbiased.
  it('learns the biased methodology’s bias, lowers its confidence, and only with calibration', async () => {
    const calibrated = await study(true);
    const plain = await study(false);
    const factors = [0, 1, 2].map((k) => meanAt(calibrated, k, observationalFactor));
    expect(factors[0]).toBe(1);
    expect(factors[2]).toBeLessThan(0.95);
    expect(factors[2]).toBeLessThanOrEqual(factors[1] as number);
    // Learned against the predictions made: observational estimates ran high, experiments did not.
    const learnedBias = (type: string) => (summary: CycleSummary) =>
      summary.calibration.find((row) => row.model_type === type)?.shrunk_bias ?? 0;
    expect(meanAt(calibrated, 2, learnedBias('observational'))).toBeGreaterThan(0.2);
    // The unbiased design's learned bias is small next to the biased design's 1.5, but over these 30 seeds
    // it does not centre on zero: 0.11 ± 0.04 with the prior mean fitted jointly (0.15 ± 0.04 before).
    // With 4–5 outcomes per cycle the prior mean's error and the designs' biases are hard to separate.
    const experimentBias = calibrated.map((cycles) => learnedBias('experiment')(cycles[2] as CycleSummary));
    const experimentMean = experimentBias.reduce((sum, v) => sum + v, 0) / experimentBias.length;
    const experimentSe = Math.sqrt(
      experimentBias.reduce((sum, v) => sum + (v - experimentMean) ** 2, 0) /
        (experimentBias.length - 1) /
        experimentBias.length,
    );
    expect(Math.abs(experimentMean)).toBeLessThan(6 * experimentSe);
    expect(Math.abs(experimentMean)).toBeLessThan(0.2);
    const confidence = [0, 1, 2].map((k) => meanAt(calibrated, k, observationalConfidence));
    // It falls by about 0.014 with τ integrated, where the learned observational bias is 0.29 (0.45 at τ's mode).
    expect(confidence[2]).toBeLessThan((confidence[0] as number) - 0.005);
    // Bands are never crossed: observational stays in [0.2, 0.39], experiments in [0.85, 1].
    for (const cycles of calibrated) {
      for (const summary of cycles) {
        expect(summary.mean_confidence.observational ?? 0.2).toBeGreaterThanOrEqual(0.2);
        expect(summary.mean_confidence.experiment ?? 0.85).toBeGreaterThanOrEqual(0.85);
      }
    }
    // Without calibration the same methodology keeps its confidence.
    const uncalibrated = [0, 1, 2].map((k) => meanAt(plain, k, observationalConfidence));
    expect(Math.abs((uncalibrated[2] as number) - (uncalibrated[0] as number))).toBeLessThan(0.01);

    // Net regret against the hindsight optimum (not the gross realized return, which moves with what is
    // spent and with what is left in the pool): the later cycles' regret with calibration is below the
    // first cycle's, and calibration lowers it against the uncalibrated arm.
    const regret = (runs: CycleSummary[][]) =>
      (meanAt(runs, 1, (s) => s.net_regret ?? Number.NaN) +
        meanAt(runs, 2, (s) => s.net_regret ?? Number.NaN)) /
      2;
    expect(regret(calibrated)).toBeLessThan(meanAt(calibrated, 0, (s) => s.net_regret ?? Number.NaN));
    expect(regret(calibrated)).toBeLessThan(regret(plain));
    // Cycle 1 has no history, so both arms are identical there.
    expect(meanAt(calibrated, 0, (s) => s.realized_return)).toBe(meanAt(plain, 0, (s) => s.realized_return));
  }, 180_000);

  it('with the defaults (scale outcomes in the prior), learns the biased design from outcomes without calibration', async () => {
    const learning = await studyRuns(false, 'prior');
    const plain = await studyRuns(false, 'ignore');
    const regret = (runs: StudyRun[], k: number) =>
      meanAt(
        runs.map((run) => run.cycles),
        k,
        (s) => s.net_regret ?? Number.NaN,
      );
    // Cycle 1 has no outcomes, so both arms are identical there; later cycles' regret is below it.
    expect(regret(learning, 0)).toBe(regret(plain, 0));
    expect((regret(learning, 1) + regret(learning, 2)) / 2).toBeLessThan(regret(learning, 0));
    // The mechanism: observational pilots read 15 too high per initiative (1.5 × 10 units). With the scale
    // outcomes of earlier cycles their predictions in cycles 2–3 run 1.8 high, against 4.3 with outcomes
    // ignored (30 seeds, 180 pilots per arm). The arms' total true net return in cycles 2–3 differs by
    // +0.57 ± 0.74 for outcomes: better, not significantly so here, and not asserted.
    const overPrediction = (runs: StudyRun[]) => {
      const gaps = runs.flatMap((run) => run.observationalGaps);
      return gaps.reduce((sum, v) => sum + v, 0) / gaps.length;
    };
    expect(overPrediction(plain)).toBeGreaterThan(3);
    expect(overPrediction(learning)).toBeLessThan(0.6 * overPrediction(plain));
  }, 180_000);
});
