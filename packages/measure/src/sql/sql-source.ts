import type { Table } from '@impact/contracts';
import type { z } from 'zod';
import type { DataSourceAdapter, DataSourceContext } from '../sources/source';
import { loadSqlRelation, type SqlRelation } from './relation';

/**
 * A data source backed by a SQL engine: besides `load` (rows into a Table) it can open the data as a
 * {@link SqlRelation}, which is what pushdown models and column pruning use.
 */
export interface SqlDataSourceAdapter<S = unknown> extends DataSourceAdapter<S> {
  /** Open the engine and describe the data; the caller closes `relation.engine`. */
  openRelation(spec: S, context: DataSourceContext): Promise<SqlRelation>;
  /** Whether the spec asks for pushdown. */
  wantsPushdown(spec: S): boolean;
}

/**
 * Whether a data source adapter is SQL-backed.
 *
 * @example
 * ```ts
 * if (isSqlDataSource(adapter)) { const relation = await adapter.openRelation(spec, context); }
 * ```
 */
export function isSqlDataSource(
  adapter: DataSourceAdapter<unknown>,
): adapter is SqlDataSourceAdapter<unknown> {
  return typeof (adapter as Partial<SqlDataSourceAdapter>).openRelation === 'function';
}

/**
 * Declare a SQL-backed data source from its `openRelation`; `load` reads the columns the run uses
 * (`context.columns` plus declared `types:`; every column when the run does not say, with `missing:` applied
 * to `context.missingColumns` only when that is given) and closes the engine.
 *
 * @example
 * ```ts
 * const warehouse = defineSqlDataSource({ name: 'warehouse', specSchema, openRelation: async (spec) => buildSqlRelation(await connect(), spec) });
 * ```
 */
export function defineSqlDataSource<S extends { pushdown: boolean }>(definition: {
  name: string;
  specSchema: z.ZodType<S>;
  openRelation(spec: S, context: DataSourceContext): Promise<SqlRelation>;
}): SqlDataSourceAdapter<S> {
  return {
    ...definition,
    wantsPushdown: (spec) => spec.pushdown,
    async load(spec, context): Promise<Table> {
      const relation = await definition.openRelation(spec, context);
      try {
        const wanted = context.columns;
        const use = wanted
          ? relation.columnNames.filter((name) => wanted.has(name) || relation.types[name] !== undefined)
          : undefined;
        return await loadSqlRelation(relation, use, context.missingColumns);
      } finally {
        await relation.engine.close();
      }
    },
  };
}
