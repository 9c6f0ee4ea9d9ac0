import { MeasureError } from '../errors';
import { bread, choleskyScaled, choleskySolve } from './ols-cholesky';
import { coefficientCovariance } from './ols-covariance';
import { type CentredBasis, constantValue, type MeatRequest, momentPass, residualPass } from './ols-passes';
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
 * Ordinary (or weighted) least squares with a choice of covariance estimator, in two blocked reads of the
 * data. With a constant column (the intercept) the other columns and y are centred about their (weighted)
 * means on the fly, so X'X is accumulated in a well-conditioned basis whatever the columns' offsets; the
 * equilibrated (unit-diagonal) Gram matrix is solved by Cholesky, and a pivot below 1e-10 (1 − R² of a
 * column on the ones before it) raises `MODEL_SINGULAR_DESIGN` naming that column. Coefficients and
 * covariances are mapped back to the design's own columns at the end (an exact change of basis).
 *
 * @example
 * ```ts
 * const fit = fitOls({ design: { n: 3, p: 2, columns: [Float64Array.of(1, 1, 1), Float64Array.of(0, 1, 2)], names: ['(Intercept)', 'x'] },
 *   y: Float64Array.of(1, 3, 5), covariance: { type: 'HC1' } });
 * fit.coefficients; // [1, 2]
 * ```
 */
export function fitOls(input: OlsInput): OlsFit {
  const { design, y } = input;
  const covarianceSpec = input.covariance ?? { type: 'classical' };
  const { n, p, names } = design;
  checkShapes(design, y);
  const weights = checkedWeights(input.weights, n);
  const basis = centredBasis(design);
  const { varying, constantIndex, constant, shifts } = basis;
  const q = varying.length;
  const k = q + 1;
  // Pass one: (weighted) means and centred cross products of [varying columns | y].
  const moments = momentPass(
    [...varying.map((j) => design.columns[j] as Float64Array), y],
    weights,
    n,
    constantIndex >= 0,
  );
  // X̃'WX̃ and X̃'Wy in the centred basis: the constant column is orthogonal to the centred ones.
  const gram = new Float64Array(p * p);
  const moment = new Float64Array(p);
  for (let s = 0; s < q; s++) {
    const a = varying[s] as number;
    shifts[a] = constantIndex >= 0 ? (moments.means[s] as number) : 0;
    for (let t = 0; t < q; t++) gram[a * p + (varying[t] as number)] = moments.products[s * k + t] as number;
    moment[a] = moments.products[s * k + q] as number;
  }
  if (constantIndex >= 0) {
    gram[constantIndex * p + constantIndex] = constant * constant * moments.weightSum;
    moment[constantIndex] = constant * moments.weightSum * (moments.means[q] as number);
  }
  const { lower, scale } = choleskyScaled(gram, p, names);
  const centredBeta = new Float64Array(p);
  for (let j = 0; j < p; j++) centredBeta[j] = (moment[j] as number) * (scale[j] as number);
  choleskySolve(lower, p, centredBeta);
  for (let j = 0; j < p; j++) centredBeta[j] = (centredBeta[j] as number) * (scale[j] as number);
  const inverse = bread(lower, scale, p);

  // Pass two: fitted values, residuals (unweighted scale) and, for HC0–HC3, the robust meat.
  const type = covarianceSpec.type;
  const robust = type === 'HC0' || type === 'HC1' || type === 'HC2' || type === 'HC3';
  const power = type === 'HC2' ? 1 : type === 'HC3' ? 2 : 0;
  // Cluster and HAC covariances need the residuals now; otherwise they are materialised on first access.
  const eager = type === 'cluster' || type === 'hac';
  const request: MeatRequest | undefined = robust ? { power, inverse } : undefined;
  const pass = residualPass(basis, centredBeta, y, weights, n, request, eager);
  const { residuals, rss } = pass;
  // Σ w (y − ȳ)² with a constant column (weighted mean, as statsmodels), Σ w y² without.
  const total = moments.products[q * k + q] as number;
  const rSquared = total > 0 ? 1 - rss / total : 0;
  const dfResidual = n - p;
  const centred = coefficientCovariance(covarianceSpec, {
    basis,
    inverse,
    ...(pass.meat ? { meat: pass.meat } : {}),
    residuals,
    weights,
    rss,
    n,
    p,
    dfResidual,
  });
  const { coefficients, covariance } = fromCentred(basis, centredBeta, centred.covariance);
  const standardErrors = new Float64Array(p);
  for (let j = 0; j < p; j++) standardErrors[j] = Math.sqrt(Math.max(0, covariance[j * p + j] as number));
  const fit: OlsFit = {
    coefficients,
    standardErrors,
    covariance,
    residuals,
    fitted: pass.fitted,
    n,
    p,
    dfResidual,
    rss,
    rSquared,
    names: [...names],
    ...(centred.clusterCount === undefined ? {} : { clusterCount: centred.clusterCount }),
  };
  if (pass.residuals.length !== n)
    materialiseOnAccess(fit, () => residualPass(basis, centredBeta, y, weights, n));
  return fit;
}

/**
 * Make `fit.residuals` and `fit.fitted` compute on first access (both in one more read of the design and y,
 * by the same kernel arithmetic, so the values are those an eager pass would have written), then become
 * plain properties. Like statsmodels' `resid` / `fittedvalues`: the inputs must not change in between.
 */
function materialiseOnAccess(
  fit: OlsFit,
  compute: () => { residuals: Float64Array; fitted: Float64Array },
): void {
  let values: { residuals: Float64Array; fitted: Float64Array } | undefined;
  const plain = (target: object, key: 'residuals' | 'fitted', value: Float64Array) =>
    Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
  // `this`, not `fit`: an object built from the fit's property descriptors settles on itself, sharing the
  // one computation.
  const accessor = (key: 'residuals' | 'fitted'): PropertyDescriptor => ({
    get(this: object) {
      values ??= compute();
      plain(this, 'residuals', values.residuals);
      plain(this, 'fitted', values.fitted);
      return values[key];
    },
    set(this: object, value: Float64Array) {
      plain(this, key, value);
    },
    enumerable: true,
    configurable: true,
  });
  Object.defineProperties(fit, { residuals: accessor('residuals'), fitted: accessor('fitted') });
}

function checkShapes(design: DesignMatrix, y: Float64Array): void {
  const { n, p, names } = design;
  if (design.columns.length !== p || names.length !== p) {
    throw new MeasureError(
      'MODEL_PARAMS_INVALID',
      `design has ${design.columns.length} columns and ${names.length} names, expected p = ${p}`,
      { parameter: 'design' },
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
  for (let a = 0; a < p; a++) {
    if ((design.columns[a] as Float64Array).length !== n) {
      throw new MeasureError(
        'MODEL_PARAMS_INVALID',
        `design column "${names[a]}" has ${(design.columns[a] as Float64Array).length} rows, expected ${n}`,
        { column: names[a] as string },
      );
    }
  }
}

/** The weights (finite, ≥ 0, n of them), or null for OLS. */
function checkedWeights(weights: Float64Array | undefined, n: number): Float64Array | null {
  if (!weights) return null;
  if (weights.length !== n)
    throw new MeasureError('MODEL_PARAMS_INVALID', `weights have ${weights.length} rows, expected ${n}`, {
      parameter: 'weights',
    });
  for (let i = 0; i < n; i++) {
    const w = weights[i] as number;
    if (!(w >= 0 && Number.isFinite(w)))
      throw new MeasureError('DATA_NON_FINITE', `weight at row ${i} is ${w}, expected a finite number ≥ 0`, {
        column: 'weights',
        row: i,
      });
  }
  return weights;
}

/**
 * The fit's basis: the first column with a constant non-zero value is the intercept and every other
 * column is centred against it (shifts filled in after pass one); without one, nothing is centred
 * (centring would change the model). A second constant column is a multiple of the first.
 */
function centredBasis(design: DesignMatrix): CentredBasis {
  const { n, p, names, columns } = design;
  let constantIndex = -1;
  let constant = 0;
  const varying: number[] = [];
  for (let j = 0; j < p; j++) {
    const value = constantValue(columns[j] as Float64Array, n);
    if (value !== null && value !== 0) {
      if (constantIndex >= 0)
        throw new MeasureError(
          'MODEL_SINGULAR_DESIGN',
          `singular design: column "${names[j]}" is constant, a multiple of "${names[constantIndex]}"; drop one of them`,
          { column: names[j] as string },
        );
      constantIndex = j;
      constant = value;
    } else varying.push(j);
  }
  return { columns, varying, shifts: new Float64Array(p), constantIndex, constant };
}

/**
 * Map coefficients and their covariance from the centred basis back to the design's columns: with
 * x_j = x̃_j + (m_j / c)·c, β = Aβ̃ and V = AṼA' where A is the identity except row k (the constant
 * column), A_kj = −m_j / c.
 */
function fromCentred(
  basis: CentredBasis,
  centredBeta: Float64Array,
  centredCovariance: Float64Array,
): { coefficients: Float64Array; covariance: Float64Array } {
  const { constantIndex: k, constant, shifts } = basis;
  const p = centredBeta.length;
  if (k < 0) return { coefficients: centredBeta, covariance: centredCovariance };
  const a = new Float64Array(p);
  for (let j = 0; j < p; j++) if (j !== k) a[j] = -(shifts[j] as number) / constant;
  const coefficients = Float64Array.from(centredBeta);
  let intercept = centredBeta[k] as number;
  for (let j = 0; j < p; j++) intercept += (a[j] as number) * (centredBeta[j] as number);
  coefficients[k] = intercept;
  // u = Ṽa; (AṼA')_ij = Ṽ_ij + [i = k] u_j + [j = k] u_i + [i = j = k] a'u.
  const u = new Float64Array(p);
  let quadratic = 0;
  for (let i = 0; i < p; i++) {
    let sum = 0;
    for (let j = 0; j < p; j++) sum += (centredCovariance[i * p + j] as number) * (a[j] as number);
    u[i] = sum;
    quadratic += (a[i] as number) * sum;
  }
  const covariance = Float64Array.from(centredCovariance);
  for (let j = 0; j < p; j++) {
    covariance[k * p + j] = (covariance[k * p + j] as number) + (u[j] as number);
    if (j !== k) covariance[j * p + k] = (covariance[j * p + k] as number) + (u[j] as number);
  }
  covariance[k * p + k] = (covariance[k * p + k] as number) + (u[k] as number) + quadratic;
  return { coefficients, covariance };
}
