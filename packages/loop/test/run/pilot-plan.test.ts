import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { planPilot } from '@impact/measure';
import { describe, expect, it } from 'vitest';
import { type PipelineConfigInput, runLoop } from '../../src/index';
import { fakePipeline, fakeStages } from '../helpers/fake-stages';

type Pilot = { simulation: Record<string, unknown>; measure: unknown; plan?: unknown };

function withPlan(config: PipelineConfigInput, plan: unknown): PipelineConfigInput {
  const initiatives = (config.initiatives as unknown as { pilot: Pilot }[]).map((initiative) => ({
    ...initiative,
    pilot: { ...initiative.pilot, plan },
  }));
  return { ...config, initiatives } as unknown as PipelineConfigInput;
}

const outDir = () => mkdtempSync(join(tmpdir(), 'impact-plan-'));

describe('pilot.plan', () => {
  it('sizes the simulated pilot with planPilot and passes the planned MDE to review', async () => {
    const { stages, log } = fakeStages();
    const plan = { design: 'experiment', mde: 0.5, sd: 1, power: 0.9 };
    const dir = outDir();
    await runLoop({ config: withPlan(fakePipeline([2], [10]), plan), outDir: dir, stages });
    const expected = planPilot({ design: 'experiment', mde: 0.5, sd: 1, power: 0.9 });
    const [pilot, scale] = log.simulate;
    expect(pilot?.config.products).toBe(expected.units);
    expect(scale?.config.products).toBe(2000); // scale keeps its own size
    const run = JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8'));
    const diagnostics = run.initiatives[0].pilot.measurement.diagnostics;
    expect(diagnostics.planned_mde).toBe(0.5);
    expect(diagnostics.planned_power).toBe(0.9);
    expect(diagnostics.planned_units).toBe(expected.units);
  });

  it('rejects an invalid plan at config load, naming the path', async () => {
    const { stages } = fakeStages();
    await expect(
      runLoop({
        config: withPlan(fakePipeline([2], [10]), { design: 'experiment', mde: -1, sd: 1 }),
        outDir: outDir(),
        stages,
      }),
    ).rejects.toThrowError(/initiatives\[0\]\.pilot\.plan\.mde/);
  });

  it('refuses a plan that does not solve for units, naming the field', async () => {
    const { stages } = fakeStages();
    await expect(
      runLoop({
        config: withPlan(fakePipeline([2], [10]), { design: 'its', mde: 2, sd: 1, pre_periods: 30 }),
        outDir: outDir(),
        stages,
      }),
    ).rejects.toThrowError(/initiatives\[0\]\.pilot\.plan: expected a plan that solves for units/);
  });
});
