import { MeasureError } from '../../errors';
import type { ParsedFormula } from '../../formula/formula';
import type { SqlRelation } from '../../sql/relation';
import { type ExperimentParams, experimentEstimateFromFit } from '../experiment';
import type { JsonValue, ModelContext, ModelEstimate } from '../model';
import type { PushdownRows } from './columns';
import type { SqlCovariance } from './sql-passes';

/**
 * Whether an experiment is numeric main effects only under `missing: error` (no `C()`, no interactions, no
 * CUPED): the design is then the columns themselves, so the column checks can ride along with X'X.
 */
export function mainEffectsOnly(
  relation: SqlRelation,
  params: ExperimentParams,
  formula: ParsedFormula,
): boolean {
  return (
    relation.missing.policy === 'error' &&
    params.pre_period_metric === undefined &&
    formula.terms.every((term) => term.factors.length === 1 && !term.factors[0]?.categorical)
  );
}

/** Throws `DATA_EMPTY_GROUP` unless both arms have at least one row. */
export function requireBothArms(treatmentName: string, nTreated: number, n: number): void {
  if (nTreated === 0 || nTreated === n) {
    throw new MeasureError(
      'DATA_EMPTY_GROUP',
      `treatment column "${treatmentName}" has ${nTreated} treated and ${n - nTreated} control rows; both groups need at least one`,
      { column: treatmentName },
    );
  }
}

/** The covariance the pushed-down fit computes: the model's, or cluster-robust on the quoted cluster column. */
export function pushdownCovariance(params: ExperimentParams, quote: (name: string) => string): SqlCovariance {
  return params.cluster === undefined
    ? { type: params.covariance }
    : { type: 'cluster', cluster: quote(params.cluster) };
}

/** The experiment's estimate from a pushed-down fit and the rows its checks counted. */
export function estimateFromRows(
  fit: Parameters<typeof experimentEstimateFromFit>[0],
  rows: PushdownRows,
  setup: { params: ExperimentParams; formula: ParsedFormula; treatmentName: string; context: ModelContext },
  extra: Record<string, JsonValue> = {},
): ModelEstimate {
  const { params, formula, treatmentName, context } = setup;
  const { n, sums } = rows;
  const nTreated = sums[treatmentName] as number;
  const diagnostics: Record<string, JsonValue> = { n_treated: nTreated, n_control: n - nTreated, ...extra };
  Object.assign(diagnostics, rows.diagnostics);
  return experimentEstimateFromFit(fit, {
    params,
    formula,
    treatmentName,
    n,
    nTreated,
    nControl: n - nTreated,
    diagnostics,
    ciLevel: context.ciLevel,
  });
}
