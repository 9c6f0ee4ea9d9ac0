/**
 * The few SQL spellings that differ between engines. Everything else the pushdown models generate is
 * ANSI SQL (`SELECT … FROM (…) AS t WHERE … GROUP BY …`, `SUM`, `COUNT(*)`, `CASE WHEN`, `CAST`,
 * `AVG(…) OVER (PARTITION BY …)`), which BigQuery, Snowflake, Trino, Spark SQL, PostgreSQL and DuckDB all
 * accept.
 */
export interface SqlDialect {
  /** Name, for diagnostics and snapshots. */
  name: string;
  /** Quote an identifier (column or table name). */
  quoteIdentifier(name: string): string;
  /** Type name of a 64-bit float in `CAST(x AS …)`. */
  doubleType: string;
  /** Type name of text in `CAST(x AS …)`. */
  textType: string;
  /**
   * Sum of a double expression. Engines with a compensated (Kahan/Neumaier) sum should use it: the
   * pushdown sums millions of products and must match in-memory results to 1e-9 relative even when
   * covariates are correlated (the pushdown centers every column first, which keeps plain sums close).
   */
  sum(expression: string): string;
  /**
   * Optional: the text with spaces and tabs removed from both ends (missing markers are compared after
   * this, as the file source compares them). Default: `TRIM(BOTH ' \t' FROM x)` (a set of characters, as
   * DuckDB, PostgreSQL, Trino and Spark read it).
   */
  trimBlanks?(expression: string): string;
  /**
   * Optional: the text as a double, or NULL when it is not a number (used only to find the cell that made
   * a declared `number` cast fail). Default: `TRY_CAST(x AS <doubleType>)`.
   */
  tryDouble?(expression: string): string;
}

/**
 * {@link SqlDialect.trimBlanks} of a dialect, or its ANSI default.
 *
 * @example
 * ```ts
 * trimBlanksSql(postgresDialect, '"g"'); // TRIM(BOTH ' \t' FROM "g")
 * ```
 */
export function trimBlanksSql(dialect: SqlDialect, expression: string): string {
  return dialect.trimBlanks ? dialect.trimBlanks(expression) : `TRIM(BOTH ' \t' FROM ${expression})`;
}

/**
 * {@link SqlDialect.tryDouble} of a dialect, or its default `TRY_CAST`.
 *
 * @example
 * ```ts
 * tryDoubleSql(duckdbDialect, '"x"'); // TRY_CAST("x" AS DOUBLE)
 * ```
 */
export function tryDoubleSql(dialect: SqlDialect, expression: string): string {
  return dialect.tryDouble
    ? dialect.tryDouble(expression)
    : `TRY_CAST(${expression} AS ${dialect.doubleType})`;
}

function doubleQuoted(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

function backQuoted(name: string): string {
  return `\`${name.replaceAll('`', '\\`')}\``;
}

/**
 * Plain ANSI SQL: double-quoted identifiers, `DOUBLE PRECISION`, `VARCHAR`, `SUM`.
 *
 * @example
 * ```ts
 * ansiDialect.quoteIdentifier('order value'); // "order value"
 * ```
 */
export const ansiDialect: SqlDialect = {
  name: 'ansi',
  quoteIdentifier: doubleQuoted,
  doubleType: 'DOUBLE PRECISION',
  textType: 'VARCHAR',
  sum: (expression) => `SUM(${expression})`,
};

/**
 * DuckDB: `DOUBLE`, and the compensated `fsum` (Kahan–Babuška) instead of `SUM`. A plain sum costs about a
 * third less CPU, but on the benchmark's 1 M-row design (two nearly collinear covariates) it put standard
 * errors 3.2e-9 relative from a long-double reference even with every summed column centered, where
 * `fsum` stays at 3.6e-11 (bench/pushdown.bench.ts).
 *
 * @example
 * ```ts
 * duckdbDialect.sum('x * y'); // fsum(x * y)
 * ```
 */
export const duckdbDialect: SqlDialect = {
  ...ansiDialect,
  name: 'duckdb',
  doubleType: 'DOUBLE',
  sum: (expression) => `fsum(${expression})`,
};

/**
 * PostgreSQL: ANSI spellings (`SUM` of `double precision` is a plain sum; the pushdown centers every
 * column first so it stays accurate).
 *
 * @example
 * ```ts
 * postgresDialect.doubleType; // DOUBLE PRECISION
 * ```
 */
export const postgresDialect: SqlDialect = {
  ...ansiDialect,
  name: 'postgres',
  textType: 'TEXT',
  // No TRY_CAST before PostgreSQL 16's pg_input_is_valid: what float8 input accepts, by pattern.
  tryDouble: (expression) =>
    `CASE WHEN ${expression} ~* '^[+-]?(([0-9]+[.]?[0-9]*|[.][0-9]+)(e[+-]?[0-9]+)?|inf|infinity|nan)$' THEN CAST(${expression} AS DOUBLE PRECISION) END`,
};

/**
 * BigQuery GoogleSQL: backquoted identifiers, `FLOAT64`, `STRING`, `TRIM(x, chars)`, `SAFE_CAST`.
 *
 * @example
 * ```ts
 * bigQueryDialect.quoteIdentifier('revenue'); // `revenue`
 * ```
 */
export const bigQueryDialect: SqlDialect = {
  name: 'bigquery',
  quoteIdentifier: backQuoted,
  doubleType: 'FLOAT64',
  textType: 'STRING',
  sum: (expression) => `SUM(${expression})`,
  trimBlanks: (expression) => `TRIM(${expression}, ' \t')`,
  tryDouble: (expression) => `SAFE_CAST(${expression} AS FLOAT64)`,
};

/**
 * Snowflake: ANSI identifiers, `DOUBLE`, `VARCHAR`, `TRIM(x, chars)`.
 *
 * @example
 * ```ts
 * snowflakeDialect.doubleType; // DOUBLE
 * ```
 */
export const snowflakeDialect: SqlDialect = {
  ...ansiDialect,
  name: 'snowflake',
  doubleType: 'DOUBLE',
  trimBlanks: (expression) => `TRIM(${expression}, ' \t')`,
};

/**
 * Trino / Presto / Athena: ANSI identifiers, `DOUBLE`, `VARCHAR`.
 *
 * @example
 * ```ts
 * trinoDialect.doubleType; // DOUBLE
 * ```
 */
export const trinoDialect: SqlDialect = { ...ansiDialect, name: 'trino', doubleType: 'DOUBLE' };

/**
 * Spark SQL / Databricks: backquoted identifiers, `DOUBLE`, `STRING`.
 *
 * @example
 * ```ts
 * sparkDialect.textType; // STRING
 * ```
 */
export const sparkDialect: SqlDialect = {
  name: 'spark',
  quoteIdentifier: backQuoted,
  doubleType: 'DOUBLE',
  textType: 'STRING',
  sum: (expression) => `SUM(${expression})`,
};

/**
 * A finite number as an exact SQL double literal: JS's shortest round-trip decimal, cast to the dialect's
 * double type (so engines that read `0.1` as DECIMAL still end with the same double).
 *
 * @example
 * ```ts
 * doubleLiteral(duckdbDialect, 0.1); // CAST(0.1 AS DOUBLE)
 * ```
 */
export function doubleLiteral(dialect: SqlDialect, value: number): string {
  if (!Number.isFinite(value)) throw new RangeError(`cannot write ${value} as a SQL literal`);
  if (Object.is(value, -0) || value === 0) return `CAST(0 AS ${dialect.doubleType})`;
  return `CAST(${String(value)} AS ${dialect.doubleType})`;
}

/**
 * A string as a SQL literal (single quotes doubled).
 *
 * @example
 * ```ts
 * stringLiteral("O'Hare"); // 'O''Hare'
 * ```
 */
export function stringLiteral(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}
