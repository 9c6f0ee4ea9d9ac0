import type { DuckDBConnection, DuckDBDataChunk, DuckDBInstance, DuckDBVector } from '@duckdb/node-api';
import { MeasureError } from '../errors';
import { duckdbDialect } from './dialect';
import {
  defineSqlEngine,
  type SqlChunk,
  type SqlColumn,
  type SqlEngine,
  type SqlEngineOptions,
  type SqlResult,
} from './engine';

/** The part of `@duckdb/node-api` the DuckDB engine uses (typed structurally so the peer stays optional). */
export interface DuckDbLibrary {
  DuckDBInstance: { create(path?: string, options?: Record<string, string>): Promise<unknown> };
}

/**
 * Import `@duckdb/node-api` on first use; a missing module becomes `DATA_SOURCE_UNAVAILABLE` saying what
 * to install.
 *
 * @example
 * ```ts
 * const lib = await importDuckDb();
 * ```
 */
export async function importDuckDb(specifier = '@duckdb/node-api'): Promise<DuckDbLibrary> {
  try {
    const module =
      specifier === '@duckdb/node-api' ? await import('@duckdb/node-api') : await import(specifier);
    return module as unknown as DuckDbLibrary;
  } catch (error) {
    throw new MeasureError(
      'DATA_SOURCE_UNAVAILABLE',
      'DuckDB needs the optional peer dependency @duckdb/node-api: install it (npm install @duckdb/node-api)',
      { cause: error, parameter: 'data.source' },
    );
  }
}

/** DuckDB type ids (DuckDBTypeId) whose values are numbers: integers, floats, decimals, booleans. */
const NUMERIC_TYPE_IDS = new Set([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 16, 19, 32]);

function toNumber(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'boolean') return value ? 1 : 0;
  return Number(String(value));
}

/** Accumulates one column over result chunks, then joins the pieces once. */
class ColumnBuilder {
  private readonly pieces: (Float64Array | string[])[] = [];
  private readonly nullPieces: Uint8Array[] = [];
  private anyNull = false;
  private length = 0;
  constructor(
    readonly name: string,
    readonly numeric: boolean,
  ) {}

  append(vector: DuckDBVector, rowCount: number): void {
    const nulls = new Uint8Array(rowCount);
    if (this.numeric) {
      const values = new Float64Array(rowCount);
      for (let i = 0; i < rowCount; i++) {
        const value = vector.getItem(i);
        if (value === null) {
          values[i] = Number.NaN;
          nulls[i] = 1;
          this.anyNull = true;
        } else values[i] = toNumber(value);
      }
      this.pieces.push(values);
    } else {
      const values: string[] = new Array(rowCount);
      for (let i = 0; i < rowCount; i++) {
        const value = vector.getItem(i);
        if (value === null) {
          values[i] = '';
          nulls[i] = 1;
          this.anyNull = true;
        } else values[i] = typeof value === 'string' ? value : String(value);
      }
      this.pieces.push(values);
    }
    this.nullPieces.push(nulls);
    this.length += rowCount;
  }

  finish(): SqlColumn {
    let values: Float64Array | string[];
    if (this.numeric) {
      const joined = new Float64Array(this.length);
      let offset = 0;
      for (const piece of this.pieces) {
        joined.set(piece as Float64Array, offset);
        offset += piece.length;
      }
      values = joined;
    } else values = (this.pieces as string[][]).flat();
    if (!this.anyNull) return { name: this.name, values };
    const nulls = new Uint8Array(this.length);
    let offset = 0;
    for (const piece of this.nullPieces) {
      nulls.set(piece, offset);
      offset += piece.length;
    }
    return { name: this.name, values, nulls };
  }
}

/** Stream a query's chunks into columns (no row objects). */
async function runQuery(connection: DuckDBConnection, sql: string): Promise<SqlResult> {
  let result: Awaited<ReturnType<DuckDBConnection['stream']>>;
  try {
    result = await connection.stream(sql);
  } catch (error) {
    throw new MeasureError('DATA_FILE_INVALID', `DuckDB query failed: ${(error as Error).message}`, {
      cause: error,
      parameter: 'data.query',
    });
  }
  const names = result.columnNames();
  const types = result.columnTypes();
  const builders = names.map(
    (name, j) => new ColumnBuilder(name, NUMERIC_TYPE_IDS.has(types[j]?.typeId as number)),
  );
  let rowCount = 0;
  for (;;) {
    let chunk: DuckDBDataChunk | null;
    try {
      chunk = await result.fetchChunk();
    } catch (error) {
      throw new MeasureError('DATA_FILE_INVALID', `DuckDB query failed: ${(error as Error).message}`, {
        cause: error,
        parameter: 'data.query',
      });
    }
    if (!chunk || chunk.rowCount === 0) break;
    const count = chunk.rowCount;
    builders.forEach((builder, j) => {
      builder.append(chunk.getColumnVector(j), count);
    });
    rowCount += count;
  }
  return { rowCount, columns: builders.map((builder) => builder.finish()) };
}

/** What a DuckDB vector of a DOUBLE column holds at run time (`items`/`validity` are not in its typings). */
interface DoubleVectorData {
  items?: unknown;
  validity?: { data?: unknown; itemValid?: (i: number) => boolean };
}

/**
 * A chunk column as numbers, and its NULL count: a DOUBLE vector's own Float64Array (no copy) when the
 * package exposes it, else each value converted (slower, same numbers).
 */
function numericColumn(vector: DuckDBVector, rowCount: number): { values: Float64Array; nulls: number } {
  const raw = vector as unknown as DoubleVectorData;
  const { items, validity } = raw;
  if (
    items instanceof Float64Array &&
    items.length === rowCount &&
    validity !== undefined &&
    typeof validity.itemValid === 'function'
  ) {
    let nulls = 0;
    // A null bitmap means every row is valid; otherwise count the invalid ones (rare: a NULL fails or
    // drops the row before any statistic is used).
    if (validity.data) for (let i = 0; i < rowCount; i++) if (!validity.itemValid(i)) nulls++;
    return { values: items, nulls };
  }
  const values = new Float64Array(rowCount);
  let nulls = 0;
  for (let i = 0; i < rowCount; i++) {
    const value = vector.getItem(i);
    if (value === null) {
      nulls++;
      values[i] = Number.NaN;
    } else values[i] = toNumber(value);
  }
  return { values, nulls };
}

function queryFailed(error: unknown): MeasureError {
  return new MeasureError('DATA_FILE_INVALID', `DuckDB query failed: ${(error as Error).message}`, {
    cause: error,
    parameter: 'data.query',
  });
}

/**
 * Stream one query's chunks to `visit` as numeric columns. The next chunk is requested before the
 * current one is visited, so DuckDB reads and decodes it (on a worker thread) while JS uses this one.
 */
async function streamQuery(
  connection: DuckDBConnection,
  sql: string,
  visit: (chunk: SqlChunk) => void,
): Promise<void> {
  let result: Awaited<ReturnType<DuckDBConnection['stream']>>;
  try {
    result = await connection.stream(sql);
  } catch (error) {
    throw queryFailed(error);
  }
  const k = result.columnCount;
  let next = result.fetchChunk();
  try {
    for (;;) {
      let chunk: DuckDBDataChunk | null;
      try {
        chunk = await next;
      } catch (error) {
        throw queryFailed(error);
      }
      if (!chunk || chunk.rowCount === 0) break;
      next = result.fetchChunk();
      const rowCount = chunk.rowCount;
      const columns: Float64Array[] = new Array(k);
      const nullCounts = new Uint32Array(k);
      for (let j = 0; j < k; j++) {
        const column = numericColumn(chunk.getColumnVector(j), rowCount);
        columns[j] = column.values;
        nullCounts[j] = column.nulls;
      }
      visit({ rowCount, columns, nullCounts });
    }
  } catch (error) {
    // The chunk already requested is not awaited any more.
    next.catch(() => undefined);
    throw error;
  }
}

/**
 * Create a DuckDB {@link SqlEngine}: an in-process database (`:memory:` or a `.duckdb` file) that reads
 * Parquet, CSV and JSON files directly. `settings` become DuckDB config options (e.g. `threads`,
 * `memory_limit`).
 *
 * @example
 * ```ts
 * const engine = await createDuckDbEngine({ settings: { threads: 2 } });
 * const result = await engine.query("SELECT AVG(revenue) AS mean FROM 'orders.parquet'");
 * await engine.close();
 * ```
 */
export async function createDuckDbEngine(
  options: SqlEngineOptions & {
    lib?: DuckDbLibrary;
    readOnly?: boolean;
    /**
     * Connections for {@link SqlEngine.queryMany} (default 1): that many statements run at once, each on
     * its own connection. With `threads: 1` each statement runs on one thread, so its sums are
     * deterministic, while several statements use several cores.
     */
    connections?: number;
  } = {},
): Promise<SqlEngine> {
  const lib = options.lib ?? (await importDuckDb());
  const config: Record<string, string> = {};
  for (const [key, value] of Object.entries(options.settings ?? {})) config[key] = String(value);
  if (options.readOnly && options.database !== undefined && options.database !== ':memory:')
    config.access_mode = 'READ_ONLY';
  let instance: DuckDBInstance;
  try {
    instance = (await lib.DuckDBInstance.create(options.database ?? ':memory:', config)) as DuckDBInstance;
  } catch (error) {
    throw new MeasureError(
      'DATA_FILE_INVALID',
      `cannot open DuckDB database ${options.database ?? ':memory:'}: ${(error as Error).message}`,
      { cause: error, parameter: 'data.database' },
    );
  }
  const connection = await instance.connect();
  const pool: DuckDBConnection[] = [connection];
  for (let k = 1; k < Math.max(1, Math.floor(options.connections ?? 1)); k++)
    pool.push(await instance.connect());
  return {
    dialect: duckdbDialect,
    query: (sql) => runQuery(connection, sql),
    async queryMany(sqls) {
      const results: SqlResult[] = new Array(sqls.length);
      let next = 0;
      // Each connection takes the next statement when it is free; results keep the input order.
      await Promise.all(
        pool.slice(0, sqls.length).map(async (worker) => {
          for (let k = next++; k < sqls.length; k = next++)
            results[k] = await runQuery(worker, sqls[k] as string);
        }),
      );
      return results;
    },
    async streamNumeric(sqls, visit) {
      let next = 0;
      let failed: unknown;
      // As queryMany: each connection streams the next statement when it is free; after a failure the
      // others stop at their next chunk, so no stream outlives the call.
      const settled = await Promise.allSettled(
        pool.slice(0, sqls.length).map(async (worker) => {
          try {
            for (let k = next++; k < sqls.length && failed === undefined; k = next++)
              await streamQuery(worker, sqls[k] as string, (chunk) => {
                if (failed !== undefined) throw failed;
                visit(k, chunk);
              });
          } catch (error) {
            failed ??= error;
            throw error;
          }
        }),
      );
      if (settled.some((outcome) => outcome.status === 'rejected')) throw failed;
    },
    async close() {
      for (const worker of pool) worker.closeSync();
      instance.closeSync();
    },
  };
}

/**
 * The `duckdb` SQL engine factory (registered by default).
 *
 * @example
 * ```yaml
 * data: { source: sql, engine: duckdb, connection: { database: warehouse.duckdb }, table: orders }
 * ```
 */
export const duckDbEngine = defineSqlEngine({
  name: 'duckdb',
  create: (options) => createDuckDbEngine(options),
});
