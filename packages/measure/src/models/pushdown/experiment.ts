import type { FormulaFactor } from '../../formula/formula';
import { doubleLiteral } from '../../sql/dialect';
import type { SqlRelation } from '../../sql/relation';
import { type ExperimentParams, experimentEstimateFromFit, experimentFormula } from '../experiment';
import type { JsonValue, ModelContext, ModelEstimate } from '../model';
import { categoricalLevels, numberSql, pushdownRows } from './columns';
import { oneScanApplies, oneScanExperiment } from './experiment-one-scan';
import { estimateFromRows, pushdownCovariance, requireBothArms } from './experiment-shared';
import { streamedApplies, streamedExperiment } from './experiment-streamed';
import { fitOlsInSql, type SqlDesign } from './sql-ols';
import { PushdownUnsupported } from './unsupported';

/** SQL expressions of one expanded formula factor (one column, or one centered dummy per non-reference level). */
interface SqlFactor {
  names: string[];
  expressions: string[];
}

/**
 * The `experiment` model computed inside a SQL engine. Same design as the in-memory fit (intercept, the
 * 0/1 treatment, covariates and `C()` dummies centered at their means, interactions as products of the
 * centered factors), same CUPED adjustment Y − θ(X − X̄), same covariances; the finishing math
 * (relative lift, SRM, diagnostics) is the in-memory model's {@link experimentEstimateFromFit}.
 * Passes: column checks and sums; levels of each `C()` column; X'X, X'y and (with `pre_period_metric`)
 * the CUPED moments in one scan; residual sums and the sandwich meat. Over fixed parts with numeric main
 * effects only, the checks ride along with X'X ({@link oneScanExperiment}).
 *
 * @example
 * ```ts
 * const estimate = await pushdownExperiment(relation, ExperimentParamsSchema.parse({ formula: 'y ~ d + x' }), { ciLevel: 0.95, seed: 0 });
 * ```
 */
export async function pushdownExperiment(
  relation: SqlRelation,
  params: ExperimentParams,
  context: ModelContext,
): Promise<ModelEstimate> {
  if (params.ratio !== undefined || params.winsorize !== undefined)
    throw new PushdownUnsupported('ratio metrics and winsorize are fitted in memory');
  // The always-valid looks need the rows in time order; without this the key would be silently ignored.
  if (params.sequential !== undefined)
    throw new PushdownUnsupported('sequential (always-valid) inference is computed in memory');
  const { dialect } = relation.engine;
  const { formula, treatmentName } = experimentFormula(params);
  const factors = formula.terms.flatMap((term) => term.factors);
  const numericFactors = [...new Set(factors.filter((f) => !f.categorical).map((f) => f.column))];
  const categorical = [...new Set(factors.filter((f) => f.categorical).map((f) => f.column))];
  const roles: Record<string, string> = { [formula.outcome]: 'outcome', [treatmentName]: 'treatment' };
  for (const name of numericFactors) roles[name] ??= 'regressor';
  for (const name of categorical) roles[name] ??= 'categorical';
  const numeric = [formula.outcome, ...numericFactors.filter((name) => name !== treatmentName)];
  if (params.pre_period_metric !== undefined) {
    numeric.push(params.pre_period_metric);
    roles[params.pre_period_metric] ??= 'pre-period metric';
  }
  const other = [...categorical];
  if (params.cluster !== undefined) {
    other.push(params.cluster);
    roles[params.cluster] ??= 'cluster';
  }
  const used = { numeric, binary: [treatmentName], other };
  if (streamedApplies(relation, params, formula))
    return streamedExperiment(relation, params, context, { formula, treatmentName, used, roles });
  if (oneScanApplies(relation, params, formula))
    return oneScanExperiment(relation, params, context, { formula, treatmentName, used, roles });
  const rows = await pushdownRows(relation, used, roles);
  const { n, where } = rows;
  const mean = (name: string) => (rows.sums[name] as number) / n;
  const nTreated = rows.sums[treatmentName] as number;
  requireBothArms(treatmentName, nTreated, n);

  // CUPED θ = cov(X, Y)/var(X) pooled over both arms (Deng et al. 2013), as the in-memory model; its
  // moments come from the cross-product pass (no pass of its own).
  const cuped =
    params.pre_period_metric === undefined
      ? undefined
      : `(${numberSql(relation, params.pre_period_metric)} - ${doubleLiteral(dialect, mean(params.pre_period_metric))})`;
  const outcome = numberSql(relation, formula.outcome);

  const expanded = new Map<string, SqlFactor>();
  for (const column of categorical) {
    const levels = await categoricalLevels(relation, column, where);
    const one = doubleLiteral(dialect, 1);
    const zero = doubleLiteral(dialect, 0);
    expanded.set(`C:${column}`, {
      names: levels.slice(1).map(({ level }) => `C(${column})[${level}]`),
      expressions: levels
        .slice(1)
        .map(
          ({ test, count }) =>
            `(CASE WHEN ${test} THEN ${one} ELSE ${zero} END - ${doubleLiteral(dialect, count / n)})`,
        ),
    });
  }
  const expand = (factor: FormulaFactor): SqlFactor => {
    if (factor.categorical) return expanded.get(`C:${factor.column}`) as SqlFactor;
    const value = numberSql(relation, factor.column);
    return {
      names: [factor.column],
      expressions: [
        factor.column === treatmentName
          ? value
          : `(${value} - ${doubleLiteral(dialect, mean(factor.column))})`,
      ],
    };
  };
  const names = ['(Intercept)'];
  const expressions = [doubleLiteral(dialect, 1)];
  // The 0/1 treatment's own column is summed centered at its share (the fit reports the 0/1 column:
  // only the intercept moves), so every product in X'X and the meat is of centered values.
  const shifts = [0];
  const treatedShare = nTreated / n;
  for (const term of formula.terms) {
    const [first, ...rest] = term.factors as [FormulaFactor, ...FormulaFactor[]];
    if (rest.length === 0 && first.column === treatmentName && !first.categorical) {
      names.push(treatmentName);
      expressions.push(`(${numberSql(relation, treatmentName)} - ${doubleLiteral(dialect, treatedShare)})`);
      shifts.push(treatedShare);
      continue;
    }
    let current = expand(first);
    for (const factor of rest) {
      const next = expand(factor);
      const combined: SqlFactor = { names: [], expressions: [] };
      current.names.forEach((left, a) => {
        next.names.forEach((right, b) => {
          combined.names.push(`${left}:${right}`);
          combined.expressions.push(`${current.expressions[a]} * ${next.expressions[b]}`);
        });
      });
      current = combined;
    }
    names.push(...current.names);
    expressions.push(...current.expressions);
    for (const _ of current.names) shifts.push(0);
  }
  const design: SqlDesign = {
    from: relation.from,
    ...(relation.parts ? { parts: relation.parts } : {}),
    where,
    names,
    expressions,
    outcome,
    outcomeCenter: mean(formula.outcome),
    shifts,
    ...(cuped === undefined ? {} : { cuped }),
  };
  const covariance = pushdownCovariance(params, dialect.quoteIdentifier);
  const { fit, cuped: adjusted } = await fitOlsInSql(relation.engine, design, covariance);
  const extra: Record<string, JsonValue> = adjusted
    ? { cuped_theta: adjusted.theta, cuped_variance_reduction: adjusted.varianceReduction }
    : {};
  return estimateFromRows(fit, rows, { params, formula, treatmentName, context }, extra);
}
