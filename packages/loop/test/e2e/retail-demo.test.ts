import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { OutcomeReport } from '@impact/contracts';
import { OutcomeReportSchema } from '@impact/contracts';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { type InitiativeRun, runLoop } from '../../src/index';

/**
 * The demo pipeline of examples/retail-five-initiatives at about half its sizes, run end to end with the
 * real stages (simulate → measure → review → allocate → measure at scale).
 */
const demo = join(
  import.meta.dirname,
  '..',
  '..',
  '..',
  '..',
  'examples',
  'retail-five-initiatives',
  'pipeline.yaml',
);

interface DemoInitiative {
  initiative_id: string;
  cost_to_scale: number;
  pilot: { simulation: { products: number } };
  scale_sample_size: number;
}

function smallerDemo(fundEverything = false): string {
  const pipeline = parse(readFileSync(demo, 'utf8')) as {
    budget: number;
    allocate: Record<string, unknown>;
    initiatives: DemoInitiative[];
  };
  if (fundEverything) {
    pipeline.budget = pipeline.initiatives.reduce((sum, initiative) => sum + initiative.cost_to_scale, 0);
    pipeline.allocate.mandatory = pipeline.initiatives.map((initiative) => initiative.initiative_id);
  }
  for (const initiative of pipeline.initiatives) {
    initiative.pilot.simulation.products = Math.round(initiative.pilot.simulation.products * 0.6);
    initiative.scale_sample_size = 1000;
  }
  const dir = mkdtempSync(join(tmpdir(), 'impact-demo-'));
  writeFileSync(join(dir, 'pipeline.yaml'), stringify(pipeline));
  return join(dir, 'pipeline.yaml');
}

describe('retail five-initiative demo (smaller sizes)', () => {
  let file: string;
  let first: { report: OutcomeReport; dir: string; initiatives: InitiativeRun[] };
  let second: { report: OutcomeReport; dir: string };
  let everything: { report: OutcomeReport; dir: string; initiatives: InitiativeRun[] };

  beforeAll(async () => {
    file = smallerDemo();
    const run = async (configPath = file) => {
      const dir = mkdtempSync(join(tmpdir(), 'impact-demo-out-'));
      const report = await runLoop({ configPath, outDir: dir });
      const initiatives = JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8'))
        .initiatives as InitiativeRun[];
      return { report, dir, initiatives };
    };
    first = await run();
    second = await run();
    // The same pilots with every initiative funded (mandatory), so each model is also measured at scale.
    everything = await run(smallerDemo(true));
  }, 60_000);

  it('writes a report that validates against the contract', () => {
    const written = JSON.parse(readFileSync(join(first.dir, 'outcome.json'), 'utf8'));
    expect(OutcomeReportSchema.parse(written)).toEqual(first.report);
  });

  it('measures all five pilots and lets the budget bind', () => {
    expect(first.report.dropped.filter((drop) => drop.reason === 'failed')).toEqual([]);
    expect(first.report.records.length + first.report.dropped.length).toBe(5);
    expect(first.report.dropped.some((drop) => drop.reason === 'budget')).toBe(true);
    expect(first.report.total_allocated).toBeLessThanOrEqual(60_000);
    expect(first.report.records.length).toBeGreaterThanOrEqual(2);
  });

  it('has distinct non-zero true effects, one of them negative', () => {
    const truths = first.initiatives.map((run) => run.pilot?.true_effect as number);
    expect(truths.every((truth) => Math.abs(truth) > 1)).toBe(true);
    expect(new Set(truths.map((t) => t.toFixed(3))).size).toBe(5);
    expect(truths.filter((truth) => truth < 0)).toHaveLength(1);
  });

  it('stores artifact locations relative to the output folder', () => {
    expect(first.initiatives[0]?.pilot?.artifact_uri).toMatch(
      /^artifacts\/product-desc-enhancement\/pilot\//,
    );
  });

  it('measures scale on a larger, fresh sample: different estimates, more products', () => {
    for (const record of first.report.records) {
      const run = first.initiatives.find((r) => r.initiative_id === record.initiative_id);
      expect(run?.scale?.measurement.effect_estimate).not.toBe(run?.pilot?.measurement.effect_estimate);
      expect(record.prediction_error).not.toBe(0);
      expect(record.sample_size_scale).toBeGreaterThanOrEqual(record.sample_size_pilot);
      expect(record.true_return).toBeDefined();
    }
  });

  it('lands most scale estimates within their CIs of the true effect (every initiative funded)', () => {
    expect(everything.report.records).toHaveLength(5);
    const scaled = everything.initiatives.filter((run) => run.scale !== undefined);
    const covered = scaled.filter((run) => {
      const m = run.scale?.measurement;
      const truth = run.scale?.true_effect as number;
      return m !== undefined && truth >= m.ci_lower && truth <= m.ci_upper;
    });
    expect(covered.length).toBeGreaterThan(scaled.length / 2);
  });

  it('gives an identical JSON report for the same config and seed (timings excluded)', () => {
    const strip = (dir: string) =>
      readFileSync(join(dir, 'outcome.json'), 'utf8').replace(/"timings_ms": \{[^}]*\}/, '"timings_ms": {}');
    expect(strip(second.dir)).toBe(strip(first.dir));
    expect(readFileSync(join(second.dir, 'run.json'), 'utf8')).toBe(
      readFileSync(join(first.dir, 'run.json'), 'utf8'),
    );
  });
});
