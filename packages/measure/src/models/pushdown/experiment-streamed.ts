import type { ParsedFormula } from '../../formula/formula';
import { doubleLiteral } from '../../sql/dialect';
import type { SqlRelation } from '../../sql/relation';
import type { ExperimentParams } from '../experiment';
import type { ModelContext, ModelEstimate } from '../model';
import { numberSql, type PushdownRows, rowChecks, type UsedColumns } from './columns';
import { estimateFromRows, mainEffectsOnly, pushdownCovariance, requireBothArms } from './experiment-shared';
import type { SqlDesign } from './sql-passes';
import { fitOlsStreamed, type StreamFirstPass } from './stream-ols';

/**
 * Whether {@link streamedExperiment} applies: the engine streams typed chunks (DuckDB), `missing: error`,
 * and a formula of numeric main effects only (no `C()`, no interactions, no CUPED), so the design is the
 * columns themselves and the column checks need no scan of their own.
 *
 * @example
 * ```ts
 * if (streamedApplies(relation, params, formula)) return streamedExperiment(relation, params, context, setup);
 * ```
 */
export function streamedApplies(
  relation: SqlRelation,
  params: ExperimentParams,
  formula: ParsedFormula,
): boolean {
  return relation.engine.streamNumeric !== undefined && mainEffectsOnly(relation, params, formula);
}

/**
 * The pushed-down experiment in two streamed scans ({@link fitOlsStreamed}): the first streams the
 * outcome, treatment and covariates (and the cluster column, for its NULLs) and, besides X'X, counts
 * NULLs, sums and checks the 0/1 treatment, so it does what the three-scan path's first scan does; the
 * covariates are reported centred at their means, as in memory. Same estimate, diagnostics and errors.
 *
 * @example
 * ```ts
 * const estimate = await streamedExperiment(relation, params, context, { formula, treatmentName, used, roles });
 * ```
 */
export async function streamedExperiment(
  relation: SqlRelation,
  params: ExperimentParams,
  context: ModelContext,
  setup: { formula: ParsedFormula; treatmentName: string; used: UsedColumns; roles: Record<string, string> },
): Promise<ModelEstimate> {
  const { formula, treatmentName, used, roles } = setup;
  const { dialect } = relation.engine;
  // Throws at once for an absent or text column.
  const checks = rowChecks(relation, used, roles, dialect.quoteIdentifier, false);
  const columns: string[] = [''];
  for (const term of formula.terms) columns.push(term.factors[0]?.column as string);
  const all = [...new Set([...used.numeric, ...used.binary, ...used.other])];
  const extra = all.filter((name) => name !== formula.outcome && !columns.includes(name));
  const design: SqlDesign = {
    from: relation.from,
    ...(relation.parts ? { parts: relation.parts } : {}),
    where: undefined,
    names: ['(Intercept)', ...columns.slice(1)],
    expressions: [doubleLiteral(dialect, 1), ...columns.slice(1).map((name) => numberSql(relation, name))],
    outcome: numberSql(relation, formula.outcome),
  };
  const q = columns.length - 1;
  // Streamed column of each used name: design columns 1…q, the outcome (q), then the extra ones.
  const streamed = (name: string) =>
    name === formula.outcome
      ? q
      : columns.includes(name)
        ? columns.indexOf(name) - 1
        : q + 1 + extra.indexOf(name);
  const treatment = columns.indexOf(treatmentName);
  let rows: PushdownRows | undefined;
  const covariance = pushdownCovariance(params, dialect.quoteIdentifier);
  const { fit } = await fitOlsStreamed(relation.engine, design, covariance, {
    // NULL where the column is NULL, so the stream counts them.
    columns: extra.map(
      (name) =>
        `CASE WHEN ${dialect.quoteIdentifier(name)} IS NULL THEN NULL ELSE ${doubleLiteral(dialect, 0)} END`,
    ),
    binary: [treatment],
    async finish(first) {
      const { row, sums } = checkRow(first, { all, used, streamed, outcome: formula.outcome });
      rows = await checks.finish(row, sums);
      requireBothArms(treatmentName, rows.sums[treatmentName] as number, first.n);
      // The model's covariates are centred at their means; the 0/1 treatment is reported as it is.
      return columns.map((name, j) =>
        j === 0 || name === treatmentName ? 0 : -(first.means[j - 1] as number),
      );
    },
  });
  return estimateFromRows(fit, rows as PushdownRows, { params, formula, treatmentName, context });
}

/**
 * The row {@link rowChecks}' `finish` reads, from what the streamed pass saw: counts, NULLs per used
 * column, the treatment's exact count of ones (NaN when a value is not finite, so the check names it)
 * and its 0/1 statistics; the other numeric sums as `sums`.
 */
function checkRow(
  first: StreamFirstPass,
  setup: { all: string[]; used: UsedColumns; streamed: (name: string) => number; outcome: string },
): { row: Record<string, number>; sums: Record<string, number> } {
  const { all, used, streamed } = setup;
  const row: Record<string, number> = { rows: first.n, kept: first.n };
  all.forEach((name, k) => {
    row[`present_${k}`] = first.n - (first.nullCounts[streamed(name)] as number);
  });
  const numeric = [...new Set([...used.numeric, ...used.binary])];
  const sums: Record<string, number> = {};
  numeric.forEach((name, k) => {
    const sum = first.sums[streamed(name)] as number;
    const b = used.binary.indexOf(name);
    if (b < 0) {
      sums[name] = sum;
      return;
    }
    const stats = first.binary[b];
    if (stats === undefined) throw new RangeError(`no 0/1 statistics for column "${name}"`);
    row[`sum_${k}`] = Number.isFinite(sum) ? stats.ones : Number.NaN;
    row[`min_${b}`] = stats.min;
    row[`max_${b}`] = stats.max;
    row[`spread_${b}`] = stats.spread;
  });
  return { row, sums };
}
