import { createTable } from '@impact/contracts';
import { describe, expect, it } from 'vitest';
import { MeasureError } from '../../../src/errors';
import { IpwParamsSchema, ipwModel } from '../../../src/models/observational/ipw';
import { overlapDiagnostics } from '../../../src/models/observational/overlap';
import { LALONDE_COVARIATES, lalondeTable } from './helpers';

const context = { ciLevel: 0.95, seed: 1 };
const lalonde = lalondeTable();
const base = { outcome: 're78', treatment: 'treat', covariates: LALONDE_COVARIATES };

describe('overlapDiagnostics', () => {
  it('reports per-arm propensity range, Kish ESS (Σw)²/Σw² and the largest weight share', () => {
    const scores = Float64Array.from([0.2, 0.5, 0.9, 0.1, 0.3]);
    const treatment = Uint8Array.from([1, 1, 1, 0, 0]);
    const weights = Float64Array.from([5, 2, 1, 1, 3]);
    const diagnostics = overlapDiagnostics(scores, treatment, weights);
    expect(diagnostics).toMatchObject({
      propensity_min_treated: 0.2,
      propensity_max_treated: 0.9,
      propensity_min_control: 0.1,
      propensity_max_control: 0.3,
      max_weight_share_treated: 5 / 8,
      max_weight_share_control: 3 / 4,
    });
    expect(diagnostics.effective_sample_size_treated).toBeCloseTo(64 / 30, 12);
    expect(diagnostics.effective_sample_size_control).toBeCloseTo(16 / 10, 12);
    expect(diagnostics.overlap_effective_share).toBeCloseTo(Math.min(64 / 30 / 3, 16 / 10 / 2), 12);
  });
});

describe('ipw overlap options', () => {
  it('overlap weights (ATO) balance every propensity covariate exactly (Li, Morgan & Zaslavsky 2018)', () => {
    const estimate = ipwModel.fit(lalonde, IpwParamsSchema.parse({ ...base, estimand: 'ATO' }), context);
    expect(estimate.diagnostics.max_abs_smd_before as number).toBeGreaterThan(0.5);
    expect(estimate.diagnostics.max_abs_smd_after as number).toBeLessThan(1e-8);
    expect(estimate.diagnostics.estimand).toBe('ATO');
  });

  it('ATE weights on LaLonde expose poor overlap in the treated arm; Crump trimming restores it', () => {
    const estimate = ipwModel.fit(lalonde, IpwParamsSchema.parse(base), context);
    // 185 treated rows weigh like 58: one treated row carries 7% of the arm.
    expect(estimate.diagnostics.effective_sample_size_treated as number).toBeLessThan(
      (estimate.diagnostics.n_treated as number) / 3,
    );
    expect(estimate.diagnostics.max_weight_share_treated as number).toBeGreaterThan(0.05);
    const trimmed = ipwModel.fit(lalonde, IpwParamsSchema.parse({ ...base, trim: 'crump' }), context);
    expect(trimmed.diagnostics.propensity_min as number).toBeGreaterThanOrEqual(0.1);
    expect(trimmed.diagnostics.max_weight_share_treated as number).toBeLessThan(0.05);
    expect(trimmed.diagnostics.effective_sample_size_treated as number).toBeGreaterThan(
      (trimmed.diagnostics.n_treated as number) / 2,
    );
  });

  it('refuses with DATA_POOR_OVERLAP when trimming empties an arm', () => {
    const n = 200;
    const x = Float64Array.from({ length: n }, (_, i) => i / n);
    // Treated rows have x > 0.5 except a few, so nearly every control score is below 0.1 after the fit.
    const treat = x.map((value, i) => (value > 0.5 || i % 50 === 0 ? 1 : 0));
    const table = createTable({ x: x.map((value) => value * 40), y: x, treat });
    const fit = () =>
      ipwModel.fit(
        table,
        IpwParamsSchema.parse({
          outcome: 'y',
          treatment: 'treat',
          covariates: ['x'],
          trim: { lower: 0.45, upper: 0.55 },
        }),
        context,
      );
    expect(fit).toThrow(MeasureError);
    expect(fit).toThrow(expect.objectContaining({ code: 'DATA_POOR_OVERLAP', parameter: 'trim' }));
  });

  it('rejects an inverted or out-of-range trim', () => {
    expect(() => IpwParamsSchema.parse({ ...base, trim: { lower: 0.6, upper: 0.9 } })).toThrow();
    expect(() => IpwParamsSchema.parse({ ...base, trim: 'tight' })).toThrow();
  });
});
