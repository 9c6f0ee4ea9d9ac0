import { MeasureError } from '../errors';
import type { SqlDialect } from './dialect';

/**
 * One result column: numbers (integers, decimals, booleans as 0/1) in a Float64Array, everything else
 * (text, dates, timestamps) as strings. SQL NULLs are flagged in `nulls` (1 = NULL; the value slot holds
 * NaN or '').
 */
export interface SqlColumn {
  name: string;
  values: Float64Array | string[];
  /** Present when at least one value is NULL. */
  nulls?: Uint8Array;
}

/** What {@link SqlEngine.query} returns: columns in SELECT order. */
export interface SqlResult {
  rowCount: number;
  columns: SqlColumn[];
}

/**
 * A SQL engine the `sql` source and the pushdown models talk to: run one query and return its columns.
 * Implement this around any client (BigQuery, Snowflake, Trino, Spark, …) and register a factory with
 * {@link registerSqlEngine}; see docs/measure-sql.md.
 */
export interface SqlEngine {
  /** The engine's SQL spellings. */
  dialect: SqlDialect;
  /** Run one statement and return its result as columns. */
  query(sql: string): Promise<SqlResult>;
  /**
   * Optional: run independent statements concurrently (e.g. on several connections), results in input
   * order. {@link queryAll} falls back to running them one by one.
   */
  queryMany?(sqls: readonly string[]): Promise<SqlResult[]>;
  /**
   * Optional: stream the rows of independent statements whose columns are all numbers (e.g. `CAST(x AS
   * DOUBLE)`) as typed chunks, without building a result in memory: `visit(statement, chunk)` sees each
   * statement's rows in its result order, chunk after chunk; chunks of different statements may
   * interleave (they can run concurrently), and a chunk's arrays are valid only during the call. An
   * engine in the same process (DuckDB) has it, so the pushdown models feed its rows to the in-memory
   * OLS kernels ({@link SqlChunk}); without it they compute their sums as SQL aggregates.
   */
  streamNumeric?(sqls: readonly string[], visit: (statement: number, chunk: SqlChunk) => void): Promise<void>;
  /** Release connections; called once when the measurement is done. */
  close(): Promise<void>;
}

/** One chunk of rows from {@link SqlEngine.streamNumeric}. */
export interface SqlChunk {
  rowCount: number;
  /** One array per SELECT column, `rowCount` long; a NULL's slot holds an unspecified number. */
  columns: Float64Array[];
  /** NULLs per column in this chunk. */
  nullCounts: Uint32Array;
}

/** Options an engine factory receives (from YAML `data.connection`, or code). */
export interface SqlEngineOptions {
  /** Connection string / URL, when the engine uses one (e.g. `postgres://…`). */
  url?: string;
  /** Database file (DuckDB); `:memory:` when omitted. */
  database?: string;
  /** Engine-specific settings, passed through untouched. */
  settings?: Record<string, string | number | boolean>;
}

/** Creates {@link SqlEngine} instances by name (`data: { source: sql, engine: <name> }`). */
export interface SqlEngineFactory {
  name: string;
  create(options: SqlEngineOptions): Promise<SqlEngine>;
}

/**
 * Type helper for declaring an engine factory.
 *
 * @example
 * ```ts
 * const trino = defineSqlEngine({ name: 'trino', create: async () => ({ dialect: trinoDialect, query: runOnTrino, close: async () => {} }) });
 * registerSqlEngine(trino);
 * ```
 */
export function defineSqlEngine(factory: SqlEngineFactory): SqlEngineFactory {
  return factory;
}

/**
 * Run a query that returns exactly one row of numbers (an aggregate) and return it by column name.
 * A NULL aggregate (e.g. SUM over no rows) becomes NaN.
 *
 * @example
 * ```ts
 * const { n } = await queryAggregateRow(engine, 'SELECT COUNT(*) AS n FROM t');
 * ```
 */
export async function queryAggregateRow(engine: SqlEngine, sql: string): Promise<Record<string, number>> {
  const result = await engine.query(sql);
  if (result.rowCount !== 1) {
    throw new MeasureError(
      'DATA_FILE_INVALID',
      `aggregate query returned ${result.rowCount} rows, expected 1`,
      {
        parameter: 'data.query',
      },
    );
  }
  const row: Record<string, number> = {};
  for (const column of result.columns) {
    const value = column.values[0];
    row[column.name] = column.nulls?.[0] ? Number.NaN : typeof value === 'number' ? value : Number(value);
  }
  return row;
}

/**
 * Run independent statements, concurrently when the engine has {@link SqlEngine.queryMany}; results in
 * input order.
 *
 * @example
 * ```ts
 * const [a, b] = await queryAll(engine, ['SELECT 1 AS x', 'SELECT 2 AS x']);
 * ```
 */
export async function queryAll(engine: SqlEngine, sqls: readonly string[]): Promise<SqlResult[]> {
  if (engine.queryMany) return engine.queryMany(sqls);
  const out: SqlResult[] = [];
  for (const sql of sqls) out.push(await engine.query(sql));
  return out;
}

/** How the one-row results of an aggregate over disjoint parts combine, by column name. */
export type PartCombine = 'sum' | 'min' | 'max';

/**
 * Run the same one-row aggregate over disjoint parts of the data (one statement per part) and combine
 * the rows in part order: sums and counts add (a NULL part — no rows — adds nothing), `min`/`max`
 * columns take the extreme. The order is fixed by the parts, not by which part finishes first, so the
 * result is the same however many run at once. A column that is NULL in every part becomes NaN.
 *
 * @example
 * ```ts
 * const row = await queryAggregateParts(engine, parts.map((from) => `SELECT SUM(x) AS s FROM ${from}`), () => 'sum');
 * ```
 */
export async function queryAggregateParts(
  engine: SqlEngine,
  sqls: readonly string[],
  combine: (column: string) => PartCombine,
): Promise<Record<string, number>> {
  if (sqls.length === 1) return queryAggregateRow(engine, sqls[0] as string);
  const results = await queryAll(engine, sqls);
  // Per column, the combined value of the non-NULL parts so far (absent: none yet).
  const combined = new Map<string, number>();
  const names: string[] = [];
  for (const result of results) {
    if (result.rowCount !== 1) {
      throw new MeasureError(
        'DATA_FILE_INVALID',
        `aggregate query returned ${result.rowCount} rows, expected 1`,
        { parameter: 'data.query' },
      );
    }
    for (const column of result.columns) {
      if (!names.includes(column.name)) names.push(column.name);
      if (column.nulls?.[0]) continue;
      const raw = column.values[0];
      const value = typeof raw === 'number' ? raw : Number(raw);
      const previous = combined.get(column.name);
      const rule = combine(column.name);
      if (previous === undefined) combined.set(column.name, value);
      else if (rule === 'sum') combined.set(column.name, previous + value);
      else if (rule === 'min') combined.set(column.name, Math.min(previous, value));
      else combined.set(column.name, Math.max(previous, value));
    }
  }
  const row: Record<string, number> = {};
  for (const name of names) row[name] = combined.get(name) ?? Number.NaN;
  return row;
}
