import { hashValue } from '@impact/contracts';

/**
 * A seed derived from a base seed and names (first 32 bits of a SHA-256), so every initiative and phase
 * draws its own stream: the scale run's seed differs from the pilot's, giving fresh draws.
 *
 * @example
 * ```ts
 * deriveSeed(42, 'checkout-flow-optimization', 'pilot'); // a fixed integer in [0, 2^32)
 * ```
 */
export function deriveSeed(base: number, ...names: string[]): number {
  return Number.parseInt(hashValue([base, ...names]).slice(0, 8), 16);
}

/** A seed written in a stage config: as written in cycle 1, derived from it and the cycle number after. */
export function cycleSeed(explicit: number, cycle: number): number {
  return cycle === 1 ? explicit : deriveSeed(explicit, 'cycle', String(cycle));
}
