import { solveCrossProducts } from '../../stats/ols-cholesky';
import { logisticRegression, solveSpd } from '../observational/logistic';

/** 2×2 estimator of a group-time ATT under parallel trends conditional on covariates. */
export type EstimationMethod =
  /** Doubly robust (Sant'Anna & Zhao 2020, eq. 3.1): logit propensity score plus outcome regression. */
  | 'dr'
  /** Outcome regression (Heckman, Ichimura & Todd 1997): OLS of ΔY on X among the controls. */
  | 'reg'
  /** Normalised (Hájek) inverse probability weighting (Abadie 2005) with a logit propensity score. */
  | 'ipw';

/** One 2×2 cell: the units of a cohort and its controls, with their outcome changes and covariates. */
export interface TwoByTwoCell {
  /** ΔY_i = Y_it − Y_ib of each unit in the cell. */
  deltaY: Float64Array;
  /** 1 for the cohort's units, 0 for the controls. */
  treated: Uint8Array;
  /** Design columns, each of length n₁; column 0 is the intercept. */
  columns: Float64Array[];
  names: string[];
}

/** Estimate and influence function of a 2×2 cell (estimate − ATT ≈ (1/n₁)·Σ ψ_i over the cell's n₁ units). */
export interface TwoByTwoEstimate {
  estimate: number;
  influence: Float64Array;
  /** Controls whose propensity score reached the trimming level and got weight 0 (dr, ipw). */
  trimmedControls: number;
  /** Largest propensity score among the controls (dr, ipw); NaN for reg. */
  maxControlPropensity: number;
  /** Largest propensity score over all units of the cell (dr, ipw); NaN for reg. */
  maxPropensity: number;
  /** Kish effective sample size of the control weights, (Σw)²/Σw², over the number of controls (dr, ipw; NaN for reg). */
  controlEffectiveShare: number;
}

/** Controls with a fitted propensity score at or above this get weight 0, as `DRDID`'s `trim.level`. */
export const PROPENSITY_TRIM_LEVEL = 0.995;
/** A cell whose largest propensity score reaches this violates overlap and is not estimated (as `did`). */
export const OVERLAP_LIMIT = 0.999;

const mean = (values: Float64Array) => {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i] as number;
  return sum / values.length;
};

/** Column means of w_i·x_i (one entry per design column). */
function weightedColumnMeans(weights: Float64Array, columns: Float64Array[]): Float64Array {
  const n = weights.length;
  return Float64Array.from(columns, (column) => {
    let sum = 0;
    for (let i = 0; i < n; i++) sum += (weights[i] as number) * (column[i] as number);
    return sum / n;
  });
}

/**
 * Asymptotically linear representation of an M-estimator's coefficients projected on a direction:
 * ρ_i = s_i·x_i'·A⁻¹·m with A⁻¹ given (p×p) — computed as x_i'·(A⁻¹m), one dot product per unit.
 */
function projectedLinearization(
  scores: Float64Array,
  columns: Float64Array[],
  inverse: Float64Array,
  direction: Float64Array,
): Float64Array {
  const p = columns.length;
  const n = scores.length;
  const v = new Float64Array(p);
  for (let a = 0; a < p; a++) {
    let sum = 0;
    for (let b = 0; b < p; b++) sum += (inverse[a * p + b] as number) * (direction[b] as number);
    v[a] = sum;
  }
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let dot = 0;
    for (let a = 0; a < p; a++) dot += ((columns[a] as Float64Array)[i] as number) * (v[a] as number);
    out[i] = (scores[i] as number) * dot;
  }
  return out;
}

/**
 * OLS of ΔY on X among the controls: fitted ŷ_i = x_i'β̂ for every unit of the cell, and the pieces of its
 * linear representation n₁·(1 − D_i)·e_i·x_i'(X_c'X_c)⁻¹ (scores (1 − D_i)·e_i, inverse n₁·(X_c'X_c)⁻¹).
 */
function controlRegression(cell: TwoByTwoCell) {
  const { deltaY, treated, columns, names } = cell;
  const n = deltaY.length;
  const p = columns.length;
  const gram = new Float64Array(p * p);
  const moment = new Float64Array(p);
  for (let a = 0; a < p; a++) {
    const xa = columns[a] as Float64Array;
    for (let i = 0; i < n; i++)
      if (treated[i] === 0) moment[a] = (moment[a] as number) + (xa[i] as number) * (deltaY[i] as number);
    for (let b = 0; b <= a; b++) {
      const xb = columns[b] as Float64Array;
      let sum = 0;
      for (let i = 0; i < n; i++) if (treated[i] === 0) sum += (xa[i] as number) * (xb[i] as number);
      gram[a * p + b] = sum;
      gram[b * p + a] = sum;
    }
  }
  const { coefficients, xtxInverse } = solveCrossProducts(gram, moment, names);
  const fitted = new Float64Array(n);
  const scores = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let value = 0;
    for (let a = 0; a < p; a++)
      value += ((columns[a] as Float64Array)[i] as number) * (coefficients[a] as number);
    fitted[i] = value;
    scores[i] = treated[i] === 0 ? (deltaY[i] as number) - value : 0;
  }
  return { fitted, scores, inverse: xtxInverse.map((value) => value * n) };
}

/**
 * Logit propensity score P(D = 1 | X) by maximum likelihood, capped at 1 − 10⁻⁶, with the pieces of its
 * linear representation (D_i − p_i)·x_i'·n₁(X'WX)⁻¹, W = p(1 − p).
 */
function propensityScore(cell: TwoByTwoCell) {
  const { treated, columns, names } = cell;
  const n = treated.length;
  const p = columns.length;
  const fit = logisticRegression({ n, columns, names, y: treated, response: 'cohort membership' });
  const probability = fit.probabilities.map((value) => Math.min(value, 1 - 1e-6));
  const information = new Float64Array(p * p);
  for (let a = 0; a < p; a++) {
    for (let b = 0; b <= a; b++) {
      const xa = columns[a] as Float64Array;
      const xb = columns[b] as Float64Array;
      let sum = 0;
      for (let i = 0; i < n; i++) {
        const q = probability[i] as number;
        sum += q * (1 - q) * (xa[i] as number) * (xb[i] as number);
      }
      information[a * p + b] = sum;
      information[b * p + a] = sum;
    }
  }
  const inverse = new Float64Array(p * p);
  for (let j = 0; j < p; j++) {
    const unit = new Float64Array(p);
    unit[j] = 1;
    const column = solveSpd(information, p, unit) ?? fit.covariance.subarray(j * p, j * p + p);
    for (let i = 0; i < p; i++) inverse[i * p + j] = n * (column[i] as number);
  }
  const scores = Float64Array.from(probability, (q, i) => (treated[i] as number) - q);
  return { probability, scores, inverse };
}

/**
 * Group-time 2×2 DiD under conditional parallel trends, with its influence function, as the panel estimators
 * of Sant'Anna & Zhao (2020) and the `DRDID` R package (`drdid_panel`, `reg_did_panel`, `std_ipw_did_panel`):
 * - reg: τ̂ = mean_D(ΔY) − mean_D(x'β̂), β̂ the control-group OLS of ΔY on x;
 * - ipw: τ̂ = Σw₁ΔY/Σw₁ − Σw₀ΔY/Σw₀, w₁ = D, w₀ = p̂(x)(1 − D)/(1 − p̂(x)), p̂ a logit;
 * - dr:  the same weights applied to ΔY − x'β̂.
 * The influence functions include the estimation effect of β̂ and of the logit coefficients. Controls with
 * p̂ ≥ {@link PROPENSITY_TRIM_LEVEL} are trimmed (weight 0). With an intercept-only design all three reduce to
 * the difference of the mean changes and its influence function.
 *
 * @example
 * ```ts
 * const { estimate, influence } = conditionalTwoByTwo({ deltaY, treated, columns: [ones, lpop], names: ['(Intercept)', 'lpop'] }, 'dr');
 * ```
 */
export function conditionalTwoByTwo(cell: TwoByTwoCell, method: EstimationMethod): TwoByTwoEstimate {
  const { deltaY, treated, columns } = cell;
  const n = deltaY.length;
  const w1 = Float64Array.from(treated);
  const w0 = new Float64Array(n);
  let trimmedControls = 0;
  let maxControlPropensity = Number.NaN;
  let maxPropensity = Number.NaN;
  let propensity: ReturnType<typeof propensityScore> | undefined;
  if (method === 'reg') {
    w0.set(w1); // the regression imputes the counterfactual change for the treated
  } else {
    propensity = propensityScore(cell);
    maxControlPropensity = 0;
    maxPropensity = Math.max(...propensity.probability);
    for (let i = 0; i < n; i++) {
      if (treated[i] === 1) continue;
      const q = propensity.probability[i] as number;
      maxControlPropensity = Math.max(maxControlPropensity, q);
      if (q < PROPENSITY_TRIM_LEVEL) w0[i] = q / (1 - q);
      else trimmedControls++;
    }
  }
  const regression = method === 'ipw' ? undefined : controlRegression(cell);
  // Residual changes r_i: ΔY − ŷ (dr), ΔY (ipw); reg uses ΔY for the treated term and ŷ for the control term.
  const fitted = regression?.fitted;
  const treatedTerm =
    method === 'dr' && fitted !== undefined ? deltaY.map((dy, i) => dy - (fitted[i] as number)) : deltaY;
  const controlTerm = method === 'reg' && fitted !== undefined ? fitted : treatedTerm;
  const meanW1 = mean(w1);
  const meanW0 = mean(w0);
  const etaTreated = mean(treatedTerm.map((value, i) => (w1[i] as number) * value)) / meanW1;
  const etaControl = mean(controlTerm.map((value, i) => (w0[i] as number) * value)) / meanW0;
  const influence = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const treatedPart = (w1[i] as number) * ((treatedTerm[i] as number) - etaTreated);
    const controlPart = (w0[i] as number) * ((controlTerm[i] as number) - etaControl);
    influence[i] = treatedPart / meanW1 - controlPart / meanW0;
  }
  if (regression !== undefined) {
    // Estimation effect of β̂: −ρ·m(w₁x)/m(w₁) in the treated term (dr), ±ρ·m(w₀x)/m(w₀) in the control term.
    const controlSign = method === 'reg' ? -1 : 1;
    const throughControl = projectedLinearization(
      regression.scores,
      columns,
      regression.inverse,
      weightedColumnMeans(w0, columns),
    );
    for (let i = 0; i < n; i++)
      influence[i] = (influence[i] as number) + (controlSign * (throughControl[i] as number)) / meanW0;
    if (method === 'dr') {
      const throughTreated = projectedLinearization(
        regression.scores,
        columns,
        regression.inverse,
        weightedColumnMeans(w1, columns),
      );
      for (let i = 0; i < n; i++)
        influence[i] = (influence[i] as number) - (throughTreated[i] as number) / meanW1;
    }
  }
  if (propensity !== undefined) {
    // Estimation effect of the logit coefficients on the control weights: −ρ_ps·m(w₀(r − η₀)x)/m(w₀).
    const direction = weightedColumnMeans(
      controlTerm.map((value, i) => (w0[i] as number) * (value - etaControl)),
      columns,
    );
    const throughScore = projectedLinearization(propensity.scores, columns, propensity.inverse, direction);
    for (let i = 0; i < n; i++)
      influence[i] = (influence[i] as number) - (throughScore[i] as number) / meanW0;
  }
  let controlEffectiveShare = Number.NaN;
  if (propensity !== undefined) {
    let sum = 0;
    let squares = 0;
    let controls = 0;
    for (let i = 0; i < n; i++) {
      if (treated[i] === 1) continue;
      controls++;
      sum += w0[i] as number;
      squares += (w0[i] as number) ** 2;
    }
    controlEffectiveShare = squares > 0 ? (sum * sum) / squares / controls : 0;
  }
  return {
    estimate: etaTreated - etaControl,
    influence,
    trimmedControls,
    maxControlPropensity,
    maxPropensity,
    controlEffectiveShare,
  };
}
