import { MeasureError } from '../../errors';
import { doubleLiteral } from '../../sql/dialect';
import { type PartCombine, queryAggregateParts, queryAggregateRow, type SqlEngine } from '../../sql/engine';
import { type OlsFit, sandwichCovariance, solveCrossProducts } from '../../stats/ols';
import { cupedFromMoments } from '../cuped';
import { unshiftIntercept } from './shifted-design';
import {
  crossProductsSql,
  type FirstScanExtra,
  isOne,
  residualSql,
  type SqlCovariance,
  type SqlDesign,
} from './sql-passes';
import { canStream, fitOlsStreamed } from './stream-ols';

export { crossProductsSql, type FirstScanExtra, residualSql, type SqlCovariance, type SqlDesign };

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

/** CUPED's θ and variance reduction, from the cross-product pass. */
export interface SqlCuped {
  theta: number;
  varianceReduction: number;
}

/** Centered second moments of y (and the CUPED metric w) from the first pass, corrected to the exact means. */
function centeredMoments(first: Record<string, number>, n: number, cuped: boolean) {
  const sumYc = first.sum_yc as number;
  // Σ(y − ȳ)² = Σ(y − c)² − (Σ(y − c))²/n, with c close to ȳ so nothing cancels.
  const syy = (first.yy as number) - (sumYc * sumYc) / n;
  if (!cuped) return { syy };
  const sumW = first.sum_w as number;
  const sxx = (first.ww as number) - (sumW * sumW) / n;
  const sxy = (first.wy as number) - (sumW * sumYc) / n;
  return { syy, sxx, sxy };
}

/**
 * Least squares inside a SQL engine: one aggregate query for X'X, X'y, Σ(y − ȳ)² (and CUPED's moments),
 * the normal equations solved here by {@link solveCrossProducts} (the in-memory code), then one aggregate
 * query for the residual sums and the sandwich meat, and the same small-sample factors as {@link fitOls}:
 * n/(n−p) for HC1, G/(G−1)·(N−1)/(N−K) for clusters. Only O(p²) numbers leave the engine. When the
 * engine streams typed chunks ({@link SqlEngine.streamNumeric}: DuckDB, in this process) and column 0 is
 * the intercept, the rows go through the in-memory kernels instead ({@link fitOlsStreamed}): cheaper
 * per row than dozens of SQL aggregates, same results.
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
  extraScan?: FirstScanExtra,
): Promise<{ fit: SqlOlsFit; queries: SqlOlsQueries; cuped?: SqlCuped }> {
  // An engine in this process streams the design's rows to the in-memory kernels instead.
  if (extraScan === undefined && canStream(engine, design)) return fitOlsStreamed(engine, design, covariance);
  const { dialect } = engine;
  const p = design.names.length;
  const crossProducts = crossProductsSql(dialect, design, extraScan);
  const sumParts = (build: (from: string) => string, combine: (name: string) => PartCombine = () => 'sum') =>
    queryAggregateParts(engine, (design.parts ?? [design.from]).map(build), combine);
  const first = await sumParts(
    (from) => crossProductsSql(dialect, { ...design, from }, extraScan),
    extraScan?.combine,
  );
  const shifts = (await extraScan?.finish(first)) ?? design.shifts;
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
  // Σ1·1 over the intercept column is the row count (not an aggregate); every other product is.
  const gram = new Float64Array(p * p);
  for (let a = 0; a < p; a++)
    for (let b = a; b < p; b++) {
      const value =
        isOne(dialect, design, a) && isOne(dialect, design, b) ? n : (first[`g_${a}_${b}`] as number);
      gram[a * p + b] = value;
      gram[b * p + a] = value;
    }
  // X'y = X'(y − c) + c·X'1, X'1 being the intercept row of X'X (or the column sums).
  const center = design.outcomeCenter ?? 0;
  const intercept = isOne(dialect, design, 0);
  const moment = Float64Array.from({ length: p }, (_, a) => {
    const columnSum = center === 0 ? 0 : intercept ? (gram[a] as number) : (first[`s_${a}`] as number);
    return (first[`m_${a}`] as number) + center * columnSum;
  });
  const moments = centeredMoments(first, n, design.cuped !== undefined);
  let totalSs = moments.syy;
  let cuped: SqlCuped | undefined;
  let outcome = design.outcome;
  if (design.cuped !== undefined) {
    const { sxx, sxy, syy } = moments as { sxx: number; sxy: number; syy: number };
    cuped = cupedFromMoments(sxx, sxy, syy);
    const { theta } = cuped;
    // X'(y − θw) = X'y − θX'w; Σ(ỹ − mean)² = syy − 2θ·sxy + θ²·sxx.
    for (let a = 0; a < p; a++) {
      moment[a] = (moment[a] as number) - theta * (first[`k_${a}`] as number);
    }
    totalSs = syy - 2 * theta * sxy + theta * theta * sxx;
    outcome = `(${design.outcome} - ${doubleLiteral(dialect, theta)} * (${design.cuped}))`;
  }
  const { coefficients, xtxInverse } = solveCrossProducts(gram, moment, design.names);
  const secondDesign: SqlDesign = { ...design, outcome };
  delete secondDesign.cuped;
  const residuals = residualSql(dialect, secondDesign, covariance, coefficients, xtxInverse);
  const second =
    covariance.type === 'cluster'
      ? await queryAggregateRow(engine, residuals)
      : await sumParts((from) =>
          residualSql(dialect, { ...secondDesign, from }, covariance, coefficients, xtxInverse),
        );
  const dfResidual = n - p;
  let covarianceMatrix: Float64Array;
  let clusterCount: number | undefined;
  let rss: number;
  if (covariance.type === 'classical') {
    rss = second.rss as number;
    const sigma2 = rss / dfResidual;
    covarianceMatrix = xtxInverse.map((value) => value * sigma2);
  } else {
    const meat = new Float64Array(p * p);
    for (let a = 0; a < p; a++)
      for (let b = a; b < p; b++) {
        const value = second[`w_${a}_${b}`] as number;
        meat[a * p + b] = value;
        meat[b * p + a] = value;
      }
    rss = (second.rss ?? meat[0]) as number;
    covarianceMatrix = sandwichCovariance(xtxInverse, meat, p);
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
  let reported = coefficients;
  if (shifts?.some((shift, j) => j > 0 && shift !== 0)) {
    if (!intercept || shifts[0] !== 0)
      throw new RangeError('shifted design columns need an unshifted intercept column 0');
    ({ coefficients: reported, covariance: covarianceMatrix } = unshiftIntercept(
      coefficients,
      covarianceMatrix,
      shifts,
      p,
    ));
  }
  const standardErrors = new Float64Array(p);
  for (let j = 0; j < p; j++)
    standardErrors[j] = Math.sqrt(Math.max(0, covarianceMatrix[j * p + j] as number));
  return {
    fit: {
      coefficients: reported,
      standardErrors,
      covariance: covarianceMatrix,
      names: [...design.names],
      n,
      p,
      dfResidual,
      rss,
      rSquared: totalSs > 0 ? 1 - rss / totalSs : 0,
      totalSumOfSquares: totalSs,
      ...(clusterCount === undefined ? {} : { clusterCount }),
    },
    queries: { crossProducts, residuals },
    ...(cuped ? { cuped } : {}),
  };
}
