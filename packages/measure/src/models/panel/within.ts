import {
  type CellVectors,
  cellVectors,
  conjugateGradientSolve,
  type FactorStructure,
  factorStructure,
  levelMeansOfEffects,
  reducedRightHandSide,
  schurComplement,
  semidefiniteCholesky,
  semidefiniteSolve,
} from './within-schur';

/** Options of {@link createWithinSolver}. */
export interface WithinOptions {
  /**
   * Conjugate-gradient path only: stop when the reduced system's residual ‖r − Cγ‖₂ ≤ tolerance·‖r‖₂. The
   * direct path is exact (one Cholesky solve) and ignores it.
   */
  tolerance?: number;
  /** Conjugate-gradient path only: iteration limit per column (then `MODEL_NO_CONVERGENCE`). */
  maxIterations?: number;
  /**
   * Every unit observed exactly once in every period. Then one sweep (unit means, then time means) is already
   * the exact two-way projection (x − x̄_i − x̄_t + x̄).
   */
  balanced?: boolean;
  /**
   * Largest work (Σ_a nnz(d_a)² + m³/6 multiply-adds, m = levels of the smaller factor) for the direct solve;
   * above it the reduced system is solved by conjugate gradient. Default 2e8; tests set 0 to force CG.
   */
  directWorkLimit?: number;
}

/** How {@link createWithinSolver} removes the two sets of fixed effects. */
export type WithinMethod = 'balanced' | 'direct' | 'conjugate_gradient';

/** A two-way within transformation for one fixed-effects structure, reusable for many columns. */
export interface WithinSolver {
  method: WithinMethod;
  /** Residualise each column on both factors, overwriting it; returns the same arrays. */
  demeanInPlace(columns: Float64Array[]): Float64Array[];
  /** Residualise copies of the columns (inputs are not modified). */
  demean(columns: readonly Float64Array[]): Float64Array[];
  /** Solves so far: 1 per column for the direct and balanced paths, the largest CG iteration count otherwise. */
  iterations(): number;
  /** The factor whose effects are eliminated (a, more levels) and the one solved for (b). */
  aCodes: Int32Array;
  aCount: number;
  bCodes: Int32Array;
  bCount: number;
  /**
   * The within transform of p columns given only their level sums (`aSums[a·p + k]` = Σ over the rows of a
   * of column k, `bSums[b·p + k]` likewise): M x_k at row i is x_k(i) − aShift[a(i)·p + k] − bShift[b(i)·p + k].
   * Lets structured regressors (event-study indicators) be transformed without materialising them.
   */
  shifts(aSums: Float64Array, bSums: Float64Array, p: number): FixedEffectShifts;
}

/** See {@link WithinSolver.shifts}. */
export interface FixedEffectShifts {
  aShift: Float64Array;
  bShift: Float64Array;
}

/** Result of {@link withinTransform}. */
export interface WithinResult {
  /** The demeaned columns, in input order (new arrays; inputs are not modified). */
  columns: Float64Array[];
  /** 1 for the balanced and direct paths, else the largest conjugate-gradient iteration count. */
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
 * Two-way within transformation (residualise columns on two sets of fixed effects, e.g. unit and period)
 * without dummy matrices. By Frisch–Waugh–Lovell, OLS on the transformed columns gives the two-way
 * fixed-effects slopes. Instead of alternating projections, the factor with more levels (a, the units) is
 * eliminated exactly and the other (b, the periods) solved from its reduced normal equations
 * C γ = B'M_A x, C = B'M_A B (m × m, m = levels of b): M x = M_A x − M_A B γ. C is built once in
 * O(n + Σ_a nnz² + m²) and factored once (semidefinite Cholesky, O(m³/6)); each column then costs four
 * passes over the rows and two triangular solves, and is exact to rounding — no convergence tolerance. When
 * C would be too large (many periods and gappy units), γ comes from preconditioned conjugate gradient on
 * C, two passes per iteration, stopped at `tolerance`. A balanced panel takes one exact sweep.
 *
 * @example
 * ```ts
 * const solver = createWithinSolver(unitCodes, unitCount, timeCodes, timeCount);
 * const [yWithin, dWithin] = solver.demean([y, d]);
 * ```
 */
export function createWithinSolver(
  firstCodes: Int32Array,
  firstCount: number,
  secondCodes: Int32Array,
  secondCount: number,
  options: WithinOptions = {},
): WithinSolver {
  if (options.balanced) return balancedSolver(firstCodes, firstCount, secondCodes, secondCount);
  const eliminateFirst = firstCount >= secondCount;
  const { cellCounts, ...s } = eliminateFirst
    ? factorStructure(firstCodes, firstCount, secondCodes, secondCount)
    : factorStructure(secondCodes, secondCount, firstCodes, firstCount);
  const m = s.bCount;
  const cells = cellVectors(s, cellCounts);
  const limit = options.directWorkLimit ?? 5e7;
  const direct = m ** 3 / 6 + cells.work <= limit;
  const factor = direct ? semidefiniteCholesky(schurComplement(s, cells), m) : undefined;
  const limits = { tolerance: options.tolerance ?? 1e-11, maxIterations: options.maxIterations ?? 10_000 };
  const aMeans = new Float64Array(s.aCount);
  const gammaMeans = new Float64Array(s.aCount);
  const r = new Float64Array(m);
  const gamma = new Float64Array(m);
  let iterations = 0;
  /** gamma ← the b effects solving C γ = r. */
  const solveReduced = (): void => {
    if (factor) {
      gamma.set(r);
      semidefiniteSolve(factor, gamma);
      iterations = Math.max(iterations, 1);
    } else {
      iterations = Math.max(iterations, conjugateGradientSolve(s, cells, r, gamma, limits));
    }
  };
  const demeanInPlace = (columns: Float64Array[]): Float64Array[] => {
    for (const column of columns) {
      levelAndEffectSums(s, column, aMeans, r);
      reducedRightHandSide(s, cells, aMeans, r);
      solveReduced();
      removeEffects(s, cells, column, aMeans, gamma, gammaMeans);
    }
    return columns;
  };
  const shifts = (aSums: Float64Array, bSums: Float64Array, p: number): FixedEffectShifts => {
    const aShift = new Float64Array(s.aCount * p);
    const bShift = new Float64Array(m * p);
    for (let k = 0; k < p; k++) {
      for (let a = 0; a < s.aCount; a++) {
        const size = s.aSize[a] as number;
        aMeans[a] = size > 0 ? (aSums[a * p + k] as number) / size : 0;
      }
      for (let b = 0; b < m; b++) r[b] = bSums[b * p + k] as number;
      reducedRightHandSide(s, cells, aMeans, r);
      solveReduced();
      levelMeansOfEffects(s, cells, gamma, gammaMeans);
      for (let a = 0; a < s.aCount; a++)
        aShift[a * p + k] = (aMeans[a] as number) - (gammaMeans[a] as number);
      for (let b = 0; b < m; b++) bShift[b * p + k] = gamma[b] as number;
    }
    return { aShift, bShift };
  };
  return {
    method: direct ? 'direct' : 'conjugate_gradient',
    demeanInPlace,
    demean: (columns) => demeanInPlace(columns.map((column) => column.slice())),
    iterations: () => iterations,
    aCodes: s.aCodes,
    aCount: s.aCount,
    bCodes: s.bCodes,
    bCount: s.bCount,
    shifts,
  };
}

/** One pass: aMeans[a] = mean of x over level a, bSums[b] = sum of x over level b. */
function levelAndEffectSums(
  s: FactorStructure,
  x: Float64Array,
  aMeans: Float64Array,
  bSums: Float64Array,
): void {
  const { n, aCodes, bCodes, aSize } = s;
  aMeans.fill(0);
  bSums.fill(0);
  for (let i = 0; i < n; i++) {
    const value = x[i] as number;
    const a = aCodes[i] as number;
    const b = bCodes[i] as number;
    aMeans[a] = (aMeans[a] as number) + value;
    bSums[b] = (bSums[b] as number) + value;
  }
  for (let a = 0; a < s.aCount; a++) {
    const size = aSize[a] as number;
    aMeans[a] = size > 0 ? (aMeans[a] as number) / size : 0;
  }
}

/**
 * One pass: x ← M_A x − M_A B γ = x − x̄_a − γ_b + γ̄_a, with γ̄_a (the a-level mean of γ_b) from the cell
 * vectors (into `gammaMeans`). `aMeans` is overwritten with x̄_a − γ̄_a.
 */
function removeEffects(
  s: FactorStructure,
  cells: CellVectors,
  x: Float64Array,
  aMeans: Float64Array,
  gamma: Float64Array,
  gammaMeans: Float64Array,
): void {
  const { n, aCodes, bCodes } = s;
  levelMeansOfEffects(s, cells, gamma, gammaMeans);
  for (let a = 0; a < s.aCount; a++) aMeans[a] = (aMeans[a] as number) - (gammaMeans[a] as number);
  for (let i = 0; i < n; i++)
    x[i] =
      (x[i] as number) - (aMeans[aCodes[i] as number] as number) - (gamma[bCodes[i] as number] as number);
}

/** Balanced panel: one sweep (first-factor means, then second-factor means) is the exact projection. */
function balancedSolver(
  firstCodes: Int32Array,
  firstCount: number,
  secondCodes: Int32Array,
  secondCount: number,
): WithinSolver {
  const n = firstCodes.length;
  const firstSize = new Float64Array(firstCount);
  const secondSize = new Float64Array(secondCount);
  for (let i = 0; i < n; i++) {
    firstSize[firstCodes[i] as number] = (firstSize[firstCodes[i] as number] as number) + 1;
    secondSize[secondCodes[i] as number] = (secondSize[secondCodes[i] as number] as number) + 1;
  }
  const firstSums = new Float64Array(firstCount);
  const secondSums = new Float64Array(secondCount);
  const demeanInPlace = (columns: Float64Array[]): Float64Array[] => {
    for (const column of columns) {
      demeanOnce(column, firstCodes, firstSums, firstSize);
      demeanOnce(column, secondCodes, secondSums, secondSize);
    }
    return columns;
  };
  return {
    method: 'balanced',
    demeanInPlace,
    demean: (columns) => demeanInPlace(columns.map((column) => column.slice())),
    iterations: () => 1,
    aCodes: firstCodes,
    aCount: firstCount,
    bCodes: secondCodes,
    bCount: secondCount,
    // Every a level meets every b level once: the b shift is the b mean of x − x̄_a, (Σ_b x − Σ_a x̄_a)/n_b.
    shifts: (aSums, bSums, p) => {
      const aShift = new Float64Array(firstCount * p);
      const bShift = new Float64Array(secondCount * p);
      for (let k = 0; k < p; k++) {
        let total = 0;
        for (let a = 0; a < firstCount; a++) {
          const size = firstSize[a] as number;
          aShift[a * p + k] = size > 0 ? (aSums[a * p + k] as number) / size : 0;
          total += aShift[a * p + k] as number;
        }
        for (let b = 0; b < secondCount; b++) {
          const size = secondSize[b] as number;
          bShift[b * p + k] = size > 0 ? ((bSums[b * p + k] as number) - total) / size : 0;
        }
      }
      return { aShift, bShift };
    },
  };
}

/** Subtract group means in place. */
function demeanOnce(column: Float64Array, codes: Int32Array, sums: Float64Array, sizes: Float64Array): void {
  sums.fill(0);
  const n = column.length;
  for (let i = 0; i < n; i++) {
    const code = codes[i] as number;
    sums[code] = (sums[code] as number) + (column[i] as number);
  }
  for (let g = 0; g < sums.length; g++) {
    const size = sizes[g] as number;
    sums[g] = size > 0 ? (sums[g] as number) / size : 0;
  }
  for (let i = 0; i < n; i++) column[i] = (column[i] as number) - (sums[codes[i] as number] as number);
}

/**
 * One-shot {@link createWithinSolver}: residualise copies of `inputs` on both factors.
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
  const solver = createWithinSolver(firstCodes, firstCount, secondCodes, secondCount, options);
  const columns = solver.demean(inputs);
  return { columns, iterations: solver.iterations() };
}
