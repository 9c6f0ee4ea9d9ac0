/**
 * A static k-d tree over points (column-major coordinates) that supports k-nearest-neighbour queries and
 * deletion (for greedy matching without replacement). Each node stores one point (the median of its
 * subtree on the split axis) and the number of still-present points in its subtree, so empty subtrees are
 * skipped. Build O(n log² n) by sorting on the split axis; a query visits O(log n) nodes on well-spread data.
 *
 * @example
 * ```ts
 * const tree = new KdTree([Float64Array.of(0, 1, 5), Float64Array.of(0, 0, 0)], Int32Array.of(0, 1, 2));
 * tree.nearest([0.9, 0], 1, Infinity); // [{ index: 1, distance: 0.1… }]
 * ```
 */
export class KdTree {
  private readonly coordinates: Float64Array[];
  private readonly dimensions: number;
  /** Row index stored at each node. */
  private readonly nodeRow: Int32Array;
  private readonly nodeAxis: Uint8Array;
  /** Coordinates of each node's point, node-major (nodeCoordinates[node·dims + d]), for cache locality. */
  private readonly nodeCoordinates: Float64Array;
  private readonly left: Int32Array;
  private readonly right: Int32Array;
  private readonly parent: Int32Array;
  private readonly alive: Uint8Array;
  private readonly aliveCount: Int32Array;
  /** Node of each row. */
  private readonly nodeOfRow: Map<number, number> = new Map();
  /** Squared distance of the current k-th best (or the squared radius while fewer than k are found). */
  private bound = Number.POSITIVE_INFINITY;
  /** Per-axis offset of the query from the current cell (Arya & Mount incremental distance). */
  private offsets: Float64Array;
  private readonly root: number;
  private bestRows: number[] = [];
  private bestDistances: number[] = [];
  private queryPoint: number[] = [];
  private wanted = 1;
  private radius = Number.POSITIVE_INFINITY;
  private excluded = -1;

  /**
   * @param coordinates one Float64Array per dimension, indexed by row.
   * @param rows the rows to put in the tree.
   */
  constructor(coordinates: Float64Array[], rows: Int32Array) {
    this.coordinates = coordinates;
    this.dimensions = coordinates.length;
    this.offsets = new Float64Array(coordinates.length);
    const size = rows.length;
    this.nodeRow = new Int32Array(size);
    this.nodeAxis = new Uint8Array(size);
    this.left = new Int32Array(size).fill(-1);
    this.right = new Int32Array(size).fill(-1);
    this.parent = new Int32Array(size).fill(-1);
    this.alive = new Uint8Array(size).fill(1);
    this.aliveCount = new Int32Array(size);
    let next = 0;
    const order = Int32Array.from(rows);
    const build = (from: number, to: number, depth: number, parentNode: number): number => {
      if (from >= to) return -1;
      const axis = this.widestAxis(order, from, to, depth);
      const values = coordinates[axis] as Float64Array;
      const middle = (from + to) >> 1;
      selectNth(order, values, from, to - 1, middle);
      const node = next++;
      const row = order[middle] as number;
      this.nodeRow[node] = row;
      this.nodeAxis[node] = axis;
      this.parent[node] = parentNode;
      this.nodeOfRow.set(row, node);
      this.aliveCount[node] = to - from;
      this.left[node] = build(from, middle, depth + 1, node);
      this.right[node] = build(middle + 1, to, depth + 1, node);
      return node;
    };
    this.root = build(0, size, 0, -1);
    this.nodeCoordinates = new Float64Array(size * this.dimensions);
    for (let node = 0; node < size; node++) {
      const row = this.nodeRow[node] as number;
      for (let d = 0; d < this.dimensions; d++) {
        this.nodeCoordinates[node * this.dimensions + d] = (coordinates[d] as Float64Array)[row] as number;
      }
    }
  }

  private widestAxis(order: Int32Array, from: number, to: number, depth: number): number {
    if (this.dimensions === 1) return 0;
    let best = depth % this.dimensions;
    let bestSpread = -1;
    for (let axis = 0; axis < this.dimensions; axis++) {
      const values = this.coordinates[axis] as Float64Array;
      let min = Number.POSITIVE_INFINITY;
      let max = Number.NEGATIVE_INFINITY;
      for (let k = from; k < to; k++) {
        const v = values[order[k] as number] as number;
        if (v < min) min = v;
        if (v > max) max = v;
      }
      if (max - min > bestSpread) {
        bestSpread = max - min;
        best = axis;
      }
    }
    return best;
  }

  /** Number of points still in the tree. */
  get size(): number {
    return this.root < 0 ? 0 : (this.aliveCount[this.root] as number);
  }

  /** Remove a row from the tree (no-op when absent). */
  remove(row: number): void {
    const node = this.nodeOfRow.get(row);
    if (node === undefined || this.alive[node] === 0) return;
    this.alive[node] = 0;
    for (let current = node; current >= 0; current = this.parent[current] as number) {
      this.aliveCount[current] = (this.aliveCount[current] as number) - 1;
    }
  }

  /**
   * The `k` nearest present rows to `point` (Euclidean), nearest first, within `radius`, optionally
   * excluding one row. Ties are broken by lower row index.
   */
  nearest(
    point: number[],
    k: number,
    radius: number,
    excludeRow = -1,
  ): { rows: number[]; distances: number[] } {
    this.bestRows = [];
    this.bestDistances = [];
    this.queryPoint = point;
    this.wanted = k;
    this.radius = radius * radius;
    this.bound = this.radius;
    this.excluded = excludeRow;
    this.offsets.fill(0);
    if (this.root >= 0) this.search(this.root, 0);
    return { rows: this.bestRows, distances: this.bestDistances.map(Math.sqrt) };
  }

  private worst(): number {
    return this.bestRows.length < this.wanted
      ? this.radius
      : (this.bestDistances[this.bestDistances.length - 1] as number);
  }

  private consider(row: number, squared: number): void {
    if (squared > this.radius) return;
    const full = this.bestRows.length >= this.wanted;
    if (full) {
      const worstDistance = this.bestDistances[this.bestDistances.length - 1] as number;
      const worstRow = this.bestRows[this.bestRows.length - 1] as number;
      if (squared > worstDistance || (squared === worstDistance && row > worstRow)) return;
    }
    let position = this.bestRows.length;
    while (position > 0) {
      const d = this.bestDistances[position - 1] as number;
      const r = this.bestRows[position - 1] as number;
      if (d < squared || (d === squared && r < row)) break;
      position--;
    }
    this.bestRows.splice(position, 0, row);
    this.bestDistances.splice(position, 0, squared);
    if (this.bestRows.length > this.wanted) {
      this.bestRows.pop();
      this.bestDistances.pop();
    }
    this.bound = this.worst();
  }

  /**
   * Depth-first search; `cellDistance` is a lower bound on the squared distance from the query to any
   * point of this node's cell (sum of squared per-axis offsets to the split planes crossed so far).
   */
  private search(node: number, cellDistance: number): void {
    if (node < 0 || this.aliveCount[node] === 0) return;
    const row = this.nodeRow[node] as number;
    const axis = this.nodeAxis[node] as number;
    const dims = this.dimensions;
    const offset = node * dims;
    const coordinates = this.nodeCoordinates;
    const query = this.queryPoint;
    if (this.alive[node] === 1 && row !== this.excluded) {
      // Partial distance with early exit once it exceeds the current bound.
      let squared = 0;
      const bound = this.bound;
      for (let d = 0; d < dims && squared <= bound; d++) {
        const diff = (coordinates[offset + d] as number) - (query[d] as number);
        squared += diff * diff;
      }
      if (squared <= bound) this.consider(row, squared);
    }
    const delta = (query[axis] as number) - (coordinates[offset + axis] as number);
    const first = delta < 0 ? this.left[node] : this.right[node];
    const second = delta < 0 ? this.right[node] : this.left[node];
    this.search(first as number, cellDistance);
    const previous = this.offsets[axis] as number;
    const farDistance = cellDistance - previous * previous + delta * delta;
    if (farDistance <= this.bound) {
      this.offsets[axis] = delta;
      this.search(second as number, farDistance);
      this.offsets[axis] = previous;
    }
  }
}

/**
 * Hoare-style quickselect: reorder `order[lo..hi]` so that position `nth` holds the row with the nth
 * smallest value (ties by row index), smaller-or-equal rows before it and greater-or-equal after.
 */
function selectNth(order: Int32Array, values: Float64Array, lo: number, hi: number, nth: number): void {
  const less = (a: number, b: number) =>
    (values[a] as number) < (values[b] as number) ||
    ((values[a] as number) === (values[b] as number) && a < b);
  let left = lo;
  let right = hi;
  while (right > left) {
    const pivot = order[(left + right) >> 1] as number;
    let i = left;
    let j = right;
    while (i <= j) {
      while (less(order[i] as number, pivot)) i++;
      while (less(pivot, order[j] as number)) j--;
      if (i <= j) {
        const swap = order[i] as number;
        order[i] = order[j] as number;
        order[j] = swap;
        i++;
        j--;
      }
    }
    if (nth <= j) right = j;
    else if (nth >= i) left = i;
    else return;
  }
}
