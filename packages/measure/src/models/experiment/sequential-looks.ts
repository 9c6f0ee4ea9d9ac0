import { type ColumnValues, createTable, type Table } from '@impact/contracts';
import { binaryColumn, numericColumn } from '../../data/columns';
import { MeasureError } from '../../errors';
import type { ModelEstimate } from '../model';
import { encodeFactor } from '../panel/codes';
import { type Look, type SequentialParams, sequentialPath } from './sequential';

/** Most distinct look values evaluated (each look of the general path refits the model). */
export const MAX_LOOKS = 1000;

/** What the experiment model tells the sequential stage about its fit. */
export interface SequentialSetup {
  sequential: SequentialParams;
  treatment: string;
  outcome: string;
  /** Difference in means (no covariates, CUPED, clusters or relative unit): looks from running sums. */
  differenceInMeans: boolean;
  covariance: 'classical' | 'HC0' | 'HC1' | 'HC2' | 'HC3';
  ciLevel: number;
  /** Refit the model (without sequential) on a subset of rows: the general path. */
  refit: (table: Table) => ModelEstimate;
}

function subset(table: Table, keep: Uint8Array): Table {
  const columns: Record<string, ColumnValues> = {};
  for (const [name, values] of Object.entries(table.columns)) {
    if (Array.isArray(values)) columns[name] = (values as readonly string[]).filter((_, i) => keep[i] === 1);
    else {
      const typed = values as Float64Array | Int32Array | Uint8Array;
      columns[name] = typed.filter((_, i) => keep[i] === 1) as typeof typed;
    }
  }
  return createTable(columns);
}

/**
 * Variance of the difference in means for each HC type from per-arm sums: with SS the within-arm sum of
 * squares and leverage 1/n_arm, HC0 = Σ SS/n², HC1 = HC0·n/(n − 2), HC2 = Σ SS/(n(n − 1)), HC3 = Σ SS/(n − 1)²,
 * classical = (SS₁ + SS₀)/(n − 2)·(1/n₁ + 1/n₀) — the OLS sandwich of y on an intercept and the 0/1 treatment.
 */
function differenceInMeansVariance(
  covariance: SequentialSetup['covariance'],
  n1: number,
  ss1: number,
  n0: number,
  ss0: number,
): number {
  const n = n1 + n0;
  switch (covariance) {
    case 'classical':
      return ((ss1 + ss0) / (n - 2)) * (1 / n1 + 1 / n0);
    case 'HC0':
      return ss1 / n1 ** 2 + ss0 / n0 ** 2;
    case 'HC1':
      return ((ss1 / n1 ** 2 + ss0 / n0 ** 2) * n) / (n - 2);
    case 'HC2':
      return ss1 / (n1 * (n1 - 1)) + ss0 / (n0 * (n0 - 1));
    case 'HC3':
      return ss1 / (n1 - 1) ** 2 + ss0 / (n0 - 1) ** 2;
  }
}

/**
 * Estimates at every look of a table ordered by `look_column` (cumulative data up to each distinct value).
 * Looks where an arm has fewer than 2 rows are skipped. The difference-in-means case uses running sums
 * (shifted by the first outcome for numerical stability); otherwise the model is refit at each look.
 *
 * @example
 * ```ts
 * const looks = experimentLooks(table, setup);
 * ```
 */
export function experimentLooks(table: Table, setup: SequentialSetup): Look[] {
  const column = setup.sequential.look_column as string;
  const values = table.columns[column];
  if (values === undefined) {
    throw new MeasureError(
      'DATA_MISSING_COLUMN',
      `sequential look column "${column}" not found in the data (available: ${Object.keys(table.columns).join(', ')})`,
      { column, parameter: 'sequential.look_column' },
    );
  }
  const factor = encodeFactor(values);
  if (factor.levels.length > MAX_LOOKS) {
    throw new MeasureError(
      'MODEL_PARAMS_INVALID',
      `sequential look column "${column}" has ${factor.levels.length} distinct values; at most ${MAX_LOOKS} looks are evaluated (use a coarser column such as the day)`,
      { column, parameter: 'sequential.look_column' },
    );
  }
  const looks: Look[] = [];
  if (setup.differenceInMeans) {
    const treatment = binaryColumn(table, setup.treatment, 'treatment');
    const y = numericColumn(table, setup.outcome, 'outcome');
    const shift = y.length > 0 ? (y[0] as number) : 0;
    // Per look level and arm (index 2·level + arm): rows, sum and sum of squares of the shifted outcome.
    const levels = factor.levels.length;
    const count = new Float64Array(2 * levels);
    const sum = new Float64Array(2 * levels);
    const squares = new Float64Array(2 * levels);
    for (let i = 0; i < y.length; i++) {
      const cell = 2 * (factor.codes[i] as number) + (treatment[i] as number);
      const value = (y[i] as number) - shift;
      count[cell] = (count[cell] as number) + 1;
      sum[cell] = (sum[cell] as number) + value;
      squares[cell] = (squares[cell] as number) + value * value;
    }
    let n0 = 0;
    let s0 = 0;
    let q0 = 0;
    let n1 = 0;
    let s1 = 0;
    let q1 = 0;
    factor.levels.forEach((label, level) => {
      n0 += count[2 * level] as number;
      s0 += sum[2 * level] as number;
      q0 += squares[2 * level] as number;
      n1 += count[2 * level + 1] as number;
      s1 += sum[2 * level + 1] as number;
      q1 += squares[2 * level + 1] as number;
      if (n0 < 2 || n1 < 2) return;
      const ss0 = Math.max(0, q0 - (s0 * s0) / n0);
      const ss1 = Math.max(0, q1 - (s1 * s1) / n1);
      const variance = differenceInMeansVariance(setup.covariance, n1, ss1, n0, ss0);
      looks.push({
        label,
        sampleSize: n0 + n1,
        estimate: s1 / n1 - s0 / n0,
        standardError: Math.sqrt(variance),
      });
    });
  } else {
    const keep = new Uint8Array(table.rowCount);
    factor.levels.forEach((label, level) => {
      let rows = 0;
      for (let i = 0; i < table.rowCount; i++) {
        if ((factor.codes[i] as number) <= level) keep[i] = 1;
        rows += keep[i] as number;
      }
      try {
        const fit = setup.refit(subset(table, keep));
        looks.push({
          label,
          sampleSize: rows,
          estimate: fit.effect_estimate,
          standardError: fit.standard_error,
        });
      } catch (error) {
        // Early looks may not support the model yet (an empty arm, a constant covariate): skip them.
        if (!(error instanceof MeasureError)) throw error;
      }
    });
  }
  return looks;
}

/**
 * Add the always-valid inference to an experiment estimate: `diagnostics.sequential_*` (p-value, confidence
 * sequence, τ², number of looks, first look that rejected) and `details.sequential_looks`; with
 * `sequential.headline`, the headline CI and p-value become the always-valid ones.
 *
 * @example
 * ```ts
 * return applySequential(estimate, table, setup);
 * ```
 */
export function applySequential(
  estimate: ModelEstimate,
  table: Table,
  setup: SequentialSetup,
): ModelEstimate {
  let looks: Look[] = setup.sequential.look_column === undefined ? [] : experimentLooks(table, setup);
  // The running-sums path must reproduce the model's own full-data fit; if an outcome transformation it does
  // not know about (or any other option) makes it differ, refit at every look instead.
  const full = looks[looks.length - 1];
  if (
    setup.differenceInMeans &&
    full !== undefined &&
    full.sampleSize === estimate.sample_size &&
    (Math.abs(full.estimate - estimate.effect_estimate) > 1e-9 * (1 + Math.abs(estimate.effect_estimate)) ||
      Math.abs(full.standardError - estimate.standard_error) > 1e-9 * (1 + estimate.standard_error))
  )
    looks = experimentLooks(table, { ...setup, differenceInMeans: false });
  // The final look is always the model's own full-data estimate.
  if (looks[looks.length - 1]?.sampleSize === estimate.sample_size) looks.pop();
  looks.push({
    label: 'final',
    sampleSize: estimate.sample_size,
    estimate: estimate.effect_estimate,
    standardError: estimate.standard_error,
  });
  const path = sequentialPath(looks, setup.sequential, setup.ciLevel);
  const diagnostics = { ...estimate.diagnostics };
  diagnostics.sequential_p_value = path.pValue;
  if (Number.isFinite(path.ciLower)) diagnostics.sequential_ci_lower = path.ciLower;
  if (Number.isFinite(path.ciUpper)) diagnostics.sequential_ci_upper = path.ciUpper;
  diagnostics.sequential_mixture_variance = path.mixtureVariance;
  diagnostics.sequential_looks = looks.length;
  if (path.firstRejection !== undefined) diagnostics.sequential_first_rejection = path.firstRejection;
  if (path.ciLower > path.ciUpper) diagnostics.sequential_interval_empty = true;
  const headline =
    setup.sequential.headline && path.ciLower <= path.ciUpper && Number.isFinite(path.ciUpper - path.ciLower);
  return {
    ...estimate,
    ...(headline ? { ci_lower: path.ciLower, ci_upper: path.ciUpper, p_value: path.pValue } : {}),
    diagnostics,
    details: { ...estimate.details, sequential_looks: path.looks },
  };
}
