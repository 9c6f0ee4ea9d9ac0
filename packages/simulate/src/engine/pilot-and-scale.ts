import { ConfigError } from '@impact/contracts';
import type { SimulationConfig, SimulationConfigInput, TreatmentConfig } from '../config/schema';
import { streamKey } from '../random/prng';
import { parseSimulationConfig, type SimulationResult, simulate } from './simulate';

/** Sizes and overrides of a pilot/scale pair. */
export interface PilotAndScaleOptions {
  /** Products in the pilot. */
  pilotProducts: number;
  /** Products at scale. */
  scaleProducts: number;
  /**
   * Treatment settings that differ at scale, e.g. `{ assignment: 'all' }` for a full roll-out or a
   * different `fraction`. The effect (`metric`, `effect`, `ramp_days`, `heterogeneity`) is kept unless
   * overridden, so both worlds share the effect-generating process.
   */
  scaleTreatment?: Partial<Pick<TreatmentConfig, 'assignment' | 'fraction' | 'selection' | 'start_date'>>;
}

/** The same initiative simulated at two sizes. */
export interface PilotAndScaleResult {
  pilot: SimulationResult;
  scale: SimulationResult;
}

/**
 * Seed of the scale world: derived from the pilot seed through the `scale` stream name, so the scale
 * catalog and its daily draws are fresh (not a superset of the pilot's) yet reproducible.
 *
 * @example
 * ```ts
 * scaleSeed(42); // a fixed 32-bit integer
 * ```
 */
export function scaleSeed(seed: number): number {
  return streamKey(seed, 'scale');
}

/**
 * Simulate one initiative twice: a pilot with `pilotProducts` products and a scale run with
 * `scaleProducts`, with the same calendar, catalog distribution and treatment effect, and fresh random
 * draws at scale (seed {@link scaleSeed}). Requires a `treatment` section; throws `ConfigError` otherwise
 * or for sizes below 1.
 *
 * @example
 * ```ts
 * const { pilot, scale } = simulatePilotAndScale(config, { pilotProducts: 500, scaleProducts: 5000 });
 * pilot.groundTruth.metrics.revenue.att_absolute; // what a good pilot estimate should recover
 * scale.groundTruth.metrics.revenue.att_absolute; // what happens at scale
 * ```
 */
export function simulatePilotAndScale(
  config: SimulationConfigInput | SimulationConfig,
  options: PilotAndScaleOptions,
): PilotAndScaleResult {
  const base = parseSimulationConfig(config);
  if (base.treatment === undefined) {
    throw new ConfigError(
      'CONFIG_INVALID',
      'treatment: expected a treatment section for a pilot/scale pair, got nothing',
      {
        issues: [
          {
            path: 'treatment',
            expected: 'a treatment section',
            found: 'nothing (the field is missing)',
            message: 'treatment: expected a treatment section, got nothing (the field is missing)',
          },
        ],
      },
    );
  }
  for (const [field, value] of [
    ['pilotProducts', options.pilotProducts],
    ['scaleProducts', options.scaleProducts],
  ] as const) {
    if (!Number.isInteger(value) || value < 1) {
      const message = `${field}: expected an integer ≥ 1, got ${value}`;
      throw new ConfigError('CONFIG_INVALID', message, {
        issues: [{ path: field, expected: 'an integer ≥ 1', found: String(value), message }],
      });
    }
  }
  const pilot = simulate({ ...base, products: options.pilotProducts });
  const scale = simulate({
    ...base,
    seed: scaleSeed(base.seed),
    products: options.scaleProducts,
    treatment: { ...base.treatment, ...options.scaleTreatment },
  });
  return { pilot, scale };
}
