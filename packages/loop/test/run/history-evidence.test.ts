import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PilotEvidence } from '@impact/contracts';
import { describe, expect, it } from 'vitest';
import { type LoopStages, runLoopCycles } from '../../src/index';
import { fakePipeline, fakeStages } from '../helpers/fake-stages';

describe('pilot evidence across cycles', () => {
  it('reports every reviewed pilot as evidence and hands earlier cycles’ evidence to the decide stage', async () => {
    const { stages } = fakeStages();
    const seen: (readonly PilotEvidence[] | undefined)[] = [];
    const spied: LoopStages = {
      ...stages,
      decide(items, request) {
        seen.push(request.history);
        return items.map((entry) => entry.review);
      },
    };
    const dir = mkdtempSync(join(tmpdir(), 'impact-evidence-'));
    const { reports, history } = await runLoopCycles({
      config: fakePipeline([2, 1, 3], [40, 50, 30], { cycles: 2 }),
      outDir: dir,
      stages: spied,
    });
    const first = reports[0];
    // Every initiative was reviewed in cycle 1: one evidence row each, valued like the report (× 10 units).
    expect(first?.evidence?.map((entry) => entry.initiative_id).sort()).toEqual([
      'init-0',
      'init-1',
      'init-2',
    ]);
    for (const entry of first?.evidence ?? []) {
      expect(entry.model_type).toBeDefined();
      expect(entry.estimated_return_se).toBeGreaterThanOrEqual(0);
    }
    const funded = new Set(first?.records.map((record) => record.initiative_id));
    expect(funded.size).toBeGreaterThan(0);
    // Cycle 1 decides without history; cycle 2 sees cycle 1's evidence, funded or not.
    expect(seen[0]).toBeUndefined();
    expect(seen[1]?.map((entry) => entry.initiative_id).sort()).toEqual(['init-0', 'init-1', 'init-2']);
    // The history file keeps it for later runs.
    const written = JSON.parse(readFileSync(join(dir, 'history.json'), 'utf8'));
    expect(written.cycles[0].report.evidence).toEqual(history.cycles[0]?.report.evidence);
  });
});
