import { MeasureError } from '../../errors';

/** The two factors of the within solver: a (eliminated, more levels) and b (solved), with level sizes. */
export interface FactorStructure {
  n: number;
  aCodes: Int32Array;
  aCount: number;
  aSize: Float64Array;
  bCodes: Int32Array;
  bCount: number;
  bSize: Float64Array;
}

/**
 * Level sizes of both factors, in one pass. When the panel fills at least half of the a × b table (the
 * dense layout of {@link cellVectors}) that pass counts the rows of every cell instead (`cellCounts`,
 * b-major) and the sizes are its sums.
 */
export function factorStructure(
  aCodes: Int32Array,
  aCount: number,
  bCodes: Int32Array,
  bCount: number,
): FactorStructure & { cellCounts?: Int32Array } {
  const n = aCodes.length;
  const aSize = new Float64Array(aCount);
  const bSize = new Float64Array(bCount);
  if (!denseLayout(aCount, bCount, n)) {
    for (let i = 0; i < n; i++) {
      const a = aCodes[i] as number;
      const b = bCodes[i] as number;
      aSize[a] = (aSize[a] as number) + 1;
      bSize[b] = (bSize[b] as number) + 1;
    }
    return { n, aCodes, aCount, aSize, bCodes, bCount, bSize };
  }
  // b-major (cell = b·aCount + a): rows ordered by period or by unit both walk it with a small working set.
  // The level sizes are then its row and column sums, so the row pass updates one counter, not three.
  const cellCounts = new Int32Array(aCount * bCount);
  for (let i = 0; i < n; i++) {
    const cell = (bCodes[i] as number) * aCount + (aCodes[i] as number);
    cellCounts[cell] = (cellCounts[cell] as number) + 1;
  }
  for (let b = 0; b < bCount; b++) {
    const base = b * aCount;
    let total = 0;
    for (let a = 0; a < aCount; a++) {
      const c = cellCounts[base + a] as number;
      aSize[a] = (aSize[a] as number) + c;
      total += c;
    }
    bSize[b] = total;
  }
  return { n, aCodes, aCount, aSize, bCodes, bCount, bSize, cellCounts };
}

/** Whether the panel fills at least half of the a × b table (then cell counts are kept in a dense table). */
function denseLayout(aCount: number, bCount: number, n: number): boolean {
  return aCount * bCount <= 2 * n;
}

/**
 * The cell counts c_a[b] (rows of level a in level b) of every level a, each in the sparsest of two forms:
 * d_a = c_a (offset 0) or, when a covers most b levels once, d_a = c_a − 1 (offset 1), listing only the
 * non-zero entries (compressed rows). A nearly balanced panel has few entries: its units' missing periods.
 */
export interface CellVectors {
  /** Entries of level a are `index[rowStart[a]] … index[rowStart[a + 1] − 1]` with `value` alongside. */
  rowStart: Int32Array;
  index: Int32Array;
  value: Float64Array;
  offset: Uint8Array;
  /** Σ_a nnz(d_a)²: the work of the sparse outer products in {@link schurComplement}. */
  work: number;
}

/** Growable (index, value) list of the non-zero d_a entries. */
class EntryList {
  index = new Int32Array(1024);
  value = new Float64Array(1024);
  used = 0;
  push(b: number, d: number): void {
    if (this.used === this.index.length) {
      const index = new Int32Array(this.index.length * 2);
      index.set(this.index);
      this.index = index;
      const value = new Float64Array(this.value.length * 2);
      value.set(this.value);
      this.value = value;
    }
    this.index[this.used] = b;
    this.value[this.used++] = d;
  }
}

/**
 * Build the {@link CellVectors}: from a dense a × b count table when the panel fills at least half of it
 * (`cellCounts` from {@link factorStructure}, else one pass; no sort), else from the rows grouped by a
 * (counting sort).
 */
export function cellVectors(s: FactorStructure, cellCounts?: Int32Array): CellVectors {
  const { aCount, bCount } = s;
  const entries = new EntryList();
  const rowStart = new Int32Array(aCount + 1);
  const offset = new Uint8Array(aCount);
  let work = 0;
  // Level a's counts as count[base + b], with `touched` listing its b levels (sparse layout only).
  const emit: Emit = (a, count, base, distinct, repeated, touched) => {
    const first = entries.used;
    if (bCount - distinct + repeated < distinct) {
      offset[a] = 1;
      for (let b = 0; b < bCount; b++) {
        const c = count[base + b] as number;
        if (c !== 1) entries.push(b, c - 1);
      }
    } else if (touched) {
      for (let q = 0; q < distinct; q++)
        entries.push(touched[q] as number, count[touched[q] as number] as number);
    } else {
      for (let b = 0; b < bCount; b++) {
        const c = count[base + b] as number;
        if (c !== 0) entries.push(b, c);
      }
    }
    rowStart[a + 1] = entries.used;
    work += (entries.used - first) ** 2;
  };
  if (denseLayout(aCount, bCount, s.n)) denseCells(s, emit, cellCounts);
  else sortedCells(s, emit);
  return {
    rowStart,
    index: entries.index.subarray(0, entries.used),
    value: entries.value.subarray(0, entries.used),
    offset,
    work,
  };
}

type Emit = (
  a: number,
  count: Int32Array,
  base: number,
  distinct: number,
  repeated: number,
  touched?: Int32Array,
) => void;

/** Cell counts from a dense b-major table (the panel covers at least half of it; counted by factorStructure). */
function denseCells(s: FactorStructure, emit: Emit, cellCounts?: Int32Array): void {
  const { n, aCodes, bCodes, aCount, bCount } = s;
  let count = cellCounts;
  if (!count) {
    count = new Int32Array(aCount * bCount);
    for (let i = 0; i < n; i++) {
      const cell = (bCodes[i] as number) * aCount + (aCodes[i] as number);
      count[cell] = (count[cell] as number) + 1;
    }
  }
  // Level a's counts gathered from the b-major table (bCount strided reads that stay in cache across a).
  const row = new Int32Array(bCount);
  for (let a = 0; a < aCount; a++) {
    let distinct = 0;
    let repeated = 0;
    for (let b = 0; b < bCount; b++) {
      const c = count[b * aCount + a] as number;
      row[b] = c;
      if (c > 0) distinct++;
      if (c > 1) repeated++;
    }
    emit(a, row, 0, distinct, repeated);
  }
}

/** Cell counts per a level from the rows grouped by a (counting sort), for sparse panels. */
function sortedCells(s: FactorStructure, emit: Emit): void {
  const { n, aCodes, bCodes, aCount, bCount } = s;
  const start = new Int32Array(aCount + 1);
  for (let a = 0; a < aCount; a++) start[a + 1] = (start[a] as number) + (s.aSize[a] as number);
  const next = start.slice(0, aCount);
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const a = aCodes[i] as number;
    order[next[a] as number] = i;
    next[a] = (next[a] as number) + 1;
  }
  const count = new Int32Array(bCount);
  const touched = new Int32Array(bCount);
  for (let a = 0; a < aCount; a++) {
    let distinct = 0;
    let repeated = 0;
    for (let j = start[a] as number; j < (start[a + 1] as number); j++) {
      const b = bCodes[order[j] as number] as number;
      const seen = count[b] as number;
      if (seen === 0) touched[distinct++] = b;
      else if (seen === 1) repeated++;
      count[b] = seen + 1;
    }
    emit(a, count, 0, distinct, repeated, touched);
    for (let q = 0; q < distinct; q++) count[touched[q] as number] = 0;
  }
}

/**
 * The reduced normal matrix of the b effects once the a effects are eliminated, C = B'M_A B =
 * diag(n_b) − Σ_a c_a c_a' / n_a (a weighted Laplacian of the a–b graph), as a dense lower triangle
 * (row-major bCount × bCount). With c_a = d_a + z_a·1 the sum splits into Σ w d d' + W·11' + 1v' + v1', so a
 * nearly balanced panel costs O(Σ nnz(d_a)² + bCount²) instead of O(Σ_a |c_a|²).
 */
export function schurComplement(s: FactorStructure, cells: CellVectors): Float64Array {
  const m = s.bCount;
  const { rowStart, index, value, offset } = cells;
  const c = new Float64Array(m * m);
  const v = new Float64Array(m);
  let total = 0;
  for (let a = 0; a < s.aCount; a++) {
    const size = s.aSize[a] as number;
    if (size === 0) continue;
    const w = 1 / size;
    const from = rowStart[a] as number;
    const to = rowStart[a + 1] as number;
    if (offset[a] === 1) {
      total += w;
      for (let p = from; p < to; p++)
        v[index[p] as number] = (v[index[p] as number] as number) + w * (value[p] as number);
    }
    for (let p = from; p < to; p++) {
      const bp = index[p] as number;
      const wp = w * (value[p] as number);
      for (let q = from; q < to; q++) {
        const bq = index[q] as number;
        if (bq > bp) continue;
        c[bp * m + bq] = (c[bp * m + bq] as number) - wp * (value[q] as number);
      }
    }
  }
  for (let r = 0; r < m; r++) {
    for (let q = 0; q <= r; q++)
      c[r * m + q] = (c[r * m + q] as number) - total - (v[r] as number) - (v[q] as number);
    c[r * m + r] = (c[r * m + r] as number) + (s.bSize[r] as number);
  }
  return c;
}

/**
 * out[a] = c_a'γ / n_a (the a-level mean of γ_b) from the cell vectors: z_a·Σγ + d_a'γ, O(nnz + levels).
 */
export function levelMeansOfEffects(
  s: FactorStructure,
  cells: CellVectors,
  gamma: Float64Array,
  out: Float64Array,
): void {
  const { rowStart, index, value, offset } = cells;
  let sum = 0;
  for (let b = 0; b < s.bCount; b++) sum += gamma[b] as number;
  for (let a = 0; a < s.aCount; a++) {
    const size = s.aSize[a] as number;
    let dot = offset[a] === 1 ? sum : 0;
    for (let p = rowStart[a] as number; p < (rowStart[a + 1] as number); p++)
      dot += (value[p] as number) * (gamma[index[p] as number] as number);
    out[a] = size > 0 ? dot / size : 0;
  }
}

/**
 * r_b = Σ_{rows in b} (x_i − x̄_a(i)) = (b-sums of x) − Σ_a c_a[b]·x̄_a, from the cell vectors (in place on
 * `bSums`).
 */
export function reducedRightHandSide(
  s: FactorStructure,
  cells: CellVectors,
  aMeans: Float64Array,
  bSums: Float64Array,
): void {
  const { rowStart, index, value, offset } = cells;
  let common = 0;
  for (let a = 0; a < s.aCount; a++) {
    const mean = aMeans[a] as number;
    if (offset[a] === 1) common += mean;
    for (let p = rowStart[a] as number; p < (rowStart[a + 1] as number); p++) {
      const b = index[p] as number;
      bSums[b] = (bSums[b] as number) - (value[p] as number) * mean;
    }
  }
  for (let b = 0; b < s.bCount; b++) bSums[b] = (bSums[b] as number) - common;
}

/** A Cholesky factor of a positive semidefinite matrix with the (numerically) singular pivots left out. */
export interface SemidefiniteFactor {
  m: number;
  /** Lower triangle, row-major; rows and columns of skipped pivots are 0. */
  lower: Float64Array;
  /** 1 where the pivot is kept. */
  kept: Uint8Array;
  /** Kept pivots: the rank of the matrix. */
  rank: number;
}

/**
 * Cholesky of a symmetric positive semidefinite matrix (lower triangle, overwritten), skipping each pivot
 * that falls to ≤ 1e-10 of its original diagonal: that effect is fixed at 0, which for a consistent system
 * (right-hand side in the range, as B'M_A x always is) still gives an exact solution. A connected panel skips
 * exactly one pivot (the Laplacian's constant null vector); each further connected component skips one more.
 */
export function semidefiniteCholesky(lower: Float64Array, m: number): SemidefiniteFactor {
  const kept = new Uint8Array(m);
  let rank = 0;
  for (let i = 0; i < m; i++) {
    const row = i * m;
    for (let j = 0; j < i; j++) {
      if (kept[j] === 0) {
        lower[row + j] = 0;
        continue;
      }
      const other = j * m;
      let sum = lower[row + j] as number;
      for (let k = 0; k < j; k++) sum -= (lower[row + k] as number) * (lower[other + k] as number);
      lower[row + j] = sum / (lower[other + j] as number);
    }
    const original = lower[row + i] as number;
    let pivot = original;
    for (let k = 0; k < i; k++) pivot -= (lower[row + k] as number) ** 2;
    if (original > 0 && pivot > 1e-10 * original) {
      lower[row + i] = Math.sqrt(pivot);
      kept[i] = 1;
      rank++;
    } else {
      lower[row + i] = 0;
      for (let k = 0; k < i; k++) lower[row + k] = 0;
    }
  }
  return { m, lower, kept, rank };
}

/** Solve L L' γ = r in place (skipped pivots give γ = 0). */
export function semidefiniteSolve(factor: SemidefiniteFactor, r: Float64Array): void {
  const { m, lower, kept } = factor;
  for (let i = 0; i < m; i++) {
    if (kept[i] === 0) {
      r[i] = 0;
      continue;
    }
    let sum = r[i] as number;
    for (let k = 0; k < i; k++) sum -= (lower[i * m + k] as number) * (r[k] as number);
    r[i] = sum / (lower[i * m + i] as number);
  }
  for (let i = m - 1; i >= 0; i--) {
    if (kept[i] === 0) continue;
    let sum = r[i] as number;
    for (let k = i + 1; k < m; k++) sum -= (lower[k * m + i] as number) * (r[k] as number);
    r[i] = sum / (lower[i * m + i] as number);
  }
}

/**
 * Preconditioned conjugate gradient for C γ = r without forming C: C v = n_b·v − Σ_a c_a (c_a'v)/n_a from the
 * cell vectors, O(nnz + levels) per iteration and no pass over the rows. Jacobi preconditioner n_b. Stops
 * when ‖r − Cγ‖₂ ≤ tolerance·‖r‖₂; γ starts at 0, so a consistent singular system (a Laplacian) converges
 * to a solution. Returns the iterations used.
 */
export function conjugateGradientSolve(
  s: FactorStructure,
  cells: CellVectors,
  r: Float64Array,
  gamma: Float64Array,
  limits: { tolerance: number; maxIterations: number },
): number {
  const m = s.bCount;
  const residual = r.slice();
  const z = new Float64Array(m);
  const direction = new Float64Array(m);
  const product = new Float64Array(m);
  const aScratch = new Float64Array(s.aCount);
  gamma.fill(0);
  const target = limits.tolerance * Math.sqrt(dot(r, r));
  if (target === 0) return 0;
  const precondition = () => {
    for (let b = 0; b < m; b++) {
      const size = s.bSize[b] as number;
      z[b] = size > 0 ? (residual[b] as number) / size : 0;
    }
  };
  precondition();
  direction.set(z);
  let rz = dot(residual, z);
  for (let iteration = 1; iteration <= limits.maxIterations; iteration++) {
    levelMeansOfEffects(s, cells, direction, aScratch);
    for (let b = 0; b < m; b++) product[b] = (s.bSize[b] as number) * (direction[b] as number);
    reducedRightHandSide(s, cells, aScratch, product);
    const curvature = dot(direction, product);
    if (!(curvature > 0)) return iteration;
    const step = rz / curvature;
    for (let b = 0; b < m; b++) {
      gamma[b] = (gamma[b] as number) + step * (direction[b] as number);
      residual[b] = (residual[b] as number) - step * (product[b] as number);
    }
    if (Math.sqrt(dot(residual, residual)) <= target) return iteration;
    precondition();
    const next = dot(residual, z);
    const beta = next / rz;
    rz = next;
    for (let b = 0; b < m; b++) direction[b] = (z[b] as number) + beta * (direction[b] as number);
  }
  throw new MeasureError(
    'MODEL_NO_CONVERGENCE',
    `within transformation (conjugate gradient on ${m} fixed effects) did not reach tolerance ${limits.tolerance} in ${limits.maxIterations} iterations`,
    { parameter: 'max_iterations' },
  );
}

function dot(left: Float64Array, right: Float64Array): number {
  let sum = 0;
  for (let k = 0; k < left.length; k++) sum += (left[k] as number) * (right[k] as number);
  return sum;
}
