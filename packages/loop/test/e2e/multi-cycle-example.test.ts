import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseLoopHistory } from '@impact/contracts';
import { describe, expect, it } from 'vitest';
import { runLoopCycles } from '../../src/index';

const example = join(import.meta.dirname, '..', '..', '..', '..', 'examples', 'multi-cycle', 'pipeline.yaml');

describe('examples/multi-cycle with the real stages', () => {
  it('runs three cycles: joins, calibrates the observational methodology and writes every file', async () => {
    const outDir = mkdtempSync(join(tmpdir(), 'impact-multi-cycle-'));
    const { cycles, reports, history } = await runLoopCycles({ configPath: example, outDir });
    expect(cycles.map((c) => c.cycle)).toEqual([1, 2, 3]);
    expect(reports.flatMap((r) => r.dropped.filter((d) => d.reason === 'failed'))).toEqual([]);
    // Under the predictive model and the net objective the matching pilot of search-relevance-tuning is
    // funded in cycle 1 (its estimate survives shrinkage), so nothing is left to re-study.
    expect(reports[0]?.records.map((r) => r.initiative_id)).toContain('search-relevance-tuning');
    expect(cycles[1]?.restudied).toEqual([]);
    expect(cycles[1]?.joined).toEqual(['free-shipping-banner']);
    expect(cycles[2]?.joined).toEqual(['loyalty-email-campaign']);
    // Every funded initiative records the predictive distribution it was funded on.
    for (const record of reports.flatMap((r) => r.records))
      expect(record.prediction?.model).toBe('predictive');
    // Matching over-predicted in cycle 1, so calibration lowers observational confidence afterwards.
    const observational = cycles[2]?.calibration.find((row) => row.model_type === 'observational');
    // One outcome: the learned bias is positive (the pilot ran high) but so uncertain that trust barely moves.
    expect(observational?.bias).toBeGreaterThan(0);
    expect(observational?.shrunk_bias).toBeLessThan(observational?.bias ?? 0);
    expect(Math.abs((observational?.confidence_factor ?? 0) - 1)).toBeLessThan(0.01);
    expect(observational?.shrunk_relative_bias).toBeLessThan(0);
    for (const summary of cycles) {
      expect(summary.regret).not.toBeNull();
      expect(summary.regret as number).toBeGreaterThanOrEqual(-1e-6);
      expect(summary.spent).toBeLessThanOrEqual(40000);
    }
    expect(parseLoopHistory(JSON.parse(readFileSync(join(outDir, 'history.json'), 'utf8')))).toEqual(
      expect.objectContaining({ schema_version: 1 }),
    );
    expect(history.cycles).toHaveLength(3);
    expect(readFileSync(join(outDir, 'cycle-3', 'outcome.md'), 'utf8')).toContain('## Calibration');
    expect(readFileSync(join(outDir, 'cycles.html'), 'utf8')).toContain('Calibration confidence factor');
  }, 120_000);
});
