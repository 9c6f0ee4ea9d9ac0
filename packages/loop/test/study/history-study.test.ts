import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { historyStudyPolicies, runDecisionBenchmark, runStudyCycle, studyHistory } from '../../src/index';

const work = mkdtempSync(join(tmpdir(), 'history-study-test-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const small = { initiatives: [3, 3] as const, designs: ['experiment', 'matching'] as const };

describe('long-history study', () => {
  it('turns earlier worlds into one history, a cycle per world, their initiatives kept apart', async () => {
    const cycles = [await runStudyCycle(3, small), await runStudyCycle(4, small)];
    const history = studyHistory(cycles);
    expect(history.cycles.map((entry) => entry.cycle)).toEqual([1, 2]);
    const ids = history.cycles.flatMap((entry) => [
      ...entry.report.records.map((record) => record.initiative_id),
      ...entry.report.dropped.map((record) => record.initiative_id),
    ]);
    expect(ids).toHaveLength(6);
    expect(new Set(ids).size).toBe(6);
    expect(ids.filter((id) => id.startsWith('w3-initiative-'))).toHaveLength(3);
    const evidence = history.cycles[1]?.report.evidence ?? [];
    expect(evidence.map((entry) => entry.initiative_id).sort()).toEqual([
      'w4-initiative-01',
      'w4-initiative-02',
      'w4-initiative-03',
    ]);
    // The source reports are not modified.
    expect(cycles[0]?.report.evidence?.[0]?.initiative_id).toBe('initiative-01');

    // Every policy of the study decides the next cycle on the same pilots, reading the history.
    const path = join(work, 'history.json');
    writeFileSync(path, JSON.stringify(history));
    const [world] = await runDecisionBenchmark({
      seeds: [5],
      policies: historyStudyPolicies(path),
      world: small,
    });
    expect(world?.outcomes.map((outcome) => outcome.policy)).toEqual([
      'history_ignored',
      'history_independent_bias',
      'history_outcomes_ignored',
      'history_default',
      'history_calibrated',
      'naive_ratio',
      'naive_net',
      'oracle',
    ]);
    const oracle = world?.outcomes.find((outcome) => outcome.policy === 'oracle')?.trueNetReturn as number;
    for (const outcome of world?.outcomes ?? [])
      expect(outcome.trueNetReturn).toBeLessThanOrEqual(oracle + 1e-6);
  }, 60_000);
});
