/**
 * Small seeded PRNG (mulberry32) for the matching bootstrap: same seed → same draws on every platform.
 *
 * @example
 * ```ts
 * const uniform = seededUniform(42); uniform(); // a number in [0, 1)
 * ```
 */
export function seededUniform(seed: number): () => number {
  let state = seed >>> 0 || 0x9e3779b9;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
