import { type ColumnValues, createTable, type Table } from '@impact/contracts';
import { z } from 'zod';
import { MeasureError } from '../errors';
import {
  attachMissingReport,
  dropMissingRows,
  type MissingPolicy,
  MissingSpecSchema,
  missingValueError,
  resolveMissingPolicy,
} from '../sources/missing';
import { type CastFailureLocator, type DeclaredCast, explainCastFailures } from './cast-check';
import { stringLiteral, trimBlanksSql } from './dialect';
import type { SqlColumn, SqlEngine } from './engine';

/** Keys shared by the `duckdb` and `sql` sources: what to read, renames, types, missing values, pushdown. */
export const SqlRelationKeys = {
  /** A table (or view) name, read whole. */
  table: z.string().min(1).optional(),
  /** A SELECT statement whose result is the data. */
  query: z.string().min(1).optional(),
  /** Rename columns: `{ name_used_by_the_model: name_in_the_data }`. */
  columns: z.record(z.string(), z.string()).optional(),
  /** Declared column types, checked on load: `number`, `binary` (0/1), `string`. */
  types: z.record(z.string(), z.enum(['number', 'binary', 'string'])).optional(),
  /** `error` (default) or `drop` rows with NULLs in the columns the model uses. */
  missing: MissingSpecSchema.optional(),
  /**
   * Compute the model's sufficient statistics inside the engine (experiment and DiD models); other
   * models load only the columns they name. See docs/measure-sql.md.
   */
  pushdown: z.boolean().default(false),
};

/** Declared column type. */
export type DeclaredType = 'number' | 'binary' | 'string';

/**
 * Where the data lives in an engine, as the models see it: `from` is a parenthesised SELECT usable after
 * `FROM`, whose columns carry the model's names (renames applied).
 */
export interface SqlRelation {
  engine: SqlEngine;
  /** `(SELECT … ) AS impact_source`. */
  from: string;
  /** Column names of the relation (after renames). */
  columnNames: string[];
  /** Columns the engine returns as numbers (after `types:` casts). */
  numericColumns: Set<string>;
  types: Record<string, DeclaredType>;
  missing: MissingPolicy;
  /** What the relation reads, for messages (`table orders`, `query`, a file path). */
  label: string;
  /** Optional: where a column's cell in a 1-based row is, and its text (see `buildSqlRelation`). */
  locateRow?: (column: string, row: number) => { where: string; text: string } | undefined;
  /**
   * Optional: disjoint parts of `from` (same columns, each usable after FROM) whose union is `from`, in a
   * fixed order. Pushdown models compute row-wise sums per part — concurrently when the engine has
   * `queryMany` — and add them in this order, so results do not depend on how many run at once.
   */
  parts?: string[];
}

/**
 * Build the relation for `table:` / `query:` (or a `fromSql` the caller built, e.g. `read_parquet(…)`):
 * reads the column list with a `LIMIT 0` probe, checks that mapped and typed columns exist, and renames
 * in SQL so no rows need to move.
 */
export async function buildSqlRelation(
  engine: SqlEngine,
  spec: {
    table?: string | undefined;
    query?: string | undefined;
    columns?: Record<string, string> | undefined;
    types?: Record<string, DeclaredType> | undefined;
    missing?: MissingPolicy | undefined;
  },
  fromSql?: {
    sql: string;
    label: string;
    /** Disjoint parts of `sql` as `<reader> WHERE <condition>` (see {@link SqlRelation.parts}). */
    parts?: string[];
    /** Finds a failed declared cast's cell as `file:line` (a CSV file's scan); else a row is named. */
    locateCastFailure?: CastFailureLocator;
    /**
     * The cell of a column (name in the data) in a 1-based row, as `file:line` and its text, when the rows
     * come in file order (a CSV file); missing-value errors then name the line.
     */
    locateRow?: (column: string, row: number) => { where: string; text: string } | undefined;
  },
): Promise<SqlRelation> {
  const { dialect } = engine;
  let base: string;
  let label: string;
  if (fromSql) {
    base = fromSql.sql;
    label = fromSql.label;
  } else if (spec.query !== undefined) {
    base = `(${spec.query.trim().replace(/;\s*$/, '')}) AS impact_query`;
    label = 'query';
  } else if (spec.table !== undefined) {
    base = spec.table
      .split('.')
      .map((part) => dialect.quoteIdentifier(part))
      .join('.');
    label = `table ${spec.table}`;
  } else {
    throw new MeasureError('MODEL_PARAMS_INVALID', 'set data.table or data.query (what to read)', {
      parameter: 'data.table',
    });
  }
  const probe = await engine.query(`SELECT * FROM ${base} LIMIT 0`);
  const sourceNames = probe.columns.map((column) => column.name);
  const seen = new Set<string>();
  for (const name of sourceNames) {
    if (seen.has(name))
      throw new MeasureError('DATA_DUPLICATE_COLUMN', `${label}: column "${name}" appears twice`, {
        column: name,
      });
    seen.add(name);
  }
  const renamedFrom = new Map<string, string>();
  for (const [target, sourceName] of Object.entries(spec.columns ?? {})) {
    if (!seen.has(sourceName)) {
      throw new MeasureError(
        'DATA_MISSING_COLUMN',
        `${label}: column "${sourceName}" (mapped to "${target}") not found (available: ${sourceNames.join(', ')})`,
        { column: sourceName },
      );
    }
    renamedFrom.set(sourceName, target);
  }
  const columnNames = sourceNames.map((name) => renamedFrom.get(name) ?? name);
  if (new Set(columnNames).size !== columnNames.length) {
    const duplicate = columnNames.find((name, k) => columnNames.indexOf(name) !== k) as string;
    throw new MeasureError(
      'DATA_DUPLICATE_COLUMN',
      `${label}: two columns would be called "${duplicate}" after the columns: renames`,
      { column: duplicate },
    );
  }
  for (const name of Object.keys(spec.types ?? {})) {
    if (!columnNames.includes(name)) {
      throw new MeasureError(
        'DATA_MISSING_COLUMN',
        `${label}: declared column "${name}" not found (available: ${columnNames.join(', ')})`,
        { column: name },
      );
    }
  }
  const numericColumns = new Set<string>();
  const missing = resolveMissingPolicy(spec.missing);
  const markers = missing.markers.map(stringLiteral).join(', ');
  const casts: DeclaredCast[] = [];
  const select = sourceNames
    .map((name, k) => {
      const target = columnNames[k] as string;
      const declared = spec.types?.[target];
      const numeric = probe.columns[k]?.values instanceof Float64Array;
      let expression = dialect.quoteIdentifier(name);
      // Missing markers (`NA`, empty, or missing.markers) in non-numeric columns become NULL in the engine,
      // so loads, pushdown and the file source count the same missing cells.
      if (!numeric && markers !== '')
        expression = `CASE WHEN ${trimBlanksSql(dialect, `CAST(${expression} AS ${dialect.textType})`)} IN (${markers}) THEN NULL ELSE ${expression} END`;
      // Text declared as number/binary is cast in the engine, so pushdown and loads see the same values.
      if ((declared === 'number' || declared === 'binary') && !numeric) {
        expression = `CAST(${expression} AS ${dialect.doubleType})`;
        casts.push({ source: name, name: target, declared });
      }
      // Declared strings stay numbers in the engine and are rendered with String() when loaded.
      if (declared === 'number' || declared === 'binary' || numeric) numericColumns.add(target);
      return `${expression} AS ${dialect.quoteIdentifier(target)}`;
    })
    .join(', ');
  // A failing cast (text that is not a number in a declared column) is explained by column and place.
  return {
    engine: explainCastFailures(engine, casts, {
      base,
      label,
      markers: missing.markers,
      locate: fromSql?.locateCastFailure,
    }),
    from: `(SELECT ${select} FROM ${base}) AS impact_source`,
    columnNames,
    numericColumns,
    types: { ...(spec.types ?? {}) },
    missing,
    label,
    ...(fromSql?.locateRow
      ? {
          locateRow: (column: string, row: number) =>
            fromSql.locateRow?.(sourceNames[columnNames.indexOf(column)] ?? column, row),
        }
      : {}),
    ...(fromSql?.parts
      ? { parts: fromSql.parts.map((part) => `(SELECT ${select} FROM ${part}) AS impact_source`) }
      : {}),
  };
}

function typedColumn(column: SqlColumn, declared: DeclaredType | undefined, label: string): ColumnValues {
  const { name, values, nulls } = column;
  const where = (i: number) => `${label} row ${i + 1}`;
  if (declared === 'string')
    return values instanceof Float64Array
      ? Array.from(values, (value, i) => (nulls?.[i] ? '' : String(value)))
      : values;
  if (declared === undefined) return values;
  // NULLs (kept only where no missing: policy applies) stay NaN, so a 0/1 column with them is a Float64Array.
  const out =
    declared === 'binary' && !nulls ? new Uint8Array(values.length) : new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) {
    if (nulls?.[i]) {
      out[i] = Number.NaN;
      continue;
    }
    const raw = values[i] as number | string;
    const value = typeof raw === 'number' ? raw : raw === 'true' ? 1 : raw === 'false' ? 0 : Number(raw);
    if ((typeof raw === 'string' && raw.trim() === '') || !Number.isFinite(value)) {
      throw new MeasureError(
        typeof raw === 'string' && Number.isNaN(value) ? 'DATA_NOT_NUMERIC' : 'DATA_NON_FINITE',
        `${where(i)}: column "${name}" must be ${declared === 'binary' ? '0/1' : 'a finite number'}, found ${JSON.stringify(raw)}`,
        { column: name, row: i + 1 },
      );
    }
    if (declared === 'binary' && value !== 0 && value !== 1) {
      throw new MeasureError(
        'DATA_NOT_BINARY',
        `${where(i)}: column "${name}" must be 0/1, found ${JSON.stringify(raw)}`,
        {
          column: name,
          row: i + 1,
        },
      );
    }
    out[i] = value;
  }
  return out;
}

/**
 * Read a relation into a {@link Table}: only `use` columns when given (others stay in the engine),
 * declared types checked, NULLs handled by the `missing:` policy — listwise over the columns read, or
 * only over `missingIn` when given (a run whose transforms read columns they do not name).
 *
 * @example
 * ```ts
 * const table = await loadSqlRelation(await buildSqlRelation(engine, { table: 'orders' }), ['revenue', 'treated']);
 * ```
 */
export async function loadSqlRelation(
  relation: SqlRelation,
  use?: readonly string[],
  missingIn?: ReadonlySet<string>,
): Promise<Table> {
  const { dialect } = relation.engine;
  const names =
    use === undefined ? relation.columnNames : relation.columnNames.filter((name) => use.includes(name));
  const list = names.length === 0 ? '*' : names.map((name) => dialect.quoteIdentifier(name)).join(', ');
  const result = await relation.engine.query(`SELECT ${list} FROM ${relation.from}`);
  if (result.rowCount === 0)
    throw new MeasureError('DATA_TOO_FEW_ROWS', `${relation.label}: no data rows`, { parameter: 'data' });
  const columns: Record<string, ColumnValues> = {};
  const missing: Record<string, Uint8Array | undefined> = {};
  for (const column of result.columns) {
    const policed = missingIn === undefined || missingIn.has(column.name);
    if (column.nulls && policed && relation.missing.policy === 'error') {
      const row = column.nulls.indexOf(1);
      // In file order (a CSV file read by DuckDB) the cell is named by its line, if it is a marker there.
      const cell = relation.locateRow?.(column.name, row + 1);
      if (cell && relation.missing.markers.includes(cell.text.trim())) {
        const line = Number(cell.where.slice(cell.where.lastIndexOf(':') + 1));
        throw missingValueError(cell.where, column.name, cell.text, line);
      }
      throw missingValueError(`${relation.label} row ${row + 1}`, column.name, 'NULL', row + 1);
    }
    columns[column.name] = typedColumn(column, relation.types[column.name], relation.label);
    missing[column.name] = policed ? column.nulls : undefined;
  }
  if (relation.missing.policy === 'error') return createTable(columns);
  const dropOver = Object.keys(columns).filter((name) => missingIn === undefined || missingIn.has(name));
  const dropped = dropMissingRows({ columns, missing }, dropOver, result.rowCount);
  return attachMissingReport(createTable(dropped.columns), dropped.report);
}

/** Quote a string for SQL (re-exported for sources that build `read_parquet('…')` calls). */
export const sqlString = stringLiteral;
