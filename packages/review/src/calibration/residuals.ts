import type { OutcomeRecord } from '@impact/contracts';
import { type PriorMeanFit, priorMeanTerm, residualTerms, residualWithoutPrior } from './prior-mean';

/** What the residuals against the predictions actually made say about one methodology. */
export interface ResidualFit {
  /** Records used (those with a budget > 0). */
  n: number;
  /** Records whose prediction carried a shrinkage weight (the others count with weight 1). */
  nPredictive: number;
  /** Methodology bias of the estimates, per unit cost: `b̂ = Σ w(w·a − r) / Σ w²`. */
  bias: number;
  /** Its standard error `√(Σ w²σ²) / Σ w²`. */
  biasSe: number;
  /** SD of the estimates beyond the model's (√ of the excess variance), per unit cost (≥ 0, method of moments). */
  excessSd: number;
  /** Mean |predicted return| per unit cost (the scale the bias is judged against). */
  meanPredicted: number;
  /** Root mean variance the model expected per residual (prediction plus scale measurement), per unit cost. */
  expectedSd: number;
}

/** Floor of `1 + γ` when a learned bias is scaled back by it (a shrinkage error near −1 would blow it up). */
const MIN_SHRINKAGE_FACTOR = 0.25;

/**
 * Fit bias and excess variance from scale outcomes against the predictions that were actually made.
 *
 * For a record with cost c, prediction mean m (what was funded on), shrinkage weight w on the estimate
 * and bias correction a already applied (both from `record.prediction`; w = 1, a = 0 without one), the
 * residual `r = (actual − m)/c` has mean `−w·(b − a)` when the methodology's estimates are off by b per
 * unit cost. The residual is not selected: funding depends only on the pilot, and the prediction is
 * already the pilot's conditional mean, so funded-only outcomes do not carry the winner's curse.
 * Least squares gives `b̂ = Σ w(w·a − r)/Σ w²`; with `σ_i² = v_i + u_i` (prediction variance plus the
 * scale measurement's variance, from its 95% interval) the excess variance of the estimates is
 * `ê = max(0, Σ w²((r + w(b̂ − a))² − σ²) / Σ w⁴)` and `SE(b̂) = √(Σ w²(σ² + w²ê)) / Σ w²`.
 *
 * With `priorMean` (the true prior mean and shrinkage error fitted from all records, see `fitPriorMean`)
 * each residual first loses the part the prior's errors explain, `r ← r − x·(μ̂ − p) − γ̂·q`, and the
 * bias's variance gains `gᵀVg` with `g = (Σ w·x, Σ w·q)/Σ w²` and V the covariance of (μ̂, γ̂) (the delta
 * method; their covariance with the group's own residuals is ignored). A shrinkage error γ also scales
 * the bias's column, `r = γ·q − (1 + γ)·w·(b − a)` (outcomes follow the estimate with weight (1 + γ)·w), so
 * the least-squares coefficient is `(1 + γ)·b`: bias, its SE (delta method, with γ's variance) and the
 * excess SD are divided by `max(0.25, 1 + γ̂)`.
 *
 * @example
 * ```ts
 * const fit = fitPredictionResiduals(records.filter((r) => r.model_type === 'observational'));
 * ```
 */
export function fitPredictionResiduals(
  records: readonly OutcomeRecord[],
  priorMean?: PriorMeanFit,
): ResidualFit | undefined {
  const rows = records.flatMap((record) => {
    const terms = residualTerms(record);
    if (terms === undefined) return [];
    const term = priorMean === undefined ? { x: 0, q: 0 } : priorMeanTerm(record, priorMean.scale);
    const r = residualWithoutPrior(record, terms.r, priorMean);
    return [
      { ...terms, x: term.x, q: term.q, r, predicted: Math.abs(record.predicted_return / record.budget) },
    ];
  });
  const n = rows.length;
  if (n === 0) return undefined;
  // Work in units of the largest magnitude so that no square overflows; results are scaled back.
  let unit = 0;
  for (const row of rows) unit = Math.max(unit, Math.abs(row.r), Math.abs(row.a), Math.sqrt(row.sigma2));
  unit = unit > 0 && Number.isFinite(unit) ? unit : 1;
  for (const row of rows) {
    row.r /= unit;
    row.a /= unit;
    row.sigma2 /= unit * unit;
  }
  let sw2 = 0;
  let sw4 = 0;
  let numerator = 0;
  let swx = 0;
  let swq = 0;
  for (const row of rows) {
    swx += row.w * row.x;
    swq += row.w * row.q;
    sw2 += row.w * row.w;
    sw4 += row.w ** 4;
    numerator += row.w * (row.w * row.a - row.r);
  }
  if (!(sw2 > 0)) return undefined;
  const bias = numerator / sw2;
  let moment = 0;
  let expected = 0;
  let predicted = 0;
  for (const row of rows) {
    const centred = row.r + row.w * (bias - row.a);
    moment += row.w * row.w * (centred * centred - row.sigma2);
    expected += row.sigma2;
    predicted += row.predicted;
  }
  // With one record the residual variance cannot be told apart from the bias: no excess estimate.
  const excessVariance = n >= 2 ? Math.max(0, moment / sw4) : 0;
  let spread = 0;
  for (const row of rows) spread += row.w * row.w * (row.sigma2 + row.w * row.w * excessVariance);
  // The prior's uncertainty, on the same scaled units: ∂b̂/∂μ̂ = Σ w·x / Σ w², ∂b̂/∂γ̂ = Σ w·q / Σ w².
  if (priorMean !== undefined) {
    const meanPart =
      priorMean.variance * swx * swx +
      2 * priorMean.covariance * swx * swq +
      priorMean.shrinkageErrorVariance * swq * swq;
    spread += Math.max(0, meanPart) / (unit * unit);
  }
  // With a shrinkage error γ the residual is `γ·q − (1 + γ)·w·(b − a)`: the fit above gives β = (1 + γ)·b.
  const kappa = Math.max(MIN_SHRINKAGE_FACTOR, 1 + (priorMean?.shrinkageError ?? 0));
  const betaSe = (Math.sqrt(spread) / sw2) * unit;
  const gammaSe = Math.sqrt(priorMean?.shrinkageErrorVariance ?? 0);
  const beta = bias * unit;
  return {
    n,
    nPredictive: records.filter((record) => record.budget > 0 && record.prediction !== undefined).length,
    bias: beta / kappa + 0,
    // hypot: the delta method's √(SE(β)²/κ² + β²·Var(γ)/κ⁴) without squaring large values.
    biasSe: Math.hypot(betaSe / kappa, (beta * gammaSe) / (kappa * kappa)),
    excessSd: (Math.sqrt(excessVariance) * unit) / kappa,
    meanPredicted: predicted / n,
    expectedSd: Math.sqrt(expected / n) * unit,
  };
}
