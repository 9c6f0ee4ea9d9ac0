import { z } from 'zod';
import { MeasureError } from '../errors';
import { getSqlEngine } from '../sql/registry';
import { buildSqlRelation, SqlRelationKeys } from '../sql/relation';
import { defineSqlDataSource } from '../sql/sql-source';

/** Keys of a `sql` data source: an engine from the SQL engine registry, how to connect, what to read. */
export const SqlSourceSpecSchema = z
  .strictObject({
    /** A registered SQL engine: `duckdb`, `postgres`, or one you registered. */
    engine: z.string().min(1),
    connection: z
      .strictObject({
        /** Connection string. Prefer `url_env` so secrets stay out of configs. */
        url: z.string().min(1).optional(),
        /** Name of an environment variable holding the connection string. */
        url_env: z.string().min(1).optional(),
        /** Database file (DuckDB). */
        database: z.string().min(1).optional(),
        settings: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
      })
      .default({}),
    ...SqlRelationKeys,
  })
  .refine((spec) => (spec.table === undefined) !== (spec.query === undefined), {
    message: 'expected exactly one of table or query',
    path: ['table'],
  });
/** Parsed `sql` source keys. */
export type SqlSourceSpec = z.output<typeof SqlSourceSpecSchema>;

/**
 * `sql` data source: reads a table or query through any registered {@link SqlEngine}; with
 * `pushdown: true`, experiment and DiD statistics are computed by the engine.
 *
 * @example
 * ```yaml
 * data: { source: sql, engine: postgres, connection: { url_env: DATABASE_URL }, table: experiment_orders, pushdown: true }
 * ```
 */
export const sqlSource = defineSqlDataSource({
  name: 'sql',
  specSchema: SqlSourceSpecSchema,
  async openRelation(spec) {
    const { url_env: urlEnv, url: literalUrl, database, settings } = spec.connection;
    let url = literalUrl;
    if (urlEnv !== undefined) {
      url = process.env[urlEnv];
      if (url === undefined || url === '') {
        throw new MeasureError(
          'DATA_SOURCE_UNAVAILABLE',
          `environment variable ${urlEnv} (data.connection.url_env) is not set`,
          {
            parameter: 'data.connection.url_env',
          },
        );
      }
    }
    // DuckDB pushdown sums on one thread unless told otherwise, so results are byte-identical run to run.
    const engineSettings =
      spec.engine === 'duckdb' && spec.pushdown ? { threads: 1, ...(settings ?? {}) } : settings;
    const engine = await getSqlEngine(spec.engine).create({
      ...(url === undefined ? {} : { url }),
      ...(database === undefined ? {} : { database }),
      ...(engineSettings === undefined ? {} : { settings: engineSettings }),
    });
    try {
      return await buildSqlRelation(engine, spec);
    } catch (error) {
      await engine.close();
      throw error;
    }
  },
});
