import { doubleLiteral, type SqlDialect } from '../../sql/dialect';
import type { PartCombine } from '../../sql/engine';

/**
 * A regression whose design lives in a SQL engine: one SQL expression per design column (already centered
 * where the in-memory model centers), the outcome, and the rows (`from` + `where`).
 */
export interface SqlDesign {
  /** A relation usable after FROM. */
  from: string;
  /**
   * Optional disjoint parts of `from` ({@link SqlRelation.parts}): the cross-product and HC passes then sum
   * per part (concurrently where the engine can) and add the parts in order. Cluster sums use `from`.
   */
  parts?: string[];
  /** Row filter (e.g. the listwise NOT NULL of `missing: drop`), or undefined. */
  where: string | undefined;
  names: string[];
  /** SQL expression of each design column, over the relation's columns. */
  expressions: string[];
  /** SQL expression of the outcome. */
  outcome: string;
  /**
   * A value near the outcome's mean (from an earlier pass; default 0): the cross-product pass sums
   * x·(y − c) and (y − c)², from which X'y and the total sum of squares follow without cancellation.
   */
  outcomeCenter?: number;
  /**
   * Per design column, how much its expression was shifted from the model's column (expression = column −
   * shift, e.g. a 0/1 treatment centered at its share so every product summed is of centered values);
   * needs an intercept column 0 and shift 0 there. The fit reports the model's columns: the shifts move
   * only the intercept and its covariances.
   */
  shifts?: number[];
  /**
   * CUPED: SQL of the centered pre-period metric X − X̄. The cross-product pass also sums its products, so
   * θ = cov(X, Y)/var(X) and the adjusted outcome Y − θ(X − X̄) need no pass of their own.
   */
  cuped?: string;
}

/** Covariance estimators the pushdown computes (as {@link fitOls}). */
export type SqlCovariance =
  | { type: 'classical' | 'HC0' | 'HC1' | 'HC2' | 'HC3' }
  /** CR1 by the values of a SQL expression. */
  | { type: 'cluster'; cluster: string };

/**
 * More work for the cross-product scan, so a caller's checks need no scan of their own: `columns` (each
 * `<expression> AS <alias>`, over the relation) pass through the design's derived tables and `aggregates`
 * over those aliases join X'X's; `finish` reads the combined row (its checks may throw) and returns the
 * design's {@link SqlDesign.shifts} when they depend on it.
 */
export interface FirstScanExtra {
  columns: string[];
  aggregates: string[];
  /** How parts combine each extra aggregate (default: sum). */
  combine?: (name: string) => PartCombine;
  finish(row: Record<string, number>): Promise<number[] | undefined>;
}

const alias = (dialect: SqlDialect, name: string) => dialect.quoteIdentifier(name);

/** Whether design column j is the constant 1 (the intercept): its products are not computed per row. */
export function isOne(dialect: SqlDialect, design: SqlDesign, j: number): boolean {
  return design.expressions[j] === doubleLiteral(dialect, 1);
}

/** `SELECT <expr> AS "x0", …, <outcome> AS "y" [, extra] FROM … WHERE …` as a derived table. */
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
 * Σ weight·x_a over the rows, skipping the multiplication by an intercept column; `undefined` weight
 * with an intercept column means the row count (not emitted).
 */
function weightedSum(
  dialect: SqlDialect,
  design: SqlDesign,
  factors: (number | string)[],
): string | undefined {
  const terms = factors.flatMap((factor) =>
    typeof factor === 'number'
      ? isOne(dialect, design, factor)
        ? []
        : [alias(dialect, `x${factor}`)]
      : [factor],
  );
  return terms.length === 0 ? undefined : dialect.sum(terms.join(' * '));
}

/**
 * One scan for X'X (upper triangle, `g_a_b`), X'(y − c) (`m_a`), `n`, Σ(y − c) (`sum_yc`) and Σ(y − c)²
 * (`yy`), and Σx_a (`s_a`) when there is no intercept column to give them and c ≠ 0; with CUPED also X'w
 * (`k_a`), Σw, Σw² and Σw(y − c) for the centered pre-period metric w. Products with the intercept column
 * are plain sums.
 *
 * @example
 * ```ts
 * crossProductsSql(duckdbDialect, design);
 * ```
 */
export function crossProductsSql(
  dialect: SqlDialect,
  design: SqlDesign,
  extraScan?: Pick<FirstScanExtra, 'columns' | 'aggregates'>,
): string {
  const y = alias(dialect, 'y');
  const yc = alias(dialect, 'yc');
  const w = alias(dialect, 'w');
  const p = design.names.length;
  const sum = (expression: string) => dialect.sum(expression);
  const aggregates = [`COUNT(*) AS ${alias(dialect, 'n')}`];
  const add = (sum: string | undefined, name: string) => {
    if (sum !== undefined) aggregates.push(`${sum} AS ${alias(dialect, name)}`);
  };
  for (let a = 0; a < p; a++)
    for (let b = a; b < p; b++) add(weightedSum(dialect, design, [a, b]), `g_${a}_${b}`);
  for (let a = 0; a < p; a++) add(weightedSum(dialect, design, [a, yc]), `m_${a}`);
  if (!isOne(dialect, design, 0) && (design.outcomeCenter ?? 0) !== 0)
    for (let a = 0; a < p; a++) add(weightedSum(dialect, design, [a]), `s_${a}`);
  add(sum(yc), 'sum_yc');
  add(sum(`${yc} * ${yc}`), 'yy');
  const centered = [`${y} - ${doubleLiteral(dialect, design.outcomeCenter ?? 0)} AS ${yc}`];
  const extra: string[] = [];
  if (design.cuped !== undefined) {
    for (let a = 0; a < p; a++) add(weightedSum(dialect, design, [a, w]), `k_${a}`);
    add(sum(w), 'sum_w');
    add(sum(`${w} * ${w}`), 'ww');
    add(sum(`${w} * ${yc}`), 'wy');
    extra.push(`${design.cuped} AS ${w}`);
    centered.push(w);
  }
  // The outcome is computed once per row (it may be a window expression); y − c one level up.
  const through = (extraScan?.columns ?? []).map((column) => column.slice(column.lastIndexOf(' AS ') + 4));
  extra.push(...(extraScan?.columns ?? []));
  aggregates.push(...(extraScan?.aggregates ?? []));
  const columns = [...design.names.map((_, j) => alias(dialect, `x${j}`)), y, ...centered, ...through];
  return `SELECT ${aggregates.join(', ')} FROM (SELECT ${columns.join(', ')} FROM ${designRows(dialect, design, extra)}) AS impact_centered`;
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
 * The second pass (only for what the first cannot give): residuals from the fitted coefficients, RSS, and
 * the meat of the sandwich — Σ ω_i x_ia x_ib with ω = e² (HC0/HC1), e²/(1−h) (HC2), e²/(1−h)² (HC3), the
 * leverage h computed once per row in a derived table, or Σ_g s_ga s_gb over per-cluster score sums
 * s_g = Σ_{i∈g} x_i e_i (CR1). For HC0/HC1 with an intercept column, RSS is the meat's (0, 0) entry.
 *
 * @example
 * ```ts
 * residualSql(duckdbDialect, design, { type: 'HC3' }, coefficients, xtxInverse);
 * ```
 */
export function residualSql(
  dialect: SqlDialect,
  design: SqlDesign,
  covariance: SqlCovariance,
  coefficients: Float64Array,
  xtxInverse: Float64Array,
): string {
  const p = design.names.length;
  const x = (j: number) => alias(dialect, `x${j}`);
  const e = alias(dialect, 'e');
  const y = alias(dialect, 'y');
  const residual = `${y} - (${linearPredictor(dialect, coefficients)})`;
  const clustered = covariance.type === 'cluster';
  const base = designRows(
    dialect,
    design,
    clustered ? [`${covariance.cluster} AS ${alias(dialect, 'g')}`] : [],
  );
  const xs = Array.from({ length: p }, (_, j) => x(j));
  const scored = `(SELECT ${[...xs, ...(clustered ? [alias(dialect, 'g')] : [])].join(', ')}, ${residual} AS ${e} FROM ${base}) AS impact_residuals`;
  const rss = `${dialect.sum(`${e} * ${e}`)} AS ${alias(dialect, 'rss')}`;
  if (covariance.type === 'classical') return `SELECT ${rss} FROM ${scored}`;
  if (covariance.type === 'cluster') {
    const s = (j: number) => alias(dialect, `s${j}`);
    const scores = xs.map((_, j) => `${weightedSum(dialect, design, [j, e]) as string} AS ${s(j)}`);
    const inner = `SELECT ${[...scores, `${dialect.sum(`${e} * ${e}`)} AS ${alias(dialect, 'rss_g')}`].join(', ')} FROM ${scored} GROUP BY ${alias(dialect, 'g')}`;
    const meat: string[] = [`COUNT(*) AS ${alias(dialect, 'clusters')}`];
    meat.push(`${dialect.sum(alias(dialect, 'rss_g'))} AS ${alias(dialect, 'rss')}`);
    for (let a = 0; a < p; a++)
      for (let b = a; b < p; b++)
        meat.push(`${dialect.sum(`${s(a)} * ${s(b)}`)} AS ${alias(dialect, `w_${a}_${b}`)}`);
    return `SELECT ${meat.join(', ')} FROM (${inner}) AS impact_scores`;
  }
  // ω stays inline (DuckDB shares the common e·e; an extra derived table costs more than it saves); the
  // leverage, a p²-term sum, is computed once per row one level down.
  let omega = `${e} * ${e}`;
  let from = scored;
  if (covariance.type === 'HC2' || covariance.type === 'HC3') {
    const h = alias(dialect, 'h');
    from = `(SELECT ${xs.join(', ')}, ${e}, ${leverageSql(dialect, xtxInverse, p)} AS ${h} FROM ${scored}) AS impact_leverage`;
    omega =
      covariance.type === 'HC2' ? `${e} * ${e} / (1 - ${h})` : `${e} * ${e} / ((1 - ${h}) * (1 - ${h}))`;
  }
  const hasIntercept = isOne(dialect, design, 0);
  const meat = hasIntercept && (covariance.type === 'HC0' || covariance.type === 'HC1') ? [] : [rss];
  for (let a = 0; a < p; a++)
    for (let b = a; b < p; b++)
      meat.push(
        `${weightedSum(dialect, design, [omega, a, b]) as string} AS ${alias(dialect, `w_${a}_${b}`)}`,
      );
  return `SELECT ${meat.join(', ')} FROM ${from}`;
}
