import { KdTree } from './kd-tree';

/** Where units are compared: a 1-D score (propensity or its logit) or a whitened covariate space. */
export type MatchingSpace =
  | { kind: 'score'; scores: Float64Array }
  | { kind: 'points'; coordinates: Float64Array[] };

/** Options of {@link matchNearestNeighbours}. */
export interface NearestNeighbourOptions {
  treatment: Uint8Array;
  space: MatchingSpace;
  /** Controls per treated unit (k). */
  ratio: number;
  /** Whether a control may be matched to several treated units. */
  replace: boolean;
  /** Largest allowed distance (in the units of the space); Infinity for none. */
  caliper: number;
  /**
   * Order in which treated units pick their controls when matching without replacement: by descending
   * (`largest`) or ascending (`smallest`) score, or in row order (`data`). As MatchIt's `m.order`.
   */
  order: 'largest' | 'smallest' | 'data';
}

/** Matched sets in compressed form: treated row `treated[t]` got controls `controls[offsets[t]..offsets[t+1])`. */
export interface MatchedSets {
  treated: Int32Array;
  offsets: Int32Array;
  controls: Int32Array;
}

/** Sorted 1-D index of rows by score with O(α(n)) "nearest present neighbour" lookups after deletions. */
class SortedScores {
  readonly rows: Int32Array;
  readonly values: Float64Array;
  private readonly nextRight: Int32Array;
  private readonly nextLeft: Int32Array;

  constructor(scores: Float64Array, rows: Int32Array) {
    const order = Array.from(rows).sort((a, b) => (scores[a] as number) - (scores[b] as number) || a - b);
    this.rows = Int32Array.from(order);
    this.values = Float64Array.from(order, (row) => scores[row] as number);
    const m = order.length;
    // Union–find style skip pointers: nextRight[i] = smallest present position ≥ i (m = none).
    this.nextRight = new Int32Array(m + 1).map((_, i) => i);
    this.nextLeft = new Int32Array(m + 1).map((_, i) => i); // position p+1 ↦ largest present ≤ p, stored shifted by 1
  }

  /** First position whose value is ≥ x. */
  lowerBound(x: number): number {
    let lo = 0;
    let hi = this.values.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((this.values[mid] as number) < x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private findRight(position: number): number {
    let root = position;
    while ((this.nextRight[root] as number) !== root) root = this.nextRight[root] as number;
    let current = position;
    while (current !== root) {
      const next = this.nextRight[current] as number;
      this.nextRight[current] = root;
      current = next;
    }
    return root;
  }

  /** Largest present position ≤ position, or −1. */
  private findLeft(position: number): number {
    let root = position + 1;
    while ((this.nextLeft[root] as number) !== root) root = this.nextLeft[root] as number;
    let current = position + 1;
    while (current !== root) {
      const next = this.nextLeft[current] as number;
      this.nextLeft[current] = root;
      current = next;
    }
    return root - 1;
  }

  remove(position: number): void {
    this.nextRight[position] = position + 1;
    this.nextLeft[position + 1] = position;
  }

  /**
   * The k present positions nearest to x (distance ≤ caliper), nearest first; equal distances go to the
   * lower row index (as MatchIt). `skipRow` excludes one row (a unit matched within its own group).
   */
  nearest(x: number, k: number, caliper: number, skipRow = -1): number[] {
    const m = this.values.length;
    const found: number[] = [];
    const taken = new Set<number>();
    const start = this.lowerBound(x);
    const stepLeft = (position: number) => (position > 0 ? this.findLeft(position - 1) : -1);
    const stepRight = (position: number) => (position + 1 < m ? this.findRight(position + 1) : m);
    const usable = (position: number) => this.rows[position] !== skipRow && !taken.has(position);
    let left = this.findLeft(start - 1);
    let right = start < m ? this.findRight(start) : m;
    while (found.length < k) {
      while (left >= 0 && !usable(left)) left = stepLeft(left);
      while (right < m && !usable(right)) right = stepRight(right);
      const dl = left >= 0 ? x - (this.values[left] as number) : Number.POSITIVE_INFINITY;
      const dr = right < m ? (this.values[right] as number) - x : Number.POSITIVE_INFINITY;
      const best = Math.min(dl, dr);
      if (!(best <= caliper) || best === Number.POSITIVE_INFINITY) break;
      // All usable positions at exactly this distance (a tie block on either side): take the lowest row.
      let chosen = -1;
      if (dl === best) {
        for (let p = left; p >= 0 && x - (this.values[p] as number) === best; p = stepLeft(p)) {
          if (usable(p) && (chosen < 0 || (this.rows[p] as number) < (this.rows[chosen] as number)))
            chosen = p;
        }
      }
      if (dr === best) {
        for (let p = right; p < m && (this.values[p] as number) - x === best; p = stepRight(p)) {
          if (usable(p) && (chosen < 0 || (this.rows[p] as number) < (this.rows[chosen] as number)))
            chosen = p;
        }
      }
      found.push(chosen);
      taken.add(chosen);
    }
    return found;
  }
}

function rowsWhere(treatment: Uint8Array, value: 0 | 1): Int32Array {
  const rows: number[] = [];
  for (let i = 0; i < treatment.length; i++) if (treatment[i] === value) rows.push(i);
  return Int32Array.from(rows);
}

/**
 * Greedy nearest-neighbour matching of treated rows to control rows (for the ATT), as MatchIt's
 * `method = "nearest"`: each treated unit gets its `ratio` nearest controls within `caliper`; without
 * replacement a chosen control leaves the pool, treated units choose in `order`, and with `ratio > 1` the
 * matching runs in rounds (every treated unit picks its 1st control, then its 2nd, …). A 1-D score space is
 * searched by binary search in the sorted control scores with skip pointers over removed controls
 * (O(n log n)); a covariate space uses a k-d tree with deletion. Treated units with no control within the
 * caliper stay unmatched (zero controls).
 *
 * @example
 * ```ts
 * const sets = matchNearestNeighbours({ treatment: Uint8Array.of(1, 0, 0), space: { kind: 'score', scores: Float64Array.of(0.5, 0.4, 0.9) }, ratio: 1, replace: true, caliper: Infinity, order: 'data' });
 * sets.controls; // Int32Array [1]
 * ```
 */
export function matchNearestNeighbours(options: NearestNeighbourOptions): MatchedSets {
  const { treatment, space, ratio, replace, caliper } = options;
  const treatedRows = rowsWhere(treatment, 1);
  const controlRows = rowsWhere(treatment, 0);
  const order = Array.from(treatedRows);
  if (space.kind === 'score' && options.order !== 'data') {
    const sign = options.order === 'largest' ? -1 : 1;
    order.sort((a, b) => sign * ((space.scores[a] as number) - (space.scores[b] as number)) || a - b);
  }
  const chosen: number[][] = order.map(() => []);
  const rounds = replace ? 1 : ratio;
  const perRound = replace ? ratio : 1;
  if (space.kind === 'score') {
    const index = new SortedScores(space.scores, controlRows);
    for (let round = 0; round < rounds; round++) {
      for (let t = 0; t < order.length; t++) {
        const row = order[t] as number;
        const list = chosen[t] as number[];
        if (round > 0 && list.length < round) continue; // unmatched in an earlier round
        const positions = index.nearest(space.scores[row] as number, perRound, caliper);
        for (const position of positions) {
          list.push(index.rows[position] as number);
          if (!replace) index.remove(position);
        }
      }
    }
  } else {
    const tree = new KdTree(space.coordinates, controlRows);
    const point = new Array<number>(space.coordinates.length);
    for (let round = 0; round < rounds; round++) {
      for (let t = 0; t < order.length; t++) {
        const row = order[t] as number;
        const list = chosen[t] as number[];
        if (round > 0 && list.length < round) continue;
        for (let d = 0; d < point.length; d++)
          point[d] = (space.coordinates[d] as Float64Array)[row] as number;
        const { rows } = tree.nearest(point, perRound, caliper);
        for (const control of rows) {
          list.push(control);
          if (!replace) tree.remove(control);
        }
      }
    }
  }
  // Report in row order of the treated units.
  const byRow = order.map((row, t) => ({ row, list: chosen[t] as number[] })).sort((a, b) => a.row - b.row);
  const offsets = new Int32Array(byRow.length + 1);
  const controls: number[] = [];
  byRow.forEach((entry, t) => {
    controls.push(...entry.list);
    offsets[t + 1] = controls.length;
  });
  return {
    treated: Int32Array.from(byRow, (entry) => entry.row),
    offsets,
    controls: Int32Array.from(controls),
  };
}

/**
 * For every row, the mean outcome of its `neighbours` nearest rows in the same treatment group (excluding
 * itself), in the same space: the building block of the Abadie–Imbens (2006) conditional-variance
 * estimator σ̂²(Xᵢ) = J/(J+1)·(Yᵢ − mean of its J same-group neighbours)².
 *
 * @example
 * ```ts
 * const variances = sameGroupConditionalVariances(treatment, { kind: 'score', scores }, outcome, 2);
 * ```
 */
export function sameGroupConditionalVariances(
  treatment: Uint8Array,
  space: MatchingSpace,
  outcome: Float64Array,
  neighbours: number,
  /** When given, compute σ̂² only for rows where this is true (others stay 0). */
  needed?: (row: number) => boolean,
): Float64Array {
  const variances = new Float64Array(treatment.length);
  for (const group of [0, 1] as const) {
    const rows = rowsWhere(treatment, group);
    const j = Math.min(neighbours, rows.length - 1);
    if (j < 1) continue; // a single unit in the group: no within-group information; left at 0
    const factor = j / (j + 1);
    const record = (row: number, found: number[]) => {
      let sum = 0;
      for (const other of found) sum += outcome[other] as number;
      const gap = (outcome[row] as number) - sum / found.length;
      variances[row] = factor * gap * gap;
    };
    if (space.kind === 'score') {
      const index = new SortedScores(space.scores, rows);
      for (const row of rows) {
        if (needed && !needed(row)) continue;
        const positions = index.nearest(space.scores[row] as number, j, Number.POSITIVE_INFINITY, row);
        record(
          row,
          positions.map((position) => index.rows[position] as number),
        );
      }
    } else {
      const tree = new KdTree(space.coordinates, rows);
      const point = new Array<number>(space.coordinates.length);
      for (const row of rows) {
        for (let d = 0; d < point.length; d++)
          point[d] = (space.coordinates[d] as Float64Array)[row] as number;
        record(row, tree.nearest(point, j, Number.POSITIVE_INFINITY, row).rows);
      }
    }
  }
  return variances;
}
