import { MeasureError } from '../../errors';
import { type OlsFit, sandwichCovariance, solveCrossProducts } from '../../stats/ols';
import type { WithinSolver } from './within';
import { withinOlsFit } from './within-fit';

/** Inputs of {@link fitIndicatorWithinOls}. */
export interface IndicatorWithinInput {
  /** Outcome after the two-way within transformation (by the same solver). */
  yWithin: Float64Array;
  /** The regressor (0 … p − 1) whose indicator is 1 in each row, or −1 when all are 0. */
  regressorOfRow: Int32Array;
  /** The within solver of the panel (its structure is reused; nothing n × p is built). */
  solver: WithinSolver;
  /** Dense cluster codes 0 … clusterCount − 1 (the units). */
  clusterCodes: Int32Array;
  clusterCount: number;
  names: string[];
  /** Called with X̃'X̃ (p × p) before solving, e.g. to refuse a regressor the fixed effects absorb. */
  checkGram?: (gram: Float64Array) => void;
  /**
   * Materialise the n residuals and fitted values (default true). With false the fit's `residuals` and
   * `fitted` are empty arrays: for callers that use only coefficients, covariance and rss (the DiD
   * estimates), sparing two n-long allocations and their writes.
   */
  keepResiduals?: boolean;
}

/**
 * OLS with CR1 cluster covariance of a within-transformed outcome on the within transforms of p mutually
 * exclusive 0/1 regressors (event-study leads and lags: treated × period bin), on any panel, without
 * materialising the n × p design. The solver gives M x_k = x_k − a_k(a) − b_k(b) from the level counts of
 * each indicator, so X̃'X̃ = X'X̃ comes from those counts and shifts, X̃'ỹ = X'ỹ from one pass, and residuals
 * and each cluster's scores Σ x̃_k e from one more. The numbers are OLS with cluster covariance on the
 * materialised design (`fitOls`, G/(G−1)·(N−1)/(N−p); tested to 1e-9), in O(n·p + levels·p²). Also returns
 * Σ ỹ² (`totalSs`, accumulated in the same pass).
 *
 * @example
 * ```ts
 * const fit = fitIndicatorWithinOls({ yWithin, regressorOfRow, solver, clusterCodes: unitCodes, clusterCount: unitCount, names });
 * ```
 */
export function fitIndicatorWithinOls(input: IndicatorWithinInput): OlsFit & { totalSs: number } {
  const { yWithin, regressorOfRow, solver, clusterCodes, clusterCount, names } = input;
  const p = names.length;
  const n = yWithin.length;
  const { aCodes, bCodes, aCount, bCount } = solver;
  if (n <= p) {
    throw new MeasureError(
      'DATA_TOO_FEW_ROWS',
      `regression needs more rows than its ${p} columns, got ${n}`,
      {
        parameter: 'design',
      },
    );
  }
  // Level counts of each indicator and X'ỹ.
  const aSums = new Float64Array(aCount * p);
  const bSums = new Float64Array(bCount * p);
  const moment = new Float64Array(p);
  const rows = new Float64Array(p);
  for (let i = 0; i < n; i++) {
    const k = regressorOfRow[i] as number;
    if (k < 0) continue;
    const a = (aCodes[i] as number) * p + k;
    const b = (bCodes[i] as number) * p + k;
    aSums[a] = (aSums[a] as number) + 1;
    bSums[b] = (bSums[b] as number) + 1;
    moment[k] = (moment[k] as number) + (yWithin[i] as number);
    rows[k] = (rows[k] as number) + 1;
  }
  const { aShift, bShift } = solver.shifts(aSums, bSums, p);
  const gram = indicatorGram(rows, aSums, aShift, aCount, bSums, bShift, bCount, p);
  input.checkGram?.(gram);
  const { coefficients, xtxInverse } = solveCrossProducts(gram, moment, names);

  // Residuals e = ỹ − X̃β with X̃β = β_k(i) − (Aβ)_a − (Bβ)_b, and cluster scores Σ_i x̃_k(i)·e_i.
  const aFit = shiftTimesBeta(aShift, aCount, coefficients, p);
  const bFit = shiftTimesBeta(bShift, bCount, coefficients, p);
  const keep = input.keepResiduals !== false;
  const residuals = new Float64Array(keep ? n : 0);
  const fitted = new Float64Array(keep ? n : 0);
  const scores = new Float64Array(clusterCount * p);
  const sums = residualScores(
    { yWithin, regressorOfRow, aCodes, bCodes, clusterCodes, coefficients, aFit, bFit, aShift, bShift, p },
    clusterCodes === aCodes && clusterCount === aCount,
    keep ? { residuals, fitted } : null,
    scores,
  );
  const { rss, totalSs } = sums;
  const meat = new Float64Array(p * p);
  for (let g = 0; g < clusterCount; g++)
    for (let r = 0; r < p; r++) {
      const sr = scores[g * p + r] as number;
      for (let c = 0; c < p; c++)
        meat[r * p + c] = (meat[r * p + c] as number) + sr * (scores[g * p + c] as number);
    }
  const factor = (clusterCount / (clusterCount - 1)) * ((n - 1) / (n - p));
  const covariance = sandwichCovariance(xtxInverse, meat, p).map((value) => value * factor);
  const fit = withinOlsFit({
    coefficients,
    covariance,
    residuals,
    fitted,
    n,
    p,
    dfResidual: n - p,
    rss,
    totalSs,
    names: [...names],
    clusterCount,
  });
  return { ...fit, totalSs };
}

/**
 * X̃'X̃ = X'X̃: G[k][l] = Σ_{rows of k} x̃_l = [k = l]·N_k − Σ_a N_ak·A_al − Σ_b N_bk·B_bl, symmetrised.
 */
function indicatorGram(
  rows: Float64Array,
  aSums: Float64Array,
  aShift: Float64Array,
  aCount: number,
  bSums: Float64Array,
  bShift: Float64Array,
  bCount: number,
  p: number,
): Float64Array {
  const raw = new Float64Array(p * p);
  for (let k = 0; k < p; k++) raw[k * p + k] = rows[k] as number;
  const accumulate = (sums: Float64Array, shift: Float64Array, levels: number) => {
    for (let level = 0; level < levels; level++) {
      const base = level * p;
      for (let k = 0; k < p; k++) {
        const count = sums[base + k] as number;
        if (count === 0) continue;
        for (let l = 0; l < p; l++)
          raw[k * p + l] = (raw[k * p + l] as number) - count * (shift[base + l] as number);
      }
    }
  };
  accumulate(aSums, aShift, aCount);
  accumulate(bSums, bShift, bCount);
  const gram = new Float64Array(p * p);
  for (let k = 0; k < p; k++)
    for (let l = 0; l < p; l++)
      gram[k * p + l] = ((raw[k * p + l] as number) + (raw[l * p + k] as number)) / 2;
  return gram;
}

/** (shift · β) per level. */
function shiftTimesBeta(shift: Float64Array, levels: number, beta: Float64Array, p: number): Float64Array {
  const out = new Float64Array(levels);
  for (let level = 0; level < levels; level++) {
    let sum = 0;
    for (let k = 0; k < p; k++) sum += (shift[level * p + k] as number) * (beta[k] as number);
    out[level] = sum;
  }
  return out;
}

/** What {@link residualScores} reads. */
interface ScoreInputs {
  yWithin: Float64Array;
  regressorOfRow: Int32Array;
  aCodes: Int32Array;
  bCodes: Int32Array;
  clusterCodes: Int32Array;
  coefficients: Float64Array;
  aFit: Float64Array;
  bFit: Float64Array;
  aShift: Float64Array;
  bShift: Float64Array;
  p: number;
}

/**
 * One pass: residuals e = ỹ − X̃β with X̃β = β_k(i) − (Aβ)_a − (Bβ)_b (written to `out` when given), rss, Σ ỹ²,
 * and each cluster's scores Σ_i x̃_k(i)·e_i into `scores`. When the clusters are the a levels (units) the a
 * shift is constant within a cluster, so Σ_i A_ak·e_i = A_ak·Σ_i e_i is applied once per cluster at the end.
 * The DiD case (clusters = a, nothing stored) has its own loop without the invariant branches.
 */
function residualScores(
  inputs: ScoreInputs,
  clustersAreA: boolean,
  out: { residuals: Float64Array; fitted: Float64Array } | null,
  scores: Float64Array,
): { rss: number; totalSs: number } {
  const {
    yWithin,
    regressorOfRow,
    aCodes,
    bCodes,
    clusterCodes,
    coefficients,
    aFit,
    bFit,
    aShift,
    bShift,
    p,
  } = inputs;
  const n = yWithin.length;
  const clusterResidual = new Float64Array(clustersAreA ? scores.length / p : 0);
  let rss = 0;
  let totalSs = 0;
  if (clustersAreA && !out) {
    // The DiD case (clusters = units = a, nothing stored): the general loop without its invariant branches.
    for (let i = 0; i < n; i++) {
      const k = regressorOfRow[i] as number;
      const a = aCodes[i] as number;
      const b = bCodes[i] as number;
      const prediction =
        (k >= 0 ? (coefficients[k] as number) : 0) - (aFit[a] as number) - (bFit[b] as number);
      const y = yWithin[i] as number;
      const e = y - prediction;
      rss += e * e;
      totalSs += y * y;
      const row = a * p;
      const bRow = b * p;
      for (let j = 0; j < p; j++)
        scores[row + j] = (scores[row + j] as number) - (bShift[bRow + j] as number) * e;
      if (k >= 0) scores[row + k] = (scores[row + k] as number) + e;
      clusterResidual[a] = (clusterResidual[a] as number) + e;
    }
  } else {
    for (let i = 0; i < n; i++) {
      const k = regressorOfRow[i] as number;
      const a = aCodes[i] as number;
      const b = bCodes[i] as number;
      const prediction =
        (k >= 0 ? (coefficients[k] as number) : 0) - (aFit[a] as number) - (bFit[b] as number);
      const y = yWithin[i] as number;
      const e = y - prediction;
      if (out) {
        out.fitted[i] = prediction;
        out.residuals[i] = e;
      }
      rss += e * e;
      totalSs += y * y;
      const cluster = clusterCodes[i] as number;
      const row = cluster * p;
      const bRow = b * p;
      for (let j = 0; j < p; j++)
        scores[row + j] = (scores[row + j] as number) - (bShift[bRow + j] as number) * e;
      if (k >= 0) scores[row + k] = (scores[row + k] as number) + e;
      if (clustersAreA) clusterResidual[cluster] = (clusterResidual[cluster] as number) + e;
      else {
        const aRow = a * p;
        for (let j = 0; j < p; j++)
          scores[row + j] = (scores[row + j] as number) - (aShift[aRow + j] as number) * e;
      }
    }
  }
  if (clustersAreA)
    for (let g = 0; g < clusterResidual.length; g++)
      for (let j = 0; j < p; j++)
        scores[g * p + j] =
          (scores[g * p + j] as number) - (aShift[g * p + j] as number) * (clusterResidual[g] as number);
  return { rss, totalSs };
}
