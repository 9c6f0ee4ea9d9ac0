/** Relative tolerance for invariants between sums of money, so floating-point rounding is not a violation. */
export const MONEY_TOLERANCE = 1e-9;

/** `a ≤ b` up to a relative rounding tolerance. */
export function atMost(a: number, b: number): boolean {
  return a <= b + MONEY_TOLERANCE * Math.max(1, Math.abs(a), Math.abs(b));
}

/** `a = b` up to a relative rounding tolerance. */
export function nearlyEqual(a: number, b: number): boolean {
  return Math.abs(a - b) <= MONEY_TOLERANCE * Math.max(1, Math.abs(a), Math.abs(b));
}
