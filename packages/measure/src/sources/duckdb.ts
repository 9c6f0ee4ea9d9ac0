import { availableParallelism } from 'node:os';
import { extname, isAbsolute, resolve } from 'node:path';
import { z } from 'zod';
import { MeasureError } from '../errors';
import { stringLiteral } from '../sql/dialect';
import { createDuckDbEngine, type DuckDbLibrary } from '../sql/duckdb';
import type { SqlEngine } from '../sql/engine';
import { buildSqlRelation, SqlRelationKeys } from '../sql/relation';
import { defineSqlDataSource, type SqlDataSourceAdapter } from '../sql/sql-source';
import { csvFilesLocator, csvFilesOf, csvTextReader, materialiseCsv, typedCsvSelect } from './duckdb-csv';
import { resolveMissingPolicy } from './missing';

/**
 * Keys of a `duckdb` data source: Parquet/CSV/JSON files (`path`, globs allowed) and/or a `.duckdb`
 * `database`, read whole, by `table:`, or by `query:` (which can refer to the files as `data`).
 */
export const DuckDbSourceSpecSchema = z
  .strictObject({
    /** File(s) or glob(s), relative to the config file's folder. */
    path: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]).optional(),
    /** File format; inferred from the (first) extension: .parquet, .csv/.tsv, .json/.jsonl/.ndjson. */
    format: z.enum(['parquet', 'csv', 'json']).optional(),
    /** A DuckDB database file, opened read-only. */
    database: z.string().min(1).optional(),
    ...SqlRelationKeys,
    /**
     * DuckDB settings, e.g. `{ threads: 2, memory_limit: 1GB }`. With `pushdown: true`, `threads` is how many
     * parts of Parquet files are summed at once (default: the cores), each on one DuckDB thread, so
     * results are byte-identical for any thread count.
     */
    settings: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
  })
  .refine((spec) => spec.path !== undefined || spec.database !== undefined || spec.query !== undefined, {
    message: 'expected path (files), database, or query',
    path: ['path'],
  })
  .refine((spec) => !(spec.table !== undefined && spec.query !== undefined), {
    message: 'give table or query, not both',
    path: ['table'],
  })
  .refine((spec) => !(spec.path !== undefined && spec.table !== undefined), {
    message: 'table reads from database; with path, use query (the files are the view "data")',
    path: ['table'],
  })
  .refine(
    (spec) =>
      spec.database === undefined ||
      spec.path !== undefined ||
      spec.table !== undefined ||
      spec.query !== undefined,
    {
      message: 'with database, set table or query',
      path: ['table'],
    },
  );
/** Parsed `duckdb` source keys. */
export type DuckDbSourceSpec = z.output<typeof DuckDbSourceSpecSchema>;

function formatOf(
  paths: readonly string[],
  declared: DuckDbSourceSpec['format'],
): 'parquet' | 'csv' | 'json' {
  if (declared) return declared;
  const extension = extname((paths[0] as string).replace(/\*+$/, '')).toLowerCase();
  if (extension === '.parquet') return 'parquet';
  if (extension === '.csv' || extension === '.tsv') return 'csv';
  if (extension === '.json' || extension === '.jsonl' || extension === '.ndjson') return 'json';
  throw new MeasureError(
    'DATA_FILE_INVALID',
    `cannot tell the format of ${paths[0]}: set data.format to parquet, csv or json`,
    {
      parameter: 'data.format',
    },
  );
}

/**
 * How many disjoint parts a pushdown over Parquet files is split into. Fixed (not the thread count), so
 * the order in which partial sums are added — and so every bit of the result — is the same however many
 * threads run them.
 */
export const PUSHDOWN_PARTS = 8;

/** Names in the data of the columns `types:` declares (after `columns:` renames), which are cast as declared. */
function declaredSources(spec: DuckDbSourceSpec): Set<string> {
  return new Set(Object.keys(spec.types ?? {}).map((name) => spec.columns?.[name] ?? name));
}

/** `read_parquet([...])` / `read_csv([...])` / `read_json([...])` over absolute paths. */
function fileReader(
  spec: DuckDbSourceSpec,
  baseDir: string,
): {
  sql: string;
  label: string;
  list: string;
  format: string;
  single: string | undefined;
  paths: string[];
} {
  const paths = typeof spec.path === 'string' ? [spec.path] : (spec.path as string[]);
  const absolute = paths.map((path) => (isAbsolute(path) ? path : resolve(baseDir, path)));
  const format = formatOf(paths, spec.format);
  const list = `[${absolute.map(stringLiteral).join(', ')}]`;
  const reader =
    format === 'parquet'
      ? `read_parquet(${list})`
      : format === 'csv'
        ? csvTextReader(list, resolveMissingPolicy(spec.missing).markers)
        : `read_json(${list})`;
  return {
    sql: reader,
    label: absolute.length === 1 ? (absolute[0] as string) : `${absolute[0]} (+${absolute.length - 1} files)`,
    list,
    format,
    single: absolute.length === 1 && !/[*?[]/.test(absolute[0] as string) ? absolute[0] : undefined,
    paths: absolute,
  };
}

/**
 * {@link PUSHDOWN_PARTS} row ranges of Parquet files by `file_row_number` (row groups outside a range are
 * skipped, so each part reads only its share); the row counts come from the files' metadata.
 */
async function parquetParts(engine: SqlEngine, list: string): Promise<string[]> {
  const meta = await engine.query(`SELECT MAX(num_rows) AS rows FROM parquet_file_metadata(${list})`);
  const rows = Number(meta.columns[0]?.values[0] ?? 0);
  const size = Math.max(1, Math.ceil(rows / PUSHDOWN_PARTS));
  return Array.from({ length: PUSHDOWN_PARTS }, (_, k) => {
    const upper = k === PUSHDOWN_PARTS - 1 ? '' : ` AND file_row_number < ${(k + 1) * size}`;
    return `read_parquet(${list}, file_row_number = true) WHERE file_row_number >= ${k * size}${upper}`;
  });
}

/**
 * Create a `duckdb` data source. `@duckdb/node-api` is imported lazily on first use (an optional peer
 * dependency); pass `lib` to inject it.
 *
 * @example
 * ```ts
 * import * as duckdb from '@duckdb/node-api';
 * registerDataSource(createDuckDbSource({ name: 'duckdb_local', lib: duckdb }));
 * ```
 */
export function createDuckDbSource(
  options: { name?: string; lib?: DuckDbLibrary } = {},
): SqlDataSourceAdapter<DuckDbSourceSpec> {
  return defineSqlDataSource({
    name: options.name ?? 'duckdb',
    specSchema: DuckDbSourceSpecSchema,
    async openRelation(spec, context) {
      const database =
        spec.database === undefined
          ? undefined
          : isAbsolute(spec.database)
            ? spec.database
            : resolve(context.baseDir, spec.database);
      // DuckDB's parallel threads add partial sums in a varying order, so pushdown runs every statement on
      // one thread (byte-identical results) and gets its parallelism from disjoint parts of Parquet files
      // run on `settings.threads` connections at once (default: the cores).
      const { threads, ...settings } = spec.settings ?? {};
      const engine = await createDuckDbEngine({
        ...(options.lib ? { lib: options.lib } : {}),
        ...(database === undefined ? {} : { database }),
        readOnly: true,
        settings: {
          file_search_path: context.baseDir,
          ...settings,
          ...(spec.pushdown ? { threads: 1 } : threads === undefined ? {} : { threads }),
        },
        // More connections than parts would idle.
        ...(spec.pushdown
          ? { connections: Math.min(PUSHDOWN_PARTS, Number(threads ?? availableParallelism())) }
          : {}),
      });
      try {
        let fromSql: Parameters<typeof buildSqlRelation>[2];
        if (spec.path !== undefined) {
          const files = fileReader(spec, context.baseDir);
          // CSV columns are typed as the file source types them (not by DuckDB's sniffer). With query:,
          // types: names the query's columns, so every column of the view is typed.
          const typed =
            files.format === 'csv'
              ? await typedCsvSelect(
                  engine,
                  files.list,
                  resolveMissingPolicy(spec.missing).markers,
                  spec.query === undefined ? declaredSources(spec) : new Set<string>(),
                  // The typing verdict is a maximum, the same on any thread count: all cores for it.
                  spec.pushdown ? { threads: Number(threads ?? availableParallelism()) } : {},
                )
              : `SELECT * FROM ${files.sql}`;
          if (spec.query === undefined) {
            fromSql = {
              sql: files.format === 'csv' ? `(${typed}) AS impact_csv` : files.sql,
              label: files.label,
            };
            // A cell DuckDB cannot cast, or a missing one, is named by its file:line: the file(s) are
            // scanned for it (only then). Several files (a glob or a list) are read in DuckDB's order.
            const csvFiles =
              files.format !== 'csv'
                ? undefined
                : files.single !== undefined
                  ? files.single.toLowerCase().endsWith('.csv')
                    ? [files.single]
                    : undefined
                  : await csvFilesOf(engine, files.paths);
            if (csvFiles !== undefined) {
              const locator = csvFilesLocator(csvFiles);
              fromSql.locateCastFailure = async (cast, found) => locator.text(cast.source, found);
              fromSql.locateRow = locator.row;
            }
            if (spec.pushdown && files.format === 'parquet')
              fromSql.parts = await parquetParts(engine, files.list);
            // A pushdown passes over its rows more than once: a small CSV is typed once, into a table.
            const table = spec.pushdown
              ? await materialiseCsv(engine, typed, csvFiles, Number(threads ?? availableParallelism()))
              : undefined;
            if (table !== undefined) fromSql.sql = table;
          } else await engine.query(`CREATE TEMP VIEW data AS ${typed}`);
        }
        return await buildSqlRelation(engine, spec, fromSql);
      } catch (error) {
        await engine.close();
        throw error;
      }
    },
  });
}

/**
 * `duckdb` data source: Parquet, CSV or JSON files (globs too) or a `.duckdb` database through the
 * embedded DuckDB engine, columns arriving as typed arrays. With `pushdown: true` the experiment and DiD
 * models compute their statistics inside DuckDB.
 *
 * @example
 * ```yaml
 * data: { source: duckdb, path: events/*.parquet, columns: { revenue: rev_usd }, types: { treated: binary }, pushdown: true }
 * ```
 */
export const duckDbSource = createDuckDbSource();
