import { MeasureError } from '../../errors';
import { fitOls } from '../../stats/ols';
import type { ObservationalData } from './common';
import { type MatchedSets, type MatchingSpace, sameGroupConditionalVariances } from './nearest-neighbour';
import { seededUniform } from './random';

/** ATT over matched treated units and the weight each control carries (Σ 1/kᵢ over the treated it serves). */
export function attFromMatches(
  outcome: Float64Array,
  sets: MatchedSets,
  n: number,
  prediction?: Float64Array,
): {
  att: number;
  matchedTreated: number;
  controlWeight: Float64Array;
  controlWeightSq: Float64Array;
  gaps: Float64Array;
} {
  const controlWeight = new Float64Array(n);
  const controlWeightSq = new Float64Array(n);
  const gaps = new Float64Array(sets.treated.length).fill(Number.NaN);
  let sum = 0;
  let matchedTreated = 0;
  for (let t = 0; t < sets.treated.length; t++) {
    const from = sets.offsets[t] as number;
    const to = sets.offsets[t + 1] as number;
    const k = to - from;
    if (k === 0) continue;
    let controlMean = 0;
    const treatedRow = sets.treated[t] as number;
    for (let m = from; m < to; m++) {
      const control = sets.controls[m] as number;
      controlMean += outcome[control] as number;
      if (prediction) controlMean += (prediction[treatedRow] as number) - (prediction[control] as number);
      controlWeight[control] = (controlWeight[control] as number) + 1 / k;
      controlWeightSq[control] = (controlWeightSq[control] as number) + 1 / (k * k);
    }
    const gap = (outcome[treatedRow] as number) - controlMean / k;
    gaps[t] = gap;
    sum += gap;
    matchedTreated++;
  }
  return { att: sum / matchedTreated, matchedTreated, controlWeight, controlWeightSq, gaps };
}

/**
 * Abadie–Imbens (2006, Theorem 7) variance of the matching ATT estimator, generalized to a varying number
 * of matches kᵢ (calipers): V̂ = N₁⁻² [ Σ_treated (Yᵢ − Ŷᵢ(0) − τ̂)² + Σ_controls (wⱼ² − Σ_{i∋j} 1/kᵢ²) σ̂²(Xⱼ) ],
 * where wⱼ = Σ_{i∋j} 1/kᵢ is the control's total weight (K_M(j)/M with a fixed ratio M, giving AI's
 * K_M(K_M − 1)/M² term), and σ̂²(Xⱼ) = J/(J+1)(Yⱼ − mean of its J nearest same-group neighbours)². The
 * first sum already contains each control's Σ 1/kᵢ² σ²; the second adds the extra variance from reusing
 * controls. It treats the propensity score as known (no Abadie–Imbens 2016 correction).
 */
export function abadieImbensVariance(
  data: ObservationalData,
  space: MatchingSpace,
  estimate: ReturnType<typeof attFromMatches>,
  neighbours: number,
): number {
  // Only controls that serve several treated units need σ̂² (w² − Σ1/k² > 0 requires reuse).
  const variances = sameGroupConditionalVariances(
    data.treatment,
    space,
    data.outcome,
    neighbours,
    (row) => (estimate.controlWeight[row] as number) ** 2 - (estimate.controlWeightSq[row] as number) > 1e-12,
  );
  let total = 0;
  for (let t = 0; t < estimate.gaps.length; t++) {
    const gap = estimate.gaps[t] as number;
    if (Number.isNaN(gap)) continue;
    total += (gap - estimate.att) ** 2;
  }
  for (let j = 0; j < data.n; j++) {
    const w = estimate.controlWeight[j] as number;
    if (w === 0) continue;
    total += (w * w - (estimate.controlWeightSq[j] as number)) * (variances[j] as number);
  }
  return total / estimate.matchedTreated ** 2;
}

/** μ̂₀(x) for every row: OLS of the outcome on an intercept and the covariates, fitted on control rows. */
export function controlRegression(data: ObservationalData): Float64Array {
  const controls: number[] = [];
  for (let i = 0; i < data.n; i++) if (data.treatment[i] === 0) controls.push(i);
  const pick = (column: Float64Array) => Float64Array.from(controls, (row) => column[row] as number);
  const fit = fitOls({
    design: {
      n: controls.length,
      p: data.covariates.length + 1,
      columns: [new Float64Array(controls.length).fill(1), ...data.covariates.map(pick)],
      names: ['(Intercept)', ...data.covariateNames],
    },
    y: pick(data.outcome),
  });
  const prediction = new Float64Array(data.n).fill(fit.coefficients[0] as number);
  data.covariates.forEach((column, j) => {
    const beta = fit.coefficients[j + 1] as number;
    for (let i = 0; i < data.n; i++) prediction[i] = (prediction[i] as number) + beta * (column[i] as number);
  });
  return prediction;
}

export function resample(data: ObservationalData, uniform: () => number): ObservationalData {
  const treatedRows: number[] = [];
  const controlRows: number[] = [];
  for (let i = 0; i < data.n; i++) (data.treatment[i] === 1 ? treatedRows : controlRows).push(i);
  const rows: number[] = [];
  for (const group of [treatedRows, controlRows]) {
    for (let k = 0; k < group.length; k++) rows.push(group[Math.floor(uniform() * group.length)] as number);
  }
  const pick = (column: Float64Array) => Float64Array.from(rows, (row) => column[row] as number);
  return {
    ...data,
    outcome: pick(data.outcome),
    treatment: Uint8Array.from(rows, (row) => data.treatment[row] as number),
    covariates: data.covariates.map(pick),
  };
}

/**
 * `bootstrap` SE: resample treated and controls separately (seeded by `seed`), re-estimate and re-match with
 * `run`; replicates that cannot be matched are skipped. Returns the SE and the number of valid replications.
 */
export function bootstrapStandardError(
  data: ObservationalData,
  replications: number,
  seed: number,
  run: (sample: ObservationalData) => { att: number; matchedTreated: number },
): { standardError: number; valid: number } {
  const uniform = seededUniform(seed);
  const draws: number[] = [];
  for (let b = 0; b < replications; b++) {
    try {
      const replicate = run(resample(data, uniform));
      if (replicate.matchedTreated > 0) draws.push(replicate.att);
    } catch (error) {
      if (!(error instanceof MeasureError)) throw error;
    }
  }
  if (draws.length < 2) {
    throw new MeasureError('MODEL_NO_CONVERGENCE', 'fewer than 2 bootstrap replications could be matched', {
      parameter: 'bootstrap_replications',
    });
  }
  const mean = draws.reduce((a, b) => a + b, 0) / draws.length;
  return {
    standardError: Math.sqrt(draws.reduce((a, b) => a + (b - mean) ** 2, 0) / (draws.length - 1)),
    valid: draws.length,
  };
}
