/**
 * The two blocked passes behind {@link fitOls}: cross products (X'X and X'y) in one pass, then fitted
 * values, residuals, leverages and the heteroskedasticity-robust meat in a second one. Rows are processed
 * in blocks that stay in cache, several column pairs share each load, and a column that is constant (the
 * intercept) never enters a per-row product: its entries come from column sums.
 */

/** Rows per block: every column's block, and the block buffers, stay in cache. */
export const BLOCK_ROWS = 2048;

/** The constant value of a column, or null when two rows differ. */
export function constantValue(column: Float64Array, n: number): number | null {
  const first = column[0] as number;
  for (let i = 1; i < n; i++) if (column[i] !== first) return null;
  return n > 0 ? first : null;
}

/**
 * Add `Σ_{i∈block} a[i − aOffset]·b_t[i]` for the columns `b_t = bs[t]` into `out[outIndex[t]]`, four at a
 * time so that each value of `a` is loaded once per four products.
 */
function dots(
  a: Float64Array,
  aOffset: number,
  bs: readonly Float64Array[],
  outIndex: readonly number[],
  out: Float64Array,
  start: number,
  end: number,
): void {
  let t = 0;
  for (; t + 4 <= bs.length; t += 4) {
    const b0 = bs[t] as Float64Array;
    const b1 = bs[t + 1] as Float64Array;
    const b2 = bs[t + 2] as Float64Array;
    const b3 = bs[t + 3] as Float64Array;
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    for (let i = start; i < end; i++) {
      const v = a[i - aOffset] as number;
      s0 += v * (b0[i] as number);
      s1 += v * (b1[i] as number);
      s2 += v * (b2[i] as number);
      s3 += v * (b3[i] as number);
    }
    out[outIndex[t] as number] = (out[outIndex[t] as number] as number) + s0;
    out[outIndex[t + 1] as number] = (out[outIndex[t + 1] as number] as number) + s1;
    out[outIndex[t + 2] as number] = (out[outIndex[t + 2] as number] as number) + s2;
    out[outIndex[t + 3] as number] = (out[outIndex[t + 3] as number] as number) + s3;
  }
  for (; t < bs.length; t++) {
    const b = bs[t] as Float64Array;
    let s = 0;
    for (let i = start; i < end; i++) s += (a[i - aOffset] as number) * (b[i] as number);
    out[outIndex[t] as number] = (out[outIndex[t] as number] as number) + s;
  }
}

/** Sum of `a[i − offset]` over the block. */
function blockSum(a: Float64Array, offset: number, start: number, end: number): number {
  let s = 0;
  for (let i = start; i < end; i++) s += a[i - offset] as number;
  return s;
}

/**
 * `Σ_i ω_i x_ia x_ib` over all column pairs (ω ≡ 1 when `omega` is null), as a symmetric k×k row-major
 * matrix, with `constants[a]` the value of a constant column (its column array is then never read).
 * `omega`, when given, is filled block by block by `fillOmega(start, end, buffer)`.
 */
export function crossProducts(
  columns: readonly Float64Array[],
  constants: readonly (number | null)[],
  n: number,
  fillOmega?: (start: number, end: number, buffer: Float64Array) => void,
): Float64Array {
  const k = columns.length;
  const out = new Float64Array(k * k);
  const varying = [...Array(k).keys()].filter((a) => constants[a] === null);
  const sums = new Float64Array(k);
  let omegaSum = 0;
  const omega = fillOmega ? new Float64Array(BLOCK_ROWS) : null;
  const weighted = fillOmega ? new Float64Array(BLOCK_ROWS) : null;
  // For each varying a: the varying b ≤ a and the out cells they add to.
  const partners = varying.map((_, position) => varying.slice(0, position + 1));
  const partnerColumns = partners.map((list) => list.map((b) => columns[b] as Float64Array));
  const partnerCells = varying.map((a, position) => (partners[position] as number[]).map((b) => a * k + b));
  for (let start = 0; start < n; start += BLOCK_ROWS) {
    const end = Math.min(n, start + BLOCK_ROWS);
    if (omega) {
      fillOmega?.(start, end, omega);
      omegaSum += blockSum(omega, start, start, end);
    }
    varying.forEach((a, position) => {
      const column = columns[a] as Float64Array;
      let source = column;
      let offset = 0;
      if (omega && weighted) {
        for (let i = start; i < end; i++)
          weighted[i - start] = (column[i] as number) * (omega[i - start] as number);
        source = weighted;
        offset = start;
      }
      sums[a] = (sums[a] as number) + blockSum(source, offset, start, end);
      dots(
        source,
        offset,
        partnerColumns[position] as Float64Array[],
        partnerCells[position] as number[],
        out,
        start,
        end,
      );
    });
  }
  const total = omega ? omegaSum : n;
  for (let a = 0; a < k; a++) {
    const ca = constants[a];
    if (ca === null || ca === undefined) continue;
    for (let b = 0; b < k; b++) {
      const cb = constants[b];
      // Σ ω c_a x_b  (both constant: c_a c_b Σ ω)
      const value = cb === null || cb === undefined ? ca * (sums[b] as number) : ca * cb * total;
      out[Math.max(a, b) * k + Math.min(a, b)] = value;
    }
  }
  for (let a = 0; a < k; a++) for (let b = 0; b < a; b++) out[b * k + a] = out[a * k + b] as number;
  return out;
}

/** Outputs of {@link residualPass}. */
export interface ResidualPass {
  fitted: Float64Array;
  residuals: Float64Array;
  /** Σ (√w e)². */
  rss: number;
}

/**
 * Fitted values `Xβ` and residuals `y − Xβ` (unweighted scale) in one blocked pass, with the residual sum of
 * squares on the weighted scale (`root` = √w, or null).
 */
export function residualPass(
  columns: readonly Float64Array[],
  constants: readonly (number | null)[],
  beta: Float64Array,
  y: Float64Array,
  root: Float64Array | null,
  n: number,
): ResidualPass {
  const p = columns.length;
  const fitted = new Float64Array(n);
  const residuals = new Float64Array(n);
  let intercept = 0;
  const varying: number[] = [];
  for (let j = 0; j < p; j++) {
    const c = constants[j];
    if (c === null || c === undefined) varying.push(j);
    else intercept += c * (beta[j] as number);
  }
  let rss = 0;
  for (let start = 0; start < n; start += BLOCK_ROWS) {
    const end = Math.min(n, start + BLOCK_ROWS);
    fitted.fill(intercept, start, end);
    for (const j of varying) {
      const column = columns[j] as Float64Array;
      const b = beta[j] as number;
      for (let i = start; i < end; i++) fitted[i] = (fitted[i] as number) + b * (column[i] as number);
    }
    for (let i = start; i < end; i++) {
      const e = (y[i] as number) - (fitted[i] as number);
      residuals[i] = e;
      const we = root ? e * (root[i] as number) : e;
      rss += we * we;
    }
  }
  return { fitted, residuals, rss };
}

/**
 * Leverages `h_i = x̃_i'(X̃'X̃)⁻¹x̃_i` of the rows `start…end` into `out[0…]`, for (scaled) columns with
 * constants handled as scalars.
 */
export function blockLeverage(
  columns: readonly Float64Array[],
  constants: readonly (number | null)[],
  xtxInverse: Float64Array,
  start: number,
  end: number,
  out: Float64Array,
  scratch: Float64Array,
): void {
  const p = columns.length;
  out.fill(0, 0, end - start);
  for (let a = 0; a < p; a++) {
    scratch.fill(0, 0, end - start);
    for (let b = 0; b < p; b++) {
      const m = xtxInverse[a * p + b] as number;
      const cb = constants[b];
      if (cb !== null && cb !== undefined) {
        const value = m * cb;
        for (let i = 0; i < end - start; i++) scratch[i] = (scratch[i] as number) + value;
      } else {
        const column = columns[b] as Float64Array;
        for (let i = start; i < end; i++)
          scratch[i - start] = (scratch[i - start] as number) + m * (column[i] as number);
      }
    }
    const ca = constants[a];
    if (ca !== null && ca !== undefined) {
      for (let i = 0; i < end - start; i++) out[i] = (out[i] as number) + ca * (scratch[i] as number);
    } else {
      const column = columns[a] as Float64Array;
      for (let i = start; i < end; i++)
        out[i - start] = (out[i - start] as number) + (column[i] as number) * (scratch[i - start] as number);
    }
  }
}
