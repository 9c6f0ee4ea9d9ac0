import { MeasureError } from '../../errors';
import type { JsonValue } from '../../models/model';
import { missingDiagnostics, missingValueError } from '../../sources/missing';
import { doubleLiteral, stringLiteral } from '../../sql/dialect';
import { type PartCombine, queryAggregateParts, queryAggregateRow } from '../../sql/engine';
import type { SqlRelation } from '../../sql/relation';

/** The rows a pushdown model uses, after the `missing:` policy, with the checks the in-memory path makes. */
export interface PushdownRows {
  /** Listwise NOT NULL filter (`missing: drop`), or undefined. */
  where: string | undefined;
  /** Rows kept. */
  n: number;
  /** Σ of each numeric column over the kept rows (for centering). */
  sums: Record<string, number>;
  /** `rows_read`, `rows_dropped_missing`, … under `missing: drop`. */
  diagnostics: Record<string, JsonValue>;
}

/** The quoted column cast to the dialect's double. */
export function numberSql(relation: SqlRelation, column: string): string {
  const { dialect } = relation.engine;
  return `CAST(${dialect.quoteIdentifier(column)} AS ${dialect.doubleType})`;
}

/** The columns a pushdown model uses, by how they are checked. */
export interface UsedColumns {
  numeric: string[];
  binary: string[];
  other: string[];
}

/** Aggregates that check the used columns, and how to read their combined row ({@link rowChecks}). */
export interface RowChecks {
  aggregates: string[];
  combine(name: string): PartCombine;
  /** `sums`: the numeric columns' sums when the caller computed them (see `rowChecks`' `withSums`). */
  finish(row: Record<string, number>, sums?: Record<string, number>): Promise<PushdownRows>;
}

/**
 * Check the columns a model uses and read their sums over the kept rows, in one aggregate query: every
 * column must exist; `numeric` ones must be numbers in the engine and finite; `binary` ones 0/1. NULLs in
 * any used column fail under `missing: error` (naming the column and the count) and drop the row listwise
 * under `missing: drop`.
 */
export async function pushdownRows(
  relation: SqlRelation,
  used: UsedColumns,
  roles: Record<string, string>,
): Promise<PushdownRows> {
  const checks = rowChecks(relation, used, roles);
  // Per part of the data when the relation has parts (added in order; extremes for min/max).
  const row = await queryAggregateParts(
    relation.engine,
    (relation.parts ?? [relation.from]).map((from) => `SELECT ${checks.aggregates.join(', ')} FROM ${from}`),
    checks.combine,
  );
  return checks.finish(row);
}

/**
 * The checks of {@link pushdownRows} as aggregates to run in any scan of the relation (the columns read
 * through `column`, by default the quoted name) and the function that reads their combined row. Throws at
 * once for a column that is absent or not numeric in the engine.
 *
 * @example
 * ```ts
 * const checks = rowChecks(relation, { numeric: ['y'], binary: ['d'], other: [] }, { y: 'outcome' });
 * ```
 */
export function rowChecks(
  relation: SqlRelation,
  used: UsedColumns,
  roles: Record<string, string>,
  column: (name: string) => string = relation.engine.dialect.quoteIdentifier,
  /** False when the scan sums the non-binary numeric columns anyway (then `finish` takes them). */
  withSums = true,
): RowChecks {
  const { dialect } = relation.engine;
  const q = (name: string) => dialect.quoteIdentifier(name);
  const all = [...new Set([...used.numeric, ...used.binary, ...used.other])];
  for (const name of all) {
    if (!relation.columnNames.includes(name)) {
      throw new MeasureError(
        'DATA_MISSING_COLUMN',
        `${roles[name] ?? 'column'} column "${name}" not found in ${relation.label} (available: ${relation.columnNames.join(', ')})`,
        { column: name },
      );
    }
  }
  for (const name of [...used.numeric, ...used.binary]) {
    if (!relation.numericColumns.has(name)) {
      throw new MeasureError(
        'DATA_NOT_NUMERIC',
        `${roles[name] ?? 'column'} column "${name}" in ${relation.label} must be numeric, found text (declare it in types: or cast it in the query)`,
        { column: name },
      );
    }
  }
  const complete = all.map((name) => `${column(name)} IS NOT NULL`).join(' AND ');
  const value = (name: string) => `CAST(${column(name)} AS ${dialect.doubleType})`;
  const dropping = relation.missing.policy === 'drop';
  // One scan; under `missing: error` no per-row CASE is needed (any NULL fails the run anyway).
  const kept = (expression: string) =>
    dropping ? `CASE WHEN ${complete} THEN ${expression} END` : expression;
  const aggregates = [
    `COUNT(*) AS ${q('rows')}`,
    `${dropping ? `SUM(CASE WHEN ${complete} THEN 1 ELSE 0 END)` : 'COUNT(*)'} AS ${q('kept')}`,
  ];
  all.forEach((name, k) => {
    aggregates.push(`COUNT(${column(name)}) AS ${q(`present_${k}`)}`);
  });
  const numeric = [...new Set([...used.numeric, ...used.binary])];
  // A 0/1 column's sum is always its own aggregate: an exact count of ones.
  numeric.forEach((name, k) => {
    if (withSums || used.binary.includes(name))
      aggregates.push(`${dialect.sum(kept(value(name)))} AS ${q(`sum_${k}`)}`);
  });
  // 0/1 check: min ≥ 0, max ≤ 1 and Σ t(1 − t) = 0 (each term is ≥ 0 on [0, 1] and 0 only at 0 and 1).
  used.binary.forEach((name, k) => {
    const binary = kept(value(name));
    aggregates.push(`MIN(${binary}) AS ${q(`min_${k}`)}`, `MAX(${binary}) AS ${q(`max_${k}`)}`);
    aggregates.push(`${dialect.sum(`${binary} * (1 - ${binary})`)} AS ${q(`spread_${k}`)}`);
  });
  return {
    aggregates,
    combine: (name) => (name.startsWith('min_') ? 'min' : name.startsWith('max_') ? 'max' : 'sum'),
    finish: (row, sums) => {
      const combined = { ...row };
      numeric.forEach((name, k) => {
        if (sums?.[name] !== undefined && !used.binary.includes(name)) combined[`sum_${k}`] = sums[name];
      });
      return finishRowChecks(relation, { all, numeric, binary: used.binary }, roles, combined, dropping);
    },
  };
}

/** Read the combined row of {@link rowChecks}: refuse what the in-memory path refuses, else the kept rows. */
async function finishRowChecks(
  relation: SqlRelation,
  used: { all: string[]; numeric: string[]; binary: string[] },
  roles: Record<string, string>,
  row: Record<string, number>,
  dropping: boolean,
): Promise<PushdownRows> {
  const q = (name: string) => relation.engine.dialect.quoteIdentifier(name);
  const { all, numeric } = used;
  const complete = all.map((name) => `${q(name)} IS NOT NULL`).join(' AND ');
  const rows = row.rows as number;
  const missingByColumn: Record<string, number> = {};
  all.forEach((name, k) => {
    missingByColumn[name] = rows - (row[`present_${k}`] as number);
  });
  if (!dropping) {
    for (const name of all) {
      const count = missingByColumn[name] as number;
      if (count > 0) throw missingValueError(`${relation.label} (${count} NULL rows)`, name, 'NULL');
    }
  }
  // A NaN or ±Infinity makes the column's sum non-finite; only then count them for the message.
  for (const [k, name] of numeric.entries()) {
    if (Number.isFinite(row[`sum_${k}`] as number) || (row.kept as number) === 0) continue;
    const value = numberSql(relation, name);
    const bad = await queryAggregateRow(
      relation.engine,
      `SELECT SUM(CASE WHEN ${value} - ${value} = 0 THEN 0 ELSE 1 END) AS ${q('bad')} FROM ${relation.from} WHERE ${complete}`,
    );
    if ((bad.bad as number) > 0) {
      throw new MeasureError(
        'DATA_NON_FINITE',
        `${roles[name] ?? 'column'} column "${name}" in ${relation.label} has ${bad.bad} non-finite values (NaN or ±Infinity)`,
        { column: name },
      );
    }
  }
  used.binary.forEach((name, k) => {
    const low = row[`min_${k}`] as number;
    const high = row[`max_${k}`] as number;
    if (low < 0 || high > 1 || (row[`spread_${k}`] as number) !== 0) {
      throw new MeasureError(
        'DATA_NOT_BINARY',
        `${roles[name] ?? 'column'} column "${name}" in ${relation.label} must be 0/1, found values from ${low} to ${high}`,
        { column: name },
      );
    }
  });
  const n = Number.isNaN(row.kept as number) ? 0 : (row.kept as number);
  if (n === 0)
    throw new MeasureError('DATA_TOO_FEW_ROWS', `${relation.label}: no data rows`, { parameter: 'data' });
  const sums: Record<string, number> = {};
  numeric.forEach((name, k) => {
    sums[name] = row[`sum_${k}`] as number;
  });
  return {
    where: dropping ? complete : undefined,
    n,
    sums,
    diagnostics: dropping
      ? (missingDiagnostics({
          policy: 'drop',
          rowsRead: rows,
          rowsDropped: rows - n,
          missingByColumn,
        }) as Record<string, JsonValue>)
      : {},
  };
}

/**
 * Levels of a categorical column over the kept rows with their counts, sorted as the in-memory design
 * sorts them (`String()` of numbers, then JS string order), each with the SQL that tests a row for it.
 */
export async function categoricalLevels(
  relation: SqlRelation,
  column: string,
  where: string | undefined,
): Promise<{ level: string; count: number; test: string }[]> {
  const { dialect } = relation.engine;
  const q = dialect.quoteIdentifier(column);
  const filter = where === undefined ? '' : ` WHERE ${where}`;
  const result = await relation.engine.query(
    `SELECT ${q} AS ${dialect.quoteIdentifier('level')}, COUNT(*) AS ${dialect.quoteIdentifier('count')} FROM ${relation.from}${filter} GROUP BY ${q}`,
  );
  const [levels, counts] = result.columns as unknown as [
    { values: Float64Array | string[] },
    { values: Float64Array },
  ];
  const numeric = levels.values instanceof Float64Array;
  const out = Array.from({ length: result.rowCount }, (_, i) => {
    const raw = levels.values[i] as number | string;
    const level = String(raw);
    const test = numeric
      ? `${q} = ${doubleLiteral(dialect, raw as number)}`
      : `${q} = ${stringLiteral(raw as string)}`;
    return { level, count: counts.values[i] as number, test };
  });
  return out.sort((a, b) => (a.level < b.level ? -1 : a.level > b.level ? 1 : 0));
}
