import { MeasureError } from '../errors';
import { stringLiteral, trimBlanksSql, tryDoubleSql } from './dialect';
import type { SqlEngine } from './engine';

/** A text column that `types:` declares `number` or `binary`, so the relation casts it in the engine. */
export interface DeclaredCast {
  /** Name in the data (before `columns:` renames). */
  source: string;
  /** Name the model uses. */
  name: string;
  declared: 'number' | 'binary';
}

/**
 * Where a declared column's cell holding `found` is, as `file:line` (e.g. by scanning a CSV file), or
 * undefined to name the engine's row number instead.
 */
export type CastFailureLocator = (cast: DeclaredCast, found: string) => Promise<string | undefined>;

/**
 * The first row (in the engine's scan order, numbered from 1) of `base` whose text in a declared column is
 * neither NULL, a missing marker, nor a number to the engine (its `TRY_CAST`), with that text; undefined
 * when every value casts.
 *
 * @example
 * ```ts
 * const bad = await findCastFailure(engine, '"orders"', ['', 'NA'], { source: 'qty', name: 'qty', declared: 'number' });
 * ```
 */
export async function findCastFailure(
  engine: SqlEngine,
  base: string,
  markers: readonly string[],
  cast: DeclaredCast,
): Promise<{ row: number; found: string } | undefined> {
  const { dialect } = engine;
  const q = dialect.quoteIdentifier;
  const raw = q('raw');
  const trimmed = trimBlanksSql(dialect, raw);
  const notMarker =
    markers.length === 0 ? '' : ` AND ${trimmed} NOT IN (${markers.map(stringLiteral).join(', ')})`;
  const numbered = `SELECT ROW_NUMBER() OVER () AS ${q('r')}, CAST(${q(cast.source)} AS ${dialect.textType}) AS ${raw} FROM ${base}`;
  const result = await engine.query(
    `SELECT ${q('r')}, ${raw} FROM (${numbered}) AS impact_numbered WHERE ${raw} IS NOT NULL${notMarker} AND ${tryDoubleSql(dialect, trimmed)} IS NULL ORDER BY ${q('r')} LIMIT 1`,
  );
  if (result.rowCount === 0) return undefined;
  const [rows, values] = result.columns as unknown as [{ values: Float64Array }, { values: string[] }];
  return { row: rows.values[0] as number, found: String(values.values[0]) };
}

/**
 * `DATA_NOT_NUMERIC` for a declared column holding text that is not a number: where, column, expected vs found.
 *
 * @example
 * ```ts
 * notNumericError('orders.csv:14', { source: 'qty', name: 'qty', declared: 'number' }, 'n/a', 14);
 * ```
 */
export function notNumericError(where: string, cast: DeclaredCast, found: string, row: number): MeasureError {
  const expected = cast.declared === 'binary' ? '0/1' : 'a finite number';
  const renamed = cast.source === cast.name ? '' : ` ("${cast.source}" in the data)`;
  return new MeasureError(
    'DATA_NOT_NUMERIC',
    `${where}: column "${cast.name}"${renamed} is declared ${cast.declared} in types: and must be ${expected}, found ${JSON.stringify(found)}`,
    { column: cast.name, row },
  );
}

/** How {@link explainCastFailures} reads the relation: its base (before casts), label and markers. */
export interface CastContext {
  base: string;
  label: string;
  markers: readonly string[];
  locate?: CastFailureLocator | undefined;
}

/**
 * The engine with every failed query explained: when a statement fails and a declared cast is to blame
 * ({@link findCastFailure} finds a value the engine cannot read as a number), the error is
 * `DATA_NOT_NUMERIC` naming the place (`file:line` from the locator, else `<label> row k`), the column and
 * the value; other failures (and failures of statements that do not read the relation) pass through.
 *
 * @example
 * ```ts
 * const checked = explainCastFailures(engine, casts, { base: '"orders"', label: 'table orders', markers: ['', 'NA'] });
 * ```
 */
export function explainCastFailures(
  engine: SqlEngine,
  casts: readonly DeclaredCast[],
  context: CastContext,
): SqlEngine {
  if (casts.length === 0) return engine;
  const diagnose = async (cast: DeclaredCast): Promise<MeasureError | undefined> => {
    const bad = await findCastFailure(engine, context.base, context.markers, cast);
    if (bad === undefined) return undefined;
    const where = (await context.locate?.(cast, bad.found)) ?? `${context.label} row ${bad.row}`;
    const line = /:(\d+)$/.exec(where)?.[1];
    return notNumericError(where, cast, bad.found, line === undefined ? bad.row : Number(line));
  };
  const explain = async (error: unknown): Promise<never> => {
    for (const cast of casts) {
      let found: MeasureError | undefined;
      try {
        found = await diagnose(cast);
      } catch {
        // The diagnosis is best effort: the original error stands.
        found = undefined;
      }
      if (found) {
        found.cause ??= error;
        throw found;
      }
    }
    throw error;
  };
  // Only statements that read the relation's data can fail on its casts.
  const reads = (sql: string) => sql.includes(context.base);
  const wrapped: SqlEngine = {
    dialect: engine.dialect,
    query: (sql) => engine.query(sql).catch((error) => (reads(sql) ? explain(error) : Promise.reject(error))),
    close: () => engine.close(),
  };
  const many = engine.queryMany?.bind(engine);
  if (many)
    wrapped.queryMany = (sqls) =>
      many(sqls).catch((error) => (sqls.some(reads) ? explain(error) : Promise.reject(error)));
  const stream = engine.streamNumeric?.bind(engine);
  if (stream)
    wrapped.streamNumeric = (sqls, visit) =>
      stream(sqls, visit).catch((error) => (sqls.some(reads) ? explain(error) : Promise.reject(error)));
  return wrapped;
}
