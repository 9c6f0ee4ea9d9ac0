import { CholeskyDecomposition, Matrix } from 'ml-matrix';
import { MeasureError } from '../../errors';

/** Result of {@link simplexLeastSquares}. */
export interface SimplexLeastSquaresResult {
  /** Optimal weights: non-negative, summing to one. */
  weights: Float64Array;
  /** ‖y − Xw‖² at the optimum, from the Gram form yy − 2b'w + w'Gw. */
  loss: number;
  iterations: number;
}

/**
 * Minimise ‖y − Xw‖² over the probability simplex {w ≥ 0, Σw = 1}, given the Gram matrix G = X'X (J×J,
 * row-major), b = X'y and yy = y'y — the synthetic-control donor-weight problem (Abadie, Diamond &
 * Hainmueller 2010, outcome-only V). Primal active-set method for convex QP (Nocedal & Wright 2006, §16.5):
 * start from the best single donor; on the free set P solve the equality-constrained problem
 * G_PP z + ν1 = b_P, 1'z = 1 by Cholesky (z = G⁻¹(b − ν1), ν chosen so 1'z = 1); if z leaves the simplex, step
 * to the boundary and drop the blocking donor; otherwise add the donor with the most negative reduced gradient
 * (G w − b)_j + ν until all KKT conditions hold. The result is the exact optimum (up to rounding), unlike a
 * fixed number of first-order iterations. A ridge of 1e−10·mean(diag G) is added only when G_PP is singular
 * (more free donors than informative periods), which selects one of the equally good solutions.
 *
 * @example
 * ```ts
 * const { weights } = simplexLeastSquares(gram, moment, yy, donorCount);
 * ```
 */
export function simplexLeastSquares(
  gram: Float64Array,
  moment: Float64Array,
  yy: number,
  size: number,
  maxIterations = 50 * size + 100,
): SimplexLeastSquaresResult {
  if (size < 1)
    throw new MeasureError('DATA_TOO_FEW_DONORS', 'synthetic control needs at least one donor', {
      parameter: 'donors',
    });
  let diagonalMean = 0;
  let best = 0;
  let bestLoss = Number.POSITIVE_INFINITY;
  for (let j = 0; j < size; j++) {
    const gjj = gram[j * size + j] as number;
    diagonalMean += gjj / size;
    const loss = gjj - 2 * (moment[j] as number);
    if (loss < bestLoss) {
      bestLoss = loss;
      best = j;
    }
  }
  const tolerance = 1e-12 * Math.max(diagonalMean, 1e-300);
  const weights = new Float64Array(size);
  weights[best] = 1;
  const free: number[] = [best];
  const gradient = new Float64Array(size);
  let lastEntered = -1;

  for (let iteration = 1; iteration <= maxIterations; iteration++) {
    const { solution, multiplier } = solveEqualityProblem(gram, moment, size, free, diagonalMean);
    let feasible = true;
    for (let a = 0; a < free.length; a++) if ((solution[a] as number) <= 0) feasible = false;
    if (feasible) {
      weights.fill(0);
      free.forEach((j, a) => {
        weights[j] = solution[a] as number;
      });
      // Reduced gradient of the Lagrangian for donors outside the free set.
      computeGradient(gram, moment, size, weights, free, gradient);
      let entering = -1;
      let mostNegative = -tolerance * 1e2;
      for (let j = 0; j < size; j++) {
        if (weights[j] !== 0 || free.includes(j)) continue;
        const reduced = (gradient[j] as number) + multiplier;
        if (reduced < mostNegative) {
          mostNegative = reduced;
          entering = j;
        }
      }
      if (entering < 0)
        return { weights, loss: lossAt(gram, moment, yy, size, weights, free), iterations: iteration };
      free.push(entering);
      lastEntered = entering;
      continue;
    }
    // Step from the current (feasible) weights towards z until the first weight hits zero.
    let step = 1;
    let blocking = -1;
    free.forEach((j, a) => {
      const current = weights[j] as number;
      const target = solution[a] as number;
      if (target <= 0 && current - target > 0) {
        const ratio = current / (current - target);
        if (ratio < step) {
          step = ratio;
          blocking = j;
        }
      }
    });
    if (step === 0 && blocking === lastEntered) {
      // Degenerate: the entering donor cannot take positive weight, so the previous point was optimal.
      const previous = free.filter((j) => j !== lastEntered);
      return { weights, loss: lossAt(gram, moment, yy, size, weights, previous), iterations: iteration };
    }
    free.forEach((j, a) => {
      weights[j] = (weights[j] as number) + step * ((solution[a] as number) - (weights[j] as number));
    });
    for (let a = free.length - 1; a >= 0; a--) {
      const j = free[a] as number;
      if (j === blocking || (weights[j] as number) <= 1e-15) {
        weights[j] = 0;
        free.splice(a, 1);
      }
    }
    if (free.length === 0) {
      free.push(best);
      weights[best] = 1;
    }
  }
  throw new MeasureError(
    'MODEL_NO_CONVERGENCE',
    `donor-weight optimisation did not converge in ${maxIterations} active-set iterations`,
    { parameter: 'donors' },
  );
}

function solveEqualityProblem(
  gram: Float64Array,
  moment: Float64Array,
  size: number,
  free: number[],
  diagonalMean: number,
) {
  const m = free.length;
  const sub = new Matrix(m, m);
  for (let a = 0; a < m; a++)
    for (let c = 0; c < m; c++)
      sub.set(a, c, gram[(free[a] as number) * size + (free[c] as number)] as number);
  let cholesky = new CholeskyDecomposition(sub);
  if (!cholesky.isPositiveDefinite()) {
    for (let a = 0; a < m; a++) sub.set(a, a, sub.get(a, a) + 1e-10 * diagonalMean);
    cholesky = new CholeskyDecomposition(sub);
  }
  const rhs = new Matrix(m, 2);
  for (let a = 0; a < m; a++) {
    rhs.set(a, 0, moment[free[a] as number] as number);
    rhs.set(a, 1, 1);
  }
  const solved = cholesky.solve(rhs); // [G⁻¹b, G⁻¹1]
  let sumGb = 0;
  let sumG1 = 0;
  for (let a = 0; a < m; a++) {
    sumGb += solved.get(a, 0);
    sumG1 += solved.get(a, 1);
  }
  const multiplier = (sumGb - 1) / sumG1;
  const solution = new Float64Array(m);
  for (let a = 0; a < m; a++) solution[a] = solved.get(a, 0) - multiplier * solved.get(a, 1);
  return { solution, multiplier };
}

function computeGradient(
  gram: Float64Array,
  moment: Float64Array,
  size: number,
  weights: Float64Array,
  free: number[],
  out: Float64Array,
): void {
  for (let j = 0; j < size; j++) {
    let sum = -(moment[j] as number);
    for (const k of free) sum += (gram[j * size + k] as number) * (weights[k] as number);
    out[j] = sum;
  }
}

function lossAt(
  gram: Float64Array,
  moment: Float64Array,
  yy: number,
  size: number,
  weights: Float64Array,
  free: number[],
): number {
  let quadratic = 0;
  let linear = 0;
  for (const j of free) {
    linear += (moment[j] as number) * (weights[j] as number);
    for (const k of free)
      quadratic += (weights[j] as number) * (gram[j * size + k] as number) * (weights[k] as number);
  }
  return Math.max(0, yy - 2 * linear + quadratic);
}
