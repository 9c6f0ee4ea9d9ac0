import type { ParsedFormula } from '../../formula/formula';
import { doubleLiteral } from '../../sql/dialect';
import { queryAggregateRow } from '../../sql/engine';
import type { SqlRelation } from '../../sql/relation';
import type { ExperimentParams } from '../experiment';
import type { ModelContext, ModelEstimate } from '../model';
import { numberSql, type PushdownRows, rowChecks, type UsedColumns } from './columns';
import { estimateFromRows, mainEffectsOnly, pushdownCovariance, requireBothArms } from './experiment-shared';
import { fitOlsInSql, type SqlDesign } from './sql-ols';

/** Rows read to choose the centers: enough for a center within a small fraction of a standard deviation. */
const SAMPLE_ROWS = 8192;

/**
 * Whether {@link oneScanExperiment} applies: a relation in fixed parts (Parquet through DuckDB, where the
 * first rows of the first part are the same rows every run), `missing: error`, and a formula of numeric
 * main effects only (no `C()`, no interactions, no CUPED), so every design column is a column minus a
 * constant.
 *
 * @example
 * ```ts
 * if (oneScanApplies(relation, params, formula)) return oneScanExperiment(relation, params, context, setup);
 * ```
 */
export function oneScanApplies(
  relation: SqlRelation,
  params: ExperimentParams,
  formula: ParsedFormula,
): boolean {
  return relation.parts !== undefined && mainEffectsOnly(relation, params, formula);
}

/**
 * The pushed-down experiment in two scans instead of three: the column checks and sums ride along with
 * X'X. The design columns are centered at the means of the first rows (not the exact means, which the
 * checks give only at the end of that scan); since each is its column minus a constant, the fit is the
 * same up to the intercept, which {@link fitOlsInSql} moves back (`shifts`: c − x̄ for covariates, c for
 * the 0/1 treatment). Same estimate, diagnostics and errors as the three-scan path.
 *
 * @example
 * ```ts
 * const estimate = await oneScanExperiment(relation, params, context, { formula, treatmentName, used, roles });
 * ```
 */
export async function oneScanExperiment(
  relation: SqlRelation,
  params: ExperimentParams,
  context: ModelContext,
  setup: { formula: ParsedFormula; treatmentName: string; used: UsedColumns; roles: Record<string, string> },
): Promise<ModelEstimate> {
  const { formula, treatmentName, used, roles } = setup;
  const { dialect } = relation.engine;
  const q = (name: string) => dialect.quoteIdentifier(name);
  const all = [...new Set([...used.numeric, ...used.binary, ...used.other])];
  const through = (name: string) => q(`impact_r${all.indexOf(name)}`);
  // The design sums the outcome and covariates (centered), so the checks sum only the 0/1 treatment.
  const checks = rowChecks(relation, used, roles, through, false);
  const centers = await sampleMeans(relation, [
    ...new Set([formula.outcome, ...used.binary, ...used.numeric]),
  ]);
  const center = (name: string) => centers.get(name) ?? 0;
  const shifted = (name: string) =>
    `(${numberSql(relation, name)} - ${doubleLiteral(dialect, center(name))})`;
  const names = ['(Intercept)'];
  const expressions = [doubleLiteral(dialect, 1)];
  const columns: string[] = [''];
  for (const term of formula.terms) {
    const column = term.factors[0]?.column as string;
    names.push(column);
    expressions.push(shifted(column));
    columns.push(column);
  }
  const design: SqlDesign = {
    from: relation.from,
    ...(relation.parts ? { parts: relation.parts } : {}),
    where: undefined,
    names,
    expressions,
    outcome: numberSql(relation, formula.outcome),
    outcomeCenter: center(formula.outcome),
  };
  let rows: PushdownRows | undefined;
  const covariance = pushdownCovariance(params, q);
  const { fit } = await fitOlsInSql(relation.engine, design, covariance, {
    columns: all.map((name) => `${q(name)} AS ${through(name)}`),
    aggregates: checks.aggregates,
    combine: checks.combine,
    async finish(row) {
      // Σx = Σ(x − c) + n·c: the intercept row of X'X, X'(y − c)'s first entry for the outcome.
      const n = row.n as number;
      const sums: Record<string, number> = {
        [formula.outcome]: (row.sum_yc as number) + n * center(formula.outcome),
      };
      columns.forEach((column, j) => {
        if (j > 0 && column !== treatmentName)
          sums[column] = (row[`g_0_${j}`] as number) + n * center(column);
      });
      rows = await checks.finish(row, sums);
      const kept = rows.sums;
      requireBothArms(treatmentName, kept[treatmentName] as number, n);
      // Column j is z_j + shift_j: the treatment is 0/1 itself, covariates are centered at their means.
      return columns.map((column, j) =>
        j === 0
          ? 0
          : column === treatmentName
            ? center(column)
            : center(column) - (kept[column] as number) / n,
      );
    },
  });
  return estimateFromRows(fit, rows as PushdownRows, { params, formula, treatmentName, context });
}

/** Means of the first {@link SAMPLE_ROWS} rows of the first part (non-finite or absent: none). */
async function sampleMeans(relation: SqlRelation, names: string[]): Promise<Map<string, number>> {
  const { dialect } = relation.engine;
  const q = (name: string) => dialect.quoteIdentifier(name);
  const first = (relation.parts as string[])[0] as string;
  const row = await queryAggregateRow(
    relation.engine,
    `SELECT ${names.map((name, k) => `AVG(${numberSql(relation, name)}) AS ${q(`c${k}`)}`).join(', ')} FROM (SELECT * FROM ${first} LIMIT ${SAMPLE_ROWS}) AS impact_sample`,
  );
  const means = new Map<string, number>();
  names.forEach((name, k) => {
    const mean = row[`c${k}`] as number;
    if (Number.isFinite(mean)) means.set(name, mean);
  });
  return means;
}
