import { MeasureError } from '../errors';
import { chiSquaredSurvival, fSurvival, studentTQuantile, twoSidedPValue } from './distributions';
import { BLOCK_ROWS, blockLeverage, constantValue, crossProducts, residualPass } from './ols-passes';

/**
 * A design matrix stored column by column: `columns[j][i]` is row i of regressor j.
 * Column-major storage lets X'X be accumulated with one tight loop per pair of columns.
 */
export interface DesignMatrix {
  /** Number of rows (observations). */
  n: number;
  /** Number of columns (regressors, intercept included when present). */
  p: number;
  /** `p` columns of length `n`. */
  columns: Float64Array[];
  /** Column names, for messages and output. */
  names: string[];
}

/**
 * Which covariance estimator of the coefficients to use.
 * - `classical`: σ̂²(X'X)⁻¹ with σ̂² = RSS/(n−p).
 * - `HC0`…`HC3`: White's heteroskedasticity-consistent sandwich (X'X)⁻¹ X'ΩX (X'X)⁻¹ with ω_i = e_i² (HC0),
 *   ·n/(n−p) (HC1), e_i²/(1−h_ii) (HC2), e_i²/(1−h_ii)² (HC3) — MacKinnon & White (1985), as R `sandwich::vcovHC`.
 * - `cluster`: CR1, meat Σ_g (X_g'e_g)(X_g'e_g)' scaled by G/(G−1)·(N−1)/(N−K), as Stata, statsmodels
 *   `cov_type='cluster'` and R `sandwich::vcovCL(type = "HC1")`.
 * - `hac`: Newey–West with Bartlett weights 1 − l/(L+1) for lags l = 1…L and no small-sample factor, as statsmodels
 *   `cov_type='HAC', cov_kwds={'maxlags': L}` (default `use_correction=False`) and R `sandwich::NeweyWest(lag = L,
 *   prewhite = FALSE, adjust = FALSE)`. Rows must be in time order.
 */
export type CovarianceSpec =
  | { type: 'classical' }
  | { type: 'HC0' | 'HC1' | 'HC2' | 'HC3' }
  | { type: 'cluster'; clusters: Int32Array | readonly string[] }
  | { type: 'hac'; maxLags: number };

/** Names of the covariance types, for parameter schemas. */
export const COVARIANCE_TYPES = ['classical', 'HC0', 'HC1', 'HC2', 'HC3', 'cluster', 'hac'] as const;

/** Inputs of {@link fitOls}. */
export interface OlsInput {
  design: DesignMatrix;
  y: Float64Array;
  /** Optional positive weights (weighted least squares; robust covariances use √w-scaled rows). */
  weights?: Float64Array;
  /** Covariance estimator; `classical` when omitted. */
  covariance?: CovarianceSpec;
}

/** A fitted least-squares regression. */
export interface OlsFit {
  coefficients: Float64Array;
  standardErrors: Float64Array;
  /** p×p covariance of the coefficients, row-major. */
  covariance: Float64Array;
  /** y − Xβ̂ (unweighted). */
  residuals: Float64Array;
  fitted: Float64Array;
  n: number;
  p: number;
  /** n − p. */
  dfResidual: number;
  /** Residual sum of squares (weighted when weights are given). */
  rss: number;
  /** Centered R² (uncentered when the design has no constant column). */
  rSquared: number;
  names: string[];
  /** Number of clusters, for `cluster` covariances (use G − 1 degrees of freedom for t tests). */
  clusterCount?: number;
}

/** Relative pivot below which a column counts as a linear combination of the previous ones. */
const SINGULAR_TOLERANCE = 1e-10;

/**
 * Cholesky factor (lower, row-major) of a p×p symmetric matrix given as row-major array, on the
 * equilibrated matrix D^{-1/2} A D^{-1/2}; throws MODEL_SINGULAR_DESIGN naming the first dependent column.
 */
function choleskyScaled(
  gram: Float64Array,
  p: number,
  names: readonly string[],
): { lower: Float64Array; scale: Float64Array } {
  const scale = new Float64Array(p);
  for (let j = 0; j < p; j++) {
    const diagonal = gram[j * p + j] as number;
    if (!(diagonal > 0)) {
      throw new MeasureError(
        'MODEL_SINGULAR_DESIGN',
        `singular design: column "${names[j]}" is identically zero (nothing to estimate its coefficient from)`,
        { column: names[j] as string },
      );
    }
    scale[j] = 1 / Math.sqrt(diagonal);
  }
  const lower = new Float64Array(p * p);
  for (let i = 0; i < p; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = (gram[i * p + j] as number) * (scale[i] as number) * (scale[j] as number);
      for (let k = 0; k < j; k++) sum -= (lower[i * p + k] as number) * (lower[j * p + k] as number);
      if (i === j) {
        // sum = 1 − R² of column i on the columns before it
        if (!(sum > SINGULAR_TOLERANCE)) {
          const earlier = names
            .slice(0, i)
            .map((name) => `"${name}"`)
            .join(', ');
          throw new MeasureError(
            'MODEL_SINGULAR_DESIGN',
            `singular design: column "${names[i]}" is (nearly) a linear combination of ${earlier || 'nothing'} ` +
              `(1 − R² = ${sum.toExponential(2)}); drop it or the columns it duplicates`,
            { column: names[i] as string },
          );
        }
        lower[i * p + i] = Math.sqrt(sum);
      } else {
        lower[i * p + j] = sum / (lower[j * p + j] as number);
      }
    }
  }
  return { lower, scale };
}

/** Solve (L L') z = b in place for the scaled system. */
function choleskySolve(lower: Float64Array, p: number, b: Float64Array): void {
  for (let i = 0; i < p; i++) {
    let sum = b[i] as number;
    for (let k = 0; k < i; k++) sum -= (lower[i * p + k] as number) * (b[k] as number);
    b[i] = sum / (lower[i * p + i] as number);
  }
  for (let i = p - 1; i >= 0; i--) {
    let sum = b[i] as number;
    for (let k = i + 1; k < p; k++) sum -= (lower[k * p + i] as number) * (b[k] as number);
    b[i] = sum / (lower[i * p + i] as number);
  }
}

/** (X'X)⁻¹ as a dense p×p matrix from the scaled Cholesky factor (small p only; never used to solve). */
function bread(lower: Float64Array, scale: Float64Array, p: number): Float64Array {
  const inverse = new Float64Array(p * p);
  const column = new Float64Array(p);
  for (let j = 0; j < p; j++) {
    column.fill(0);
    column[j] = 1;
    choleskySolve(lower, p, column);
    for (let i = 0; i < p; i++)
      inverse[i * p + j] = (column[i] as number) * (scale[i] as number) * (scale[j] as number);
  }
  return inverse;
}

/** A·M·A for symmetric p×p row-major A and M. */
function sandwich(a: Float64Array, meat: Float64Array, p: number): Float64Array {
  const temp = new Float64Array(p * p);
  for (let i = 0; i < p; i++)
    for (let j = 0; j < p; j++) {
      let sum = 0;
      for (let k = 0; k < p; k++) sum += (a[i * p + k] as number) * (meat[k * p + j] as number);
      temp[i * p + j] = sum;
    }
  const out = new Float64Array(p * p);
  for (let i = 0; i < p; i++)
    for (let j = 0; j < p; j++) {
      let sum = 0;
      for (let k = 0; k < p; k++) sum += (temp[i * p + k] as number) * (a[k * p + j] as number);
      out[i * p + j] = sum;
    }
  // symmetrize rounding
  for (let i = 0; i < p; i++)
    for (let j = 0; j < i; j++) {
      const mean = ((out[i * p + j] as number) + (out[j * p + i] as number)) / 2;
      out[i * p + j] = mean;
      out[j * p + i] = mean;
    }
  return out;
}

/**
 * Ordinary (or weighted) least squares with a choice of covariance estimator. X'X is accumulated in one
 * pass per column pair and solved by a Cholesky factorization of the equilibrated (unit-diagonal) Gram
 * matrix; a pivot below 1e-10 (1 − R² of a column on the ones before it) raises `MODEL_SINGULAR_DESIGN`
 * naming that column. The coefficient covariance uses (X'X)⁻¹ from the same factor (p is small).
 *
 * @example
 * ```ts
 * const fit = fitOls({ design: { n: 3, p: 2, columns: [Float64Array.of(1, 1, 1), Float64Array.of(0, 1, 2)], names: ['(Intercept)', 'x'] },
 *   y: Float64Array.of(1, 3, 5), covariance: { type: 'HC1' } });
 * fit.coefficients; // [1, 2]
 * ```
 */
export function fitOls(input: OlsInput): OlsFit {
  const { design, y, weights } = input;
  const covarianceSpec = input.covariance ?? { type: 'classical' };
  const { n, p, names } = design;
  if (design.columns.length !== p || names.length !== p) {
    throw new MeasureError(
      'MODEL_PARAMS_INVALID',
      `design has ${design.columns.length} columns and ${names.length} names, expected p = ${p}`,
      {
        parameter: 'design',
      },
    );
  }
  if (y.length !== n) {
    throw new MeasureError('MODEL_PARAMS_INVALID', `outcome has ${y.length} rows, expected n = ${n}`, {
      parameter: 'y',
    });
  }
  if (n <= p) {
    throw new MeasureError(
      'DATA_TOO_FEW_ROWS',
      `regression needs more rows than its ${p} columns, got ${n}`,
      { parameter: 'design' },
    );
  }
  // √w-scaled design and outcome for WLS; the plain arrays otherwise.
  let columns = design.columns;
  let response = y;
  let root: Float64Array | null = null;
  if (weights) {
    if (weights.length !== n)
      throw new MeasureError('MODEL_PARAMS_INVALID', `weights have ${weights.length} rows, expected ${n}`, {
        parameter: 'weights',
      });
    root = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const w = weights[i] as number;
      if (!(w >= 0 && Number.isFinite(w)))
        throw new MeasureError(
          'DATA_NON_FINITE',
          `weight at row ${i} is ${w}, expected a finite number ≥ 0`,
          { column: 'weights', row: i },
        );
      root[i] = Math.sqrt(w);
    }
    const scale = root;
    columns = design.columns.map((column) => column.map((value, i) => value * (scale[i] as number)));
    response = y.map((value, i) => value * (scale[i] as number));
  }

  for (let a = 0; a < p; a++) {
    if ((columns[a] as Float64Array).length !== n) {
      throw new MeasureError(
        'MODEL_PARAMS_INVALID',
        `design column "${names[a]}" has ${(columns[a] as Float64Array).length} rows, expected ${n}`,
        {
          column: names[a] as string,
        },
      );
    }
  }
  // X'X and X'y from one blocked sweep over [X | y]; a constant column enters through column sums only.
  const constants = columns.map((column) => constantValue(column, n));
  const augmented = crossProducts([...columns, response], [...constants, null], n);
  const gram = new Float64Array(p * p);
  const moment = new Float64Array(p);
  for (let a = 0; a < p; a++) {
    for (let b = 0; b < p; b++) gram[a * p + b] = augmented[a * (p + 1) + b] as number;
    moment[a] = augmented[a * (p + 1) + p] as number;
  }
  const { lower, scale } = choleskyScaled(gram, p, names);
  const coefficients = new Float64Array(p);
  for (let j = 0; j < p; j++) coefficients[j] = (moment[j] as number) * (scale[j] as number);
  choleskySolve(lower, p, coefficients);
  for (let j = 0; j < p; j++) coefficients[j] = (coefficients[j] as number) * (scale[j] as number);

  // Fitted values and residuals (unweighted scale) in one blocked pass; the estimators use √w·e.
  const designConstants = weights ? design.columns.map((column) => constantValue(column, n)) : constants;
  const { fitted, residuals, rss } = residualPass(design.columns, designConstants, coefficients, y, root, n);
  const rootWeights = root;
  const weightedResidual = (i: number): number =>
    rootWeights ? (residuals[i] as number) * (rootWeights[i] as number) : (residuals[i] as number);
  const hasConstant = designConstants.some((value) => value !== null && value !== 0);
  const rSquared = computeRSquared(hasConstant, y, weights, rss, n);
  const dfResidual = n - p;
  const xtxInverse = bread(lower, scale, p);

  let covariance: Float64Array;
  let clusterCount: number | undefined;
  switch (covarianceSpec.type) {
    case 'classical': {
      const sigma2 = rss / dfResidual;
      covariance = xtxInverse.map((value) => value * sigma2);
      break;
    }
    case 'HC0':
    case 'HC1':
    case 'HC2':
    case 'HC3': {
      const power = covarianceSpec.type === 'HC2' ? 1 : covarianceSpec.type === 'HC3' ? 2 : 0;
      const leverage = power > 0 ? new Float64Array(BLOCK_ROWS) : null;
      const scratch = power > 0 ? new Float64Array(BLOCK_ROWS) : null;
      // ω_i = (√w e_i)², over (1 − h_ii) (HC2) or (1 − h_ii)² (HC3), computed block by block for the meat.
      const fillOmega = (start: number, end: number, omega: Float64Array): void => {
        for (let i = start; i < end; i++) omega[i - start] = weightedResidual(i) ** 2;
        if (leverage && scratch) {
          blockLeverage(columns, constants, xtxInverse, start, end, leverage, scratch);
          for (let i = 0; i < end - start; i++)
            omega[i] = (omega[i] as number) / (1 - (leverage[i] as number)) ** power;
        }
      };
      covariance = sandwich(xtxInverse, crossProducts(columns, constants, n, fillOmega), p);
      if (covarianceSpec.type === 'HC1') {
        const factor = n / dfResidual;
        covariance = covariance.map((value) => value * factor);
      }
      break;
    }
    case 'cluster': {
      const { ids, count } = clusterIds(covarianceSpec.clusters, n);
      if (count < 2) {
        throw new MeasureError(
          'DATA_EMPTY_GROUP',
          `cluster-robust covariance needs at least 2 clusters, found ${count}`,
          { parameter: 'clusters' },
        );
      }
      const scores = new Float64Array(count * p);
      for (let j = 0; j < p; j++) {
        const column = columns[j] as Float64Array;
        for (let i = 0; i < n; i++) {
          const g = ids[i] as number;
          scores[g * p + j] = (scores[g * p + j] as number) + (column[i] as number) * weightedResidual(i);
        }
      }
      const meat = new Float64Array(p * p);
      for (let g = 0; g < count; g++)
        for (let a = 0; a < p; a++) {
          const sa = scores[g * p + a] as number;
          for (let b = 0; b < p; b++)
            meat[a * p + b] = (meat[a * p + b] as number) + sa * (scores[g * p + b] as number);
        }
      const factor = (count / (count - 1)) * ((n - 1) / (n - p));
      covariance = sandwich(xtxInverse, meat, p).map((value) => value * factor);
      clusterCount = count;
      break;
    }
    case 'hac': {
      const maxLags = covarianceSpec.maxLags;
      if (!(Number.isInteger(maxLags) && maxLags >= 0 && maxLags < n)) {
        throw new MeasureError(
          'MODEL_PARAMS_INVALID',
          `HAC maxLags must be an integer in [0, ${n - 1}], got ${maxLags}`,
          { parameter: 'maxLags' },
        );
      }
      const scores: Float64Array[] = columns.map((column) =>
        column.map((value, i) => value * weightedResidual(i)),
      );
      const meat = new Float64Array(p * p);
      for (let lag = 0; lag <= maxLags; lag++) {
        const weight = lag === 0 ? 1 : 1 - lag / (maxLags + 1);
        for (let a = 0; a < p; a++) {
          const sa = scores[a] as Float64Array;
          for (let b = 0; b < p; b++) {
            const sb = scores[b] as Float64Array;
            let sum = 0;
            for (let i = lag; i < n; i++) sum += (sa[i] as number) * (sb[i - lag] as number);
            // Γ_l + Γ_l' for l > 0
            meat[a * p + b] = (meat[a * p + b] as number) + weight * sum;
            if (lag > 0) meat[b * p + a] = (meat[b * p + a] as number) + weight * sum;
          }
        }
      }
      covariance = sandwich(xtxInverse, meat, p);
      break;
    }
  }
  const standardErrors = new Float64Array(p);
  for (let j = 0; j < p; j++) standardErrors[j] = Math.sqrt(Math.max(0, covariance[j * p + j] as number));
  return {
    coefficients,
    standardErrors,
    covariance,
    residuals,
    fitted,
    n,
    p,
    dfResidual,
    rss,
    rSquared,
    names: [...names],
    ...(clusterCount === undefined ? {} : { clusterCount }),
  };
}

/** Centered R² (weighted mean and weights for WLS, as statsmodels); uncentered without a constant column. */
function computeRSquared(
  hasConstant: boolean,
  y: Float64Array,
  weights: Float64Array | undefined,
  rss: number,
  n: number,
): number {
  let mean = 0;
  if (hasConstant) {
    let weightSum = 0;
    for (let i = 0; i < n; i++) {
      const w = weights ? (weights[i] as number) : 1;
      mean += w * (y[i] as number);
      weightSum += w;
    }
    mean /= weightSum;
  }
  let total = 0;
  for (let i = 0; i < n; i++)
    total += (weights ? (weights[i] as number) : 1) * ((y[i] as number) - mean) ** 2;
  return total > 0 ? 1 - rss / total : 0;
}

function clusterIds(clusters: Int32Array | readonly string[], n: number): { ids: Int32Array; count: number } {
  if (clusters.length !== n) {
    throw new MeasureError('MODEL_PARAMS_INVALID', `clusters have ${clusters.length} rows, expected ${n}`, {
      parameter: 'clusters',
    });
  }
  const map = new Map<string | number, number>();
  const ids = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const key = clusters[i] as string | number;
    let id = map.get(key);
    if (id === undefined) {
      id = map.size;
      map.set(key, id);
    }
    ids[i] = id;
  }
  return { ids, count: map.size };
}

/** Inference for one coefficient. */
export interface CoefficientInference {
  estimate: number;
  standardError: number;
  /** estimate / standardError. */
  statistic: number;
  pValue: number;
  ciLower: number;
  ciUpper: number;
}

/**
 * t-based (or normal, with `df = Infinity`) inference for coefficient `index` of a fit:
 * estimate ± t_{1−α/2, df}·SE and the two-sided p-value. `df` defaults to the residual df.
 *
 * @example
 * ```ts
 * const { ciLower, ciUpper, pValue } = coefficientInference(fit, 1, 0.95);
 * ```
 */
export function coefficientInference(
  fit: OlsFit,
  index: number,
  ciLevel: number,
  df: number = fit.dfResidual,
): CoefficientInference {
  const estimate = fit.coefficients[index];
  const standardError = fit.standardErrors[index];
  if (estimate === undefined || standardError === undefined) {
    throw new MeasureError(
      'MODEL_PARAMS_INVALID',
      `coefficient index ${index} out of range [0, ${fit.p - 1}]`,
      { parameter: 'index' },
    );
  }
  return inferenceFromEstimate(estimate, standardError, ciLevel, df);
}

/**
 * Interval and p-value for an estimate with a known standard error, using t with `df` (Infinity: normal).
 *
 * @example
 * ```ts
 * inferenceFromEstimate(2, 1, 0.95, Infinity); // { ciLower: 0.04, ciUpper: 3.96, pValue: 0.0455, … }
 * ```
 */
export function inferenceFromEstimate(
  estimate: number,
  standardError: number,
  ciLevel: number,
  df: number,
): CoefficientInference {
  const critical = studentTQuantile(1 - (1 - ciLevel) / 2, df);
  const statistic =
    standardError > 0
      ? estimate / standardError
      : estimate === 0
        ? 0
        : Math.sign(estimate) * Number.POSITIVE_INFINITY;
  const pValue = standardError > 0 ? twoSidedPValue(statistic, df) : estimate === 0 ? 1 : 0;
  return {
    estimate,
    standardError,
    statistic,
    pValue,
    ciLower: estimate - critical * standardError,
    ciUpper: estimate + critical * standardError,
  };
}

/** Result of a joint Wald test. */
export interface WaldTest {
  /** χ² statistic β_R'V_R⁻¹β_R (or that divided by q for the F form). */
  statistic: number;
  /** Number of restrictions q. */
  df: number;
  /** Denominator df of the F form; absent for χ². */
  dfDenominator?: number;
  pValue: number;
  distribution: 'chi2' | 'F';
}

/**
 * Joint Wald test that the coefficients at `indices` are all zero, using the fit's covariance. With
 * `dfDenominator` finite the statistic is W/q referred to F(q, dfDenominator); with `Infinity` (default)
 * W is referred to χ²(q). The quadratic form is solved by Cholesky, not by inversion.
 *
 * @example
 * ```ts
 * waldTest(fit, [2, 3], fit.dfResidual); // F test that β₂ = β₃ = 0
 * ```
 */
export function waldTest(
  fit: OlsFit,
  indices: readonly number[],
  dfDenominator: number = Number.POSITIVE_INFINITY,
): WaldTest {
  const q = indices.length;
  if (q === 0)
    throw new MeasureError('MODEL_PARAMS_INVALID', 'Wald test needs at least one coefficient', {
      parameter: 'indices',
    });
  const sub = new Float64Array(q * q);
  const beta = new Float64Array(q);
  for (let a = 0; a < q; a++) {
    const ia = indices[a] as number;
    if (!(ia >= 0 && ia < fit.p))
      throw new MeasureError('MODEL_PARAMS_INVALID', `coefficient index ${ia} out of range`, {
        parameter: 'indices',
      });
    beta[a] = fit.coefficients[ia] as number;
    for (let b = 0; b < q; b++)
      sub[a * q + b] = fit.covariance[ia * fit.p + (indices[b] as number)] as number;
  }
  const names = indices.map((index) => fit.names[index] ?? String(index));
  const { lower, scale } = choleskyScaled(sub, q, names);
  const solved = beta.map((value, j) => value * (scale[j] as number));
  choleskySolve(lower, q, solved);
  let chi2 = 0;
  for (let j = 0; j < q; j++) chi2 += (beta[j] as number) * (solved[j] as number) * (scale[j] as number);
  if (dfDenominator === Number.POSITIVE_INFINITY) {
    return { statistic: chi2, df: q, pValue: chiSquaredSurvival(chi2, q), distribution: 'chi2' };
  }
  const f = chi2 / q;
  return { statistic: f, df: q, dfDenominator, pValue: fSurvival(f, q, dfDenominator), distribution: 'F' };
}

/**
 * Least squares from sufficient statistics: solve X'X β = X'y with the same equilibrated Cholesky as
 * {@link fitOls} (same singular-design errors) and return β with (X'X)⁻¹. Used when X'X and X'y are
 * accumulated elsewhere, e.g. as SQL aggregates inside a database.
 *
 * @param gram X'X, p×p row-major.
 * @param moment X'y, length p.
 * @example
 * ```ts
 * const { coefficients } = solveCrossProducts(Float64Array.of(3, 3, 3, 5), Float64Array.of(9, 13), ['(Intercept)', 'x']);
 * ```
 */
export function solveCrossProducts(
  gram: Float64Array,
  moment: Float64Array,
  names: readonly string[],
): { coefficients: Float64Array; xtxInverse: Float64Array } {
  const p = names.length;
  const { lower, scale } = choleskyScaled(gram, p, names);
  const coefficients = new Float64Array(p);
  for (let j = 0; j < p; j++) coefficients[j] = (moment[j] as number) * (scale[j] as number);
  choleskySolve(lower, p, coefficients);
  for (let j = 0; j < p; j++) coefficients[j] = (coefficients[j] as number) * (scale[j] as number);
  return { coefficients, xtxInverse: bread(lower, scale, p) };
}

/**
 * The sandwich (X'X)⁻¹ M (X'X)⁻¹ of {@link fitOls}'s robust covariances, for a meat M accumulated
 * elsewhere (Σ ω_i x_i x_i' for HC0–HC3, Σ_g s_g s_g' for clusters). Small-sample factors are the caller's.
 *
 * @example
 * ```ts
 * const covariance = sandwichCovariance(xtxInverse, meat, p);
 * ```
 */
export function sandwichCovariance(xtxInverse: Float64Array, meat: Float64Array, p: number): Float64Array {
  return sandwich(xtxInverse, meat, p);
}
