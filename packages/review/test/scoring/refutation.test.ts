import { describe, expect, it } from 'vitest';
import { scoreConfidence } from '../../src/scoring/confidence';
import { measurement } from '../helpers';

const clean = { standard_error: 0.5, ci_lower: 9, ci_upper: 11 };

describe('scoreConfidence: refutation (REFUTATION_FAILED)', () => {
  it('lowers confidence inside the band and flags one failed refutation, naming it', () => {
    const passed = scoreConfidence(
      measurement({ ...clean, diagnostics: { refutations_run: 3, refutation_failures: 0 } }),
    );
    const failed = scoreConfidence(
      measurement({
        ...clean,
        diagnostics: { refutations_run: 3, refutation_failures: 1, refutation_failed: 'placebo_outcome' },
      }),
    );
    expect(passed.position).toBe(1);
    // Ramp 0 (score 1) → 2 (score 0): one failure scores 0.5; factor 1 − 0.4·0.5.
    expect(failed.position).toBeCloseTo(0.8, 12);
    expect(failed.confidence).toBeLessThan(passed.confidence);
    expect(failed.confidence).toBeGreaterThanOrEqual(0.85); // still inside the experiment band
    const flag = failed.flags.find((f) => f.code === 'REFUTATION_FAILED');
    expect(flag?.message).toContain('1 of 3 refutation checks failed (placebo_outcome)');
    expect(passed.flags).toEqual([]);
  });
});

describe('scoreConfidence: e_value (WEAK_TO_CONFOUNDING)', () => {
  it('lowers an observational estimate whose interval is explained away by a weak confounder', () => {
    const weak = scoreConfidence(
      measurement({ ...clean, model_type: 'observational', diagnostics: { e_value: 1.6, e_value_ci: 1.1 } }),
    );
    const entry = weak.adjustments.find((adjustment) => adjustment.name === 'e_value');
    expect(entry?.score).toBeCloseTo(0.1, 12); // (1.1 − 1) / (2 − 1)
    expect(weak.flags.map((f) => f.code)).toContain('WEAK_TO_CONFOUNDING');
    const experiment = scoreConfidence(measurement({ ...clean, diagnostics: { e_value_ci: 1.1 } }));
    expect(experiment.adjustments.map((adjustment) => adjustment.name)).not.toContain('e_value');
  });
});

describe('scoreConfidence: sample_size with a planned MDE', () => {
  it('judges the pilot by its power at the planned MDE, not at the observed effect', () => {
    // SE 0.5 → achieved MDE ≈ 2.8·0.5 = 1.4; the observed effect 10 alone would look hugely powered.
    const observed = scoreConfidence(measurement({ ...clean }));
    const planned = scoreConfidence(measurement({ ...clean, diagnostics: { planned_mde: 0.7 } }));
    expect(planned.adequacy.source).toBe('planned_mde');
    expect(planned.adequacy.noncentrality).toBeCloseTo(1.4, 12);
    const entry = planned.adjustments.find((adjustment) => adjustment.name === 'sample_size');
    // df = n − 2 = 1998 ≈ z: λ_0.8 ≈ 2.8016, so adequacy ≈ (1.4 / 2.8016)².
    expect(entry?.input).toBeCloseTo((1.4 / planned.adequacy.requiredNoncentrality) ** 2, 12);
    expect(planned.adequacy.requiredNoncentrality).toBeCloseTo(2.8028, 3);
    expect(planned.position).toBeLessThan(observed.position);
    expect(planned.flags.find((f) => f.code === 'UNDERPOWERED')?.message).toContain(
      'to detect the planned MDE 0.7',
    );
  });
});
