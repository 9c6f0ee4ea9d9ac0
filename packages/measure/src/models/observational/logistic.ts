import { MeasureError } from '../../errors';

/** Result of {@link logisticRegression}. */
export interface LogisticFit {
  /** Coefficients in the order of the design columns. */
  coefficients: Float64Array;
  /** Fitted probabilities P(y = 1 | x). */
  probabilities: Float64Array;
  /** Inverse Fisher information (X'WX)⁻¹, p×p row-major: the model-based covariance of the coefficients. */
  covariance: Float64Array;
  /** −2 log-likelihood at the optimum. */
  deviance: number;
  iterations: number;
  names: string[];
}

/** Inputs of {@link logisticRegression}: a column-major design (include an intercept column yourself). */
export interface LogisticInput {
  n: number;
  columns: Float64Array[];
  names: string[];
  y: Uint8Array;
  /** Convergence tolerance on the relative change of the deviance (default 1e-10). */
  tolerance?: number;
  /** Newton iteration cap (default 50). */
  maxIterations?: number;
  /** Name of the response, for error messages. */
  response?: string;
}

/** Cholesky factor (lower, row-major) of a symmetric positive-definite p×p matrix, or null when not SPD. */
function cholesky(matrix: Float64Array, p: number): Float64Array | null {
  const lower = new Float64Array(p * p);
  for (let j = 0; j < p; j++) {
    let diagonal = matrix[j * p + j] as number;
    for (let k = 0; k < j; k++) diagonal -= (lower[j * p + k] as number) ** 2;
    if (!(diagonal > 1e-12 * Math.max(1, Math.abs(matrix[j * p + j] as number)))) return null;
    const root = Math.sqrt(diagonal);
    lower[j * p + j] = root;
    for (let i = j + 1; i < p; i++) {
      let sum = matrix[i * p + j] as number;
      for (let k = 0; k < j; k++) sum -= (lower[i * p + k] as number) * (lower[j * p + k] as number);
      lower[i * p + j] = sum / root;
    }
  }
  return lower;
}

/** Solve (LL')x = b for x given the Cholesky factor L. */
function choleskySolve(lower: Float64Array, p: number, rhs: Float64Array): Float64Array {
  const z = new Float64Array(p);
  for (let i = 0; i < p; i++) {
    let sum = rhs[i] as number;
    for (let k = 0; k < i; k++) sum -= (lower[i * p + k] as number) * (z[k] as number);
    z[i] = sum / (lower[i * p + i] as number);
  }
  const x = new Float64Array(p);
  for (let i = p - 1; i >= 0; i--) {
    let sum = z[i] as number;
    for (let k = i + 1; k < p; k++) sum -= (lower[k * p + i] as number) * (x[k] as number);
    x[i] = sum / (lower[i * p + i] as number);
  }
  return x;
}

/**
 * Solve the SPD system `matrix · x = rhs` (p×p row-major) by Cholesky; null when the matrix is not
 * positive definite. Used for the information matrix of the logistic model and the M-estimation sandwich.
 *
 * @example
 * ```ts
 * solveSpd(Float64Array.of(2, 0, 0, 4), 2, Float64Array.of(2, 4)); // Float64Array [1, 1]
 * ```
 */
export function solveSpd(matrix: Float64Array, p: number, rhs: Float64Array): Float64Array | null {
  const lower = cholesky(matrix, p);
  return lower === null ? null : choleskySolve(lower, p, rhs);
}

function logLikelihoodTerm(eta: number, y: number): number {
  // log P(y | eta) = y·eta − log(1 + e^eta), computed without overflow.
  const softplus = eta > 0 ? eta + Math.log1p(Math.exp(-eta)) : Math.log1p(Math.exp(eta));
  return y * eta - softplus;
}

function sigmoid(eta: number): number {
  return eta >= 0 ? 1 / (1 + Math.exp(-eta)) : Math.exp(eta) / (1 + Math.exp(eta));
}

/**
 * Maximum-likelihood logistic regression by Newton–Raphson (= IRLS) with step halving: each step solves
 * (X'WX) δ = X'(y − p) by Cholesky (W = diag p(1 − p)) and is halved until the log-likelihood does not
 * decrease. Matches R `glm(family = binomial)` and statsmodels `Logit` to ~1e-8.
 *
 * Complete or quasi-complete separation (some linear combination of the covariates predicts the 0/1
 * response perfectly, so the MLE does not exist) is detected when fitted probabilities reach 0 or 1
 * within 1e-10 or coefficients keep growing, and raises `MODEL_NO_CONVERGENCE`; a rank-deficient design
 * raises `MODEL_SINGULAR_DESIGN`.
 *
 * @example
 * ```ts
 * const fit = logisticRegression({ n: 4, columns: [Float64Array.of(1, 1, 1, 1), Float64Array.of(0, 1, 2, 3)], names: ['(Intercept)', 'x'], y: Uint8Array.of(0, 1, 0, 1) });
 * fit.probabilities; // P(y = 1 | x) per row
 * ```
 */
export function logisticRegression(input: LogisticInput): LogisticFit {
  const { n, columns, names, y } = input;
  const p = columns.length;
  const tolerance = input.tolerance ?? 1e-10;
  const maxIterations = input.maxIterations ?? 50;
  const response = input.response ?? 'treatment';
  const beta = new Float64Array(p);
  const eta = new Float64Array(n);
  let ones = 0;
  for (let i = 0; i < n; i++) ones += y[i] as number;
  if (ones === 0 || ones === n) {
    throw new MeasureError(
      'DATA_EMPTY_GROUP',
      `"${response}" has ${ones} ones and ${n - ones} zeros; logistic regression needs both`,
      { column: response },
    );
  }
  // Start at the intercept-only fit when column 0 is constant (faster, and exact for it).
  const meanY = ones / n;
  if (p > 0 && (columns[0] as Float64Array).every((value) => value === 1)) {
    beta[0] = Math.log(meanY / (1 - meanY));
    eta.fill(beta[0]);
  }
  const logLik = (linear: Float64Array) => {
    let total = 0;
    for (let i = 0; i < n; i++) total += logLikelihoodTerm(linear[i] as number, y[i] as number);
    return total;
  };
  let current = logLik(eta);
  const information = new Float64Array(p * p);
  const score = new Float64Array(p);
  const weight = new Float64Array(n);
  const residual = new Float64Array(n);
  let iterations = 0;
  let converged = false;
  const computeInformation = () => {
    for (let i = 0; i < n; i++) {
      const prob = sigmoid(eta[i] as number);
      weight[i] = prob * (1 - prob);
      residual[i] = (y[i] as number) - prob;
    }
    for (let a = 0; a < p; a++) {
      const xa = columns[a] as Float64Array;
      let s = 0;
      for (let i = 0; i < n; i++) s += (xa[i] as number) * (residual[i] as number);
      score[a] = s;
      for (let b = 0; b <= a; b++) {
        const xb = columns[b] as Float64Array;
        let sum = 0;
        for (let i = 0; i < n; i++) sum += (xa[i] as number) * (xb[i] as number) * (weight[i] as number);
        information[a * p + b] = sum;
        information[b * p + a] = sum;
      }
    }
  };
  const trial = new Float64Array(n);
  while (iterations < maxIterations) {
    iterations++;
    computeInformation();
    const lower = cholesky(information, p);
    if (lower === null) {
      if (iterations === 1) {
        throw new MeasureError(
          'MODEL_SINGULAR_DESIGN',
          `propensity design is singular (collinear or constant covariates among ${names.join(', ')})`,
          { parameter: 'covariates' },
        );
      }
      throw separationError(response);
    }
    const step = choleskySolve(lower, p, score);
    let scale = 1;
    let next = Number.NEGATIVE_INFINITY;
    for (let halving = 0; halving < 30; halving++) {
      trial.fill(0);
      for (let a = 0; a < p; a++) {
        const delta = scale * (step[a] as number);
        const xa = columns[a] as Float64Array;
        for (let i = 0; i < n; i++) trial[i] = (trial[i] as number) + delta * (xa[i] as number);
      }
      for (let i = 0; i < n; i++) trial[i] = (trial[i] as number) + (eta[i] as number);
      next = logLik(trial);
      if (next >= current - 1e-12 * Math.abs(current)) break;
      scale /= 2;
    }
    for (let a = 0; a < p; a++) beta[a] = (beta[a] as number) + scale * (step[a] as number);
    eta.set(trial);
    const change = Math.abs(next - current);
    current = next;
    if (change <= tolerance * (Math.abs(current) + 0.1)) {
      converged = true;
      break;
    }
  }
  const probabilities = new Float64Array(n);
  let extreme = 0;
  for (let i = 0; i < n; i++) {
    const prob = sigmoid(eta[i] as number);
    probabilities[i] = prob;
    if (prob < 1e-10 || prob > 1 - 1e-10) extreme++;
  }
  if (!converged || extreme > 0) throw separationError(response, extreme);
  computeInformation();
  const covariance = new Float64Array(p * p);
  const lower = cholesky(information, p);
  if (lower === null) throw separationError(response);
  for (let j = 0; j < p; j++) {
    const unit = new Float64Array(p);
    unit[j] = 1;
    const column = choleskySolve(lower, p, unit);
    for (let i = 0; i < p; i++) covariance[i * p + j] = column[i] as number;
  }
  return { coefficients: beta, probabilities, covariance, deviance: -2 * current, iterations, names };
}

function separationError(response: string, extreme?: number): MeasureError {
  const detail =
    extreme !== undefined && extreme > 0 ? ` (${extreme} rows have fitted probability 0 or 1)` : '';
  return new MeasureError(
    'MODEL_NO_CONVERGENCE',
    `logistic regression of "${response}" did not converge: the covariates (quasi-)perfectly separate treated from control rows${detail}, so propensity scores of 0 or 1 leave no overlap; drop or coarsen the separating covariates`,
    { column: response, parameter: 'covariates' },
  );
}
