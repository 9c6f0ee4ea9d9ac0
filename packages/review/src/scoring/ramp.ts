/**
 * Linear ramp score in [0, 1]: 0 at `bad`, 1 at `good`, clamped outside; works in either direction
 * (`good > bad`: higher is better; `good < bad`: lower is better). `±∞` inputs clamp to 0 or 1.
 * Monotone: non-decreasing as the input moves from `bad` towards `good`.
 *
 * @example
 * ```ts
 * rampScore(0.03, { good: 0.05, bad: 0.0001 }); // ≈ 0.6
 * ```
 */
export function rampScore(input: number, ramp: { good: number; bad: number }): number {
  const position = (input - ramp.bad) / (ramp.good - ramp.bad);
  if (Number.isNaN(position)) return 0;
  return Math.min(1, Math.max(0, position));
}

/**
 * Whether `input` lies beyond `flagAt` on the `bad` side of a ramp (strictly).
 *
 * @example
 * ```ts
 * isBeyondFlag(0.2, { good: 0.05, bad: 0.25 }, 0.1); // true
 * ```
 */
export function isBeyondFlag(
  input: number,
  ramp: { good: number; bad: number },
  flagAt: number | null,
): boolean {
  if (flagAt === null) return false;
  return ramp.good > ramp.bad ? input < flagAt : input > flagAt;
}
