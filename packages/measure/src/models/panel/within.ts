import { MeasureError } from '../../errors';

/** Options of {@link withinTransform}. */
export interface WithinOptions {
  /** Stop when no value changes by more than `tolerance` × (1 + max |column|) in a sweep. */
  tolerance?: number;
  maxIterations?: number;
  /**
   * Every unit observed exactly once in every period. Then one sweep (unit means, then time means) is already
   * the exact two-way projection (x − x̄_i − x̄_t + x̄), so the confirming sweep is skipped.
   */
  balanced?: boolean;
}

/** Result of {@link withinTransform}. */
export interface WithinResult {
  /** The demeaned columns, in input order (new arrays; inputs are not modified). */
  columns: Float64Array[];
  /** Sweeps used (a balanced panel converges in one; the second confirms). */
  iterations: number;
}

/**
 * Whether every (first, second) cell — e.g. unit × period — holds exactly one row.
 *
 * @example
 * ```ts
 * isBalancedPanel(unitCodes, unitCount, timeCodes, timeCount);
 * ```
 */
export function isBalancedPanel(
  firstCodes: Int32Array,
  firstCount: number,
  secondCodes: Int32Array,
  secondCount: number,
): boolean {
  const n = firstCodes.length;
  if (n !== firstCount * secondCount) return false;
  const seen = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const cell = (firstCodes[i] as number) * secondCount + (secondCodes[i] as number);
    if (seen[cell] === 1) return false;
    seen[cell] = 1;
  }
  return true;
}

/**
 * Two-way within transformation: residualise each column on two sets of fixed effects (e.g. unit and time)
 * without building dummy matrices, by the method of alternating projections (Guimarães & Portugal 2010;
 * Gaure 2013 `lfe`): repeatedly subtract the unit means, then the time means, until a sweep changes nothing.
 * By Frisch–Waugh–Lovell, OLS on the transformed columns gives the two-way fixed-effects slope coefficients.
 * Balanced panels converge after the first sweep; unbalanced ones geometrically.
 *
 * @example
 * ```ts
 * const { columns } = withinTransform([y, d], unitCodes, unitCount, timeCodes, timeCount);
 * ```
 */
export function withinTransform(
  inputs: readonly Float64Array[],
  firstCodes: Int32Array,
  firstCount: number,
  secondCodes: Int32Array,
  secondCount: number,
  options: WithinOptions = {},
): WithinResult {
  const tolerance = options.tolerance ?? 1e-11;
  const maxIterations = options.maxIterations ?? 10_000;
  const n = firstCodes.length;
  const firstSize = new Float64Array(firstCount);
  const secondSize = new Float64Array(secondCount);
  for (let i = 0; i < n; i++) {
    firstSize[firstCodes[i] as number] = (firstSize[firstCodes[i] as number] as number) + 1;
    secondSize[secondCodes[i] as number] = (secondSize[secondCodes[i] as number] as number) + 1;
  }
  const firstSums = new Float64Array(firstCount);
  const secondSums = new Float64Array(secondCount);
  let iterations = 0;
  const columns = inputs.map((input) => {
    const column = Float64Array.from(input);
    let scale = 0;
    for (let i = 0; i < n; i++) scale = Math.max(scale, Math.abs(column[i] as number));
    const threshold = tolerance * (1 + scale);
    for (let sweep = 1; sweep <= maxIterations; sweep++) {
      const change =
        demeanOnce(column, firstCodes, firstSums, firstSize) +
        demeanOnce(column, secondCodes, secondSums, secondSize);
      iterations = Math.max(iterations, sweep);
      if (change <= threshold || options.balanced) return column;
    }
    throw new MeasureError(
      'MODEL_NO_CONVERGENCE',
      `within transformation did not converge in ${maxIterations} sweeps (is the unit × time panel disconnected?)`,
      { parameter: 'max_iterations' },
    );
  });
  return { columns, iterations };
}

/** Subtract group means in place; returns the largest |mean| subtracted. */
function demeanOnce(
  column: Float64Array,
  codes: Int32Array,
  sums: Float64Array,
  sizes: Float64Array,
): number {
  sums.fill(0);
  const n = column.length;
  for (let i = 0; i < n; i++) {
    const code = codes[i] as number;
    sums[code] = (sums[code] as number) + (column[i] as number);
  }
  let largest = 0;
  for (let g = 0; g < sums.length; g++) {
    const size = sizes[g] as number;
    const mean = size > 0 ? (sums[g] as number) / size : 0;
    sums[g] = mean;
    if (Math.abs(mean) > largest) largest = Math.abs(mean);
  }
  for (let i = 0; i < n; i++) column[i] = (column[i] as number) - (sums[codes[i] as number] as number);
  return largest;
}
