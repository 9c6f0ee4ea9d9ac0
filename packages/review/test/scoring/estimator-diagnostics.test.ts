import { describe, expect, it } from 'vitest';
import { DEFAULT_REVIEW_RULES } from '../../src/rules/rules';
import { scoreConfidence } from '../../src/scoring/confidence';
import { measurement } from '../helpers';

const clean = { standard_error: 0.5, ci_lower: 9, ci_upper: 11 };

describe('scoreConfidence: pre_periods (SHORT_PRE_PERIOD)', () => {
  it('lowers a time-series measurement with 10 pre-periods inside its band and flags it', () => {
    const result = scoreConfidence(
      measurement({ ...clean, model_type: 'time-series', diagnostics: { n_pre_periods: 10 } }),
    );
    const entry = result.adjustments.find((adjustment) => adjustment.name === 'pre_periods');
    // Ramp from 8 (score 0) to 30 (score 1): (10 − 8)/22; factor 1 − 0.3·(1 − score).
    expect(entry?.score).toBeCloseTo(2 / 22, 12);
    expect(result.position).toBeCloseTo(1 - 0.3 * (1 - 2 / 22), 12);
    expect(result.flags.map((flag) => flag.code)).toContain('SHORT_PRE_PERIOD');
    expect(result.confidence).toBeGreaterThanOrEqual(DEFAULT_REVIEW_RULES.bands['time-series'].min);
  });

  it('leaves a long pre-period and non-time-series designs alone', () => {
    const long = scoreConfidence(
      measurement({ ...clean, model_type: 'time-series', diagnostics: { n_pre_periods: 60 } }),
    );
    expect(long.position).toBe(1);
    expect(long.flags).toEqual([]);
    const panel = scoreConfidence(
      measurement({ ...clean, model_type: 'quasi-experiment', diagnostics: { n_pre_periods: 4 } }),
    );
    expect(panel.adjustments.map((adjustment) => adjustment.name)).not.toContain('pre_periods');
  });
});

describe('scoreConfidence: overlap (POOR_OVERLAP)', () => {
  it('lowers and flags an observational estimate whose weights sit on a few rows', () => {
    const result = scoreConfidence(
      measurement({ ...clean, model_type: 'observational', diagnostics: { overlap_effective_share: 0.04 } }),
    );
    expect(result.position).toBeCloseTo(1 - 0.4, 12);
    expect(result.flags.map((flag) => flag.code)).toEqual(['POOR_OVERLAP']);
  });

  it('does not touch an estimate with even weights', () => {
    const result = scoreConfidence(
      measurement({ ...clean, model_type: 'observational', diagnostics: { overlap_effective_share: 0.8 } }),
    );
    expect(result.position).toBe(1);
    expect(result.flags).toEqual([]);
  });
});
