import type { Table } from '@impact/contracts';
import { z } from 'zod';
import { binaryColumn, numericColumn } from '../../data/columns';
import { MeasureError } from '../../errors';
import { buildDesign } from '../../formula/formula';
import { inferenceFromEstimate } from '../../stats/ols';
import { estimateFromInference, type JsonValue, type ModelEstimate } from '../model';
import { refuseConstantOutcome } from '../outcome-checks';
import { standardizedMeanDifferences } from './balance';
import { type LogisticFit, logisticRegression } from './logistic';

/**
 * Parameters every observational model shares: outcome, 0/1 treatment and the covariates to adjust for.
 *
 * @example
 * ```ts
 * const Schema = z.strictObject({ ...observationalBaseShape, estimand: z.enum(['ATE', 'ATT']) });
 * ```
 */
export const observationalBaseShape = {
  outcome: z.string().min(1),
  treatment: z.string().min(1),
  /** Numeric covariates (used as-is). */
  covariates: z.array(z.string().min(1)).default([]),
  /** Categorical covariates (one dummy per level but the first, sorted). */
  categorical: z.array(z.string().min(1)).default([]),
  effect_unit: z.literal('absolute').default('absolute'),
};

/** Outcome, treatment and the expanded covariate matrix of a table. */
export interface ObservationalData {
  n: number;
  outcome: Float64Array;
  treatment: Uint8Array;
  /** Covariate columns (numeric as-is, categorical dummies), no intercept. */
  covariates: Float64Array[];
  covariateNames: string[];
  nTreated: number;
  nControl: number;
}

/**
 * Read and check outcome, treatment and covariates. Throws `MODEL_PARAMS_INVALID` when no covariate is
 * given (where `requireCovariates`), the column errors of `numericColumn`/`binaryColumn`, and
 * `DATA_EMPTY_GROUP` when a group is empty.
 *
 * @example
 * ```ts
 * const data = readObservationalData(table, { outcome: 're78', treatment: 'treat', covariates: ['age'], categorical: ['race'] });
 * ```
 */
export function readObservationalData(
  table: Table,
  params: { outcome: string; treatment: string; covariates: string[]; categorical: string[] },
  requireCovariates = true,
): ObservationalData {
  if (requireCovariates && params.covariates.length + params.categorical.length === 0) {
    throw new MeasureError(
      'MODEL_PARAMS_INVALID',
      'observational models need at least one covariate in "covariates" or "categorical"',
      { parameter: 'covariates' },
    );
  }
  const outcome = numericColumn(table, params.outcome, 'outcome');
  refuseConstantOutcome(outcome, params.outcome, 'observational model');
  const treatment = binaryColumn(table, params.treatment, 'treatment');
  const n = table.rowCount;
  let nTreated = 0;
  for (let i = 0; i < n; i++) nTreated += treatment[i] as number;
  const nControl = n - nTreated;
  if (nTreated === 0 || nControl === 0) {
    throw new MeasureError(
      'DATA_EMPTY_GROUP',
      `treatment column "${params.treatment}" has ${nTreated} treated and ${nControl} control rows; both groups need at least one`,
      { column: params.treatment },
    );
  }
  const design = buildDesign(table, {
    outcome: params.outcome,
    intercept: false,
    terms: [
      ...params.covariates.map((column) => ({ label: column, factors: [{ column, categorical: false }] })),
      ...params.categorical.map((column) => ({
        label: `C(${column})`,
        factors: [{ column, categorical: true }],
      })),
    ],
  });
  return {
    n,
    outcome,
    treatment,
    covariates: design.columns,
    covariateNames: design.names,
    nTreated,
    nControl,
  };
}

/**
 * Fit the logistic propensity model P(D = 1 | X) with an intercept and all covariates.
 *
 * @example
 * ```ts
 * const scores = fitPropensity(data, 'treat').probabilities;
 * ```
 */
export function fitPropensity(data: ObservationalData, treatmentName: string): LogisticFit {
  const intercept = new Float64Array(data.n).fill(1);
  return logisticRegression({
    n: data.n,
    columns: [intercept, ...data.covariates],
    names: ['(Intercept)', ...data.covariateNames],
    y: data.treatment,
    response: treatmentName,
  });
}

/**
 * Overlap check on estimated propensity scores: raises `DATA_EMPTY_GROUP` (message "no overlap …") naming
 * the treatment column when the treated and control score ranges do not intersect, i.e. no treated row has
 * a comparable control row.
 *
 * @example
 * ```ts
 * checkOverlap(scores, data.treatment, 'treat');
 * ```
 */
export function checkOverlap(scores: Float64Array, treatment: Uint8Array, treatmentName: string): void {
  let minT = Number.POSITIVE_INFINITY;
  let maxT = Number.NEGATIVE_INFINITY;
  let minC = Number.POSITIVE_INFINITY;
  let maxC = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < scores.length; i++) {
    const s = scores[i] as number;
    if (treatment[i] === 1) {
      if (s < minT) minT = s;
      if (s > maxT) maxT = s;
    } else {
      if (s < minC) minC = s;
      if (s > maxC) maxC = s;
    }
  }
  if (minT > maxC || minC > maxT) {
    throw new MeasureError(
      'DATA_EMPTY_GROUP',
      `no overlap: propensity scores of treated rows lie in [${minT.toPrecision(4)}, ${maxT.toPrecision(4)}] and of control rows in [${minC.toPrecision(4)}, ${maxC.toPrecision(4)}] (treatment column "${treatmentName}")`,
      { column: treatmentName },
    );
  }
}

/**
 * SMD table rows (JSON) and their maximum absolute values, before and after weighting. An SMD that is not
 * finite (a covariate constant within both groups but different between them) is reported as null and left
 * out of the maxima, so diagnostics stay valid JSON.
 *
 * @example
 * ```ts
 * const { maxBefore, maxAfter } = balanceSummary(data, weights);
 * ```
 */
export function balanceSummary(
  data: ObservationalData,
  weightsAfter: Float64Array,
): {
  table: { covariate: string; smd_before: number | null; smd_after: number | null }[];
  maxBefore: number;
  maxAfter: number;
} {
  const before = standardizedMeanDifferences(data.covariates, data.treatment);
  const after = standardizedMeanDifferences(data.covariates, data.treatment, weightsAfter);
  const finite = (value: number | undefined) =>
    value !== undefined && Number.isFinite(value) ? value : null;
  const table = data.covariateNames.map((covariate, j) => ({
    covariate,
    smd_before: finite(before[j]),
    smd_after: finite(after[j]),
  }));
  let maxBefore = 0;
  let maxAfter = 0;
  for (const row of table) {
    if (row.smd_before !== null) maxBefore = Math.max(maxBefore, Math.abs(row.smd_before));
    if (row.smd_after !== null) maxAfter = Math.max(maxAfter, Math.abs(row.smd_after));
  }
  return { table, maxBefore, maxAfter };
}

/**
 * Assemble a {@link ModelEstimate} from an estimate and its SE (normal reference distribution unless a
 * finite `df` is given).
 *
 * @example
 * ```ts
 * observationalEstimate(1.2, 0.4, { ciLevel: 0.95, sampleSize: 100, metric: 'y', diagnostics: {}, details: {} });
 * ```
 */
export function observationalEstimate(
  estimate: number,
  standardError: number,
  options: {
    ciLevel: number;
    df?: number;
    sampleSize: number;
    metric: string;
    diagnostics: Record<string, JsonValue>;
    details: Record<string, unknown>;
  },
): ModelEstimate {
  const inference = inferenceFromEstimate(
    estimate,
    standardError,
    options.ciLevel,
    options.df ?? Number.POSITIVE_INFINITY,
  );
  return estimateFromInference(inference, {
    sampleSize: options.sampleSize,
    metric: options.metric,
    diagnostics: options.diagnostics,
    details: options.details,
  });
}
