import { MeasureError } from '../../errors';
import { doubleLiteral, type SqlDialect, stringLiteral } from '../../sql/dialect';
import type { SqlRelation } from '../../sql/relation';
import type { OlsFit } from '../../stats/ols';
import {
  absorbFixedEffectsDf,
  type DifferenceInDifferencesParams,
  didEstimateFromFit,
  eventStudyFromFit,
  eventStudyLayout,
} from '../did';
import type { ModelContext, ModelEstimate } from '../model';
import { numberSql, pushdownRows } from './columns';
import { fitOlsInSql, type SqlOlsFit } from './sql-ols';
import { PushdownUnsupported } from './unsupported';

/** Periods sorted as the in-memory panel sorts them, with the checks of common treatment timing. */
async function readPeriods(
  relation: SqlRelation,
  params: DifferenceInDifferencesParams,
  where: string | undefined,
): Promise<{ literals: string[]; levels: (string | number)[]; firstPostTime: number }> {
  const { dialect } = relation.engine;
  const q = dialect.quoteIdentifier;
  const post = numberSql(relation, params.post);
  const filter = where === undefined ? '' : ` WHERE ${where}`;
  const result = await relation.engine.query(
    `SELECT ${q(params.time)} AS ${q('level')}, MIN(${post}) AS ${q('post_min')}, MAX(${post}) AS ${q('post_max')} FROM ${relation.from}${filter} GROUP BY ${q(params.time)}`,
  );
  const [levels, low, high] = result.columns as unknown as [
    { values: Float64Array | string[] },
    { values: Float64Array },
    { values: Float64Array },
  ];
  const numeric = levels.values instanceof Float64Array;
  const order = Array.from({ length: result.rowCount }, (_, k) => k);
  if (numeric) order.sort((a, b) => (levels.values[a] as number) - (levels.values[b] as number));
  else {
    const text = levels.values as string[];
    order.sort((a, b) =>
      (text[a] as string) < (text[b] as string) ? -1 : (text[a] as string) > (text[b] as string) ? 1 : 0,
    );
  }
  const label = (k: number) => String(levels.values[k]);
  const firstPost = order.findIndex((k) => (high.values[k] as number) === 1);
  if (firstPost === -1) {
    throw new MeasureError(
      'DATA_NO_POST_PERIOD',
      `post-period column "${params.post}" is 0 in every row: no post-period`,
      {
        column: params.post,
      },
    );
  }
  if (firstPost === 0) {
    throw new MeasureError(
      'DATA_NO_PRE_PERIOD',
      `post-period column "${params.post}" is 1 from the first period (${label(order[0] as number)}): no pre-period`,
      { column: params.post },
    );
  }
  order.forEach((k, t) => {
    const expected = t >= firstPost ? 1 : 0;
    if (low.values[k] !== expected || high.values[k] !== expected) {
      throw new MeasureError(
        'MODEL_PARAMS_INVALID',
        `post-period column "${params.post}" must be 1 exactly from period ${label(order[firstPost] as number)} on (common treatment start; for staggered adoption use the did_staggered model); period ${label(k)} has ${expected === 1 ? 0 : 1}`,
        { column: params.post },
      );
    }
  });
  const literals = order.map((k) =>
    numeric ? doubleLiteral(dialect, levels.values[k] as number) : stringLiteral(levels.values[k] as string),
  );
  const sortedLevels = order.map((k) => levels.values[k] as string | number);
  return { literals, levels: sortedLevels, firstPostTime: firstPost };
}

/** Units, treated units, and whether every unit is observed once in every period. */
async function readUnits(
  relation: SqlRelation,
  params: DifferenceInDifferencesParams,
  where: string | undefined,
  timeCount: number,
): Promise<{ unitCount: number; treatedUnits: number; balanced: boolean }> {
  const { dialect } = relation.engine;
  const q = dialect.quoteIdentifier;
  const treated = numberSql(relation, params.treated);
  const filter = where === undefined ? '' : ` WHERE ${where}`;
  const perUnit = `SELECT MIN(${treated}) AS ${q('g_min')}, MAX(${treated}) AS ${q('g_max')}, COUNT(*) AS ${q('rows_u')}, COUNT(DISTINCT ${q(params.time)}) AS ${q('times_u')} FROM ${relation.from}${filter} GROUP BY ${q(params.unit)}`;
  const result = await relation.engine.query(
    `SELECT COUNT(*) AS ${q('units')}, SUM(${q('g_max')}) AS ${q('treated_units')}, SUM(CASE WHEN ${q('g_min')} <> ${q('g_max')} THEN 1 ELSE 0 END) AS ${q('changing')}, SUM(CASE WHEN ${q('rows_u')} = ${timeCount} AND ${q('times_u')} = ${timeCount} THEN 0 ELSE 1 END) AS ${q('unbalanced')} FROM (${perUnit}) AS impact_units`,
  );
  const value = (k: number) => Number(result.columns[k]?.values[0]);
  if (value(2) > 0) {
    throw new MeasureError(
      'MODEL_PARAMS_INVALID',
      `treatment-group column "${params.treated}" changes within ${value(2)} units; it must be constant per unit`,
      { column: params.treated },
    );
  }
  const unitCount = value(0);
  const treatedUnits = value(1);
  if (treatedUnits === 0 || treatedUnits === unitCount) {
    throw new MeasureError(
      'DATA_EMPTY_GROUP',
      `treatment-group column "${params.treated}" has ${treatedUnits} treated and ${unitCount - treatedUnits} control units; both groups need at least one`,
      { column: params.treated },
    );
  }
  return { unitCount, treatedUnits, balanced: value(3) === 0 };
}

/** a − ā_unit − ā_time + ā with window means (balanced panels: one exact sweep of the within transformation). */
function demeanedSql(
  dialect: SqlDialect,
  value: string,
  unit: string,
  time: string,
  grandMean: number,
): string {
  const q = dialect.quoteIdentifier;
  return `(${value} - AVG(${value}) OVER (PARTITION BY ${q(unit)}) - AVG(${value}) OVER (PARTITION BY ${q(time)}) + ${doubleLiteral(dialect, grandMean)})`;
}

function withResiduals(fit: SqlOlsFit): OlsFit {
  // Pushdown fits have no per-row residuals; the event-study finishing math reads coefficients and covariance only.
  return { ...fit, residuals: new Float64Array(0), fitted: new Float64Array(0) };
}

/**
 * The `difference_in_differences` model inside a SQL engine, for two-way fixed effects on a balanced panel:
 * the within transformation is one exact sweep ỹ = y − ȳ_i − ȳ_t + ȳ (window means); the treated × post
 * regressor and the event-study indicators treated_i·1[t ∈ k] are demeaned in closed form from the counts
 * of treated units and periods. Cluster-robust (CR1 by unit) sums come from per-unit score sums; the
 * finishing math (absorbed-FE df, inference, event study, pre-trend F test) is the in-memory model's.
 * Unbalanced panels and `fixed_effects: group_time` raise {@link PushdownUnsupported}, so the run loads the
 * columns and fits in memory instead.
 *
 * @example
 * ```ts
 * const estimate = await pushdownDifferenceInDifferences(relation, DifferenceInDifferencesParamsSchema.parse({ outcome: 'fte' }), { ciLevel: 0.95, seed: 1 });
 * ```
 */
export async function pushdownDifferenceInDifferences(
  relation: SqlRelation,
  params: DifferenceInDifferencesParams,
  context: ModelContext,
): Promise<ModelEstimate> {
  if (params.fixed_effects !== 'unit_time')
    throw new PushdownUnsupported(
      'fixed_effects: group_time is fitted in memory (iterative within transformation)',
    );
  if (params.covariance !== 'CR1' || params.df !== 'clusters')
    throw new PushdownUnsupported(`covariance: ${params.covariance}, df: ${params.df} is fitted in memory`);
  const { dialect } = relation.engine;
  const q = dialect.quoteIdentifier;
  const roles = {
    [params.outcome]: 'outcome',
    [params.treated]: 'treatment-group',
    [params.post]: 'post-period',
    [params.unit]: 'unit',
    [params.time]: 'time',
  };
  const rows = await pushdownRows(
    relation,
    { numeric: [params.outcome], binary: [params.treated, params.post], other: [params.unit, params.time] },
    roles,
  );
  const { n, where } = rows;
  const periods = await readPeriods(relation, params, where);
  const timeCount = periods.literals.length;
  const units = await readUnits(relation, params, where, timeCount);
  if (!units.balanced)
    throw new PushdownUnsupported(
      'unbalanced panel: the within transformation needs iterations, so it runs in memory',
    );
  const { unitCount, treatedUnits } = units;
  const treatedShare = treatedUnits / unitCount;
  const postShare = (timeCount - periods.firstPostTime) / timeCount;
  const absorbed = unitCount + timeCount - 1;
  const y = numberSql(relation, params.outcome);
  const treated = numberSql(relation, params.treated);
  const post = numberSql(relation, params.post);
  const outcome = demeanedSql(
    dialect,
    y,
    params.unit,
    params.time,
    (rows.sums[params.outcome] as number) / n,
  );
  const lit = (value: number) => doubleLiteral(dialect, value);
  // D = treated·post demeaned in closed form on a balanced panel: D − treated·T_post/T − post·N₁/N + N₁/N·T_post/T.
  const treatment = `(${treated} * ${post} - ${treated} * ${lit(postShare)} - ${post} * ${lit(treatedShare)} + ${lit(treatedShare * postShare)})`;
  const cluster = { type: 'cluster' as const, cluster: q(params.unit) };
  const main = await fitOlsInSql(
    relation.engine,
    { from: relation.from, where, names: ['treated_x_post'], expressions: [treatment], outcome },
    cluster,
  );
  const fit = absorbFixedEffectsDf(main.fit, absorbed);

  const layout = eventStudyLayout({ firstPostTime: periods.firstPostTime, timeCount }, params);
  let eventStudy: ReturnType<typeof eventStudyFromFit> | undefined;
  if (layout) {
    const expressions = layout.specs.map((_, j) => {
      const times = periods.literals.filter((_literal, t) => layout.regressorOfTime[t] === j);
      const share = times.length / timeCount;
      const indicator = `CASE WHEN ${q(params.time)} IN (${times.join(', ')}) THEN ${lit(1)} ELSE ${lit(0)} END`;
      return `(${treated} * ${indicator} - ${treated} * ${lit(share)} - ${indicator} * ${lit(treatedShare)} + ${lit(treatedShare * share)})`;
    });
    const names = layout.specs.map((spec) => spec.label);
    const study = await fitOlsInSql(
      relation.engine,
      { from: relation.from, where, names, expressions, outcome },
      cluster,
    );
    eventStudy = eventStudyFromFit(
      withResiduals(absorbFixedEffectsDf(study.fit, absorbed)),
      layout,
      context,
      unitCount,
    );
  }
  const estimate = didEstimateFromFit(fit, {
    panel: {
      treatedUnits,
      controlUnits: unitCount - treatedUnits,
      unitCount,
      timeCount,
      firstPostTime: periods.firstPostTime,
      timeLevels: periods.levels,
    },
    params,
    context,
    n,
    totalSs: main.fit.totalSumOfSquares,
    withinIterations: 1,
    balanced: true,
    absorbed,
    eventStudy,
  });
  Object.assign(estimate.diagnostics, rows.diagnostics);
  return estimate;
}
