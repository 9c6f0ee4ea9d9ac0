import { MeasureError } from '../../errors';
import { doubleLiteral, type SqlDialect } from '../../sql/dialect';
import { queryAggregateRow, type SqlEngine } from '../../sql/engine';
import { sandwichCovariance, solveCrossProducts } from '../../stats/ols';
import { cupedFromMoments } from '../cuped';
import { unshiftIntercept } from './shifted-design';
import { residualSql, type SqlCovariance, type SqlDesign } from './sql-passes';
import { type CentredMoments, meatPass, momentsPass, type StreamChecks } from './stream-passes';

export {
  type BinaryStats,
  canStream,
  STREAM_BLOCK_ROWS,
  type StreamChecks,
  type StreamFirstPass,
} from './stream-passes';

/** Engines a fit streamed rows from (so the run's `data_path` can say which path ran). */
const streamedEngines = new WeakSet<SqlEngine>();

/**
 * Whether a pushdown fit on this engine streamed its rows to the in-memory kernels ({@link fitOlsStreamed})
 * rather than computing SQL aggregates.
 *
 * @example
 * ```ts
 * const path = streamedFrom(relation.engine) ? 'rows streamed' : 'SQL aggregates';
 * ```
 */
export function streamedFrom(engine: SqlEngine): boolean {
  return streamedEngines.has(engine);
}

/** The result of {@link fitOlsStreamed}: as `fitOlsInSql`'s. */
export interface StreamedOls {
  fit: {
    coefficients: Float64Array;
    standardErrors: Float64Array;
    covariance: Float64Array;
    names: string[];
    n: number;
    p: number;
    dfResidual: number;
    rss: number;
    rSquared: number;
    totalSumOfSquares: number;
    clusterCount?: number;
  };
  queries: { crossProducts: string; residuals: string };
  cuped?: { theta: number; varianceReduction: number };
}

/**
 * Least squares over a SQL design whose rows the engine streams ({@link SqlEngine.streamNumeric}; DuckDB,
 * in the same process): each part's design columns arrive as typed chunks and go through the in-memory OLS
 * kernels — pass one the means and centred cross products (merged exactly block by block and part by
 * part, in the parts' order), pass two the residuals, RSS and HC0–HC3 meat with the fitted coefficients,
 * memory bounded by the block size. Cluster-robust meats come from the SQL per-cluster score sums over
 * the centred design. Same estimators, small-sample factors and results as {@link fitOlsInSql} (and as
 * the in-memory fit, to rounding); the design's `shifts` and the centring move only the intercept.
 *
 * @example
 * ```ts
 * if (canStream(engine, design)) ({ fit } = await fitOlsStreamed(engine, design, { type: 'HC1' }));
 * ```
 */
export async function fitOlsStreamed(
  engine: SqlEngine,
  design: SqlDesign,
  covariance: SqlCovariance,
  checks?: StreamChecks,
): Promise<StreamedOls> {
  const { dialect } = engine;
  const p = design.names.length;
  streamedEngines.add(engine);
  const { moments, first, sql: crossProducts } = await momentsPass(engine, design, checks);
  const designShifts = (await checks?.finish(first)) ?? design.shifts;
  const { n } = moments;
  if (n <= p) {
    throw new MeasureError(
      'DATA_TOO_FEW_ROWS',
      `regression needs more rows than its ${p} columns, got ${n}`,
      {
        parameter: 'design',
      },
    );
  }
  const { gram, moment, totalSs, cuped, outcome } = normalEquations(moments, design, dialect);
  const { coefficients, xtxInverse } = solveCrossProducts(gram, moment, design.names);
  const shifts = new Float64Array(p);
  for (let j = 1; j < p; j++) shifts[j] = moments.means[j - 1] as number;
  const second = await secondPass(engine, design, covariance, outcome, {
    shifts,
    beta: coefficients,
    inverse: xtxInverse,
  });
  const covarianceC = finishCovariance(covariance, second, xtxInverse, n, p);
  const total = Array.from(shifts, (shift, j) => (j === 0 ? 0 : shift + (designShifts?.[j] ?? 0)));
  const reported = unshiftIntercept(coefficients, covarianceC, total, p);
  const standardErrors = new Float64Array(p);
  for (let j = 0; j < p; j++)
    standardErrors[j] = Math.sqrt(Math.max(0, reported.covariance[j * p + j] as number));
  return {
    fit: {
      coefficients: reported.coefficients,
      standardErrors,
      covariance: reported.covariance,
      names: [...design.names],
      n,
      p,
      dfResidual: n - p,
      rss: second.rss,
      rSquared: totalSs > 0 ? 1 - second.rss / totalSs : 0,
      totalSumOfSquares: totalSs,
      ...(second.clusters === undefined ? {} : { clusterCount: second.clusters }),
    },
    queries: { crossProducts, residuals: second.sql },
    ...(cuped ? { cuped } : {}),
  };
}

/**
 * X̃'X̃ and X̃'y in the centred basis (the intercept orthogonal to the centred columns) from pass one's
 * moments, Σ(y − ȳ)², and with CUPED θ = cov(w, y)/var(w), the adjusted moments X̃'(y − θw) and the SQL
 * of the adjusted outcome for pass two.
 */
function normalEquations(moments: CentredMoments, design: SqlDesign, dialect: SqlDialect) {
  const { n } = moments;
  const p = design.names.length;
  const q = p - 1;
  const k = moments.k;
  const c = (a: number, b: number) => moments.products[a * k + b] as number;
  const yIndex = k - 1;
  // X̃'X̃ and X̃'y in the centred basis (intercept orthogonal to the centred columns).
  const gram = new Float64Array(p * p);
  const moment = new Float64Array(p);
  gram[0] = n;
  let meanY = moments.means[yIndex] as number;
  for (let s = 0; s < q; s++) {
    for (let t = 0; t < q; t++) gram[(s + 1) * p + t + 1] = c(s, t);
    moment[s + 1] = c(s, yIndex);
  }
  let totalSs = c(yIndex, yIndex);
  let cuped: StreamedOls['cuped'] | undefined;
  let outcome = design.outcome;
  if (design.cuped !== undefined) {
    const w = q;
    const [sxx, sxy, syy] = [c(w, w), c(w, yIndex), totalSs];
    cuped = cupedFromMoments(sxx, sxy, syy);
    const { theta } = cuped;
    for (let s = 0; s < q; s++) moment[s + 1] = (moment[s + 1] as number) - theta * c(s, w);
    meanY -= theta * (moments.means[w] as number);
    totalSs = syy - 2 * theta * sxy + theta * theta * sxx;
    outcome = `(${design.outcome} - ${doubleLiteral(dialect, theta)} * (${design.cuped}))`;
  }
  moment[0] = n * meanY;
  return { gram, moment, totalSs, cuped, outcome };
}

/** RSS and the meat in the centred basis: streamed for classical and HC0–HC3, SQL score sums for clusters. */
async function secondPass(
  engine: SqlEngine,
  design: SqlDesign,
  covariance: SqlCovariance,
  outcome: string,
  basis: { shifts: Float64Array; beta: Float64Array; inverse: Float64Array },
): Promise<{ rss: number; meat: Float64Array; clusters?: number; sql: string }> {
  const p = design.names.length;
  if (covariance.type !== 'cluster') {
    const power = ({ classical: -1, HC0: 0, HC1: 0, HC2: 1, HC3: 2 } as const)[covariance.type];
    return meatPass(engine, design, outcome, basis, power);
  }
  const { dialect } = engine;
  // The same centred basis in SQL: each design column minus its mean.
  const centred: SqlDesign = {
    from: design.from,
    where: design.where,
    names: design.names,
    expressions: design.expressions.map((expression, j) =>
      j === 0 ? expression : `(${expression} - ${doubleLiteral(dialect, basis.shifts[j] as number)})`,
    ),
    outcome,
  };
  const sql = residualSql(dialect, centred, covariance, basis.beta, basis.inverse);
  const row = await queryAggregateRow(engine, sql);
  const meat = new Float64Array(p * p);
  for (let a = 0; a < p; a++)
    for (let b = a; b < p; b++) {
      meat[a * p + b] = row[`w_${a}_${b}`] as number;
      meat[b * p + a] = row[`w_${a}_${b}`] as number;
    }
  return { rss: row.rss as number, meat, clusters: row.clusters as number, sql };
}

/** The coefficient covariance in the centred basis, with `fitOlsInSql`'s small-sample factors. */
function finishCovariance(
  covariance: SqlCovariance,
  second: { rss: number; meat: Float64Array; clusters?: number },
  inverse: Float64Array,
  n: number,
  p: number,
): Float64Array {
  const dfResidual = n - p;
  if (covariance.type === 'classical') return inverse.map((value) => (value * second.rss) / dfResidual);
  const sandwich = sandwichCovariance(inverse, second.meat, p);
  if (covariance.type === 'HC1') return sandwich.map((value) => (value * n) / dfResidual);
  if (covariance.type !== 'cluster') return sandwich;
  const clusters = second.clusters as number;
  if (clusters < 2) {
    throw new MeasureError(
      'DATA_EMPTY_GROUP',
      `cluster-robust covariance needs at least 2 clusters, found ${clusters}`,
      {
        parameter: 'clusters',
      },
    );
  }
  const factor = (clusters / (clusters - 1)) * ((n - 1) / (n - p));
  return sandwich.map((value) => value * factor);
}
