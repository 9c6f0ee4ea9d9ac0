/**
 * The two blocked passes behind {@link fitOls}. Pass one accumulates the centred cross products of the
 * varying columns and y (X'X and X'y about their means, from which the intercept follows); pass two writes
 * fitted values and residuals and, for HC0–HC3, accumulates the robust meat with the leverages. Each block
 * of rows is swept once by a row kernel specialised to the column count (ols-kernels.ts) or, for wide
 * designs, by column-pair loops over cached copies of the block; only upper triangles are accumulated, and
 * a constant column (the intercept) never enters a per-row product.
 *
 * Centring in one read: a block's sums are taken about the running means of the blocks before it (the
 * first block about its own mean), d = x − m, and merged exactly: C += Σ w d_a d_b − D_a D_b / W and
 * m += D / W, with D = Σ w d over the block and W the weight so far (the updating formula of Chan, Golub &
 * LeVeque, 1983). A regressor with mean 1e6 and sd 1 loses nothing, where raw sums lose twelve digits.
 */

import { BLOCK_ROWS, BlockDots } from './ols-fallback';
import { leverForm, momentKernel, residualKernel } from './ols-kernels';

/** The constant value of a column, or null when two rows differ. */
export function constantValue(column: Float64Array, n: number): number | null {
  const first = column[0] as number;
  for (let i = 1; i < n; i++) if (column[i] !== first) return null;
  return n > 0 ? first : null;
}

/** Copy the upper triangle of a k×k row-major matrix onto its lower one. */
export function symmetrize(matrix: Float64Array, k: number): void {
  for (let a = 0; a < k; a++) for (let b = 0; b < a; b++) matrix[a * k + b] = matrix[b * k + a] as number;
}

/** Outputs of {@link momentPass}. */
export interface MomentPass {
  /** Weighted means of the arrays (zeros when not centring). */
  means: Float64Array;
  /** Σ w (x_a − m_a)(x_b − m_b) (raw Σ w x_a x_b when not centring), k×k row-major, symmetric. */
  products: Float64Array;
  /** Σ w (n without weights). */
  weightSum: number;
}

/**
 * Pass one: weighted means and centred cross products of `arrays` (the varying design columns, then y) in
 * one blocked read (see the file comment). With `centre` false (a design without a constant column, where
 * centring would change the model) the raw sums Σ w x_a x_b.
 */
export function momentPass(
  arrays: readonly Float64Array[],
  weights: Float64Array | null,
  n: number,
  centre: boolean,
): MomentPass {
  const k = arrays.length;
  const means = new Float64Array(k);
  const products = new Float64Array(k * k);
  const shifts = new Float64Array(k);
  const sums = new Float64Array(k);
  const block = new Float64Array(k * k);
  const kernel = momentKernel(k, weights !== null);
  const fallback = kernel ? null : new BlockDots(k);
  let weightSum = 0;
  for (let start = 0; start < n; start += BLOCK_ROWS) {
    const end = Math.min(n, start + BLOCK_ROWS);
    let blockWeight = end - start;
    if (weights) {
      blockWeight = 0;
      for (let i = start; i < end; i++) blockWeight += weights[i] as number;
      if (!(blockWeight > 0)) continue; // every row has weight 0: nothing to add
    }
    const first = weightSum === 0;
    if (centre && first) firstBlockMeans(arrays, weights, start, end, blockWeight, shifts);
    else if (centre) shifts.set(means);
    if (kernel) kernel(arrays, weights, start, end, shifts, sums, block);
    else fallback?.moments(arrays, weights, start, end, shifts, sums, block);
    const total = weightSum + blockWeight;
    for (let a = 0; a < k; a++)
      for (let b = a; b < k; b++) {
        const cell = a * k + b;
        const correction = centre ? ((sums[a] as number) * (sums[b] as number)) / total : 0;
        products[cell] = (products[cell] as number) + ((block[cell] as number) - correction);
      }
    if (centre) for (let a = 0; a < k; a++) means[a] = (shifts[a] as number) + (sums[a] as number) / total;
    weightSum = total;
  }
  symmetrize(products, k);
  return { means, products, weightSum };
}

/** The first block's own (weighted) means, the shifts its sums are taken about. */
function firstBlockMeans(
  arrays: readonly Float64Array[],
  weights: Float64Array | null,
  start: number,
  end: number,
  blockWeight: number,
  out: Float64Array,
): void {
  arrays.forEach((source, a) => {
    let sum = 0;
    if (weights) for (let i = start; i < end; i++) sum += (weights[i] as number) * (source[i] as number);
    else for (let i = start; i < end; i++) sum += source[i] as number;
    out[a] = sum / blockWeight;
  });
}

/**
 * The basis pass two works in: `x̃_j = x_j − shifts[j]` for the varying columns, the constant column as
 * its value. Coefficients and covariances in this basis map back to the design's in fitOls.
 */
export interface CentredBasis {
  columns: readonly Float64Array[];
  /** Column indices that vary. */
  varying: readonly number[];
  /** Per column: the mean subtracted (0 for the constant column, and for every column without centring). */
  shifts: Float64Array;
  /** Index of the constant column the others are centred against, or -1. */
  constantIndex: number;
  /** Its value. */
  constant: number;
}

/** What pass two should accumulate besides residuals: the HC meat, with leverages for HC2/HC3. */
export interface MeatRequest {
  /** 0 (HC0/HC1), 1 (HC2: ω/(1 − h)) or 2 (HC3: ω/(1 − h)²). */
  power: 0 | 1 | 2;
  /** (X̃'WX̃)⁻¹ in the centred basis, for the leverages. */
  inverse: Float64Array;
}

/** Outputs of {@link residualPass}. */
export interface ResidualPass {
  /** Fitted values and residuals: n each, or empty when the pass was asked not to store them. */
  fitted: Float64Array;
  residuals: Float64Array;
  /** Σ w e². */
  rss: number;
  /** Σ ω_i x̃_i x̃_i' (p×p, row-major, symmetric) with ω_i = (w_i e_i)² / (1 − h_i)^power, when requested. */
  meat?: Float64Array;
}

/**
 * Pass two: fitted values `X̃β̃` and residuals `y − X̃β̃` (unweighted scale) in one blocked read, with the
 * weighted residual sum of squares and, when `meat` is given, the heteroskedasticity-robust meat. With
 * `store` false and a row kernel available the n fitted values and residuals are computed but not kept
 * (both returned empty): no 2·n allocation or writes. The fallback always stores them.
 */
export function residualPass(
  basis: CentredBasis,
  beta: Float64Array,
  y: Float64Array,
  weights: Float64Array | null,
  n: number,
  meat?: MeatRequest,
  store = true,
): ResidualPass {
  const { columns, varying, shifts, constantIndex, constant } = basis;
  const p = columns.length;
  const q = varying.length;
  const power = meat ? meat.power : -1;
  const kernel = residualKernel(q, weights !== null, power, store);
  const keep = store || kernel === null;
  const fitted = new Float64Array(keep ? n : 0);
  const residuals = new Float64Array(keep ? n : 0);
  const varyingColumns = varying.map((j) => columns[j] as Float64Array);
  const varyingShifts = Float64Array.from(varying, (j) => shifts[j] as number);
  const varyingBeta = Float64Array.from(varying, (j) => beta[j] as number);
  const offset = constantIndex >= 0 ? constant * (beta[constantIndex] as number) : 0;
  const lever =
    meat && meat.power > 0
      ? leverForm(meat.inverse, p, varying, constantIndex, constant)
      : new Float64Array(1 + q + q * q);
  const out = new Float64Array(2 + q + q * q);
  const totals = new Float64Array(2 + q + q * q);
  const fallback = kernel ? null : new BlockDots(q);
  for (let start = 0; start < n; start += BLOCK_ROWS) {
    const end = Math.min(n, start + BLOCK_ROWS);
    // Direct calls (no per-block argument array or spread): 977 blocks per million rows.
    if (kernel)
      kernel(
        varyingColumns,
        y,
        weights,
        start,
        end,
        varyingShifts,
        varyingBeta,
        offset,
        lever,
        fitted,
        residuals,
        out,
      );
    else
      fallback?.residuals(
        varyingColumns,
        y,
        weights,
        start,
        end,
        varyingShifts,
        varyingBeta,
        offset,
        lever,
        power,
        fitted,
        residuals,
        out,
      );
    for (let c = 0; c < out.length; c++) totals[c] = (totals[c] as number) + (out[c] as number);
  }
  const rss = totals[0] as number;
  if (!meat) return { fitted, residuals, rss };
  const full = new Float64Array(p * p);
  for (let s = 0; s < q; s++)
    for (let t = s; t < q; t++)
      full[(varying[s] as number) * p + (varying[t] as number)] = totals[2 + q + s * q + t] as number;
  if (constantIndex >= 0) {
    full[constantIndex * p + constantIndex] = constant * constant * (totals[1] as number);
    for (let t = 0; t < q; t++)
      full[constantIndex * p + (varying[t] as number)] = constant * (totals[2 + t] as number);
  }
  // Each off-diagonal pair was written to one of its two cells: fill both.
  for (let a = 0; a < p; a++)
    for (let b = 0; b < a; b++) {
      const value = (full[a * p + b] as number) + (full[b * p + a] as number);
      full[a * p + b] = value;
      full[b * p + a] = value;
    }
  return { fitted, residuals, rss, meat: full };
}
