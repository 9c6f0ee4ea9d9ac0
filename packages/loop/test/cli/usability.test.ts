import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AllocationResultSchema, type ReviewResult } from '@impact/contracts';
import { describe, expect, it } from 'vitest';
import { closest, parseCommandLine } from '../../src/cli/args';
import { formatHuman, measureSummary } from '../../src/cli/human';
import { EXIT_CODES, main } from '../../src/cli/main';
import { terminalSafe } from '../../src/cli/terminal';

function capture() {
  let stdout = '';
  let stderr = '';
  return {
    io: {
      stdout: { write: (text: string) => (stdout += text) },
      stderr: { write: (text: string) => (stderr += text) },
    },
    out: () => stdout,
    err: () => stderr,
  };
}

const tmp = () => mkdtempSync(join(tmpdir(), 'impact-cli-ux-'));
const plugin = join(import.meta.dirname, '..', 'fixtures', 'plugins', 'mean-difference-model.ts');

function review(id: string, cost: number, R_med: number): ReviewResult {
  return {
    id,
    confidence: 0.9,
    cost,
    R_worst: R_med / 2,
    R_med,
    R_best: R_med * 1.5,
    model_type: 'experiment',
    flags: [],
    rationale: '',
    reviewer: { name: 'test', kind: 'deterministic' },
  };
}

function reviewsFile(): string {
  const file = join(tmp(), 'reviews.json');
  writeFileSync(file, JSON.stringify([review('x', 50, 200), review('y', 80, 150)]));
  return file;
}

describe('impact help, version and suggestions', () => {
  it('prints per-command help with its own options and examples', async () => {
    const help = capture();
    expect(await main(['measure', '--help'], help.io)).toBe(EXIT_CODES.ok);
    expect(help.out()).toContain('Usage: impact measure <measure.yaml> [options]');
    expect(help.out()).toContain('Examples:\n  impact measure measure.yaml');
    expect(help.out()).not.toContain('--budget');
    const allocate = capture();
    await main(['allocate', '-h'], allocate.io);
    expect(allocate.out()).toContain('--budget <n>');
  });

  it('prints the version of impact and its packages', async () => {
    const version = capture();
    expect(await main(['--version'], version.io)).toBe(EXIT_CODES.ok);
    expect(version.out()).toMatch(/^impact \d+\.\d+\.\d+ \(.*@impact\/measure \d+\.\d+\.\d+.*\), node v\d+/);
  });

  it('suggests the command or flag that was probably meant', async () => {
    const command = capture();
    expect(await main(['mesure', 'm.yaml'], command.io)).toBe(EXIT_CODES.invalid);
    expect(command.err()).toContain('unknown command "mesure" — did you mean "measure"?');
    const flag = capture();
    expect(await main(['run', 'p.yaml', '--outt', 'x'], flag.io)).toBe(EXIT_CODES.invalid);
    expect(flag.err()).toBe(
      'impact: unknown option "--outt" for "run" — did you mean "--out"?\nRun `impact run --help` for usage.\n',
    );
    expect(closest('budgte', ['budget', 'config', 'out'])).toBe('budget');
    expect(closest('zzzzzz', ['budget', 'config', 'out'])).toBeUndefined();
  });

  it('parses numbers strictly: no hex, no empty string, no fractions for --cycles', () => {
    for (const bad of ['0x10', '', ' 5', '1e', 'Infinity', '-1', '5abc'])
      expect(() => parseCommandLine(['allocate', 'r.json', '--budget', bad]), bad).toThrow(
        /--budget: expected/,
      );
    for (const bad of ['1.5', '0', '0x2', ''])
      expect(() => parseCommandLine(['run', 'p.yaml', '--cycles', bad]), bad).toThrow(/--cycles: expected/);
    expect(parseCommandLine(['allocate', 'r.json', '--budget=1.5e4']).numbers.budget).toBe(15000);
  });
});

describe('impact output for people and machines', () => {
  it('rounds the measure summary and shows SE, CI, p, lift and the SRM check', () => {
    const text = measureSummary({
      initiative_id: 'promo',
      effect_estimate: 12.345678,
      ci_lower: 3.456789,
      ci_upper: 21.234567,
      ci_level: 0.95,
      standard_error: 4.5678912,
      p_value: 0.00712345,
      sample_size: 12000,
      model_type: 'experiment',
      method: 'experiment',
      metric: 'revenue',
      effect_unit: 'absolute',
      diagnostics: {
        relative_lift: 0.08234,
        relative_lift_ci_lower: 0.02,
        relative_lift_ci_upper: 0.145,
        srm_p_value: 0.43,
      },
    });
    expect(text).toBe(
      [
        'promo: experiment effect on revenue',
        '  estimate    12.35',
        '  std. error  4.568',
        '  95% CI      [3.457, 21.23]',
        '  p-value     0.0071',
        '  lift        +8.23% [+2%, +14.5%] vs the control mean',
        '  SRM check   p = 0.43 (no mismatch)',
        '  n           12,000',
        '',
      ].join('\n'),
    );
    expect(formatHuman(1234567.8)).toBe('1,235,000');
  });

  it('prints review and allocation tables by default and JSON with --json', async () => {
    const reviews = reviewsFile();
    const table = capture();
    expect(await main(['allocate', reviews, '--budget', '100'], table.io)).toBe(0);
    expect(table.out()).toContain('funded initiative  allocated  predicted return');
    expect(table.out()).toMatch(/minimax_regret: 50 of 100 allocated/);
    const json = capture();
    expect(await main(['allocate', reviews, '--budget', '100', '--json'], json.io)).toBe(0);
    expect(AllocationResultSchema.parse(JSON.parse(json.out())).selected_initiatives).toEqual(['x']);
  });

  it('takes --budget for an allocate config without budget:', async () => {
    const reviews = reviewsFile();
    const config = join(tmp(), 'allocate.yaml');
    writeFileSync(config, 'rule: expected_return\n');
    const run = capture();
    expect(await main(['allocate', reviews, '--config', config, '--budget', '130', '--json'], run.io)).toBe(
      0,
    );
    expect(JSON.parse(run.out()).selected_initiatives).toEqual(['x', 'y']);
    const missing = capture();
    expect(await main(['allocate', reviews, '--config', config], missing.io)).toBe(EXIT_CODES.invalid);
    expect(missing.err()).toContain('allocate needs --budget <n>');
  });

  it('escapes control characters from data before they reach the terminal', async () => {
    expect(terminalSafe('a\x1b[31mred\x07\nnext\tcol')).toBe('a\\x1b[31mred\\x07\nnext\tcol');
    const dir = tmp();
    const file = join(dir, 'measure.yaml');
    writeFileSync(join(dir, 'data.csv'), 'rev\x1b[2Jenue,treated\n1,0\n2,1\n');
    writeFileSync(
      file,
      'initiative_id: ansi\ndata: { source: file, path: data.csv }\nmodel: { name: experiment, params: { formula: "revenue ~ treated" } }\n',
    );
    const run = capture();
    expect(await main(['measure', file], run.io)).toBe(EXIT_CODES.invalid);
    expect(run.err()).not.toContain('\x1b');
  });

  it('maps --out pointing at a file to the user-error exit code', async () => {
    const dir = tmp();
    const file = join(dir, 'not-a-folder');
    writeFileSync(file, 'x');
    const run = capture();
    expect(await main(['run', 'pipeline.yaml', '--out', file], run.io)).toBe(EXIT_CODES.invalid);
    expect(run.err()).toBe(`impact: --out ${file}: expected a folder, found a file\n`);
    const allocate = capture();
    expect(await main(['allocate', reviewsFile(), '--budget', '1', '--out', dir], allocate.io)).toBe(
      EXIT_CODES.invalid,
    );
  });
});

describe('impact plugins', () => {
  function measureFile(dir: string, extra = ''): string {
    writeFileSync(join(dir, 'data.csv'), 'revenue,treated\n1,0\n2,0\n4,1\n5,1\n');
    const file = join(dir, 'measure.yaml');
    writeFileSync(
      file,
      `${extra}initiative_id: plugged\ndata: { source: file, path: data.csv }\nmodel: { name: cli_plugin_mean_difference }\n`,
    );
    return file;
  }

  it('loads --plugin modules before the config is validated', async () => {
    const file = measureFile(tmp());
    const run = capture();
    expect(await main(['measure', file, '--plugin', plugin, '--json'], run.io)).toBe(0);
    expect(JSON.parse(run.out())).toMatchObject({ method: 'cli_plugin_mean_difference', effect_estimate: 3 });
  });

  it('loads the plugins: of a YAML file relative to its folder, and names a plugin that cannot load', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'plugin.ts'), `import ${JSON.stringify(plugin)};\n`);
    const run = capture();
    expect(await main(['measure', measureFile(dir, 'plugins: [./plugin.ts]\n'), '--json'], run.io)).toBe(0);
    expect(JSON.parse(run.out()).effect_estimate).toBe(3);
    const missing = capture();
    expect(await main(['measure', measureFile(tmp(), 'plugins: [./nope.js]\n')], missing.io)).toBe(
      EXIT_CODES.invalid,
    );
    expect(missing.err()).toContain('plugins: cannot load plugin "./nope.js"');
    expect(readFileSync(plugin, 'utf8')).toContain('registerModel');
  });
});

describe('impact exit codes', () => {
  it('gives every user-caused typed error the user-error code and only real bugs "internal"', async () => {
    const { MeasureError } = await import('@impact/measure');
    const { AllocationError } = await import('@impact/allocate');
    const { ConfigError } = await import('@impact/contracts');
    const { LoopError } = await import('../../src/errors');
    const { exitCodeOf } = await import('../../src/cli/main');
    const cases: [unknown, number][] = [
      [new MeasureError('MODEL_SINGULAR_DESIGN', 'singular'), EXIT_CODES.invalid],
      [new MeasureError('MODEL_NO_CONVERGENCE', 'no convergence'), EXIT_CODES.invalid],
      [new MeasureError('DATA_ZERO_VARIANCE', 'constant outcome'), EXIT_CODES.invalid],
      [new AllocationError('ALLOCATION_INFEASIBLE', 'infeasible'), EXIT_CODES.invalid],
      [new AllocationError('ALLOCATION_UNKNOWN_ID', 'unknown id'), EXIT_CODES.invalid],
      [new AllocationError('ALLOCATION_DUPLICATE_ID', 'duplicate'), EXIT_CODES.invalid],
      [new AllocationError('ALLOCATION_EMPTY_INPUT', 'empty'), EXIT_CODES.invalid],
      [new ConfigError('CONFIG_INVALID', 'bad'), EXIT_CODES.invalid],
      [new LoopError('LOOP_OUTPUT_INVALID', 'file'), EXIT_CODES.invalid],
      [new LoopError('LOOP_STAGE_FAILED', 'stopped'), EXIT_CODES.someFailed],
      [Object.assign(new Error('no space'), { code: 'ENOSPC' }), EXIT_CODES.infrastructure],
      [new TypeError('undefined is not a function'), EXIT_CODES.internal],
    ];
    for (const [error, code] of cases) expect(exitCodeOf(error), String(error)).toBe(code);
  });
});
