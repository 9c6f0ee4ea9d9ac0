import { describe, expect, it } from 'vitest';
import {
  METRICS,
  parseGroundTruth,
  type SimulationConfigInput,
  simulate,
  TREATMENT_TARGETS,
} from '../../src/index';
import { numbers, smallExperiment } from '../helpers';

/**
 * The independent check: simulate the untreated world (no treatment section) and the world where every
 * product is treated (assignment all) with the same seed, then compute ATT/ATE by hand.
 */
function handComputedTruth(config: SimulationConfigInput) {
  const observed = simulate(config);
  const { treatment: _treatment, ...withoutTreatment } = config;
  const untreatedWorld = simulate(withoutTreatment);
  const treatedWorld = simulate({ ...config, treatment: { ...config.treatment, assignment: 'all' } });
  const assigned = numbers(observed.metrics.columns.treated);
  const post = numbers(observed.metrics.columns.post);
  const result: Record<string, { att: number; attRelative: number; ate: number; observedMatches: boolean }> =
    {};
  for (const metric of METRICS) {
    const y0 = numbers(untreatedWorld.metrics.columns[metric]);
    const y1 = numbers(treatedWorld.metrics.columns[metric]);
    const y = numbers(observed.metrics.columns[metric]);
    let diffTreated = 0;
    let y0Treated = 0;
    let cellsTreated = 0;
    let diffAll = 0;
    let cellsAll = 0;
    let observedMatches = true;
    for (let row = 0; row < y.length; row += 1) {
      const expected = assigned[row] === 1 && post[row] === 1 ? y1[row] : y0[row];
      if (expected !== y[row]) observedMatches = false;
      if (post[row] !== 1) continue;
      const diff = (y1[row] as number) - (y0[row] as number);
      diffAll += diff;
      cellsAll += 1;
      if (assigned[row] === 1) {
        diffTreated += diff;
        y0Treated += y0[row] as number;
        cellsTreated += 1;
      }
    }
    result[metric] = {
      att: diffTreated / cellsTreated,
      attRelative: diffTreated / y0Treated,
      ate: diffAll / cellsAll,
      observedMatches,
    };
  }
  return { observed, result };
}

describe('ground truth', () => {
  it.each(TREATMENT_TARGETS)('equals the treated world minus the untreated world (%s)', (target) => {
    const config: SimulationConfigInput = {
      ...smallExperiment,
      treatment: {
        ...smallExperiment.treatment,
        metric: target,
        ramp_days: 3,
        effect:
          target === 'quality_score'
            ? { type: 'additive', size: 0.2 }
            : { type: 'multiplicative', size: 0.25 },
      },
    };
    const { observed, result } = handComputedTruth(config);
    const truth = observed.groundTruth;
    expect(truth.n_post_days).toBe(14);
    for (const metric of METRICS) {
      const expected = result[metric];
      if (!expected) throw new Error(metric);
      expect(expected.observedMatches).toBe(true);
      expect(truth.metrics[metric].att_absolute).toBeCloseTo(expected.att, 9);
      expect(truth.metrics[metric].att_relative).toBeCloseTo(expected.attRelative, 9);
      expect(truth.metrics[metric].ate_absolute).toBeCloseTo(expected.ate, 9);
    }
    expect(truth.metrics.revenue.att_absolute).toBeGreaterThan(0);
  });

  it('per-product effects average to the ATT over treated products', () => {
    const { groundTruth } = simulate(smallExperiment);
    const treated = groundTruth.per_product.filter((p) => p.treated);
    expect(treated.length).toBe(groundTruth.n_treated);
    const mean = treated.reduce((total, p) => total + p.effects.revenue, 0) / treated.length;
    expect(mean).toBeCloseTo(groundTruth.metrics.revenue.att_absolute, 9);
  });

  it('recovers the nominal relative effect on add_to_cart for a conversion effect', () => {
    const { groundTruth } = simulate({ ...smallExperiment, products: 400 });
    expect(groundTruth.metrics.add_to_cart.att_relative).toBeGreaterThan(0.17);
    expect(groundTruth.metrics.add_to_cart.att_relative).toBeLessThan(0.23);
    expect(groundTruth.metrics.impressions.att_absolute).toBe(0);
    expect(groundTruth.metrics.visits.att_absolute).toBe(0);
  });

  it('round-trips through JSON and its schema', () => {
    const { groundTruth } = simulate(smallExperiment);
    expect(parseGroundTruth(JSON.parse(JSON.stringify(groundTruth)))).toEqual(groundTruth);
    expect(() => parseGroundTruth({ ...groundTruth, n_treated: -1 })).toThrow(/n_treated/);
  });
});
