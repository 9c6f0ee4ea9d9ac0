import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '@impact/contracts';
import { describe, expect, it } from 'vitest';
import { loadPipelineConfig, parsePipelineConfig, prefixConfigError } from '../../src/index';

const simulated = {
  initiative_id: 'a',
  cost_to_scale: 10,
  pilot: { simulation: { products: 100 }, measure: { model: { name: 'experiment' } } },
  scale_sample_size: 1000,
};

function messageOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected a ConfigError');
}

/** The ConfigError message of parsing a pipeline with `initiatives` and budget 5. */
const initiativesError = (initiatives: unknown[]) =>
  messageOf(() => parsePipelineConfig({ budget: 5, initiatives } as never));

describe('PipelineConfigSchema', () => {
  it('fills documented defaults', () => {
    const { config } = parsePipelineConfig({ budget: 5, initiatives: [simulated] });
    expect(config).toMatchObject({ seed: 0, concurrency: 4, fail_fast: false, review: {}, allocate: {} });
    expect(config.initiatives[0]?.valuation).toEqual({ value_per_unit: 1, units: 1 });
  });

  it('names the field of a non-numeric cost, as contracts prints it', () => {
    expect(
      messageOf(() =>
        parsePipelineConfig({
          budget: 5,
          initiatives: [
            simulated,
            simulated,
            simulated,
            { ...simulated, initiative_id: 'd', cost_to_scale: 'ten' },
          ],
        }),
      ),
    ).toBe('initiatives[3].cost_to_scale: expected a number, got "ten"');
  });

  it('names the field of a negative cost with its bound', () => {
    expect(
      messageOf(() => parsePipelineConfig({ budget: 5, initiatives: [{ ...simulated, cost_to_scale: -1 }] })),
    ).toBe('initiatives[0].cost_to_scale: expected a number ≥ 0, got -1');
  });

  it('requires a scale sample size for a simulated pilot', () => {
    const { scale_sample_size: _, ...withoutScale } = simulated;
    expect(messageOf(() => parsePipelineConfig({ budget: 5, initiatives: [withoutScale] }))).toContain(
      'initiatives[0].scale_sample_size: expected the number of products at scale',
    );
  });

  it('requires a scale measure config when the pilot is not simulated', () => {
    const initiative = { initiative_id: 'a', cost_to_scale: 1, pilot: { measure: 'measure.yaml' } };
    expect(messageOf(() => parsePipelineConfig({ budget: 5, initiatives: [initiative] }))).toContain(
      'initiatives[0].scale.measure: expected a measure configuration with its own data',
    );
  });

  it('rejects duplicate initiative ids, unknown keys and a budget inside allocate', () => {
    expect(
      messageOf(() => parsePipelineConfig({ budget: 5, initiatives: [simulated, simulated] })),
    ).toContain(
      'initiatives[1].initiative_id: expected a unique initiative_id (initiatives[0] has the same)',
    );
    expect(
      messageOf(() => parsePipelineConfig({ budget: 5, budjet: 3, initiatives: [simulated] })),
    ).toContain('budjet');
    expect(
      messageOf(() => parsePipelineConfig({ budget: 5, allocate: { budget: 3 }, initiatives: [simulated] })),
    ).toContain('allocate.budget: expected no budget here');
  });

  it('resolves stage config paths against the pipeline file and hashes a location-independent form', () => {
    const dir = mkdtempSync(join(tmpdir(), 'impact-pipeline-'));
    const file = join(dir, 'pipeline.yaml');
    writeFileSync(
      file,
      'budget: 5\ninitiatives:\n  - { initiative_id: a, cost_to_scale: 1, pilot: { measure: m.yaml }, scale: { measure: s.yaml } }\n',
    );
    const loaded = loadPipelineConfig(file);
    expect(loaded.config.initiatives[0]?.pilot.measure).toBe(join(dir, 'm.yaml'));
    expect(loaded.portable.initiatives[0]?.pilot.measure).toBe('m.yaml');
    expect(loaded.baseDir).toBe(dir);
  });

  it('reports the file and line of a YAML syntax error', () => {
    const dir = mkdtempSync(join(tmpdir(), 'impact-pipeline-'));
    const file = join(dir, 'pipeline.yaml');
    writeFileSync(file, 'budget: 5\nbudget: 6\n');
    const error = (() => {
      try {
        loadPipelineConfig(file);
      } catch (e) {
        return e as ConfigError;
      }
      return undefined;
    })();
    expect(error?.code).toBe('CONFIG_YAML_SYNTAX');
    expect(error?.line).toBe(2);
  });
});

describe('prefixConfigError', () => {
  it('moves the issue paths of a nested section under its key', () => {
    const inner = new ConfigError('CONFIG_INVALID', 'rule: expected a string, got 3', {
      issues: [{ path: 'rule', expected: 'a string', found: '3', message: 'rule: expected a string, got 3' }],
    });
    const outer = prefixConfigError(inner, 'allocate', 'p.yaml') as ConfigError;
    expect(outer.message).toBe('p.yaml: allocate.rule: expected a string, got 3');
    expect(outer.issues[0]?.path).toBe('allocate.rule');
  });
});

describe('multi-cycle keys', () => {
  it('accepts cycles, history, calibration, restudy, joins_in_cycle and leaves_after_cycle, resolving the history path', () => {
    const { config } = parsePipelineConfig(
      {
        budget: 5,
        cycles: 3,
        history: 'earlier/history.json',
        calibration: { settings: { prior_strength: 2 } },
        initiatives: [
          {
            ...simulated,
            joins_in_cycle: 2,
            leaves_after_cycle: 2,
            restudy: { pilot: { simulation: { products: 400 }, measure: { model: { name: 'experiment' } } } },
          },
        ],
      },
      '/base',
    );
    expect(config.cycles).toBe(3);
    expect(config.history).toBe(join('/base', 'earlier', 'history.json'));
    expect(config.calibration).toEqual({ enabled: true, settings: { prior_strength: 2 } });
    expect(config.initiatives[0]?.joins_in_cycle).toBe(2);
    expect(config.initiatives[0]?.leaves_after_cycle).toBe(2);
  });

  it('names the field when cycles, joins_in_cycle or the restudy pilot are wrong', () => {
    expect(
      messageOf(() => parsePipelineConfig({ budget: 5, cycles: 0, initiatives: [simulated] })),
    ).toContain('cycles');
    expect(initiativesError([{ ...simulated, joins_in_cycle: 1.5 }])).toContain(
      'initiatives[0].joins_in_cycle',
    );
    expect(
      initiativesError([
        simulated,
        { ...simulated, initiative_id: 'b', joins_in_cycle: 3, leaves_after_cycle: 2 },
      ]),
    ).toContain('initiatives[1].leaves_after_cycle: expected leaves_after_cycle ≥ joins_in_cycle (3)');
    expect(
      messageOf(() =>
        parsePipelineConfig({
          budget: 5,
          initiatives: [{ ...simulated, restudy: { pilot: { measure: { model: { name: 'experiment' } } } } }],
        }),
      ),
    ).toContain('initiatives[0].restudy.pilot.simulation: expected a simulation');
  });
});
