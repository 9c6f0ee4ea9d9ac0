import type { Table } from '@impact/contracts';
import type { z } from 'zod';

/** What a data source receives besides its spec. */
export interface DataSourceContext {
  /** Folder relative paths resolve against (the config file's folder; the working directory otherwise). */
  baseDir: string;
  /** Run seed. */
  seed: number;
  /**
   * Names the model and transforms refer to (see `referencedNames`), when the run knows them. A source
   * may load only the columns in this set (plus `columns:`/`types:` keys) and applies `missing: drop`
   * listwise on the columns in it; absent: every column is used.
   */
  columns?: ReadonlySet<string>;
  /**
   * Set instead of `columns` when a transform may read columns it does not name: keep every column, but
   * apply the `missing:` policy only to the columns in this set (the names the run refers to).
   */
  missingColumns?: ReadonlySet<string>;
}

/**
 * A data source: validates its part of `data:` (everything but `source`) with `specSchema` and loads a
 * columnar {@link Table}.
 */
export interface DataSourceAdapter<S = unknown> {
  /** Name used in YAML (`data: { source: <name> }`). */
  name: string;
  /** Schema of the source's keys (strict). */
  specSchema: z.ZodType<S>;
  load(spec: S, context: DataSourceContext): Promise<Table> | Table;
}

/**
 * Type helper for declaring a data source.
 *
 * @example
 * ```ts
 * const warehouse = defineDataSource({ name: 'warehouse', specSchema: z.strictObject({ query: z.string() }), load: async (spec) => runQuery(spec.query) });
 * registerDataSource(warehouse);
 * ```
 */
export function defineDataSource<S>(adapter: DataSourceAdapter<S>): DataSourceAdapter<S> {
  return adapter;
}
