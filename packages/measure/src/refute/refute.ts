import { type ColumnValues, createTable, type Table } from '@impact/contracts';
import { binaryColumn, numericColumn } from '../data/columns';
import { MeasureError } from '../errors';
import type { JsonValue, ModelAdapter, ModelContext, ModelEstimate } from '../models/model';
import { seededUniform } from '../models/observational/random';
import { encodeFactor } from '../models/panel/codes';
import { meanDifferenceEValues } from './e-value';
import type { RefuteConfig } from './schema';

/** Name of one refutation. */
export type RefutationName =
  | 'placebo_treatment_date'
  | 'placebo_outcome'
  | 'random_common_cause'
  | 'data_subset'
  | 'e_value';

/** Outcome of one refutation (JSON, stored in `details.refutation`). */
export interface RefutationResult {
  name: RefutationName;
  status: 'passed' | 'failed' | 'not_applicable';
  /** Why it failed or does not apply. */
  reason?: string;
  [key: string]: JsonValue | undefined;
}

type Params = Record<string, unknown>;

function filterRows(
  table: Table,
  keep: (row: number) => boolean,
  replace: Record<string, ColumnValues> = {},
): Table {
  const rows: number[] = [];
  for (let i = 0; i < table.rowCount; i++) if (keep(i)) rows.push(i);
  const columns: Record<string, ColumnValues> = {};
  for (const [name, values] of Object.entries(table.columns)) {
    if (Array.isArray(values)) columns[name] = rows.map((i) => (values as readonly string[])[i] as string);
    else {
      const typed = values as Float64Array | Int32Array | Uint8Array;
      const out = new (typed.constructor as Float64ArrayConstructor)(rows.length);
      rows.forEach((i, k) => {
        out[k] = typed[i] as number;
      });
      columns[name] = out;
    }
  }
  for (const [name, values] of Object.entries(replace)) columns[name] = values;
  return createTable(columns);
}

/** Params with another outcome: `outcome` key, or the left-hand side of `formula`. */
function withOutcome(params: Params, outcome: string): Params | undefined {
  if (typeof params.formula === 'string')
    return { ...params, formula: `${outcome} ~ ${params.formula.split('~')[1]}` };
  if (typeof params.outcome === 'string') return { ...params, outcome };
  return undefined;
}

/** Params with one more covariate: appended to `formula` or `covariates`. */
function withCovariate(params: Params, column: string): Params | undefined {
  if (typeof params.formula === 'string') return { ...params, formula: `${params.formula} + ${column}` };
  if (Array.isArray(params.covariates)) return { ...params, covariates: [...params.covariates, column] };
  return undefined;
}

function normalGenerator(seed: number): () => number {
  const uniform = seededUniform(seed);
  return () => Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());
}

const notApplicable = (name: RefutationName, reason: string): RefutationResult => ({
  name,
  status: 'not_applicable',
  reason,
});

/** A placebo refit's verdict: failed when it shows an effect (p below `placebo_alpha`), with the reason. */
function placeboVerdict(
  name: RefutationName,
  fit: { effect_estimate: number; p_value: number },
  alpha: number,
  reason: (p: string) => string,
  extra: Partial<RefutationResult>,
): RefutationResult {
  const failed = fit.p_value < alpha;
  return {
    name,
    status: failed ? 'failed' : 'passed',
    ...(failed ? { reason: reason(fit.p_value.toPrecision(3)) } : {}),
    ...extra,
    estimate: fit.effect_estimate,
    p_value: fit.p_value,
  } as RefutationResult;
}

function attempt(name: RefutationName, run: () => RefutationResult): RefutationResult {
  try {
    return run();
  } catch (error) {
    if (error instanceof MeasureError)
      return notApplicable(name, `the model could not be refit: ${error.message}`);
    throw error;
  }
}

interface RefuteInput {
  model: ModelAdapter<Params>;
  params: Params;
  table: Table;
  estimate: ModelEstimate;
  config: RefuteConfig;
  context: ModelContext;
}

/** Time codes of the rows before the real treatment start: from the `post` column or an ITS `intervention`. */
function preTreatmentRows(table: Table, params: Params): ((row: number) => boolean) | string {
  const timeValues = table.columns[params.time as string];
  if (timeValues === undefined) return `time column "${String(params.time)}" not found`;
  const intervention = params.intervention;
  if (intervention === undefined) {
    const post = binaryColumn(table, params.post as string, 'post-period');
    return (row) => post[row] === 0;
  }
  // interrupted_time_series with `intervention:` (an ISO date, or a 0-based position in time order).
  const times = encodeFactor(timeValues);
  const first =
    typeof intervention === 'number'
      ? intervention
      : times.levels.findIndex((level) => String(level) >= String(intervention));
  if (first < 0) return `intervention ${JSON.stringify(intervention)} is after the last period`;
  return (row) => (times.codes[row] as number) < first;
}

function placeboTreatmentDate(input: RefuteInput): RefutationResult {
  const { params, table, model, config } = input;
  const name = 'placebo_treatment_date';
  if (typeof params.time !== 'string' || typeof params.post !== 'string')
    return notApplicable(
      name,
      'the model has no time/post columns (difference_in_differences, interrupted_time_series)',
    );
  const before = preTreatmentRows(table, params);
  if (typeof before === 'string') return notApplicable(name, before);
  const pre = filterRows(table, before);
  const times = encodeFactor(pre.columns[params.time] as ColumnValues);
  const nPre = times.levels.length;
  const option = config.placebo_treatment_date;
  const shift =
    option === true || option?.periods_before === undefined ? Math.floor(nPre / 2) : option.periods_before;
  if (shift < 1 || shift >= nPre)
    return notApplicable(
      name,
      `${nPre} pre-periods cannot hold a placebo start ${shift} periods before the real one`,
    );
  const start = nPre - shift;
  const placeboPost = Float64Array.from(times.codes, (code) => (code >= start ? 1 : 0));
  const placeboTable = filterRows(pre, () => true, { [params.post]: placeboPost });
  // With an ITS `intervention`, move it to the placebo start (a position in the pre-period's time order).
  const placeboParams = params.intervention === undefined ? params : { ...params, intervention: start };
  return attempt(name, () => {
    const fit = model.fit(placeboTable, placeboParams, input.context);
    return placeboVerdict(
      name,
      fit,
      config.thresholds.placebo_alpha,
      (p) => `a placebo start at ${times.levels[start]} shows an effect (p = ${p})`,
      { placebo_start: times.levels[start] as string | number },
    );
  });
}

function placeboOutcome(input: RefuteInput): RefutationResult {
  const { config, params, model, table } = input;
  const name = 'placebo_outcome';
  const outcome = config.placebo_outcome?.outcome as string;
  const changed = withOutcome(params, outcome);
  if (changed === undefined) return notApplicable(name, 'the model has no outcome parameter');
  numericColumn(table, outcome, 'placebo outcome');
  return attempt(name, () => {
    const fit = model.fit(table, changed, input.context);
    return placeboVerdict(
      name,
      fit,
      config.thresholds.placebo_alpha,
      (p) => `the treatment "affects" ${outcome}, which it cannot (p = ${p})`,
      { outcome },
    );
  });
}

function randomCommonCause(input: RefuteInput): RefutationResult {
  const { config, params, model, table, estimate } = input;
  const name = 'random_common_cause';
  const column = 'refute_random_common_cause';
  const changed = withCovariate(params, column);
  if (changed === undefined) return notApplicable(name, 'the model takes no covariates');
  const option = config.random_common_cause;
  const replications = option === true || option === undefined ? 10 : option.replications;
  const normal = normalGenerator(input.context.seed + 1);
  return attempt(name, () => {
    let shift = 0;
    let meanEstimate = 0;
    for (let r = 0; r < replications; r++) {
      const noise = Float64Array.from({ length: table.rowCount }, () => normal());
      const fit = model.fit(createTable({ ...table.columns, [column]: noise }), changed, input.context);
      meanEstimate += fit.effect_estimate / replications;
      shift += Math.abs(fit.effect_estimate - estimate.effect_estimate) / replications;
    }
    const shiftSe =
      estimate.standard_error > 0
        ? shift / estimate.standard_error
        : shift === 0
          ? 0
          : Number.POSITIVE_INFINITY;
    const failed = shiftSe > config.thresholds.max_shift_se;
    return {
      name,
      status: failed ? 'failed' : 'passed',
      ...(failed
        ? {
            reason: `an independent random covariate moves the estimate by ${shiftSe.toPrecision(3)} SE on average`,
          }
        : {}),
      replications,
      mean_estimate: meanEstimate,
      mean_abs_shift_se: Number.isFinite(shiftSe) ? shiftSe : null,
    };
  });
}

function dataSubset(input: RefuteInput): RefutationResult {
  const { config, params, model, table, estimate } = input;
  const name = 'data_subset';
  const option = config.data_subset;
  const fraction = option === true || option === undefined ? 0.8 : option.fraction;
  const replications = option === true || option === undefined ? 20 : option.replications;
  const unitColumn =
    option !== true && option?.unit !== undefined
      ? option.unit
      : typeof params.unit === 'string'
        ? params.unit
        : typeof params.cluster === 'string'
          ? params.cluster
          : undefined;
  const unitValues = unitColumn === undefined ? undefined : table.columns[unitColumn];
  if (unitColumn !== undefined && unitValues === undefined)
    throw new MeasureError(
      'DATA_MISSING_COLUMN',
      `refute.data_subset: unit column "${unitColumn}" not found`,
      {
        column: unitColumn,
        parameter: 'refute.data_subset.unit',
      },
    );
  const units = unitValues === undefined ? undefined : encodeFactor(unitValues);
  const count = units === undefined ? table.rowCount : units.levels.length;
  const keepCount = Math.max(1, Math.round(fraction * count));
  const uniform = seededUniform(input.context.seed + 2);
  const estimates: number[] = [];
  let errors = 0;
  for (let r = 0; r < replications; r++) {
    // Partial Fisher–Yates: the first keepCount entries are a uniform random subset.
    const order = Int32Array.from({ length: count }, (_, i) => i);
    for (let i = 0; i < keepCount; i++) {
      const j = i + Math.floor(uniform() * (count - i));
      const swap = order[i] as number;
      order[i] = order[j] as number;
      order[j] = swap;
    }
    const chosen = new Uint8Array(count);
    for (let i = 0; i < keepCount; i++) chosen[order[i] as number] = 1;
    const subset = filterRows(
      table,
      (row) => chosen[units === undefined ? row : (units.codes[row] as number)] === 1,
    );
    try {
      estimates.push(model.fit(subset, params, input.context).effect_estimate);
    } catch (error) {
      if (!(error instanceof MeasureError)) throw error;
      errors++;
    }
  }
  if (estimates.length < replications / 2)
    return notApplicable(name, `the model could not be fit on ${errors} of ${replications} subsets`);
  const within =
    estimates.filter((e) => estimate.ci_lower <= e && e <= estimate.ci_upper).length / estimates.length;
  const mean = estimates.reduce((a, b) => a + b, 0) / estimates.length;
  const sd = Math.sqrt(
    estimates.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, estimates.length - 1),
  );
  const failed = within < config.thresholds.min_subset_within_ci;
  return {
    name,
    status: failed ? 'failed' : 'passed',
    ...(failed
      ? {
          reason: `only ${(within * 100).toFixed(0)}% of ${fraction * 100}% subsets stay inside the original interval`,
        }
      : {}),
    fraction,
    replications: estimates.length,
    subset_by: unitColumn ?? 'row',
    /** SD of subset estimates over the SD expected from the SE, SE·√(1/f − 1): ≫ 1 means the SE is too small. */
    sd_ratio:
      estimate.standard_error > 0 ? sd / (estimate.standard_error * Math.sqrt(1 / fraction - 1)) : null,
    within_ci_share: within,
    mean_estimate: mean,
    sd_estimate: sd,
  };
}

function eValue(input: RefuteInput): RefutationResult {
  const { model, params, table, estimate } = input;
  const name = 'e_value';
  if (model.modelType !== 'observational')
    return notApplicable(name, 'E-values are for observational designs');
  if (estimate.effect_unit !== 'absolute' || typeof params.outcome !== 'string')
    return notApplicable(name, 'needs an absolute effect on an outcome column');
  const y = numericColumn(table, params.outcome, 'outcome');
  let mean = 0;
  for (const v of y) mean += v / y.length;
  let squares = 0;
  for (const v of y) squares += (v - mean) ** 2;
  const sd = Math.sqrt(squares / (y.length - 1));
  if (!(sd > 0)) return notApplicable(name, 'the outcome is constant');
  const values = meanDifferenceEValues(estimate.effect_estimate, estimate.ci_lower, estimate.ci_upper, sd);
  // Informational: an E-value is a sensitivity measure, not a test; review reads e_value_ci.
  return {
    name,
    status: 'passed',
    outcome_sd: sd,
    standardized_effect: values.standardizedEffect,
    risk_ratio: values.riskRatio,
    e_value: values.eValue,
    e_value_ci: values.eValueCi,
  };
}

/**
 * Run the configured refutations of a fitted estimate (DoWhy-style refuters plus E-values) and return the
 * estimate with `diagnostics.refute_*`, `refutations_run`, `refutation_failures`, `e_value`/`e_value_ci` and
 * `details.refutation`. Refits use the same model, parameters and seed; random draws are seeded from it.
 *
 * @example
 * ```ts
 * const refuted = refuteEstimate({ model, params, table, estimate, config: RefuteConfigSchema.parse({ data_subset: true }), context });
 * ```
 */
export function refuteEstimate(input: RefuteInput): ModelEstimate {
  const { config } = input;
  const results: RefutationResult[] = [];
  if (config.placebo_treatment_date !== undefined) results.push(placeboTreatmentDate(input));
  if (config.placebo_outcome !== undefined) results.push(placeboOutcome(input));
  if (config.random_common_cause !== undefined) results.push(randomCommonCause(input));
  if (config.data_subset !== undefined) results.push(dataSubset(input));
  if (config.e_value !== undefined) results.push(eValue(input));
  const diagnostics: Record<string, JsonValue> = { ...input.estimate.diagnostics };
  const tested = results.filter((result) => result.status !== 'not_applicable' && result.name !== 'e_value');
  const failed = tested.filter((result) => result.status === 'failed');
  diagnostics.refutations_run = tested.length;
  diagnostics.refutation_failures = failed.length;
  if (failed.length > 0) diagnostics.refutation_failed = failed.map((result) => result.name).join(', ');
  for (const result of results) {
    if (result.status === 'not_applicable') continue;
    if (result.name === 'placebo_treatment_date' || result.name === 'placebo_outcome') {
      const key = result.name === 'placebo_outcome' ? 'refute_placebo_outcome' : 'refute_placebo_date';
      diagnostics[`${key}_p_value`] = result.p_value as number;
      diagnostics[`${key}_estimate`] = result.estimate as number;
    } else if (result.name === 'random_common_cause') {
      const shift = result.mean_abs_shift_se as number;
      if (Number.isFinite(shift)) diagnostics.refute_random_common_cause_shift_se = shift;
    } else if (result.name === 'data_subset') {
      diagnostics.refute_subset_within_ci_share = result.within_ci_share as number;
      if (typeof result.sd_ratio === 'number') diagnostics.refute_subset_sd_ratio = result.sd_ratio;
    } else {
      diagnostics.e_value = result.e_value as number;
      diagnostics.e_value_ci = result.e_value_ci as number;
    }
  }
  const clean = results.map((result) =>
    Object.fromEntries(Object.entries(result).filter(([, value]) => value !== undefined)),
  );
  return { ...input.estimate, diagnostics, details: { ...input.estimate.details, refutation: clean } };
}
