/**
 * Row kernels for the two OLS passes, specialised to the number of columns. A kernel sweeps rows
 * `start…end` once and keeps every sum (the k column sums and the k(k+1)/2 upper-triangle products) in a
 * local variable, which a JIT keeps in registers: about twice as fast as the column-pair loops over
 * cached blocks in ols-passes.ts, which remain the fallback for wide designs (more than
 * {@link MAX_KERNEL_COLUMNS} columns) and for hosts that forbid compiling code from strings.
 *
 * The generated source is built from integers only (column counts and cell indices), never from data or
 * names. Each kernel does exactly the arithmetic its fallback does, in the same order per sum.
 */

/** Widest design (varying columns + y) given a specialised kernel; beyond it the local sums spill. */
export const MAX_KERNEL_COLUMNS = 10;

/**
 * Pass-one kernel: with d_a = x_a[i] − shifts[a] and v_a = w_i d_a (v = d without weights), writes
 * `sums[a] = Σ v_a` and `products[a·k + b] = Σ v_a d_b` (b ≥ a) over the rows.
 */
export type MomentKernel = (
  arrays: readonly Float64Array[],
  weights: Float64Array | null,
  start: number,
  end: number,
  shifts: Float64Array,
  sums: Float64Array,
  products: Float64Array,
) => void;

/**
 * Pass-two kernel over q varying columns: fitted f = offset + Σ β_j d_j, residual e = y − f (both written),
 * and into `out`: [Σ w e², Σ ω, Σ ω d_a (a < q), Σ ω d_a d_b (row-major q×q, b ≥ a)] with
 * ω = (w e)² / (1 − h)^power, h = w·(x̃'Gx̃) from the packed leverage form `lever` (see {@link leverForm}).
 * With `meat` false only the first entry is written.
 */
export type ResidualKernel = (
  columns: readonly Float64Array[],
  y: Float64Array,
  weights: Float64Array | null,
  start: number,
  end: number,
  shifts: Float64Array,
  beta: Float64Array,
  offset: number,
  lever: Float64Array,
  fitted: Float64Array,
  residuals: Float64Array,
  out: Float64Array,
) => void;

/**
 * The leverage quadratic form packed for the kernels: `[c²G_kk, 2cG_ka (a < q), G_aa, 2G_ab (a < b)]` so
 * that h = lever[0] + Σ_a d_a·(lever[1 + a] + d_a·G_aa + Σ_{b>a} 2G_ab d_b), the constant column k (value c)
 * entering as a scalar. `inverse` is p×p row-major, `varying` the varying column indices.
 */
export function leverForm(
  inverse: Float64Array,
  p: number,
  varying: readonly number[],
  constantIndex: number,
  constant: number,
): Float64Array {
  const q = varying.length;
  const lever = new Float64Array(1 + q + q * q);
  if (constantIndex >= 0) {
    lever[0] = constant * constant * (inverse[constantIndex * p + constantIndex] as number);
    for (let a = 0; a < q; a++)
      lever[1 + a] = 2 * constant * (inverse[constantIndex * p + (varying[a] as number)] as number);
  }
  for (let a = 0; a < q; a++)
    for (let b = a; b < q; b++) {
      const g = inverse[(varying[a] as number) * p + (varying[b] as number)] as number;
      lever[1 + q + a * q + b] = a === b ? g : 2 * g;
    }
  return lever;
}

const momentKernels = new Map<string, MomentKernel | null>();
const residualKernels = new Map<string, ResidualKernel | null>();

/** The pass-one kernel for k arrays, or null (use the fallback). */
export function momentKernel(k: number, weighted: boolean): MomentKernel | null {
  if (k > MAX_KERNEL_COLUMNS) return null;
  const key = `${k}:${weighted}`;
  if (!momentKernels.has(key)) momentKernels.set(key, compile<MomentKernel>(momentSource(k, weighted)));
  return momentKernels.get(key) ?? null;
}

/**
 * The pass-two kernel for q varying columns, or null (use the fallback). With `store` false it writes no
 * fitted values or residuals (the arrays it is given are not touched), only `out`.
 */
export function residualKernel(
  q: number,
  weighted: boolean,
  power: -1 | 0 | 1 | 2,
  store = true,
): ResidualKernel | null {
  if (q + 1 > MAX_KERNEL_COLUMNS) return null;
  const key = `${q}:${weighted}:${power}:${store}`;
  if (!residualKernels.has(key))
    residualKernels.set(key, compile<ResidualKernel>(residualSource(q, weighted, power, store)));
  return residualKernels.get(key) ?? null;
}

/** Compile a kernel, or null where the host forbids code from strings (a content security policy). */
function compile<T>(source: string): T | null {
  try {
    return new Function(`'use strict'; return (${source});`)() as T;
  } catch {
    return null;
  }
}

const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);
const upper = (n: number): [number, number][] =>
  range(n).flatMap((a) => range(n - a).map((t): [number, number] => [a, a + t]));

function momentSource(k: number, weighted: boolean): string {
  const cols = range(k);
  const pairs = upper(k);
  const v = (a: number) => (weighted ? `v${a}` : `d${a}`);
  return `function (arrays, weights, start, end, shifts, sums, products) {
  ${cols.map((a) => `const x${a} = arrays[${a}], m${a} = shifts[${a}];`).join(' ')}
  ${cols.map((a) => `let D${a} = 0;`).join(' ')}
  ${pairs.map(([a, b]) => `let S${a}_${b} = 0;`).join(' ')}
  for (let i = start; i < end; i++) {
    ${weighted ? 'const w = weights[i];' : ''}
    ${cols.map((a) => `const d${a} = x${a}[i] - m${a};`).join(' ')}
    ${weighted ? cols.map((a) => `const v${a} = w * d${a};`).join(' ') : ''}
    ${cols.map((a) => `D${a} += ${v(a)};`).join(' ')}
    ${pairs.map(([a, b]) => `S${a}_${b} += ${v(a)} * d${b};`).join(' ')}
  }
  ${cols.map((a) => `sums[${a}] = D${a};`).join(' ')}
  ${pairs.map(([a, b]) => `products[${a * k + b}] = S${a}_${b};`).join(' ')}
}`;
}

function residualSource(q: number, weighted: boolean, power: -1 | 0 | 1 | 2, store: boolean): string {
  const cols = range(q);
  const pairs = upper(q);
  const meat = power >= 0;
  const fittedSum = cols.reduce((sum, a) => `(${sum} + b${a} * d${a})`, 'offset');
  // h = l0 + Σ_a d_a (l_a + d_a G_aa + Σ_{b>a} 2G_ab d_b), summed in the fallback's order.
  const leverTerm = (a: number) =>
    `d${a} * (L${a} + ${range(q - a)
      .map((t) => `G${a}_${a + t} * d${a + t}`)
      .reduce((sum, term) => `(${sum} + ${term})`)})`;
  const quadratic = cols.reduce((sum, a) => `(${sum} + ${leverTerm(a)})`, 'L');
  const omegaLine =
    power === 1 ? 'om = om / (1 - h);' : power === 2 ? 'const r = 1 - h; om = om / (r * r);' : '';
  return `function (columns, y, weights, start, end, shifts, beta, offset, lever, fitted, residuals, out) {
  ${cols.map((a) => `const x${a} = columns[${a}], m${a} = shifts[${a}], b${a} = beta[${a}];`).join(' ')}
  ${power > 0 ? `const L = lever[0]; ${cols.map((a) => `const L${a} = lever[${1 + a}];`).join(' ')}` : ''}
  ${power > 0 ? pairs.map(([a, b]) => `const G${a}_${b} = lever[${1 + q + a * q + b}];`).join(' ') : ''}
  let rss = 0, W = 0;
  ${meat ? cols.map((a) => `let U${a} = 0;`).join(' ') : ''}
  ${meat ? pairs.map(([a, b]) => `let M${a}_${b} = 0;`).join(' ') : ''}
  for (let i = start; i < end; i++) {
    ${cols.map((a) => `const d${a} = x${a}[i] - m${a};`).join(' ')}
    const f = ${fittedSum};
    const e = y[i] - f;
    ${store ? 'fitted[i] = f; residuals[i] = e;' : ''}
    ${weighted ? 'const w = weights[i]; const we = w * e; rss += we * e;' : 'const we = e; rss += e * e;'}
    ${meat ? 'let om = we * we;' : ''}
    ${power > 0 ? `const h = ${weighted ? `w * ${quadratic}` : quadratic}; ${omegaLine}` : ''}
    ${meat ? 'W += om;' : ''}
    ${meat ? cols.map((a) => `const u${a} = om * d${a}; U${a} += u${a};`).join(' ') : ''}
    ${meat ? pairs.map(([a, b]) => `M${a}_${b} += u${a} * d${b};`).join(' ') : ''}
  }
  out[0] = rss;
  ${meat ? `out[1] = W; ${cols.map((a) => `out[${2 + a}] = U${a};`).join(' ')}` : ''}
  ${meat ? pairs.map(([a, b]) => `out[${2 + q + a * q + b}] = M${a}_${b};`).join(' ') : ''}
}`;
}
