import { ConfigError } from '@impact/contracts';
import { describe, expect, it } from 'vitest';
import { scaleSeed, simulate, simulatePilotAndScale } from '../../src/index';
import { numbers, smallExperiment } from '../helpers';

describe('simulatePilotAndScale', () => {
  it('simulates the same initiative at two sizes with fresh draws at scale', () => {
    const { pilot, scale } = simulatePilotAndScale(smallExperiment, {
      pilotProducts: 50,
      scaleProducts: 400,
    });
    expect(pilot.products.rowCount).toBe(50);
    expect(scale.products.rowCount).toBe(400);
    expect(scale.config.seed).toBe(scaleSeed(11));
    expect(scale.config.treatment).toEqual(pilot.config.treatment);
    expect(numbers(scale.products.columns.price).slice(0, 50)).not.toEqual(
      numbers(pilot.products.columns.price),
    );
    // The same effect process: the relative effect on add_to_cart is near the nominal +20 % in both.
    for (const world of [pilot, scale]) {
      expect(world.groundTruth.metrics.add_to_cart.att_relative).toBeGreaterThan(0.15);
      expect(world.groundTruth.metrics.add_to_cart.att_relative).toBeLessThan(0.25);
    }
    // The scale world is an ordinary simulation: rerunning its config reproduces it.
    expect(simulate(scale.config).groundTruth).toEqual(scale.groundTruth);
  });

  it('applies scale-only treatment overrides such as a full roll-out', () => {
    const { scale } = simulatePilotAndScale(smallExperiment, {
      pilotProducts: 20,
      scaleProducts: 80,
      scaleTreatment: { assignment: 'all' },
    });
    expect(scale.groundTruth.n_treated).toBe(80);
    expect(scale.groundTruth.metrics.revenue.att_absolute).toBeCloseTo(
      scale.groundTruth.metrics.revenue.ate_absolute,
      9,
    );
  });

  it('rejects a missing treatment and bad sizes with ConfigError naming the field', () => {
    expect(() => simulatePilotAndScale({ products: 10 }, { pilotProducts: 5, scaleProducts: 10 })).toThrow(
      ConfigError,
    );
    expect(() => simulatePilotAndScale(smallExperiment, { pilotProducts: -1, scaleProducts: 10 })).toThrow(
      /pilotProducts/,
    );
  });
});
