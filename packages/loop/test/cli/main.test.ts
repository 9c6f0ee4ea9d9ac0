import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AllocationResultSchema,
  type MeasureResult,
  OutcomeReportSchema,
  ReviewResultSchema,
} from '@impact/contracts';
import { describe, expect, it } from 'vitest';
import { EXIT_CODES, main } from '../../src/cli/main';

function capture(isTTY = false) {
  let stdout = '';
  let stderr = '';
  return {
    io: {
      stdout: { write: (text: string) => (stdout += text) },
      stderr: { write: (text: string) => (stderr += text), isTTY },
    },
    out: () => stdout,
    err: () => stderr,
  };
}

const fixture = join(import.meta.dirname, '..', 'fixtures', 'tiny-pipeline.yaml');
const tmp = () => mkdtempSync(join(tmpdir(), 'impact-cli-'));

const measurement: MeasureResult = {
  initiative_id: 'x',
  effect_estimate: 2,
  ci_lower: 1,
  ci_upper: 3,
  ci_level: 0.95,
  standard_error: 0.5,
  p_value: 0.001,
  sample_size: 400,
  model_type: 'experiment',
  method: 'experiment',
  metric: 'revenue',
  effect_unit: 'absolute',
  diagnostics: {},
};

describe('impact CLI', () => {
  it('prints usage and exits 2 without a command, 0 with --help', async () => {
    const none = capture();
    expect(await main([], none.io)).toBe(EXIT_CODES.invalid);
    expect(none.out()).toContain('Usage: impact <command>');
    const help = capture();
    expect(await main(['--help'], help.io)).toBe(EXIT_CODES.ok);
  });

  it('exits 2 for an unknown command, an unknown option or a missing --out', async () => {
    const unknown = capture();
    expect(await main(['launch'], unknown.io)).toBe(2);
    expect(unknown.err()).toContain('unknown command "launch"');
    const option = capture();
    expect(await main(['run', 'p.yaml', '--outt', 'x'], option.io)).toBe(2);
    const missing = capture();
    expect(await main(['run', fixture], missing.io)).toBe(2);
    expect(missing.err()).toContain('run needs --out <dir>');
  });

  it('exits 2 with the field named for an invalid pipeline', async () => {
    const dir = tmp();
    const file = join(dir, 'pipeline.yaml');
    writeFileSync(
      file,
      'budget: 10\ninitiatives:\n  - { initiative_id: a, cost_to_scale: ten, pilot: { measure: m.yaml }, scale: { measure: m.yaml } }\n',
    );
    const run = capture();
    expect(await main(['run', file, '--out', join(dir, 'out')], run.io)).toBe(2);
    expect(run.err()).toBe(`impact: ${file}: initiatives[0].cost_to_scale: expected a number, got "ten"\n`);
  });

  it('runs a pipeline with the real stages, prints the table and writes the reports', async () => {
    const out = tmp();
    const run = capture(true);
    const code = await main(['run', fixture, '--out', out], run.io);
    expect(run.err()).not.toContain('failed');
    expect(code).toBe(EXIT_CODES.ok);
    expect(run.out()).toContain('| initiative | method |');
    expect(run.out()).toContain('| strong | experiment |');
    // The TTY progress display drew the per-initiative table.
    expect(run.err()).toContain('strong');
    expect(run.err()).toContain('✓');
    const report = OutcomeReportSchema.parse(JSON.parse(readFileSync(join(out, 'outcome.json'), 'utf8')));
    expect(report.records.map((r) => r.initiative_id)).toContain('strong');
    expect(report.dropped.map((d) => d.initiative_id)).toEqual(['weak']);
    // Under the net objective the weak initiative is dropped because it is expected to lose money.
    expect(report.dropped[0]?.reason).toBe('rule');
    expect(report.dropped[0]?.message).toContain('expected to lose money');
    expect(report.dropped[0]?.expected_net_value).toBeLessThan(0);
  });

  it('runs several cycles with --cycles, prints the cycles table and continues a history with --history', async () => {
    const out = tmp();
    const run = capture();
    const code = await main(['run', fixture, '--out', out, '--cycles', '2', '--quiet'], run.io);
    expect(code).toBe(EXIT_CODES.ok);
    expect(run.out()).toContain('| cycle | pool | scaled | spent |');
    expect(readFileSync(join(out, 'cycles.html'), 'utf8')).toContain('<svg');
    const next = tmp();
    const again = capture();
    const history = join(out, 'history.json');
    expect(await main(['run', fixture, '--out', next, '--history', history, '--quiet'], again.io)).toBe(
      EXIT_CODES.ok,
    );
    const written = JSON.parse(readFileSync(join(next, 'history.json'), 'utf8'));
    expect(written.cycles.map((entry: { cycle: number }) => entry.cycle)).toEqual([1, 2, 3]);
    expect(await main(['run', fixture, '--out', next, '--cycles', 'two'], capture().io)).toBe(
      EXIT_CODES.invalid,
    );
  });

  it('prints the report as JSON with --json and exits 1 when an initiative failed', async () => {
    const dir = tmp();
    const pipeline = readFileSync(fixture, 'utf8').replace(
      'formula: "revenue ~ treated", pre_period_metric: revenue_pre } }\n    scale_sample_size: 1200\n    valuation: { value_per_unit: 0.1, units: 1000 }\n  - initiative_id: weak',
      'formula: "revenue ~ missing_column" } }\n    scale_sample_size: 1200\n    valuation: { value_per_unit: 0.1, units: 1000 }\n  - initiative_id: weak',
    );
    const file = join(dir, 'pipeline.yaml');
    writeFileSync(file, pipeline);
    const run = capture();
    const code = await main(['run', file, '--out', join(dir, 'out'), '--json'], run.io);
    expect(code).toBe(EXIT_CODES.someFailed);
    const report = OutcomeReportSchema.parse(JSON.parse(run.out()));
    expect(report.dropped).toContainEqual(
      expect.objectContaining({ initiative_id: 'strong', reason: 'failed' }),
    );
    expect(report.dropped.find((d) => d.initiative_id === 'strong')?.message).toContain('missing_column');
  });

  it('reviews measurements from a JSON file and allocates the reviews', async () => {
    const dir = tmp();
    const inputs = join(dir, 'inputs.json');
    writeFileSync(
      inputs,
      JSON.stringify([
        { measurement, cost: 50, valuation: { value_per_unit: 1, units: 100 } },
        {
          measurement: { ...measurement, initiative_id: 'y', effect_estimate: 1.5 },
          cost: 80,
          valuation: { units: 100 },
        },
      ]),
    );
    const reviews = join(dir, 'reviews.json');
    const review = capture();
    expect(await main(['review', inputs, '--out', reviews], review.io)).toBe(0);
    const parsed = (JSON.parse(readFileSync(reviews, 'utf8')) as unknown[]).map((r) =>
      ReviewResultSchema.parse(r),
    );
    expect(parsed.map((r) => [r.id, r.R_med])).toEqual([
      ['x', 200],
      ['y', 150],
    ]);
    const allocate = capture();
    expect(await main(['allocate', reviews, '--budget', '100', '--json'], allocate.io)).toBe(0);
    const allocation = AllocationResultSchema.parse(JSON.parse(allocate.out()));
    expect(allocation.selected_initiatives).toEqual(['x']);
    const bad = capture();
    expect(await main(['allocate', reviews, '--budget', 'lots'], bad.io)).toBe(2);
    expect(bad.err()).toContain('--budget: expected a decimal number ≥ 0 (e.g. 60000), got "lots"');
  });

  it('simulates to a folder and measures from a YAML file', async () => {
    const dir = tmp();
    const simulation = join(dir, 'simulation.yaml');
    writeFileSync(
      simulation,
      'seed: 3\nproducts: 60\nstart_date: 2024-01-01\nend_date: 2024-01-14\ntreatment: { start_date: 2024-01-08, effect: { size: 0.2 } }\n',
    );
    const sim = capture();
    expect(await main(['simulate', simulation, '--out', join(dir, 'sim')], sim.io)).toBe(0);
    expect(sim.out()).toContain('simulated 60 products, 840 product-days');
    expect(readFileSync(join(dir, 'sim', 'ground_truth.json'), 'utf8')).toContain('att_absolute');
    const measure = join(dir, 'measure.yaml');
    writeFileSync(
      measure,
      'initiative_id: from-file\ndata: { source: file, path: sim/metrics.csv }\ntransforms: [{ name: aggregate_by_product, metric: revenue, window: post }]\nmodel: { name: experiment, params: { formula: "revenue ~ treated" } }\n',
    );
    const run = capture();
    expect(await main(['measure', measure, '--json'], run.io)).toBe(0);
    expect(JSON.parse(run.out())).toMatchObject({
      initiative_id: 'from-file',
      sample_size: 60,
      method: 'experiment',
    });
  });
});
