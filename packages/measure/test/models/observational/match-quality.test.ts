import { createTable } from '@impact/contracts';
import { describe, expect, it } from 'vitest';
import {
  NearestNeighbourMatchingParamsSchema,
  nearestNeighbourMatchingModel,
} from '../../../src/models/observational/matching';
import { createNormal } from '../../../validate/dgp';

const context = { ciLevel: 0.95, seed: 1 };

/** 60 treated, 214 controls; treated covariates shifted by `shift` and `shift`/2 SD (2.5: poor overlap). Effect 1. */
function groups(shift: number) {
  const normal = createNormal(5);
  const rows = 274;
  const t = Float64Array.from({ length: rows }, (_, i) => (i < 60 ? 1 : 0));
  const x1 = t.map((d) => normal() + shift * d);
  const x2 = t.map((d) => normal() + (shift / 2) * d);
  const y = t.map((d, i) => d + 3 * (x1[i] as number) + (x2[i] as number) + normal());
  return createTable({ x1, x2, t, y });
}
const base = { outcome: 'y', treatment: 't', covariates: ['x1', 'x2'] };

describe('nearest_neighbour_matching match quality', () => {
  for (const distance of ['mahalanobis', 'euclidean', 'logit_propensity', 'propensity'] as const) {
    it(`refuses a match without overlap with DATA_POOR_OVERLAP naming the worst covariate (${distance})`, () => {
      const params = NearestNeighbourMatchingParamsSchema.parse({ ...base, distance });
      expect(() => nearestNeighbourMatchingModel.fit(groups(2.5), params, context)).toThrow(
        expect.objectContaining({ code: 'DATA_POOR_OVERLAP', parameter: 'max_smd_after' }),
      );
    });
  }

  it('with on_poor_match: flag estimates and reports the poor match and the few controls it rests on', () => {
    const params = NearestNeighbourMatchingParamsSchema.parse({
      ...base,
      distance: 'mahalanobis',
      on_poor_match: 'flag',
    });
    const estimate = nearestNeighbourMatchingModel.fit(groups(3.5), params, context);
    expect(estimate.diagnostics.poor_match).toBe(true);
    expect(estimate.diagnostics.max_abs_smd_after as number).toBeGreaterThan(1);
    expect(estimate.diagnostics.n_matched_controls as number).toBeLessThan(10);
    expect(estimate.diagnostics.effective_matched_controls as number).toBeLessThan(
      estimate.diagnostics.n_matched_controls as number,
    );
    expect(estimate.diagnostics.max_control_reuse as number).toBeGreaterThan(10);
    expect(estimate.diagnostics.overlap_effective_share as number).toBeLessThan(0.1);
    // The "effect" is the covariate gap: far from the truth (1) and confidently so.
    expect(estimate.ci_lower).toBeGreaterThan(1);
  });

  it('accepts a match with overlap and reports its quality', () => {
    const estimate = nearestNeighbourMatchingModel.fit(
      groups(0.5),
      NearestNeighbourMatchingParamsSchema.parse({ ...base, distance: 'mahalanobis' }),
      context,
    );
    expect(estimate.diagnostics.poor_match).toBe(false);
    expect(estimate.diagnostics.max_abs_smd_after as number).toBeLessThan(0.25);
    expect(estimate.diagnostics.effective_matched_controls as number).toBeGreaterThan(20);
    expect(estimate.diagnostics.overlap_effective_share as number).toBeGreaterThan(0.3);
  });
});
