import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from '@impact/contracts';
import { describe, expect, it } from 'vitest';
import { DEFAULT_REVIEW_RULES, parseReviewRules, ReviewRulesSchema } from '../../src/rules/rules';

describe('review rules', () => {
  it('uses the design bands by default', () => {
    const rules = parseReviewRules();
    expect(rules.bands).toEqual({
      experiment: { min: 0.85, max: 1 },
      'quasi-experiment': { min: 0.6, max: 0.84 },
      'time-series': { min: 0.4, max: 0.59 },
      observational: { min: 0.2, max: 0.39 },
    });
    expect(rules).toEqual(DEFAULT_REVIEW_RULES);
  });

  it('overrides one field of one adjustment and keeps every other default', () => {
    const rules = parseReviewRules({ adjustments: { ci_width: { weight: 0.1 } } });
    expect(rules.adjustments.ci_width).toEqual({ ...DEFAULT_REVIEW_RULES.adjustments.ci_width, weight: 0.1 });
    expect(rules.adjustments.pretrend).toEqual(DEFAULT_REVIEW_RULES.adjustments.pretrend);
  });

  it('rejects an unknown key, naming its path', () => {
    expect(() => parseReviewRules({ adjustments: { ci_widht: { weight: 0.1 } } } as never)).toThrow(
      /adjustments/,
    );
    try {
      parseReviewRules({ adjustments: { ci_width: { wieght: 0.1 } } } as never);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).code).toBe('CONFIG_INVALID');
      expect((error as ConfigError).message).toContain('wieght');
    }
  });

  it('rejects a weight above 1 naming the field', () => {
    expect(() => parseReviewRules({ adjustments: { balance: { weight: 2 } } })).toThrow(
      /adjustments\.balance\.weight/,
    );
  });

  it('rejects a ramp whose good equals bad', () => {
    expect(() => parseReviewRules({ adjustments: { balance: { good: 0.2, bad: 0.2 } } })).toThrow(
      /good ≠ bad/,
    );
  });

  it('rejects overlapping bands because methodology must dominate', () => {
    expect(() => parseReviewRules({ bands: { 'quasi-experiment': { min: 0.5, max: 0.9 } } })).toThrow(
      /experiment\.min/,
    );
  });

  it('rejects a band with min above max', () => {
    expect(() => parseReviewRules({ bands: { observational: { min: 0.3, max: 0.2 } } })).toThrow(
      /bands\.observational\.max/,
    );
  });

  it('loads rules from YAML through the contracts loader', () => {
    const folder = mkdtempSync(join(tmpdir(), 'review-rules-'));
    const file = join(folder, 'rules.yaml');
    writeFileSync(
      file,
      [
        'power: 0.9',
        'bands:',
        '  observational: { min: 0.1, max: 0.3 }',
        'adjustments:',
        '  srm:',
        '    weight: 1',
      ].join('\n'),
    );
    expect(() => loadConfig(file, ReviewRulesSchema)).toThrow(/srm/);
    writeFileSync(
      file,
      ['power: 0.9', 'adjustments:', '  sample_ratio:', '    weight: 1', '    flag_at: null'].join('\n'),
    );
    const rules = loadConfig(file, ReviewRulesSchema);
    expect(rules.power).toBe(0.9);
    expect(rules.adjustments.sample_ratio).toMatchObject({ weight: 1, flag_at: null });
  });
});
