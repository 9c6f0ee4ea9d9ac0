import type { Client, FieldDef } from 'pg';
import { MeasureError } from '../errors';
import { postgresDialect, stringLiteral } from './dialect';
import { defineSqlEngine, type SqlColumn, type SqlEngine, type SqlEngineOptions } from './engine';

/** The part of `pg` the PostgreSQL engine uses (typed structurally so the peer stays optional). */
export interface PgLibrary {
  Client: new (config: { connectionString?: string }) => unknown;
}

/**
 * Import `pg` on first use; a missing module becomes `DATA_SOURCE_UNAVAILABLE` saying what to install.
 *
 * @example
 * ```ts
 * const lib = await importPg();
 * ```
 */
export async function importPg(specifier = 'pg'): Promise<PgLibrary> {
  try {
    const module = specifier === 'pg' ? await import('pg') : await import(specifier);
    return ((module as { default?: unknown }).default ?? module) as PgLibrary;
  } catch (error) {
    throw new MeasureError(
      'DATA_SOURCE_UNAVAILABLE',
      'the "postgres" SQL engine needs the optional peer dependency pg: install it (npm install pg)',
      { cause: error, parameter: 'data.engine' },
    );
  }
}

/** PostgreSQL type OIDs read as numbers: bool, int8, int2, int4, oid, float4, float8, numeric. */
const NUMERIC_OIDS = new Set([16, 20, 21, 23, 26, 700, 701, 1700]);

/** Values arrive as PostgreSQL's text output (float8 text is shortest round-trip since PostgreSQL 12). */
const rawText = { getTypeParser: () => (value: string) => value };

function toNumber(text: string, oid: number): number {
  if (oid === 16) return text === 't' ? 1 : 0;
  return Number(text);
}

function columnsFromRows(fields: FieldDef[], rows: (string | null)[][]): SqlColumn[] {
  return fields.map((field, j) => {
    const numeric = NUMERIC_OIDS.has(field.dataTypeID);
    const nulls = new Uint8Array(rows.length);
    let anyNull = false;
    const values: Float64Array | string[] = numeric ? new Float64Array(rows.length) : new Array(rows.length);
    rows.forEach((row, i) => {
      const text = row[j] ?? null;
      if (text === null) {
        nulls[i] = 1;
        anyNull = true;
        values[i] = numeric ? Number.NaN : '';
      } else values[i] = numeric ? toNumber(text, field.dataTypeID) : text;
    });
    return anyNull ? { name: field.name, values, nulls } : { name: field.name, values };
  });
}

/**
 * Create a PostgreSQL {@link SqlEngine} over one `pg` client connection (`url` is a libpq connection
 * string such as `postgres://user@127.0.0.1:5432/db`). `settings` are applied with `SET` for the session;
 * `max_parallel_workers_per_gather` defaults to 0 so sums are byte-identical run to run.
 *
 * @example
 * ```ts
 * const engine = await createPostgresEngine({ url: process.env.DATABASE_URL });
 * ```
 */
export async function createPostgresEngine(
  options: SqlEngineOptions & { lib?: PgLibrary } = {},
): Promise<SqlEngine> {
  const lib = options.lib ?? (await importPg());
  const client = new lib.Client({
    ...(options.url === undefined ? {} : { connectionString: options.url }),
  }) as Client;
  try {
    await client.connect();
  } catch (error) {
    throw new MeasureError(
      'DATA_SOURCE_UNAVAILABLE',
      `cannot connect to PostgreSQL${options.url === undefined ? '' : ` at ${redact(options.url)}`}: ${(error as Error).message}`,
      { cause: error, parameter: 'data.connection.url' },
    );
  }
  // Session settings; parallel workers off by default, because parallel partial sums combine in a varying
  // order and the pushdown's results must be byte-identical for the same data.
  const settings = { max_parallel_workers_per_gather: 0, ...(options.settings ?? {}) };
  try {
    for (const [name, value] of Object.entries(settings)) {
      if (!/^[A-Za-z_][A-Za-z0-9_.]*$/.test(name))
        throw new Error(`"${name}" is not a PostgreSQL setting name`);
      await client.query(`SET ${name} = ${typeof value === 'string' ? stringLiteral(value) : String(value)}`);
    }
  } catch (error) {
    await client.end();
    throw new MeasureError(
      'DATA_SOURCE_UNAVAILABLE',
      `cannot apply PostgreSQL settings: ${(error as Error).message}`,
      {
        cause: error,
        parameter: 'data.connection.settings',
      },
    );
  }
  return {
    dialect: postgresDialect,
    async query(sql) {
      try {
        const result = await client.query<(string | null)[]>({ text: sql, rowMode: 'array', types: rawText });
        return { rowCount: result.rows.length, columns: columnsFromRows(result.fields, result.rows) };
      } catch (error) {
        throw new MeasureError('DATA_FILE_INVALID', `PostgreSQL query failed: ${(error as Error).message}`, {
          cause: error,
          parameter: 'data.query',
        });
      }
    },
    async close() {
      await client.end();
    },
  };
}

/** A connection string without its password, for messages. */
function redact(url: string): string {
  return url.replace(/(\/\/[^:/@]+):[^@]*@/, '$1:***@');
}

/**
 * The `postgres` SQL engine factory (registered by default; needs `pg`).
 *
 * @example
 * ```yaml
 * data: { source: sql, engine: postgres, connection: { url_env: DATABASE_URL }, table: orders }
 * ```
 */
export const postgresEngine = defineSqlEngine({
  name: 'postgres',
  create: (options) => createPostgresEngine(options),
});
