import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseLoopHistory } from '@impact/contracts';
import { describe, expect, it } from 'vitest';
import { runLoopCycles } from '../../src/index';

const example = join(import.meta.dirname, '..', '..', '..', '..', 'examples', 'multi-cycle', 'pipeline.yaml');

describe('examples/multi-cycle with the real stages', () => {
  it('runs three cycles: re-studies, joins, calibrates the observational methodology and writes every file', async () => {
    const outDir = mkdtempSync(join(tmpdir(), 'impact-multi-cycle-'));
    const { cycles, reports, history } = await runLoopCycles({ configPath: example, outDir });
    expect(cycles.map((c) => c.cycle)).toEqual([1, 2, 3]);
    expect(reports.flatMap((r) => r.dropped.filter((d) => d.reason === 'failed'))).toEqual([]);
    expect(cycles[1]?.restudied).toEqual(['search-relevance-tuning']);
    expect(cycles[1]?.joined).toEqual(['free-shipping-banner']);
    expect(cycles[2]?.joined).toEqual(['loyalty-email-campaign']);
    // The re-study is an experiment.
    const run2 = JSON.parse(readFileSync(join(outDir, 'cycle-2', 'run.json'), 'utf8'));
    const restudied = run2.initiatives.find(
      (i: { initiative_id: string }) => i.initiative_id === 'search-relevance-tuning',
    );
    expect(restudied.design).toBe('restudy');
    expect(restudied.pilot.measurement.model_type).toBe('experiment');
    // Matching over-predicted in cycle 1, so calibration lowers observational confidence afterwards.
    const observational = cycles[2]?.calibration.find((row) => row.model_type === 'observational');
    expect(observational?.confidence_factor).toBeLessThan(1);
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
  });
});
