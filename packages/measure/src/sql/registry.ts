import { MeasureError } from '../errors';
import { duckDbEngine } from './duckdb';
import type { SqlEngineFactory } from './engine';
import { postgresEngine } from './postgres';

const engines = new Map<string, SqlEngineFactory>([
  [duckDbEngine.name, duckDbEngine],
  [postgresEngine.name, postgresEngine],
]);

/**
 * Register a SQL engine factory under its name (`data: { source: sql, engine: <name> }`); a second
 * factory with a taken name is refused (`REGISTRY_DUPLICATE`). Built in: `duckdb`, `postgres`.
 *
 * @example
 * ```ts
 * registerSqlEngine(defineSqlEngine({ name: 'bigquery', create: createBigQueryEngine }));
 * ```
 */
export function registerSqlEngine(factory: SqlEngineFactory): void {
  if (engines.has(factory.name)) {
    throw new MeasureError(
      'REGISTRY_DUPLICATE',
      `a SQL engine named "${factory.name}" is already registered`,
      {
        parameter: 'data.engine',
      },
    );
  }
  engines.set(factory.name, factory);
}

/**
 * The registered SQL engine factory called `name`; `DATA_SOURCE_UNKNOWN` listing the registered ones.
 *
 * @example
 * ```ts
 * const engine = await getSqlEngine('duckdb').create({});
 * ```
 */
export function getSqlEngine(name: string): SqlEngineFactory {
  const factory = engines.get(name);
  if (!factory) {
    throw new MeasureError(
      'DATA_SOURCE_UNKNOWN',
      `unknown SQL engine "${name}" (registered: ${[...engines.keys()].sort().join(', ')})`,
      { parameter: 'data.engine' },
    );
  }
  return factory;
}

/**
 * Names of the registered SQL engines, sorted.
 *
 * @example
 * ```ts
 * listSqlEngines(); // ['duckdb', 'postgres']
 * ```
 */
export function listSqlEngines(): string[] {
  return [...engines.keys()].sort();
}
