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
  /** Release connections; called once when the measurement is done. */
  close(): Promise<void>;
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
