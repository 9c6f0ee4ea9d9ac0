import { MeasureError } from '../errors';

/** Relative pivot below which a column counts as a linear combination of the previous ones. */
const SINGULAR_TOLERANCE = 1e-10;

/**
 * Cholesky factor (lower, row-major) of a p×p symmetric matrix given as row-major array, on the
 * equilibrated matrix D^{-1/2} A D^{-1/2}; throws MODEL_SINGULAR_DESIGN naming the first dependent column.
 */
export function choleskyScaled(
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
export function choleskySolve(lower: Float64Array, p: number, b: Float64Array): void {
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
export function bread(lower: Float64Array, scale: Float64Array, p: number): Float64Array {
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
