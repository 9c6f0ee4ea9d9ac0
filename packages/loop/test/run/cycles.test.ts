import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, ContractError, parseLoopHistory } from '@impact/contracts';
import { parseCalibrationTable } from '@impact/review';
import { describe, expect, it } from 'vitest';
import {
  createDefaultStages,
  type LoopStages,
  type PipelineConfigInput,
  runLoop,
  runLoopCycles,
} from '../../src/index';
import { formatMoney } from '../../src/report/format';
import { fakePipeline, fakeStages } from '../helpers/fake-stages';

function outDir(): string {
  return mkdtempSync(join(tmpdir(), 'impact-cycles-'));
}

function read(dir: string, name: string): string {
  return readFileSync(join(dir, name), 'utf8');
}

interface InitiativeShape {
  initiative_id: string;
  pilot: { simulation: Record<string, unknown>; measure: Record<string, unknown> };
  restudy?: unknown;
  joins_in_cycle?: number;
  leaves_after_cycle?: number;
}

function initiatives(config: PipelineConfigInput): InitiativeShape[] {
  return config.initiatives as unknown as InitiativeShape[];
}

describe('history in and out', () => {
  it('writes history.json holding the input history plus this run, byte-identical for the same inputs', async () => {
    const a = outDir();
    const b = outDir();
    for (const dir of [a, b]) {
      await runLoop({
        config: fakePipeline([2, 1, 3], [40, 50, 30]),
        outDir: dir,
        stages: fakeStages().stages,
      });
    }
    const history = parseLoopHistory(JSON.parse(read(a, 'history.json')));
    expect(history.cycles.map((entry) => entry.cycle)).toEqual([1]);
    expect(history.cycles[0]?.report.records.map((record) => record.initiative_id)).toEqual([
      'init-0',
      'init-2',
    ]);
    expect(read(a, 'history.json')).toBe(read(b, 'history.json'));

    const c = outDir();
    await runLoop({
      config: fakePipeline([2, 1, 3], [40, 50, 30]),
      outDir: c,
      stages: fakeStages().stages,
      history: join(a, 'history.json'),
    });
    const next = parseLoopHistory(JSON.parse(read(c, 'history.json')));
    expect(next.cycles.map((entry) => entry.cycle)).toEqual([1, 2]);
    expect(next.cycles[0]).toEqual(history.cycles[0]);
  });

  it('gives the same cycle 2 whether run in one go or chained through history.json', async () => {
    const config = fakePipeline([2, 1, 3, 0.5], [40, 50, 30, 20]);
    const oneGo = outDir();
    await runLoopCycles({ config, outDir: oneGo, stages: fakeStages().stages, cycles: 2 });
    const first = outDir();
    await runLoop({ config, outDir: first, stages: fakeStages().stages });
    const second = outDir();
    await runLoop({
      config,
      outDir: second,
      stages: fakeStages().stages,
      history: join(first, 'history.json'),
    });
    expect(read(second, 'run.json')).toBe(read(join(oneGo, 'cycle-2'), 'run.json'));
    expect(read(second, 'outcome.md')).toBe(read(join(oneGo, 'cycle-2'), 'outcome.md'));
    expect(read(second, 'history.json')).toBe(read(oneGo, 'history.json'));
    expect(read(first, 'run.json')).toBe(read(join(oneGo, 'cycle-1'), 'run.json'));
  });

  it('rejects a history that breaks the schema with a ContractError naming the field', async () => {
    const dir = outDir();
    const file = join(dir, 'history.json');
    writeFileSync(file, JSON.stringify({ schema_version: 1, cycles: [{ cycle: 0, report: {} }] }));
    const run = runLoop({
      config: fakePipeline([2], [10]),
      outDir: dir,
      stages: fakeStages().stages,
      history: file,
    });
    await expect(run).rejects.toBeInstanceOf(ContractError);
    await expect(run).rejects.toThrow(/cycles\[0\]/);
  });

  it('reads the history named by the pipeline key history:', async () => {
    const first = outDir();
    await runLoop({ config: fakePipeline([2, 1], [40, 50]), outDir: first, stages: fakeStages().stages });
    const dir = outDir();
    const report = await runLoop({
      config: fakePipeline([2, 1], [40, 50], { history: 'history.json' }),
      baseDir: first,
      outDir: dir,
      stages: fakeStages().stages,
    });
    // Both were scaled in cycle 1, so they left the pool.
    expect(report.records).toEqual([]);
    expect(report.dropped).toEqual([]);
    expect(parseLoopHistory(JSON.parse(read(dir, 'history.json'))).cycles).toHaveLength(2);
  });
});

describe('multi-cycle runs', () => {
  it('runs N cycles, takes scaled initiatives out of the pool and writes cycle folders and cycles reports', async () => {
    const { stages, log } = fakeStages();
    const config = fakePipeline([2, 1, 3], [40, 50, 30], { cycles: 3 });
    const dir = outDir();
    const result = await runLoopCycles({ config, outDir: dir, stages });
    expect(result.reports).toHaveLength(3);
    expect(result.reports[0]?.records.map((r) => r.initiative_id)).toEqual(['init-0', 'init-2']);
    expect(result.reports[1]?.records.map((r) => r.initiative_id)).toEqual(['init-1']);
    expect(result.reports[2]?.records).toEqual([]);
    const pilots = log.simulate.filter((request) => request.phase === 'pilot');
    expect(pilots.map((request) => request.initiativeId)).toEqual(['init-0', 'init-1', 'init-2', 'init-1']);
    // Cycle 2 draws fresh data: its seed differs from cycle 1's.
    expect(pilots[3]?.config.seed).not.toBe(pilots[1]?.config.seed);
    expect(result.history.cycles.map((entry) => entry.cycle)).toEqual([1, 2, 3]);
    for (const name of ['cycles.json', 'cycles.md', 'cycles.html', 'history.json']) {
      expect(read(dir, name).length).toBeGreaterThan(0);
    }
    expect(read(join(dir, 'cycle-2'), 'outcome.json')).toContain('init-1');
    const html = read(dir, 'cycles.html');
    expect(html).toContain('<svg');
    expect(html).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org)/);
    expect(read(dir, 'cycles.md')).toContain('| cycle | pool | scaled | spent |');
    const summaries = JSON.parse(read(dir, 'cycles.json')).cycles;
    expect(summaries.map((s: { spent: number }) => s.spent)).toEqual([70, 50, 0]);
  });

  it('re-studies a dropped initiative with its restudy pilot and lets initiatives join in a later cycle', async () => {
    const { stages, log } = fakeStages();
    // Budget 100: cycle 1 funds init-0 (60) and drops init-1 (50, does not fit).
    const config = fakePipeline([2, 1, 3], [60, 50, 30], { cycles: 2 });
    const list = initiatives(config);
    (list[1] as InitiativeShape).restudy = {
      pilot: { simulation: { products: 600, effect: 1 }, measure: { model: { name: 'fake' } } },
    };
    (list[2] as InitiativeShape).joins_in_cycle = 2;
    const result = await runLoopCycles({ config, outDir: outDir(), stages });
    const pilots = log.simulate.filter((request) => request.phase === 'pilot');
    expect(pilots.map((request) => request.initiativeId)).toEqual(['init-0', 'init-1', 'init-1', 'init-2']);
    expect(pilots[1]?.config.products).toBe(200);
    expect(pilots[2]?.config.products).toBe(600);
    expect(result.cycles[0]?.reviewed).toBe(2);
    expect(result.cycles[1]?.restudied).toEqual(['init-1']);
    expect(result.cycles[1]?.joined).toEqual(['init-2']);
  });

  it('drops an initiative from the pool after its leaves_after_cycle', async () => {
    const { stages, log } = fakeStages();
    // Budget 100: cycle 1 drops init-1 (50, does not fit), which leaves after cycle 1.
    const config = fakePipeline([2, 1, 3], [60, 50, 30], { cycles: 2 });
    const list = initiatives(config);
    (list[1] as InitiativeShape).leaves_after_cycle = 1;
    const dir = outDir();
    const result = await runLoopCycles({ config, outDir: dir, stages });
    const pilots = log.simulate.filter((request) => request.phase === 'pilot');
    const dropped = result.reports[0]?.dropped.map((entry) => entry.initiative_id) ?? [];
    expect(dropped).toContain('init-1');
    // init-1 left after cycle 1: cycle 2 pilots only what stayed in the pool.
    const secondCycle = pilots.slice(3).map((request) => request.initiativeId);
    expect(secondCycle).not.toContain('init-1');
    expect(secondCycle.length).toBe(dropped.length - 1);
    expect(result.cycles.map((summary) => summary.last_chance)).toEqual([['init-1'], []]);
    expect(read(dir, 'cycles.md')).toContain(
      '- cycle 1: re-studied none; joined none; last cycle for init-1 (they leave unless funded)',
    );
    expect(read(dir, 'cycles.md')).toContain('- cycle 2: re-studied none; joined none\n');
  });

  it('computes regret against the hindsight-optimal portfolio over the true returns', async () => {
    const { stages } = fakeStages();
    // Budget 100; greedy by estimate funds init-1 (cost 60) and init-2 (40)... truths decide the optimum.
    const config = fakePipeline([3, 2.5, 2.4], [60, 50, 50]);
    const dir = outDir();
    const result = await runLoopCycles({ config, outDir: dir, stages });
    const summary = result.cycles[0];
    const report = result.reports[0];
    expect(summary).toBeDefined();
    if (summary === undefined || report === undefined) return;
    // True returns: effect × 10 (valuation 1 × 10 units): 30, 25, 24.
    expect(summary.hindsight_return).toBeCloseTo(49, 9);
    expect(summary.hindsight_selected).toEqual(['init-1', 'init-2']);
    const chosenTrue = report.records.reduce((sum, record) => sum + (record.true_return ?? 0), 0);
    expect(summary.true_return).toBeCloseTo(chosenTrue, 9);
    expect(summary.regret).toBeCloseTo(49 - chosenTrue, 9);
    expect(summary.spent).toBe(report.total_allocated);
  });
});

/** The fake stages with the real decide stage (the predictive model), so outcomes carry predictions. */
function predictiveStages(review: Record<string, unknown> = {}): LoopStages {
  return { ...fakeStages().stages, decide: createDefaultStages({ review }).decide };
}

describe('calibration in the loop', () => {
  it('writes calibration.json and a calibration table when calibration is enabled', async () => {
    const config = fakePipeline([2, 1, 3, 0.5], [40, 50, 30, 20], {
      cycles: 2,
      calibration: { enabled: true, settings: { prior_strength: 2 } },
    });
    const dir = outDir();
    const result = await runLoopCycles({ config, outDir: dir, stages: predictiveStages() });
    const first = parseCalibrationTable(JSON.parse(read(join(dir, 'cycle-1'), 'calibration.json')));
    expect(first.rows).toEqual([]);
    const second = parseCalibrationTable(JSON.parse(read(join(dir, 'cycle-2'), 'calibration.json')));
    expect(second.records_used).toBe(result.reports[0]?.records.length);
    expect(second.settings.prior_strength).toBe(2);
    expect(read(join(dir, 'cycle-2'), 'outcome.md')).toContain('## Calibration');
    expect(read(join(dir, 'cycle-2'), 'outcome.md')).toContain('| experiment |');
    expect(read(join(dir, 'cycle-2'), 'outcome.html')).toContain('<h2>Calibration</h2>');
    expect(JSON.parse(read(join(dir, 'cycle-2'), 'run.json')).calibration).toEqual(second);
    expect(result.cycles[1]?.calibration[0]?.model_type).toBe('experiment');
    // Per estimator too (group_by: method, the default): the learned values reach the cycles report.
    const methodRow = second.rows.find((row) => row.method !== undefined);
    expect(methodRow?.model_type).toBe('experiment');
    const cyclesMd = read(dir, 'cycles.md');
    expect(cyclesMd).toContain('## Learned corrections before each cycle');
    expect(cyclesMd).toContain(`| experiment / ${methodRow?.method} | 2 | ${methodRow?.n} |`);
    expect(read(dir, 'cycles.html')).toContain('<h2>Learned corrections before each cycle</h2>');
    // The prior mean learned jointly with the biases (the predictions were shrunk toward a prior).
    const prior = second.prior_mean;
    expect(prior?.scale).toBe('return');
    expect(prior?.n).toBe(second.records_used);
    expect(read(join(dir, 'cycle-2'), 'outcome.md')).toContain(
      `the true mean return the predictions were shrunk toward is ${formatMoney(prior?.mean ?? Number.NaN)} ± ${formatMoney(prior?.se ?? Number.NaN)}`,
    );
    expect(read(join(dir, 'cycle-2'), 'outcome.html')).toContain(
      'the true mean return the predictions were shrunk toward',
    );
    expect(result.cycles[1]?.calibration_prior_mean).toEqual(prior);
    expect(result.cycles[0]?.calibration_prior_mean).toBeNull();
    expect(cyclesMd).toContain(`- Cycle 2: true mean return ${formatMoney(prior?.mean ?? Number.NaN)} ±`);
    expect(read(dir, 'cycles.html')).toContain('<li>Cycle 2: true mean return');
    // Same inputs, same files.
    const again = outDir();
    await runLoopCycles({ config, outDir: again, stages: predictiveStages() });
    for (const name of ['history.json', 'cycles.json', 'cycles.md', 'cycles.html']) {
      expect(read(again, name)).toBe(read(dir, name));
    }
    for (const name of ['run.json', 'calibration.json', 'outcome.md', 'outcome.html']) {
      expect(read(join(again, 'cycle-2'), name)).toBe(read(join(dir, 'cycle-2'), name));
    }
  });

  it('learns the prior mean on the decision model’s pooled scale unless the settings name one', async () => {
    const perCost = { review: { decision_model: { name: 'predictive', scale: 'per_cost' } } };
    const config = fakePipeline([2, 1, 3, 0.5], [40, 50, 30, 20], {
      cycles: 2,
      ...perCost,
      calibration: { enabled: true },
    });
    const dir = outDir();
    await runLoopCycles({ config, outDir: dir, stages: predictiveStages(perCost.review) });
    const table = parseCalibrationTable(JSON.parse(read(join(dir, 'cycle-2'), 'calibration.json')));
    expect(table.settings.prior_mean).toBe('per_cost');
    expect(table.prior_mean?.scale).toBe('per_cost');
    expect(read(join(dir, 'cycle-2'), 'outcome.md')).toMatch(
      /shrunk toward is -?[\d.]+ ± [\d.]+ per unit cost/,
    );
    const named = fakePipeline([2, 1, 3, 0.5], [40, 50, 30, 20], {
      cycles: 2,
      ...perCost,
      calibration: { enabled: true, settings: { prior_mean: 'ignore' } },
    });
    const other = outDir();
    await runLoopCycles({ config: named, outDir: other, stages: predictiveStages(perCost.review) });
    const ignored = parseCalibrationTable(JSON.parse(read(join(other, 'cycle-2'), 'calibration.json')));
    expect(ignored.settings.prior_mean).toBe('ignore');
    expect(ignored.prior_mean).toBeUndefined();
  });

  it('rejects invalid calibration settings with a ConfigError naming the field', async () => {
    const config = fakePipeline([2], [10], { calibration: { settings: { prior_strength: -1 } } });
    const run = runLoop({ config, outDir: outDir(), stages: fakeStages().stages });
    await expect(run).rejects.toBeInstanceOf(ConfigError);
    await expect(run).rejects.toThrow(/calibration\.settings\.prior_strength/);
  });
});
