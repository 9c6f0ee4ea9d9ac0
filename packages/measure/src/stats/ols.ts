import { MeasureError } from '../errors';
import { bread, choleskyScaled, choleskySolve } from './ols-cholesky';
import { coefficientCovariance } from './ols-covariance';
import { constantValue, crossProducts, residualPass } from './ols-passes';
import type { DesignMatrix, OlsFit, OlsInput } from './ols-types';

export { solveCrossProducts } from './ols-cholesky';
export { sandwichCovariance } from './ols-covariance';
export {
  type CoefficientInference,
  coefficientInference,
  inferenceFromEstimate,
  type WaldTest,
  waldTest,
} from './ols-inference';
export {
  COVARIANCE_TYPES,
  type CovarianceSpec,
  type DesignMatrix,
  type OlsFit,
  type OlsInput,
} from './ols-types';

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
  const { columns, response, root } = scaleByRootWeights(design, y, weights);

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

  const { covariance, clusterCount } = coefficientCovariance(covarianceSpec, {
    columns,
    constants,
    xtxInverse,
    weightedResidual,
    rss,
    n,
    p,
    dfResidual,
  });
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

/** √w-scaled design and outcome for WLS; the plain arrays (and no root weights) otherwise. */
function scaleByRootWeights(
  design: DesignMatrix,
  y: Float64Array,
  weights: Float64Array | undefined,
): { columns: Float64Array[]; response: Float64Array; root: Float64Array | null } {
  const n = design.n;
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
  return { columns, response, root };
}
