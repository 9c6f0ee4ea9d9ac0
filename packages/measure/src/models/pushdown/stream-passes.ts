/**
 * The two streamed passes of {@link fitOlsStreamed} (stream-ols.ts): a part's chunks are copied into fixed
 * blocks and each block goes through the in-memory OLS passes (ols-passes.ts); blocks merge exactly within
 * a part and parts in their fixed order, so results do not depend on chunk sizes or concurrency.
 */
import type { SqlDialect } from '../../sql/dialect';
import type { SqlChunk, SqlEngine } from '../../sql/engine';
import { type CentredBasis, momentPass, residualPass } from '../../stats/ols-passes';
import { isOne, type SqlDesign } from './sql-passes';

/**
 * Rows per block: the streamed chunks are copied into blocks of this many rows of each part, so every
 * sum is taken over the same rows in the same order however the engine sizes its chunks.
 */
export const STREAM_BLOCK_ROWS = 16384;

/** 0/1 checks of one streamed column over the rows (NULL slots included: a NULL fails the run first). */
export interface BinaryStats {
  min: number;
  max: number;
  /** Σ t(1 − t): 0 exactly when every value is 0 or 1 (given min ≥ 0 and max ≤ 1). */
  spread: number;
  /** Rows equal to 1 (an exact count). */
  ones: number;
}

/** What the first streamed pass saw, for a caller's checks ({@link StreamChecks}). */
export interface StreamFirstPass {
  n: number;
  /**
   * NULLs per streamed column: design columns 1…p−1, then (with CUPED) the pre-period metric, the
   * outcome, and the {@link StreamChecks.columns}.
   */
  nullCounts: number[];
  /** Σ of design columns 1…p−1, (CUPED metric,) outcome: n times their means (non-finite when a value is). */
  sums: number[];
  /** Means of the same columns as `sums` (exactly the centres the fit uses). */
  means: Float64Array;
  /** Per {@link StreamChecks.binary} entry. */
  binary: BinaryStats[];
}

/** A caller's checks riding along the first streamed pass (e.g. the one-scan experiment's column checks). */
export interface StreamChecks {
  /** More SQL expressions to stream (only their NULLs are counted), e.g. a cluster column. */
  columns: string[];
  /** Design column indices (≥ 1) whose 0/1 statistics to collect. */
  binary: number[];
  /**
   * Reads what the pass saw; may throw (a missing value, a non-binary treatment, …). May return the
   * design's {@link SqlDesign.shifts} when they depend on it (e.g. the negated means, to report columns
   * centred at their means).
   */
  finish(first: StreamFirstPass): Promise<number[] | undefined>;
}

/**
 * Running n, means and centred cross products, merged exactly (Chan, Golub & LeVeque 1983).
 *
 * @example
 * ```ts
 * const total = new CentredMoments(2);
 * total.merge(rows, pass.means, pass.products); // pass = momentPass(columns, null, rows, true)
 * ```
 */
export class CentredMoments {
  n = 0;
  readonly means: Float64Array;
  readonly products: Float64Array;
  constructor(readonly k: number) {
    this.means = new Float64Array(k);
    this.products = new Float64Array(k * k);
  }

  /** Add a set with `count` rows, means `means` and centred products `products`. */
  merge(count: number, means: Float64Array, products: Float64Array): void {
    const { k } = this;
    const total = this.n + count;
    if (count === 0) return;
    const weight = (this.n * count) / total;
    for (let a = 0; a < k; a++) {
      const da = (means[a] as number) - (this.means[a] as number);
      for (let b = 0; b < k; b++) {
        const db = (means[b] as number) - (this.means[b] as number);
        const cell = a * k + b;
        this.products[cell] = (this.products[cell] as number) + (products[cell] as number) + weight * da * db;
      }
    }
    for (let a = 0; a < k; a++)
      this.means[a] =
        (this.means[a] as number) + ((means[a] as number) - (this.means[a] as number)) * (count / total);
    this.n = total;
  }
}

/** Copies a statement's chunks into fixed blocks of {@link STREAM_BLOCK_ROWS} rows and hands each on. */
class Blocks {
  readonly columns: Float64Array[];
  readonly nullCounts: number[];
  private fill = 0;
  constructor(
    width: number,
    private readonly onBlock: (columns: Float64Array[], rows: number) => void,
  ) {
    this.columns = Array.from({ length: width }, () => new Float64Array(STREAM_BLOCK_ROWS));
    this.nullCounts = new Array<number>(width).fill(0);
  }

  push(chunk: SqlChunk): void {
    const width = this.columns.length;
    for (let j = 0; j < width; j++)
      this.nullCounts[j] = (this.nullCounts[j] as number) + (chunk.nullCounts[j] as number);
    for (let offset = 0; offset < chunk.rowCount; ) {
      const take = Math.min(STREAM_BLOCK_ROWS - this.fill, chunk.rowCount - offset);
      for (let j = 0; j < width; j++)
        (this.columns[j] as Float64Array).set(
          (chunk.columns[j] as Float64Array).subarray(offset, offset + take),
          this.fill,
        );
      this.fill += take;
      offset += take;
      if (this.fill === STREAM_BLOCK_ROWS) this.flush();
    }
  }

  flush(): void {
    if (this.fill > 0) this.onBlock(this.columns, this.fill);
    this.fill = 0;
  }
}

const alias = (dialect: SqlDialect, name: string) => dialect.quoteIdentifier(name);

/** `SELECT <columns> FROM <part> [WHERE …]`. */
function selectSql(dialect: SqlDialect, columns: string[], from: string, where: string | undefined): string {
  const list = columns.map((column, j) => `${column} AS ${alias(dialect, `c${j}`)}`).join(', ');
  return `SELECT ${list} FROM ${from}${where === undefined ? '' : ` WHERE ${where}`}`;
}

/** The parts of the design's relation (or the relation itself), one streamed statement each. */
function statements(design: SqlDesign, columns: string[], dialect: SqlDialect): string[] {
  return (design.parts ?? [design.from]).map((from) => selectSql(dialect, columns, from, design.where));
}

/**
 * Whether {@link fitOlsStreamed} applies: the engine streams, and design column 0 alone is the intercept.
 *
 * @example
 * ```ts
 * const streamed = canStream(relation.engine, design); // true on DuckDB for the experiment's design
 * ```
 */
export function canStream(engine: SqlEngine, design: SqlDesign): boolean {
  const { dialect } = engine;
  return (
    engine.streamNumeric !== undefined &&
    isOne(dialect, design, 0) &&
    design.expressions.every((_, j) => j === 0 || !isOne(dialect, design, j))
  );
}

/**
 * Pass one: means and centred cross products of [design columns 1…p−1, (CUPED metric,) outcome], with the
 * NULL counts and 0/1 statistics `checks` asks for.
 *
 * @example
 * ```ts
 * const { moments, first } = await momentsPass(engine, design, undefined);
 * ```
 */
export async function momentsPass(
  engine: SqlEngine,
  design: SqlDesign,
  checks: StreamChecks | undefined,
): Promise<{ moments: CentredMoments; first: StreamFirstPass; sql: string }> {
  const { dialect } = engine;
  const kernel = [
    ...design.expressions.slice(1),
    ...(design.cuped === undefined ? [] : [design.cuped]),
    design.outcome,
  ];
  const columns = [...kernel, ...(checks?.columns ?? [])];
  const k = kernel.length;
  const sqls = statements(design, columns, dialect);
  const binaryIndex = (checks?.binary ?? []).map((j) => j - 1);
  const parts = sqls.map(() => ({
    moments: new CentredMoments(k),
    binary: binaryIndex.map((): BinaryStats => ({ min: Infinity, max: -Infinity, spread: 0, ones: 0 })),
  }));
  const blocks = parts.map(
    (part) =>
      new Blocks(columns.length, (arrays, rows) => {
        const pass = momentPass(arrays.slice(0, k), null, rows, true);
        part.moments.merge(rows, pass.means, pass.products);
        binaryIndex.forEach((index, b) => {
          binaryBlock(arrays[index] as Float64Array, rows, part.binary[b] as BinaryStats);
        });
      }),
  );
  await (engine.streamNumeric as NonNullable<SqlEngine['streamNumeric']>)(sqls, (statement, chunk) =>
    (blocks[statement] as Blocks).push(chunk),
  );
  const moments = new CentredMoments(k);
  const nullCounts = new Array<number>(columns.length).fill(0);
  const binary = binaryIndex.map((): BinaryStats => ({ min: Infinity, max: -Infinity, spread: 0, ones: 0 }));
  parts.forEach((part, s) => {
    const block = blocks[s] as Blocks;
    block.flush();
    moments.merge(part.moments.n, part.moments.means, part.moments.products);
    block.nullCounts.forEach((count, j) => {
      nullCounts[j] = (nullCounts[j] as number) + count;
    });
    part.binary.forEach((stats, b) => {
      const into = binary[b] as BinaryStats;
      into.min = Math.min(into.min, stats.min);
      into.max = Math.max(into.max, stats.max);
      into.spread += stats.spread;
      into.ones += stats.ones;
    });
  });
  const sums = Array.from(moments.means, (mean) => mean * moments.n);
  return {
    moments,
    first: { n: moments.n, nullCounts, sums, means: moments.means, binary },
    sql: sqls[0] as string,
  };
}

function binaryBlock(values: Float64Array, rows: number, stats: BinaryStats): void {
  let { min, max, spread, ones } = stats;
  for (let i = 0; i < rows; i++) {
    const t = values[i] as number;
    if (t < min) min = t;
    if (t > max) max = t;
    spread += t * (1 - t);
    if (t === 1) ones++;
  }
  Object.assign(stats, { min, max, spread, ones });
}

/**
 * Pass two: RSS and (power ≥ 0: HC0/HC1, 1: HC2, 2: HC3) the meat in the centred basis, block by block,
 * parts added in order.
 *
 * @example
 * ```ts
 * const { rss, meat } = await meatPass(engine, design, design.outcome, { shifts, beta, inverse }, 0);
 * ```
 */
export async function meatPass(
  engine: SqlEngine,
  design: SqlDesign,
  outcome: string,
  basis: { shifts: Float64Array; beta: Float64Array; inverse: Float64Array },
  power: -1 | 0 | 1 | 2,
): Promise<{ rss: number; meat: Float64Array; sql: string }> {
  const p = design.names.length;
  const columns = [...design.expressions.slice(1), outcome];
  const sqls = statements(design, columns, engine.dialect);
  const varying = Array.from({ length: p - 1 }, (_, j) => j + 1);
  const totals = sqls.map(() => ({ rss: 0, meat: new Float64Array(p * p) }));
  const empty = new Float64Array(0);
  const blocks = totals.map(
    (total) =>
      new Blocks(columns.length, (arrays, rows) => {
        const centred: CentredBasis = {
          columns: [empty, ...arrays.slice(0, p - 1)],
          varying,
          shifts: basis.shifts,
          constantIndex: 0,
          constant: 1,
        };
        const request = power < 0 ? undefined : { power: power as 0 | 1 | 2, inverse: basis.inverse };
        const pass = residualPass(centred, basis.beta, arrays[p - 1] as Float64Array, null, rows, request);
        total.rss += pass.rss;
        if (pass.meat)
          for (let c = 0; c < p * p; c++)
            total.meat[c] = (total.meat[c] as number) + (pass.meat[c] as number);
      }),
  );
  await (engine.streamNumeric as NonNullable<SqlEngine['streamNumeric']>)(sqls, (statement, chunk) =>
    (blocks[statement] as Blocks).push(chunk),
  );
  const meat = new Float64Array(p * p);
  let rss = 0;
  totals.forEach((total, s) => {
    (blocks[s] as Blocks).flush();
    rss += total.rss;
    for (let c = 0; c < p * p; c++) meat[c] = (meat[c] as number) + (total.meat[c] as number);
  });
  return { rss, meat, sql: sqls[0] as string };
}
