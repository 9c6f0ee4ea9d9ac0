import { MeasureError } from '../../errors';
import { doubleLiteral, type SqlDialect } from '../../sql/dialect';
import { queryAggregateRow, type SqlEngine } from '../../sql/engine';
import { type OlsFit, sandwichCovariance, solveCrossProducts } from '../../stats/ols';

/**
 * A regression whose design lives in a SQL engine: one SQL expression per design column (already centered
 * where the in-memory model centers), the outcome, and the rows (`from` + `where`).
 */
export interface SqlDesign {
  /** A relation usable after FROM. */
  from: string;
  /** Row filter (e.g. the listwise NOT NULL of `missing: drop`), or undefined. */
  where: string | undefined;
  names: string[];
  /** SQL expression of each design column, over the relation's columns. */
  expressions: string[];
  /** SQL expression of the outcome. */
  outcome: string;
}

/** Covariance estimators the pushdown computes (as {@link fitOls}). */
export type SqlCovariance =
  | { type: 'classical' | 'HC0' | 'HC1' | 'HC2' | 'HC3' }
  /** CR1 by the values of a SQL expression. */
  | { type: 'cluster'; cluster: string };

/** The parts of an {@link OlsFit} a pushdown fit has (no per-row residuals or fitted values), plus Σ(y − ȳ)². */
export type SqlOlsFit = { totalSumOfSquares: number } & Pick<
  OlsFit,
  | 'coefficients'
  | 'standardErrors'
  | 'covariance'
  | 'names'
  | 'n'
  | 'p'
  | 'dfResidual'
  | 'rss'
  | 'rSquared'
  | 'clusterCount'
>;

/** The SQL statements of a pushdown fit, in the order they run (kept for snapshots and diagnostics). */
export interface SqlOlsQueries {
  crossProducts: string;
  residuals: string;
}

const alias = (dialect: SqlDialect, name: string) => dialect.quoteIdentifier(name);

/** `SELECT <expr> AS "x0", …, <outcome> AS "y" [, <cluster> AS "g"] FROM … WHERE …` as a derived table. */
function designRows(dialect: SqlDialect, design: SqlDesign, extra: string[] = []): string {
  const columns = [
    ...design.expressions.map((expression, j) => `${expression} AS ${alias(dialect, `x${j}`)}`),
    `${design.outcome} AS ${alias(dialect, 'y')}`,
    ...extra,
  ];
  const where = design.where === undefined ? '' : ` WHERE ${design.where}`;
  return `(SELECT ${columns.join(', ')} FROM ${design.from}${where}) AS impact_design`;
}

/**
 * X'X (upper triangle, `g_a_b`) and X'y (`m_a`) as aggregates, plus `n`.
 *
 * @example
 * ```ts
 * crossProductsSql(duckdbDialect, design);
 * ```
 */
export function crossProductsSql(dialect: SqlDialect, design: SqlDesign): string {
  const x = (j: number) => alias(dialect, `x${j}`);
  const y = alias(dialect, 'y');
  const p = design.names.length;
  const aggregates = [`COUNT(*) AS ${alias(dialect, 'n')}`];
  for (let a = 0; a < p; a++)
    for (let b = a; b < p; b++)
      aggregates.push(`${dialect.sum(`${x(a)} * ${x(b)}`)} AS ${alias(dialect, `g_${a}_${b}`)}`);
  for (let a = 0; a < p; a++)
    aggregates.push(`${dialect.sum(`${x(a)} * ${y}`)} AS ${alias(dialect, `m_${a}`)}`);
  aggregates.push(`${dialect.sum(y)} AS ${alias(dialect, 'sum_y')}`);
  return `SELECT ${aggregates.join(', ')} FROM ${designRows(dialect, design)}`;
}

/** Σ_j β_j x_j as SQL. */
function linearPredictor(dialect: SqlDialect, coefficients: Float64Array): string {
  return Array.from(
    coefficients,
    (beta, j) => `${doubleLiteral(dialect, beta)} * ${alias(dialect, `x${j}`)}`,
  ).join(' + ');
}

/** h_i = x_i'(X'X)⁻¹x_i as SQL (symmetric: diagonal once, off-diagonal twice). */
function leverageSql(dialect: SqlDialect, xtxInverse: Float64Array, p: number): string {
  const terms: string[] = [];
  for (let a = 0; a < p; a++)
    for (let b = a; b < p; b++) {
      const value = (xtxInverse[a * p + b] as number) * (a === b ? 1 : 2);
      if (value !== 0)
        terms.push(
          `${doubleLiteral(dialect, value)} * ${alias(dialect, `x${a}`)} * ${alias(dialect, `x${b}`)}`,
        );
    }
  return terms.length === 0 ? '0' : terms.join(' + ');
}

/**
 * The second pass: residuals from the fitted coefficients, RSS, total SS around `yMean`, and the meat of
 * the sandwich — Σ ω_i x_ia x_ib with ω = e² (HC0/HC1), e²/(1−h) (HC2), e²/(1−h)² (HC3), or Σ_g s_ga s_gb
 * over per-cluster score sums s_g = Σ_{i∈g} x_i e_i (CR1).
 *
 * @example
 * ```ts
 * residualSql(duckdbDialect, design, { type: 'HC3' }, coefficients, xtxInverse, yMean);
 * ```
 */
export function residualSql(
  dialect: SqlDialect,
  design: SqlDesign,
  covariance: SqlCovariance,
  coefficients: Float64Array,
  xtxInverse: Float64Array,
  yMean: number,
): string {
  const p = design.names.length;
  const x = (j: number) => alias(dialect, `x${j}`);
  const e = alias(dialect, 'e');
  const y = alias(dialect, 'y');
  const residual = `${y} - (${linearPredictor(dialect, coefficients)})`;
  const base = designRows(
    dialect,
    design,
    covariance.type === 'cluster' ? [`${covariance.cluster} AS ${alias(dialect, 'g')}`] : [],
  );
  const xs = Array.from({ length: p }, (_, j) => x(j));
  const scored = `(SELECT ${[...xs, y, ...(covariance.type === 'cluster' ? [alias(dialect, 'g')] : [])].join(', ')}, ${residual} AS ${e} FROM ${base}) AS impact_residuals`;
  const fitAggregates = [
    `${dialect.sum(`${e} * ${e}`)} AS ${alias(dialect, 'rss')}`,
    `${dialect.sum(`(${y} - ${doubleLiteral(dialect, yMean)}) * (${y} - ${doubleLiteral(dialect, yMean)})`)} AS ${alias(dialect, 'tss')}`,
  ];
  if (covariance.type === 'classical') return `SELECT ${fitAggregates.join(', ')} FROM ${scored}`;
  if (covariance.type === 'cluster') {
    const s = (j: number) => alias(dialect, `s${j}`);
    const scores = xs.map((column, j) => `${dialect.sum(`${column} * ${e}`)} AS ${s(j)}`);
    const inner = `SELECT ${[...scores, `${dialect.sum(`${e} * ${e}`)} AS ${alias(dialect, 'rss_g')}`, `${dialect.sum(`(${y} - ${doubleLiteral(dialect, yMean)}) * (${y} - ${doubleLiteral(dialect, yMean)})`)} AS ${alias(dialect, 'tss_g')}`].join(', ')} FROM ${scored} GROUP BY ${alias(dialect, 'g')}`;
    const meat: string[] = [`COUNT(*) AS ${alias(dialect, 'clusters')}`];
    meat.push(`${dialect.sum(alias(dialect, 'rss_g'))} AS ${alias(dialect, 'rss')}`);
    meat.push(`${dialect.sum(alias(dialect, 'tss_g'))} AS ${alias(dialect, 'tss')}`);
    for (let a = 0; a < p; a++)
      for (let b = a; b < p; b++)
        meat.push(`${dialect.sum(`${s(a)} * ${s(b)}`)} AS ${alias(dialect, `w_${a}_${b}`)}`);
    return `SELECT ${meat.join(', ')} FROM (${inner}) AS impact_scores`;
  }
  let omega = `${e} * ${e}`;
  if (covariance.type === 'HC2' || covariance.type === 'HC3') {
    const h = `(${leverageSql(dialect, xtxInverse, p)})`;
    omega =
      covariance.type === 'HC2' ? `${e} * ${e} / (1 - ${h})` : `${e} * ${e} / ((1 - ${h}) * (1 - ${h}))`;
  }
  const meat = [...fitAggregates];
  for (let a = 0; a < p; a++)
    for (let b = a; b < p; b++)
      meat.push(`${dialect.sum(`${omega} * ${x(a)} * ${x(b)}`)} AS ${alias(dialect, `w_${a}_${b}`)}`);
  return `SELECT ${meat.join(', ')} FROM ${scored}`;
}

function symmetric(row: Record<string, number>, prefix: string, p: number): Float64Array {
  const out = new Float64Array(p * p);
  for (let a = 0; a < p; a++)
    for (let b = a; b < p; b++) {
      const value = row[`${prefix}_${a}_${b}`] as number;
      out[a * p + b] = value;
      out[b * p + a] = value;
    }
  return out;
}

/**
 * Least squares inside a SQL engine: one aggregate query for X'X and X'y, the normal equations solved here
 * by {@link solveCrossProducts} (the in-memory code), one aggregate query for residual sums and the
 * sandwich meat, then the same small-sample factors as {@link fitOls}: n/(n−p) for HC1, G/(G−1)·(N−1)/(N−K)
 * for clusters. Only O(p²) numbers leave the engine.
 *
 * @example
 * ```ts
 * const { fit } = await fitOlsInSql(engine, design, { type: 'HC1' });
 * ```
 */
export async function fitOlsInSql(
  engine: SqlEngine,
  design: SqlDesign,
  covariance: SqlCovariance,
): Promise<{ fit: SqlOlsFit; queries: SqlOlsQueries }> {
  const { dialect } = engine;
  const p = design.names.length;
  const crossProducts = crossProductsSql(dialect, design);
  const first = await queryAggregateRow(engine, crossProducts);
  const n = first.n as number;
  if (n <= p) {
    throw new MeasureError(
      'DATA_TOO_FEW_ROWS',
      `regression needs more rows than its ${p} columns, got ${n}`,
      {
        parameter: 'design',
      },
    );
  }
  const gram = symmetric(first, 'g', p);
  const moment = Float64Array.from({ length: p }, (_, a) => first[`m_${a}`] as number);
  const { coefficients, xtxInverse } = solveCrossProducts(gram, moment, design.names);
  const yMean = (first.sum_y as number) / n;
  const residuals = residualSql(dialect, design, covariance, coefficients, xtxInverse, yMean);
  const second = await queryAggregateRow(engine, residuals);
  const rss = second.rss as number;
  const dfResidual = n - p;
  let covarianceMatrix: Float64Array;
  let clusterCount: number | undefined;
  if (covariance.type === 'classical') {
    const sigma2 = rss / dfResidual;
    covarianceMatrix = xtxInverse.map((value) => value * sigma2);
  } else {
    covarianceMatrix = sandwichCovariance(xtxInverse, symmetric(second, 'w', p), p);
    if (covariance.type === 'HC1')
      covarianceMatrix = covarianceMatrix.map((value) => (value * n) / dfResidual);
    if (covariance.type === 'cluster') {
      clusterCount = second.clusters as number;
      if (clusterCount < 2) {
        throw new MeasureError(
          'DATA_EMPTY_GROUP',
          `cluster-robust covariance needs at least 2 clusters, found ${clusterCount}`,
          {
            parameter: 'clusters',
          },
        );
      }
      const factor = (clusterCount / (clusterCount - 1)) * ((n - 1) / (n - p));
      covarianceMatrix = covarianceMatrix.map((value) => value * factor);
    }
  }
  const standardErrors = new Float64Array(p);
  for (let j = 0; j < p; j++)
    standardErrors[j] = Math.sqrt(Math.max(0, covarianceMatrix[j * p + j] as number));
  const tss = second.tss as number;
  return {
    fit: {
      coefficients,
      standardErrors,
      covariance: covarianceMatrix,
      names: [...design.names],
      n,
      p,
      dfResidual,
      rss,
      rSquared: tss > 0 ? 1 - rss / tss : 0,
      totalSumOfSquares: tss,
      ...(clusterCount === undefined ? {} : { clusterCount }),
    },
    queries: { crossProducts, residuals },
  };
}
