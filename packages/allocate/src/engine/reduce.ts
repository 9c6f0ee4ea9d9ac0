import type { MilpModel, MilpRow } from '../solvers/model';

/**
 * Reduced-cost fixing (the classical "core" reduction of knapsack solvers), made engine-neutral and checked
 * in JavaScript: from any row multipliers `y` of an LP relaxation, the Lagrangian bound
 * `σc·x ≥ Σ_r y_r b_r + Σ_j d_j x_j` with `d = σc − Aᵀy` holds for every feasible `x` (σ = +1 when
 * minimising, −1 when maximising; `b_r` is the row bound the multiplier's sign selects). Inside the region
 * `σc·x ≤ σ·threshold` an integer column whose reduced cost `|d_j|` exceeds the room `σ·threshold − L`
 * cannot leave the bound that `d_j` favours, so it is fixed there. Validity never rests on the engine's
 * sign convention (both signs are tried, a multiplier of the wrong sign for its row is set to 0) nor on its
 * tolerances (the bound is recomputed here with a round-off margin).
 */
export interface ColumnFixing {
  /** Column lower bounds after fixing. */
  lower: Float64Array;
  /** Column upper bounds after fixing. */
  upper: Float64Array;
  /** How many columns were fixed by this call. */
  fixed: number;
}

/** Relative round-off margin on the recomputed Lagrangian bound and on propagated column bounds. */
const MARGIN = 1e-9;

/**
 * Fix integer columns of `model` that cannot move within `{feasible x : σ·objective(x) ≤ σ·threshold}`.
 * Returns null when no valid bound can be formed (a column stays unbounded) or nothing is fixed.
 *
 * @example
 * ```ts
 * const fixing = fixByReducedCost(model, relaxation.rowDuals, incumbentValue);
 * ```
 */
export function fixByReducedCost(
  model: MilpModel,
  rowDuals: ArrayLike<number>,
  threshold: number,
): ColumnFixing | null {
  const costs = reducedCosts(model, rowDuals, threshold);
  if (costs === null) return null;
  const { room } = costs;
  const columns = model.objective.length;
  const best = costs;
  const fixedLower = Float64Array.from({ length: columns }, (_, j) => model.columnLower[j] ?? 0);
  const fixedUpper = Float64Array.from({ length: columns }, (_, j) => model.columnUpper[j] ?? 0);
  let fixed = 0;
  for (let j = 0; j < columns; j++) {
    if (model.integer[j] !== 1) continue;
    const lo = fixedLower[j] as number;
    const hi = fixedUpper[j] as number;
    if (!(Number.isFinite(lo) && Number.isFinite(hi)) || hi - lo < 1) continue;
    const reduced = best.reduced[j] as number;
    // Moving one unit away from the favoured bound costs |d_j| > room: impossible inside the region.
    if (reduced > room) {
      fixedUpper[j] = lo;
      fixed++;
    } else if (-reduced > room) {
      fixedLower[j] = hi;
      fixed++;
    }
  }
  return fixed === 0 ? null : { lower: fixedLower, upper: fixedUpper, fixed };
}

/**
 * Reduced costs `d = σc − Aᵀy` (in the minimising sense) from the better-signed multipliers, and the room
 * `σ·threshold − L` left by the Lagrangian bound `L` inside the region. Null when no finite bound exists.
 *
 * @example
 * ```ts
 * const costs = reducedCosts(model, relaxation.rowDuals, incumbentValue);
 * ```
 */
export function reducedCosts(
  model: MilpModel,
  rowDuals: ArrayLike<number>,
  threshold: number,
): { reduced: Float64Array; room: number } | null {
  const columns = model.objective.length;
  const sigma = model.sense === 'min' ? 1 : -1;
  const cost = Float64Array.from({ length: columns }, (_, j) => sigma * (model.objective[j] ?? 0));
  const limit = sigma * threshold;
  const bounds = impliedBounds(model, cost, limit);
  if (bounds === null) return null;
  const { lower, upper } = bounds;
  let best: { bound: number; reduced: Float64Array } | null = null;
  for (const sign of [1, -1]) {
    const candidate = lagrangianBound(model, cost, lower, upper, rowDuals, sign);
    if (best === null || candidate.bound > best.bound) best = candidate;
  }
  if (best === null || !Number.isFinite(best.bound)) return null;
  const room = limit - best.bound;
  return room < 0 ? null : { reduced: best.reduced, room };
}

/**
 * A heuristic (not a proof): keep the `free` integer columns with the smallest reduced cost |d_j| free and
 * fix every other integer column at the bound its reduced cost favours (its LP value rounded when d_j = 0).
 * Solving that small model gives a good feasible portfolio to fix against.
 *
 * @example
 * ```ts
 * const guess = neighbourhood(model, relaxation, 40);
 * ```
 */
export function neighbourhood(
  model: MilpModel,
  relaxation: { values: ArrayLike<number>; rowDuals: ArrayLike<number> },
  free: number,
): ColumnFixing | null {
  const columns = model.objective.length;
  const sigma = model.sense === 'min' ? 1 : -1;
  const reduced = Float64Array.from({ length: columns }, (_, j) => sigma * (model.objective[j] ?? 0));
  let bestSign = 1;
  let bestScore = Number.POSITIVE_INFINITY;
  for (const sign of [1, -1]) {
    // The engine's sign convention is the one whose reduced costs agree with the LP optimum's complementary
    // slackness (columns strictly between bounds have d ≈ 0): score by the violation.
    const trial = Float64Array.from(reduced);
    model.rows.forEach((row, r) => {
      const y = sign * (relaxation.rowDuals[r] ?? 0);
      if (y === 0 || !Number.isFinite(y)) return;
      row.indices.forEach((j, p) => {
        trial[j] = (trial[j] as number) - y * (row.values[p] ?? 0);
      });
    });
    let score = 0;
    for (let j = 0; j < columns; j++) {
      const v = relaxation.values[j] ?? 0;
      const d = trial[j] as number;
      const lo = model.columnLower[j] ?? 0;
      const hi = model.columnUpper[j] ?? 0;
      if ((d > 0 && v > lo + 1e-9) || (d < 0 && v < hi - 1e-9)) score += Math.abs(d);
    }
    if (score < bestScore) {
      bestScore = score;
      bestSign = sign;
    }
  }
  model.rows.forEach((row, r) => {
    const y = bestSign * (relaxation.rowDuals[r] ?? 0);
    if (y === 0 || !Number.isFinite(y)) return;
    row.indices.forEach((j, p) => {
      reduced[j] = (reduced[j] as number) - y * (row.values[p] ?? 0);
    });
  });
  const candidates: number[] = [];
  for (let j = 0; j < columns; j++) {
    const lo = model.columnLower[j] ?? 0;
    const hi = model.columnUpper[j] ?? 0;
    if (model.integer[j] === 1 && lo < hi && Number.isFinite(lo) && Number.isFinite(hi)) candidates.push(j);
  }
  if (candidates.length <= free) return null;
  candidates.sort((a, b) => Math.abs(reduced[a] as number) - Math.abs(reduced[b] as number) || a - b);
  const lower = Float64Array.from({ length: columns }, (_, j) => model.columnLower[j] ?? 0);
  const upper = Float64Array.from({ length: columns }, (_, j) => model.columnUpper[j] ?? 0);
  for (const j of candidates.slice(free)) {
    const d = reduced[j] as number;
    const value =
      d > 0 ? (lower[j] as number) : d < 0 ? (upper[j] as number) : Math.round(relaxation.values[j] ?? 0);
    lower[j] = value;
    upper[j] = value;
  }
  return { lower, upper, fixed: candidates.length - free };
}

/**
 * Finite bounds for every column over the region: the model's own bounds, and for unbounded (auxiliary)
 * columns one round of activity-based propagation through the rows and the objective cut. Null when a
 * column stays unbounded.
 */
function impliedBounds(
  model: MilpModel,
  cost: Float64Array,
  limit: number,
): { lower: Float64Array; upper: Float64Array } | null {
  const columns = cost.length;
  const lower = Float64Array.from({ length: columns }, (_, j) => model.columnLower[j] ?? 0);
  const upper = Float64Array.from({ length: columns }, (_, j) => model.columnUpper[j] ?? 0);
  const open: number[] = [];
  for (let j = 0; j < columns; j++)
    if (!Number.isFinite(lower[j] as number) || !Number.isFinite(upper[j] as number)) open.push(j);
  if (open.length === 0) return { lower, upper };
  const objectiveRow: MilpRow = { indices: [], values: [], lower: Number.NEGATIVE_INFINITY, upper: limit };
  for (let j = 0; j < columns; j++) {
    if (cost[j] !== 0) {
      objectiveRow.indices.push(j);
      objectiveRow.values.push(cost[j] as number);
    }
  }
  const rows = [...model.rows, objectiveRow];
  for (let round = 0; round < 2; round++) {
    for (const row of rows) {
      for (const k of open) {
        const position = row.indices.indexOf(k);
        if (position < 0) continue;
        const a = row.values[position] ?? 0;
        if (a === 0) continue;
        let minRest = 0;
        let maxRest = 0;
        let scale = 0;
        row.indices.forEach((j, p) => {
          if (p === position) return;
          const v = row.values[p] ?? 0;
          const lo = v * (v > 0 ? (lower[j] as number) : (upper[j] as number));
          const hi = v * (v > 0 ? (upper[j] as number) : (lower[j] as number));
          minRest += v === 0 ? 0 : lo;
          maxRest += v === 0 ? 0 : hi;
          scale += Math.abs(v === 0 ? 0 : lo) + Math.abs(v === 0 ? 0 : hi);
        });
        const finite =
          (Number.isFinite(row.lower) ? Math.abs(row.lower) : 0) +
          (Number.isFinite(row.upper) ? Math.abs(row.upper) : 0);
        const slack = MARGIN * (1 + scale + finite);
        // a·x_k ∈ [row.lower − maxRest, row.upper − minRest] (NaN or infinite when not implied).
        const low = (row.lower - maxRest) / a;
        const high = (row.upper - minRest) / a;
        const from = a > 0 ? low : high;
        const to = a > 0 ? high : low;
        const pad = slack / Math.abs(a);
        if (Number.isFinite(from) && from - pad > (lower[k] as number)) lower[k] = from - pad;
        if (Number.isFinite(to) && to + pad < (upper[k] as number)) upper[k] = to + pad;
      }
    }
  }
  for (const k of open)
    if (!Number.isFinite(lower[k] as number) || !Number.isFinite(upper[k] as number)) return null;
  return { lower, upper };
}

/** The Lagrangian bound for multipliers `sign·rowDuals` (wrong-signed ones zeroed), minus a round-off margin. */
function lagrangianBound(
  model: MilpModel,
  cost: Float64Array,
  lower: Float64Array,
  upper: Float64Array,
  rowDuals: ArrayLike<number>,
  sign: number,
): { bound: number; reduced: Float64Array } {
  const reduced = Float64Array.from(cost);
  let bound = 0;
  let magnitude = 0;
  model.rows.forEach((row, r) => {
    let y = sign * (rowDuals[r] ?? 0);
    if (!Number.isFinite(y)) y = 0;
    const side = y > 0 ? row.lower : y < 0 ? row.upper : 0;
    if (y === 0 || !Number.isFinite(side)) return;
    bound += y * side;
    magnitude += Math.abs(y * side);
    row.indices.forEach((j, p) => {
      const term = y * (row.values[p] ?? 0);
      reduced[j] = (reduced[j] as number) - term;
      magnitude += Math.abs(term) * Math.max(Math.abs(lower[j] as number), Math.abs(upper[j] as number));
    });
  });
  for (let j = 0; j < cost.length; j++) {
    const d = reduced[j] as number;
    const term = d > 0 ? d * (lower[j] as number) : d * (upper[j] as number);
    bound += d === 0 ? 0 : term;
    magnitude += Math.abs(d === 0 ? 0 : term);
  }
  return { bound: bound - MARGIN * (1 + magnitude), reduced };
}

/** A model with its fixed columns removed, and the map back. */
export interface CompactModel {
  /** The smaller model (null when a constraint is violated by the fixed columns alone). */
  model: MilpModel | null;
  /** Objective contribution of the removed columns. */
  offset: number;
  /** Full-length column values from the smaller model's values. */
  expand(values: ArrayLike<number>): Float64Array;
}

/**
 * Remove columns with equal bounds from a model, moving their contribution into the row bounds and an
 * objective offset. Rows left empty are checked (with a round-off tolerance) and dropped.
 *
 * @example
 * ```ts
 * const compact = compactModel(model);
 * ```
 */
export function compactModel(model: MilpModel): CompactModel {
  const columns = model.objective.length;
  const keep: number[] = [];
  const position = new Int32Array(columns).fill(-1);
  const fixedValue = new Float64Array(columns);
  let offset = 0;
  for (let j = 0; j < columns; j++) {
    const lo = model.columnLower[j] ?? 0;
    const hi = model.columnUpper[j] ?? 0;
    if (lo === hi && Number.isFinite(lo)) {
      fixedValue[j] = lo;
      offset += (model.objective[j] ?? 0) * lo;
    } else {
      position[j] = keep.length;
      keep.push(j);
    }
  }
  const expand = (values: ArrayLike<number>): Float64Array => {
    const full = Float64Array.from(fixedValue);
    keep.forEach((j, k) => {
      full[j] = values[k] ?? 0;
    });
    return full;
  };
  if (keep.length === columns) return { model, offset: 0, expand: (values) => Float64Array.from(values) };
  const rows: MilpRow[] = [];
  for (const row of model.rows) {
    const indices: number[] = [];
    const values: number[] = [];
    let constant = 0;
    let scale = 0;
    row.indices.forEach((j, p) => {
      const v = row.values[p] ?? 0;
      const k = position[j] as number;
      if (k >= 0) {
        indices.push(k);
        values.push(v);
      } else if (v !== 0) {
        constant += v * (fixedValue[j] as number);
        scale += Math.abs(v * (fixedValue[j] as number));
      }
    });
    if (indices.length === 0) {
      const tolerance = MARGIN * (1 + scale);
      if (constant < row.lower - tolerance || constant > row.upper + tolerance)
        return { model: null, offset, expand };
      continue;
    }
    rows.push({ indices, values, lower: row.lower - constant, upper: row.upper - constant });
  }
  const pick = (source: ArrayLike<number>): Float64Array => Float64Array.from(keep, (j) => source[j] ?? 0);
  return {
    model: {
      sense: model.sense,
      objective: pick(model.objective),
      columnLower: pick(model.columnLower),
      columnUpper: pick(model.columnUpper),
      integer: Uint8Array.from(keep, (j) => model.integer[j] ?? 0),
      rows,
    },
    offset,
    expand,
  };
}

/** Whether `values` satisfies every row and column bound of `model` (within a round-off tolerance). */
export function satisfies(model: MilpModel, values: ArrayLike<number>): boolean {
  for (let j = 0; j < model.objective.length; j++) {
    const v = values[j] ?? 0;
    if (v < (model.columnLower[j] ?? 0) - 1e-9 || v > (model.columnUpper[j] ?? 0) + 1e-9) return false;
  }
  for (const row of model.rows) {
    let activity = 0;
    let scale = 0;
    row.indices.forEach((j, p) => {
      const term = (row.values[p] ?? 0) * (values[j] ?? 0);
      activity += term;
      scale += Math.abs(term);
    });
    const tolerance = MARGIN * (1 + scale);
    if (activity < row.lower - tolerance || activity > row.upper + tolerance) return false;
  }
  return true;
}
