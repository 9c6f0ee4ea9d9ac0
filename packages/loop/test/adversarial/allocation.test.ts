import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { errorKind, type LoopError } from '../../src/index';
import { expectNothingHalfWritten, filePipeline, rejection, run, snapshot, tmp } from './harness';

describe('adversarial: allocation', () => {
  it.each([
    ['budget 0', { budget: 0 }],
    ['every initiative excluded', { allocate: { excluded: ['a', 'b', 'c'] } }],
    ['max_selected 0', { allocate: { max_selected: 0 } }],
    ['a budget below every cost', { budget: 99 }],
  ])('%s → a complete report that funds nothing and says why', async (_name, change) => {
    const { dir, config } = filePipeline();
    const outDir = join(tmp(), 'out');
    const report = await run(dir, { ...config, ...change }, outDir);
    expect(report.records).toEqual([]);
    expect(report.dropped.map((drop) => drop.initiative_id).sort()).toEqual(['a', 'b', 'c']);
    for (const drop of report.dropped) expect(drop.message.length).toBeGreaterThan(0);
    expectNothingHalfWritten(outDir);
  });

  it('an infeasible mandatory initiative is a user error naming the constraint; the previous run stays', async () => {
    const { dir, config } = filePipeline();
    const outDir = join(tmp(), 'out');
    await run(dir, config, outDir);
    const before = snapshot(outDir);
    const error = await rejection(
      run(dir, { ...config, budget: 50, allocate: { mandatory: ['a'] } }, outDir),
      'LOOP_ALLOCATION_FAILED',
    );
    expect((error as LoopError).causeCode).toBe('ALLOCATION_INFEASIBLE');
    expect(errorKind(error)).toBe('user');
    expect(error.message).toMatch(/mandatory|budget/);
    expect(snapshot(outDir)).toEqual(before);
  });

  it('when every initiative fails there is nothing to allocate, and the report says so', async () => {
    const { dir, config } = filePipeline();
    const outDir = join(tmp(), 'out');
    const broken = {
      ...config,
      initiatives: (config.initiatives as Record<string, unknown>[]).map((initiative) => ({
        ...initiative,
        pilot: {
          measure: {
            data: { source: 'file', path: 'a.csv' },
            model: { name: 'experiment', params: { formula: 'price ~ nothing' } },
          },
        },
      })),
    };
    const report = await run(dir, broken, outDir);
    expect(report.records).toEqual([]);
    expect(report.dropped.every((drop) => drop.reason === 'failed')).toBe(true);
    expectNothingHalfWritten(outDir);
  });
});
