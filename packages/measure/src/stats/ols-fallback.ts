/**
 * Column-pair loops over cached copies of a block of rows: the fallback for the row kernels of
 * ols-kernels.ts (wide designs, or hosts that cannot compile them), computing the same sums.
 */
/** Rows per block: every block buffer stays in cache. */
export const BLOCK_ROWS = 1024;

/**
 * Add `Σ_{i<len} left[i]·rights[t][i]` into `out[cells[t]]` for every t, with up to four independent
 * accumulators per sweep so each value of `left` is loaded once per four products.
 */
function dots(
  left: Float64Array,
  rights: readonly Float64Array[],
  cells: readonly number[],
  out: Float64Array,
  len: number,
): void {
  let t = 0;
  for (; t + 4 <= rights.length; t += 4) {
    const b0 = rights[t] as Float64Array;
    const b1 = rights[t + 1] as Float64Array;
    const b2 = rights[t + 2] as Float64Array;
    const b3 = rights[t + 3] as Float64Array;
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    for (let i = 0; i < len; i++) {
      const v = left[i] as number;
      s0 += v * (b0[i] as number);
      s1 += v * (b1[i] as number);
      s2 += v * (b2[i] as number);
      s3 += v * (b3[i] as number);
    }
    addTo(out, cells[t] as number, s0);
    addTo(out, cells[t + 1] as number, s1);
    addTo(out, cells[t + 2] as number, s2);
    addTo(out, cells[t + 3] as number, s3);
  }
  const rest = rights.length - t;
  if (rest === 3) {
    const b0 = rights[t] as Float64Array;
    const b1 = rights[t + 1] as Float64Array;
    const b2 = rights[t + 2] as Float64Array;
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    for (let i = 0; i < len; i++) {
      const v = left[i] as number;
      s0 += v * (b0[i] as number);
      s1 += v * (b1[i] as number);
      s2 += v * (b2[i] as number);
    }
    addTo(out, cells[t] as number, s0);
    addTo(out, cells[t + 1] as number, s1);
    addTo(out, cells[t + 2] as number, s2);
  } else if (rest === 2) {
    const b0 = rights[t] as Float64Array;
    const b1 = rights[t + 1] as Float64Array;
    let s0 = 0;
    let s1 = 0;
    for (let i = 0; i < len; i++) {
      const v = left[i] as number;
      s0 += v * (b0[i] as number);
      s1 += v * (b1[i] as number);
    }
    addTo(out, cells[t] as number, s0);
    addTo(out, cells[t + 1] as number, s1);
  } else if (rest === 1) {
    const b0 = rights[t] as Float64Array;
    let s0 = 0;
    for (let i = 0; i < len; i++) s0 += (left[i] as number) * (b0[i] as number);
    addTo(out, cells[t] as number, s0);
  }
}

function addTo(out: Float64Array, cell: number, value: number): void {
  out[cell] = (out[cell] as number) + value;
}

/** For each of k arrays, the arrays b ≥ a it pairs with and the row-major cells a·k + b they add to. */
function upperPairs(buffers: readonly Float64Array[]): { rights: Float64Array[][]; cells: number[][] } {
  const k = buffers.length;
  const rights = buffers.map((_, a) => buffers.slice(a));
  const cells = buffers.map((_, a) => Array.from({ length: k - a }, (_, t) => a * k + a + t));
  return { rights, cells };
}

/**
 * The fallback for {@link momentKernel} and {@link residualKernel}: the same sums from cached copies of
 * the block (d = x − shift per column), column pair by column pair.
 */
export class BlockDots {
  private readonly buffers: Float64Array[];
  private readonly lefts: Float64Array[];
  private readonly rights: Float64Array[][];
  private readonly cells: number[][];
  private readonly omega = new Float64Array(BLOCK_ROWS);
  private readonly fit = new Float64Array(BLOCK_ROWS);

  constructor(private readonly k: number) {
    this.buffers = Array.from({ length: k }, () => new Float64Array(BLOCK_ROWS));
    this.lefts = Array.from({ length: k }, () => new Float64Array(BLOCK_ROWS));
    ({ rights: this.rights, cells: this.cells } = upperPairs(this.buffers));
  }

  private centre(arrays: readonly Float64Array[], shifts: Float64Array, start: number, len: number): void {
    for (let a = 0; a < this.k; a++) {
      const source = arrays[a] as Float64Array;
      const buffer = this.buffers[a] as Float64Array;
      const shift = shifts[a] as number;
      for (let i = 0; i < len; i++) buffer[i] = (source[start + i] as number) - shift;
    }
  }

  /** Σ v_a and Σ v_a d_b (b ≥ a) into `sums` and `products`, as {@link MomentKernel}. */
  moments(
    arrays: readonly Float64Array[],
    weights: Float64Array | null,
    start: number,
    end: number,
    shifts: Float64Array,
    sums: Float64Array,
    products: Float64Array,
  ): void {
    const len = end - start;
    this.centre(arrays, shifts, start, len);
    products.fill(0);
    for (let a = 0; a < this.k; a++) {
      const buffer = this.buffers[a] as Float64Array;
      const left = weights ? (this.lefts[a] as Float64Array) : buffer;
      if (weights)
        for (let i = 0; i < len; i++) left[i] = (weights[start + i] as number) * (buffer[i] as number);
      let sum = 0;
      for (let i = 0; i < len; i++) sum += left[i] as number;
      sums[a] = sum;
      dots(left, this.rights[a] as Float64Array[], this.cells[a] as number[], products, len);
    }
  }

  /** Fitted values, residuals and `out` as {@link ResidualKernel} (power −1: no meat). */
  residuals(
    columns: readonly Float64Array[],
    y: Float64Array,
    weights: Float64Array | null,
    start: number,
    end: number,
    shifts: Float64Array,
    beta: Float64Array,
    offset: number,
    lever: Float64Array,
    power: number,
    fitted: Float64Array,
    residuals: Float64Array,
    out: Float64Array,
  ): void {
    const { k: q, buffers, fit, omega } = this;
    const len = end - start;
    this.centre(columns, shifts, start, len);
    fit.fill(offset, 0, len);
    for (let a = 0; a < q; a++) {
      const buffer = buffers[a] as Float64Array;
      const b = beta[a] as number;
      for (let i = 0; i < len; i++) fit[i] = (fit[i] as number) + b * (buffer[i] as number);
    }
    let rss = 0;
    for (let i = 0; i < len; i++) {
      const f = fit[i] as number;
      const e = (y[start + i] as number) - f;
      fitted[start + i] = f;
      residuals[start + i] = e;
      const we = weights ? (weights[start + i] as number) * e : e;
      rss += we * e;
      omega[i] = we * we;
    }
    out.fill(0);
    out[0] = rss;
    if (power < 0) return;
    if (power > 0) this.adjustForLeverage(weights, start, len, lever, power);
    let omegaSum = 0;
    for (let i = 0; i < len; i++) omegaSum += omega[i] as number;
    out[1] = omegaSum;
    const meat = out.subarray(2 + q);
    for (let a = 0; a < q; a++) {
      const buffer = buffers[a] as Float64Array;
      const left = this.lefts[a] as Float64Array;
      let sum = 0;
      for (let i = 0; i < len; i++) {
        const value = (omega[i] as number) * (buffer[i] as number);
        left[i] = value;
        sum += value;
      }
      out[2 + a] = sum;
      dots(left, this.rights[a] as Float64Array[], this.cells[a] as number[], meat, len);
    }
  }

  /** ω_i /= (1 − h_i)^power with h_i = w_i·(lever form at the centred row). */
  private adjustForLeverage(
    weights: Float64Array | null,
    start: number,
    len: number,
    lever: Float64Array,
    power: number,
  ): void {
    const { k: q, buffers, omega } = this;
    for (let i = 0; i < len; i++) {
      let h = lever[0] as number;
      for (let a = 0; a < q; a++) {
        const da = (buffers[a] as Float64Array)[i] as number;
        let inner = (lever[1 + q + a * q + a] as number) * da;
        for (let b = a + 1; b < q; b++)
          inner += (lever[1 + q + a * q + b] as number) * ((buffers[b] as Float64Array)[i] as number);
        h += da * ((lever[1 + a] as number) + inner);
      }
      if (weights) h *= weights[start + i] as number;
      const r = 1 - h;
      omega[i] = power === 1 ? (omega[i] as number) / r : (omega[i] as number) / (r * r);
    }
  }
}
