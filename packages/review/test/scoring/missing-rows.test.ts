import { describe, expect, it } from 'vitest';
import { scoreConfidence } from '../../src/scoring/confidence';
import { measurement } from '../helpers';

const clean = { standard_error: 0.5, ci_lower: 9, ci_upper: 11 };

describe('scoreConfidence: missing_rows (MANY_ROWS_DROPPED)', () => {
  it('lowers and flags an estimate after 40% of the rows were dropped for missing values', () => {
    const result = scoreConfidence(
      measurement({
        ...clean,
        diagnostics: { share_dropped_missing: 0.4, rows_dropped_missing: 400, rows_read: 1000 },
      }),
    );
    const entry = result.adjustments.find((adjustment) => adjustment.name === 'missing_rows');
    // Ramp from 0.05 (score 1) to 0.5 (score 0): (0.5 − 0.4) / 0.45; factor 1 − 0.3·(1 − score).
    expect(entry?.score).toBeCloseTo(0.1 / 0.45, 12);
    expect(result.position).toBeCloseTo(1 - 0.3 * (1 - 0.1 / 0.45), 12);
    const flag = result.flags.find((f) => f.code === 'MANY_ROWS_DROPPED');
    expect(flag?.message).toContain('40% of the rows read were dropped for missing values (400 of 1000');
  });

  it('leaves a small share and results without the diagnostic alone', () => {
    const small = scoreConfidence(measurement({ ...clean, diagnostics: { share_dropped_missing: 0.03 } }));
    expect(small.position).toBe(1);
    expect(small.flags).toEqual([]);
    const none = scoreConfidence(measurement({ ...clean }));
    expect(none.adjustments.map((adjustment) => adjustment.name)).not.toContain('missing_rows');
  });
});
