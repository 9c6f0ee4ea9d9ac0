import { describe, expect, it } from 'vitest';
import type { PilotView } from '../../src/index';
import {
  calibrationStudyMarkdown,
  generateDecisionWorld,
  knownPriorPolicy,
  loopDefaultPolicy,
  naiveRatioPolicy,
  oraclePolicy,
  parsePipelineConfig,
  randomPolicy,
  runCalibrationStudy,
  runDecisionBenchmark,
  summarizeBenchmark,
  WORLD_DESIGNS,
} from '../../src/index';

describe('generateDecisionWorld', () => {
  it('is a pure function of its seed and options', () => {
    expect(JSON.stringify(generateDecisionWorld(5))).toBe(JSON.stringify(generateDecisionWorld(5)));
    expect(JSON.stringify(generateDecisionWorld(5))).not.toBe(JSON.stringify(generateDecisionWorld(6)));
  });

  it('draws 6–10 initiatives, costs in range, a budget of 50–60% of their cost and ~30% negative effects', () => {
    let negative = 0;
    let total = 0;
    const designs = new Set<string>();
    for (let seed = 1; seed <= 60; seed++) {
      const world = generateDecisionWorld(seed);
      const costs = world.pipeline.initiatives.map((initiative) => initiative.cost_to_scale as number);
      expect(costs.length).toBeGreaterThanOrEqual(6);
      expect(costs.length).toBeLessThanOrEqual(10);
      for (const cost of costs) {
        expect(cost).toBeGreaterThanOrEqual(5000);
        expect(cost).toBeLessThanOrEqual(30000);
      }
      const share = world.pipeline.budget / costs.reduce((sum, cost) => sum + cost, 0);
      expect(share).toBeGreaterThan(0.49);
      expect(share).toBeLessThan(0.61);
      for (const truth of Object.values(world.truth)) {
        designs.add(truth.design);
        total += 1;
        if (truth.effect < 0) negative += 1;
      }
    }
    expect([...designs].sort()).toEqual([...WORLD_DESIGNS].sort());
    expect(negative / total).toBeGreaterThan(0.2);
    expect(negative / total).toBeLessThan(0.4);
  });

  it('staggers joining initiatives over the cycles of a multi-cycle world', () => {
    const world = generateDecisionWorld(3, { cycles: 3, joiningPerCycle: 2 });
    const joins = world.pipeline.initiatives.map((initiative) => initiative.joins_in_cycle ?? 1);
    expect(joins.filter((cycle) => cycle === 2)).toHaveLength(2);
    expect(joins.filter((cycle) => cycle === 3)).toHaveLength(2);
    expect(world.pipeline.initiatives.some((initiative) => 'leaves_after_cycle' in initiative)).toBe(false);
  });

  it('with fresh pools, each initiative leaves after the cycle it joins, and the pipeline parses', () => {
    const world = generateDecisionWorld(3, { cycles: 3, joiningPerCycle: 2, freshPools: true });
    for (const initiative of world.pipeline.initiatives) {
      expect(initiative.leaves_after_cycle).toBe(initiative.joins_in_cycle ?? 1);
    }
    const { config } = parsePipelineConfig(world.pipeline);
    expect(config.initiatives.map((initiative) => initiative.leaves_after_cycle)).toEqual(
      world.pipeline.initiatives.map((initiative) => initiative.joins_in_cycle ?? 1),
    );
  });
});

describe('runDecisionBenchmark', () => {
  it('scores every policy against the hindsight oracle on the same pilots, within the budget', async () => {
    const worlds = await runDecisionBenchmark({
      seeds: [11, 12],
      policies: [loopDefaultPolicy, naiveRatioPolicy, randomPolicy, oraclePolicy],
      world: { initiatives: [4, 5], designs: ['experiment', 'difference_in_differences'] },
    });
    expect(worlds).toHaveLength(2);
    for (const world of worlds) {
      expect(world.failedPilots).toBe(0);
      const oracle = world.outcomes.find((outcome) => outcome.policy === 'oracle');
      expect(oracle?.trueNetReturn).toBe(world.oracleNetReturn);
      for (const outcome of world.outcomes) {
        expect(outcome.spent).toBeLessThanOrEqual(world.budget + 1e-9);
        // No portfolio beats the hindsight optimum on true net return.
        expect(outcome.trueNetReturn).toBeLessThanOrEqual(world.oracleNetReturn + 1e-6);
        const net = outcome.funded.reduce((sum, id) => {
          const detail = world.initiativeDetails.find((item) => item.id === id);
          return sum + (detail === undefined ? Number.NaN : detail.trueReturn - detail.cost);
        }, 0);
        expect(outcome.trueNetReturn).toBeCloseTo(net, 6);
      }
      // The naive rule funds, in order of estimate ÷ cost, only positive estimates.
      const naive = world.outcomes.find((outcome) => outcome.policy === 'naive_ratio');
      for (const id of naive?.funded ?? []) {
        expect(world.initiativeDetails.find((item) => item.id === id)?.estimatedReturn).toBeGreaterThan(0);
      }
      // Each pilot's numeric diagnostics are kept for what-ifs: a DiD pilot's pre-trend test, for one.
      for (const detail of world.initiativeDetails) {
        const diagnostics = Object.values(detail.diagnostics ?? {});
        expect(diagnostics.length).toBeGreaterThan(0);
        expect(diagnostics.every((value) => typeof value === 'number' && Number.isFinite(value))).toBe(true);
        if (detail.design === 'difference_in_differences') {
          expect(detail.diagnostics?.pretrend_p_value).toBeGreaterThanOrEqual(0);
        }
      }
    }
    const summary = summarizeBenchmark(worlds, 'naive_ratio');
    const oracleRow = summary.rows.find((row) => row.policy === 'oracle');
    if (summary.worlds > 0) expect(oracleRow?.meanShare).toBeCloseTo(1, 12);
    expect(summary.rows.find((row) => row.policy === 'naive_ratio')?.pairedDifference ?? 0).toBe(0);
    // The money-weighted paired difference is exactly the difference of the aggregate shares.
    const reference = summary.rows.find((row) => row.policy === 'naive_ratio');
    for (const row of summary.rows) {
      expect(row.aggregateDifference).toBeCloseTo(row.aggregateShare - (reference?.aggregateShare ?? 0), 12);
    }
  }, 120_000);
});

describe('knownPriorPolicy', () => {
  const pilot = (id: string, cost: number, estimate: number, se: number, truth: number): PilotView => ({
    id,
    cost,
    multiplier: 1000,
    trueEffect: truth,
    trueReturn: truth * 1000,
    measurement: { effect_estimate: estimate, standard_error: se } as PilotView['measurement'],
  });

  it('with exact pilots it is the hindsight oracle', () => {
    const pilots = [pilot('a', 10, 30, 0, 30), pilot('b', 20, 15, 0, 15), pilot('c', 15, 5, 0, 5)];
    expect(knownPriorPolicy.choose(pilots, 30, 1).sort()).toEqual(oraclePolicy.choose(pilots, 30, 1).sort());
  });

  it('with uninformative pilots it funds on the prior mean alone, whatever the estimates say', () => {
    // True returns 30k, 0, 0: prior mean 10k. A 1e9 SE leaves only the prior, so only costs below 10k pay.
    const pilots = [
      pilot('a', 5000, -50, 1e9, 30),
      pilot('b', 20000, 90, 1e9, 0),
      pilot('c', 9000, 70, 1e9, 0),
    ];
    expect(knownPriorPolicy.choose(pilots, 100000, 1).sort()).toEqual(['a', 'c']);
  });
});

describe('runCalibrationStudy', () => {
  it('runs each arm through every cycle on shared pilots, never above the cycle’s hindsight net optimum', async () => {
    const [world] = await runCalibrationStudy({
      seeds: [21],
      arms: {
        off: { pipeline: { calibration: { enabled: false } } },
        on: { pipeline: { calibration: { enabled: true } } },
      },
      world: { cycles: 2, joiningPerCycle: 2, initiatives: [3, 4], designs: ['experiment'] },
    });
    for (const arm of ['off', 'on']) {
      const cycles = world?.arms[arm] ?? [];
      expect(cycles.map((cycle) => cycle.cycle)).toEqual([1, 2]);
      for (const cycle of cycles)
        expect(cycle.trueNetReturn).toBeLessThanOrEqual(cycle.oracleNetReturn + 1e-6);
    }
    // Cycle 1 is the same decision in both arms (no outcomes to learn from yet).
    expect(world?.arms.on?.[0]?.trueNetReturn).toBe(world?.arms.off?.[0]?.trueNetReturn);
    expect(world?.arms.off?.[1]?.calibration).toEqual([]);
    const markdown = calibrationStudyMarkdown(world === undefined ? [] : [world], 'off', 'on');
    expect(markdown).toContain('| 1 | 1 |');
  }, 120_000);
});
