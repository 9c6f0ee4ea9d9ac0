import { describe, expect, it } from 'vitest';
import {
  loopDefaultPolicy,
  type PredictionSummary,
  predictiveCalibration,
  predictiveCalibrationMarkdown,
  runDecisionBenchmark,
  type WorldOutcome,
} from '../../src/index';
import { detail, world } from '../helpers/world-outcomes';

/** A world whose `loop_default` outcome funded `funded` and predicted `predictions`. */
function withPredictions(
  base: WorldOutcome,
  funded: string[],
  predictions: Record<string, PredictionSummary>,
): WorldOutcome {
  return {
    ...base,
    outcomes: [
      ...base.outcomes,
      { ...base.outcomes[0], policy: 'loop_default', funded, predictions } as never,
    ],
  };
}

const p = (mean: number, sd: number, lower: number, upper: number): PredictionSummary => ({
  mean,
  sd,
  lower,
  upper,
  level: 0.8,
});

describe('predictiveCalibration', () => {
  it('scores each design and all designs by hand-computable errors, coverage and standardized errors', () => {
    const a = withPredictions(
      world(1, 100, [
        detail('x', 10, 0, 1, 50, 'experiment'),
        detail('y', 10, 0, 1, 20, 'matching'),
        detail('z', 10, 0, 1, -10, 'matching'),
      ]),
      ['x', 'y'],
      { x: p(60, 10, 40, 80), y: p(40, 10, 30, 50), z: p(-10, 0, -10, -10) },
    );
    // A world the policy recorded no predictions for is skipped.
    const b = world(2, 100, [detail('w', 10, 0, 1, 5, 'experiment')]);
    const rows = predictiveCalibration([a, b], 'loop_default');
    expect(rows.map((row) => row.design)).toEqual(['experiment', 'matching', 'all']);
    const [experiment, matching, all] = rows;
    expect(experiment).toMatchObject({ initiatives: 1, meanError: 10, fundedMeanError: 10, funded: 1 });
    expect(experiment?.coverage).toBe(1);
    expect(experiment?.zRms).toBeCloseTo(1, 12); // (50 − 60)/10
    // y: error 20, not covered (20 < 30), z = −2; z: error 0, covered (a point interval at the truth), sd 0.
    expect(matching).toMatchObject({ initiatives: 2, meanError: 10, fundedMeanError: 20, funded: 1 });
    expect(matching?.coverage).toBe(0.5);
    expect(matching?.zRms).toBeCloseTo(2, 12);
    expect(all?.initiatives).toBe(3);
    expect(all?.meanError).toBeCloseTo(10, 12);
    expect(all?.zRms).toBeCloseTo(Math.sqrt(2.5), 12);
    expect(all?.level).toBeCloseTo(0.8, 12);
    expect(predictiveCalibrationMarkdown(rows)).toContain(
      '| matching | 2 | 10 | 1 | 20 | 0.50 ± 0.35 | 0.80 | 2.00 |',
    );
    expect(predictiveCalibration([b], 'loop_default')).toEqual([]);
  });

  it('reads what the benchmark records: every reviewed initiative of a loop policy has a prediction', async () => {
    const [outcome] = await runDecisionBenchmark({
      seeds: [21],
      policies: [loopDefaultPolicy],
      world: { initiatives: [4, 4], designs: ['experiment'] },
    });
    const recorded = outcome?.outcomes.find((entry) => entry.policy === 'loop_default')?.predictions ?? {};
    expect(Object.keys(recorded).sort()).toEqual(outcome?.initiativeDetails.map((d) => d.id).sort());
    for (const prediction of Object.values(recorded)) {
      expect(prediction.lower).toBeLessThanOrEqual(prediction.mean);
      expect(prediction.mean).toBeLessThanOrEqual(prediction.upper);
      expect(prediction.level).toBeGreaterThan(0);
      expect(prediction.level).toBeLessThan(1);
    }
    expect(outcome?.outcomes.find((entry) => entry.policy === 'oracle')?.predictions).toBeUndefined();
    expect(
      predictiveCalibration(outcome === undefined ? [] : [outcome], 'loop_default').at(-1)?.initiatives,
    ).toBe(4);
  }, 60_000);
});
