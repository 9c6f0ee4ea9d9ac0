import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, OutcomeReportSchema } from '@impact/contracts';
import { describe, expect, it } from 'vitest';
import { LoopError, type LoopEvent, type PipelineConfigInput, runLoop } from '../../src/index';
import { fakePipeline, fakeStages } from '../helpers/fake-stages';

interface InitiativeShape {
  pilot: { simulation: Record<string, unknown>; measure: Record<string, unknown> };
  cost_to_scale: unknown;
}

/** The first initiative of a fake pipeline, for tests that edit it. */
function firstInitiative(config: PipelineConfigInput): InitiativeShape {
  return (config.initiatives as unknown as InitiativeShape[])[0] as InitiativeShape;
}

function outDir(): string {
  return mkdtempSync(join(tmpdir(), 'impact-loop-'));
}

describe('runLoop', () => {
  it('returns a report that validates against the OutcomeReport contract and writes all four files', async () => {
    const { stages } = fakeStages();
    const dir = outDir();
    const report = await runLoop({ config: fakePipeline([2, 1, 3], [40, 50, 30]), outDir: dir, stages });
    expect(() => OutcomeReportSchema.parse(report)).not.toThrow();
    const written = JSON.parse(readFileSync(join(dir, 'outcome.json'), 'utf8'));
    expect(OutcomeReportSchema.parse(written)).toEqual(report);
    expect(readFileSync(join(dir, 'outcome.md'), 'utf8')).toContain('# Impact Loop outcome report');
    expect(readFileSync(join(dir, 'outcome.html'), 'utf8')).toContain('<svg');
    const run = JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8'));
    expect(run.initiatives).toHaveLength(3);
  });

  it('funds within the budget and reports the others as dropped for budget', async () => {
    const { stages } = fakeStages();
    const report = await runLoop({ config: fakePipeline([2, 1, 3], [40, 50, 30]), outDir: outDir(), stages });
    // Greedy by R_med: init-2 (30) then init-0 (40); init-1 (50) no longer fits in 30.
    expect(report.records.map((r) => r.initiative_id)).toEqual(['init-0', 'init-2']);
    expect(report.total_allocated).toBe(70);
    expect(report.dropped).toEqual([expect.objectContaining({ initiative_id: 'init-1', reason: 'budget' })]);
    expect(report.dropped[0]?.message).toContain('exceeds the 30 left');
  });

  it('reports an initiative the rule declined while money was left as dropped by rule', async () => {
    const { stages } = fakeStages();
    const report = await runLoop({ config: fakePipeline([2, -3], [10, 10]), outDir: outDir(), stages });
    expect(report.dropped).toEqual([expect.objectContaining({ initiative_id: 'init-1', reason: 'rule' })]);
  });

  it('reports low-confidence initiatives as dropped for confidence', async () => {
    const { stages } = fakeStages();
    const config = fakePipeline([2, -3], [10, 10], { allocate: { min_confidence: 0.5 } });
    const report = await runLoop({ config, outDir: outDir(), stages });
    expect(report.dropped).toEqual([
      expect.objectContaining({ initiative_id: 'init-1', reason: 'confidence' }),
    ]);
  });

  it('runs scale with the larger sample, a different seed and its own artifact folder', async () => {
    const { stages, log } = fakeStages();
    const dir = outDir();
    await runLoop({ config: fakePipeline([2], [10]), outDir: dir, stages });
    const [pilot, scale] = log.simulate;
    expect(pilot?.phase).toBe('pilot');
    expect(scale?.phase).toBe('scale');
    expect(pilot?.config.products).toBe(200);
    expect(scale?.config.products).toBe(2000);
    expect(scale?.config.seed).not.toBe(pilot?.config.seed);
    const [pilotMeasure, scaleMeasure] = log.measure;
    // Stages write into the run's staging folder; the commit publishes it as dir/artifacts/….
    expect(pilotMeasure?.artifactDir).toMatch(/\/\.impact-staging-\d+-[0-9a-f]+\/artifacts\/init-0\/pilot$/);
    expect(pilotMeasure?.artifactDir?.startsWith(join(dir, '.impact-staging-'))).toBe(true);
    expect(scaleMeasure?.artifactDir).toMatch(/\/artifacts\/init-0\/scale$/);
    expect(pilotMeasure?.config.initiative_id).toBe('init-0');
    expect(scaleMeasure?.config.seed).not.toBe(pilotMeasure?.config.seed);
  });

  it('keeps an explicit simulation seed for the pilot and derives a fresh one for scale', async () => {
    const { stages, log } = fakeStages();
    const config = fakePipeline([2], [10]);
    firstInitiative(config).pilot.simulation.seed = 12345;
    await runLoop({ config, outDir: outDir(), stages });
    expect(log.simulate[0]?.config.seed).toBe(12345);
    expect(log.simulate[1]?.config.seed).not.toBe(12345);
  });

  it('computes predicted, actual and true returns with the same valuation', async () => {
    const { stages } = fakeStages();
    const dir = outDir();
    const report = await runLoop({ config: fakePipeline([2], [10]), outDir: dir, stages });
    const run = JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8'));
    const record = report.records[0];
    const initiative = run.initiatives[0];
    expect(record?.predicted_return).toBeCloseTo(initiative.pilot.measurement.effect_estimate * 10, 9);
    expect(record?.actual_return).toBeCloseTo(initiative.scale.measurement.effect_estimate * 10, 9);
    expect(record?.actual_ci_lower).toBeCloseTo(initiative.scale.measurement.ci_lower * 10, 9);
    expect(record?.true_return).toBe(20);
    expect(record?.prediction_error).toBeCloseTo(
      (record?.actual_return ?? 0) - (record?.predicted_return ?? 0),
      9,
    );
    expect(record?.sample_size_pilot).toBe(200);
    expect(record?.sample_size_scale).toBe(2000);
    expect(record?.roi).toBeCloseTo(((record?.actual_return ?? 0) - 10) / 10, 9);
    const inside =
      (record?.actual_return ?? 0) >= (record?.predicted_ci_lower ?? 0) &&
      (record?.actual_return ?? 0) <= (record?.predicted_ci_upper ?? 0);
    expect(record?.within_pilot_ci).toBe(inside);
    // The scale estimate with 10× the sample lands near the truth (SE ≈ 0.045 per product-day).
    expect(Math.abs((record?.actual_return ?? 0) - 20)).toBeLessThan(2);
  });

  it('reports a failing initiative as failed with its error and finishes the others', async () => {
    const { stages } = fakeStages({ failMeasure: (request) => request.initiativeId === 'init-1' });
    const events: LoopEvent[] = [];
    const report = await runLoop({
      config: fakePipeline([2, 1, 3], [10, 10, 10]),
      outDir: outDir(),
      stages,
      onEvent: (event) => events.push(event),
    });
    expect(report.records.map((r) => r.initiative_id)).toEqual(['init-0', 'init-2']);
    expect(report.dropped).toEqual([
      {
        initiative_id: 'init-1',
        reason: 'failed',
        message: 'measure (pilot) failed: fake measure failure for init-1',
      },
    ]);
    expect(events).toContainEqual(
      expect.objectContaining({
        type: 'stage-error',
        stage: 'measure',
        initiativeId: 'init-1',
        phase: 'pilot',
      }),
    );
  });

  it('reports a funded initiative whose scale measurement failed as failed, keeping its allocation', async () => {
    const { stages } = fakeStages({ failMeasure: (r) => r.initiativeId === 'init-0' && r.phase === 'scale' });
    const report = await runLoop({ config: fakePipeline([2, 1], [10, 10]), outDir: outDir(), stages });
    expect(report.dropped[0]?.reason).toBe('failed');
    expect(report.dropped[0]?.message).toContain('funded with 10, but the measure (scale) failed');
    expect(report.total_allocated).toBe(20);
  });

  it('stops at the first failure with fail_fast', async () => {
    const { stages, log } = fakeStages({ failMeasure: (request) => request.initiativeId === 'init-0' });
    const config = fakePipeline([2, 1, 3, 4], [10, 10, 10, 10], { fail_fast: true, concurrency: 1 });
    const error = await runLoop({ config, outDir: outDir(), stages }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LoopError);
    expect((error as LoopError).code).toBe('LOOP_STAGE_FAILED');
    expect((error as LoopError).initiativeId).toBe('init-0');
    expect((error as Error).message).toBe(
      'init-0: measure (pilot) failed and fail_fast is set: fake measure failure for init-0',
    );
    expect(log.measure).toHaveLength(1);
  });

  it('runs pilot measurements concurrently, never more than `concurrency` at once', async () => {
    const { stages, log } = fakeStages({ delayMs: 15 });
    await runLoop({
      config: fakePipeline([1, 2, 3, 4, 5], [1, 1, 1, 1, 1], { concurrency: 3 }),
      outDir: outDir(),
      stages,
    });
    expect(log.maxInFlight).toBe(3);
  });

  it('emits start and end events per initiative and stage', async () => {
    const { stages } = fakeStages();
    const events: LoopEvent[] = [];
    await runLoop({
      config: fakePipeline([2], [10]),
      outDir: outDir(),
      stages,
      onEvent: (e) => events.push(e),
    });
    const ends = events
      .filter((e) => e.type === 'stage-end')
      .map((e) => ('phase' in e && e.phase ? `${e.stage}:${e.phase}` : e.stage));
    expect(ends).toEqual([
      'simulate:pilot',
      'measure:pilot',
      'review',
      'allocate',
      'simulate:scale',
      'measure:scale',
      'report',
    ]);
    expect(events[0]).toEqual({ type: 'run-start', initiatives: ['init-0'] });
    expect(events.at(-1)).toMatchObject({ type: 'run-end', failed: 0 });
  });

  it('writes byte-identical outcome.json (timings aside) and run.json for the same config and seed', async () => {
    const a = outDir();
    const b = outDir();
    await runLoop({ config: fakePipeline([2, 1, 3], [40, 50, 30]), outDir: a, stages: fakeStages().stages });
    await runLoop({ config: fakePipeline([2, 1, 3], [40, 50, 30]), outDir: b, stages: fakeStages().stages });
    const strip = (dir: string) => {
      const report = JSON.parse(readFileSync(join(dir, 'outcome.json'), 'utf8'));
      report.metadata.timings_ms = {};
      return JSON.stringify(report);
    };
    expect(strip(a)).toBe(strip(b));
    expect(readFileSync(join(a, 'run.json'), 'utf8')).toBe(readFileSync(join(b, 'run.json'), 'utf8'));
    expect(readFileSync(join(a, 'outcome.md'), 'utf8')).toBe(readFileSync(join(b, 'outcome.md'), 'utf8'));
    expect(readFileSync(join(a, 'outcome.html'), 'utf8')).toBe(readFileSync(join(b, 'outcome.html'), 'utf8'));
  });

  it('changes the draws (and the config hash) when the seed changes', async () => {
    const a = await runLoop({
      config: fakePipeline([2], [10]),
      outDir: outDir(),
      stages: fakeStages().stages,
    });
    const b = await runLoop({
      config: fakePipeline([2], [10], { seed: 8 }),
      outDir: outDir(),
      stages: fakeStages().stages,
    });
    expect(a.records[0]?.actual_return).not.toBe(b.records[0]?.actual_return);
    expect(a.metadata.config_hash).not.toBe(b.metadata.config_hash);
    expect(a.metadata.seed).toBe(7);
  });

  it('rejects an invalid pipeline with a ConfigError naming the field', async () => {
    const config = fakePipeline([2], [10]);
    firstInitiative(config).cost_to_scale = 'ten';
    const error = await runLoop({ config, outDir: outDir(), stages: fakeStages().stages }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toBe('initiatives[0].cost_to_scale: expected a number, got "ten"');
  });

  it('needs exactly one of config and configPath', async () => {
    await expect(runLoop({ outDir: outDir() })).rejects.toMatchObject({ code: 'LOOP_OPTIONS_INVALID' });
  });

  it('loads a pipeline file and resolves stage config files relative to it', async () => {
    const dir = outDir();
    writeFileSync(
      join(dir, 'measure.yaml'),
      'model: { name: fake }\ndata: { source: file, path: data.csv }\n',
    );
    writeFileSync(
      join(dir, 'pipeline.yaml'),
      [
        'budget: 10',
        'initiatives:',
        '  - initiative_id: file-based',
        '    cost_to_scale: 5',
        '    pilot: { measure: measure.yaml }',
        '    scale: { measure: measure.yaml }',
      ].join('\n'),
    );
    const { stages, log } = fakeStages({ failMeasure: () => true });
    const report = await runLoop({
      configPath: join(dir, 'pipeline.yaml'),
      outDir: join(dir, 'out'),
      stages,
    });
    expect(log.measure[0]?.config).toEqual({
      model: { name: 'fake' },
      data: { source: 'file', path: join(dir, 'data.csv') },
      initiative_id: 'file-based',
      seed: expect.any(Number),
    });
    expect(report.dropped[0]?.reason).toBe('failed');
  });

  it('rejects a measure config whose initiative_id differs from the initiative, before any pilot runs', async () => {
    const config = fakePipeline([2], [10]);
    firstInitiative(config).pilot.measure.initiative_id = 'other';
    const { stages, log } = fakeStages();
    await expect(runLoop({ config, outDir: outDir(), stages })).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
      path: 'initiatives[0].pilot.measure.initiative_id',
      message: expect.stringContaining(
        'initiatives[0].pilot.measure.initiative_id: expected "init-0" (the initiative\'s id) or nothing, got "other"',
      ),
    });
    expect(log.measure).toHaveLength(0);
  });
});

describe('runLoop stage failures', () => {
  it('reports a reviewer failure as a failed initiative naming the review stage', async () => {
    const { stages } = fakeStages();
    const review = stages.review;
    stages.review = async (request) => {
      if (request.measurement.initiative_id === 'init-0') throw new Error('reviewer offline');
      return review(request);
    };
    const report = await runLoop({ config: fakePipeline([2, 1], [10, 10]), outDir: outDir(), stages });
    expect(report.dropped).toEqual([
      { initiative_id: 'init-0', reason: 'failed', message: 'review failed: reviewer offline' },
    ]);
  });

  it('fails the run with LOOP_ALLOCATION_FAILED when the allocation fails', async () => {
    const { stages } = fakeStages();
    stages.allocate = async () => {
      throw new Error('solver missing');
    };
    await expect(
      runLoop({ config: fakePipeline([2], [10]), outDir: outDir(), stages }),
    ).rejects.toMatchObject({
      code: 'LOOP_ALLOCATION_FAILED',
      message: 'allocate failed: solver missing',
    });
  });

  it('lets a bug in a stage implementation that is not an Error still be reported', async () => {
    const { stages } = fakeStages();
    stages.measure = async () => {
      throw 'plain string';
    };
    const report = await runLoop({ config: fakePipeline([2], [10]), outDir: outDir(), stages });
    expect(report.dropped[0]?.message).toBe('measure (pilot) failed: plain string');
  });
});
