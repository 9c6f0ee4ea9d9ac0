import type { Table } from '@impact/contracts';
import { z } from 'zod';
import { MeasureError } from '../errors';
import { experimentBaseline, panelBaseline, seriesBaseline } from './baseline';
import { didUnitChangeVariance, experimentVariance, itsVariance } from './designs';
import { type Alternative, minimumDetectableEffect, solveIncreasing, tTestPower, zTestPower } from './power';

const common = {
  /** Minimum detectable effect: the smallest effect (in outcome units, absolute) the pilot must detect. */
  mde: z.number().positive(),
  alpha: z.number().gt(0).lt(1).default(0.05),
  power: z.number().gt(0).lt(1).default(0.8),
  alternative: z.enum(['two-sided', 'larger']).default('two-sided'),
  /** Outcome SD per unit (experiment) or per unit-period (DiD, ITS); or estimated from a baseline table. */
  sd: z.number().positive().optional(),
};
const share = z.number().gt(0).lt(1).default(0.5);
/**
 * Test the pilot will be read with: `z` (normal approximation, statsmodels `NormalIndPower`) or `t`
 * (noncentral t, statsmodels `TTestIndPower`; exact for normal outcomes, and larger at small samples).
 */
const test = z.enum(['z', 't']).default('z');
const correlation = z.number().gt(-1).lt(1);

/**
 * What {@link planPilot} sizes: a design, the target MDE and power, and either assumptions or the columns of a
 * baseline table passed alongside.
 *
 * @example
 * ```ts
 * PilotPlanSpecSchema.parse({ design: 'experiment', mde: 0.5, sd: 4, cuped_r_squared: 0.3 });
 * ```
 */
export const PilotPlanSpecSchema = z.discriminatedUnion('design', [
  z.strictObject({
    design: z.literal('experiment'),
    ...common,
    /** CUPED variance reduction ρ² (squared correlation of outcome and pre-period metric). */
    cuped_r_squared: z.number().min(0).lt(1).optional(),
    treated_share: share,
    test,
    /** New units entering per day, to turn the sample size into a duration. */
    units_per_day: z.number().positive().optional(),
    baseline: z
      .strictObject({ outcome: z.string().min(1), pre_period_metric: z.string().min(1).optional() })
      .optional(),
  }),
  z.strictObject({
    design: z.literal('did'),
    ...common,
    /** Share of the outcome variance due to stable unit differences (differenced out by DiD). */
    icc: z.number().min(0).lt(1).optional(),
    /** AR(1) autocorrelation of the unit-period errors. */
    autocorrelation: correlation.optional(),
    pre_periods: z.number().int().min(1),
    /** Give post_periods to solve for units, or units to solve for post_periods. */
    post_periods: z.number().int().min(1).optional(),
    units: z.number().int().min(2).optional(),
    treated_share: share,
    test,
    max_post_periods: z.number().int().min(1).default(1000),
    baseline: z
      .strictObject({ outcome: z.string().min(1), unit: z.string().min(1), time: z.string().min(1) })
      .optional(),
  }),
  z.strictObject({
    design: z.literal('its'),
    ...common,
    autocorrelation: correlation.optional(),
    pre_periods: z.number().int().min(3),
    /** Give post_periods to evaluate a plan; omit it to solve for the shortest post period. */
    post_periods: z.number().int().min(1).optional(),
    max_post_periods: z.number().int().min(1).default(1000),
    baseline: z.strictObject({ outcome: z.string().min(1) }).optional(),
  }),
]);
/** A pilot plan request as written. */
export type PilotPlanSpecInput = z.input<typeof PilotPlanSpecSchema>;
/** A parsed pilot plan request. */
export type PilotPlanSpec = z.output<typeof PilotPlanSpecSchema>;

/** The plan: how large / long the pilot must be, and what it achieves. */
export interface PilotPlan {
  design: PilotPlanSpec['design'];
  /** What was solved: the number of units, the number of post periods, or nothing (a given plan evaluated). */
  solved_for: 'units' | 'post_periods' | 'none';
  /** Units in the pilot (experiment, DiD); absent for ITS (one series). */
  units?: number;
  n_treated?: number;
  n_control?: number;
  pre_periods?: number;
  post_periods?: number;
  /** Days to enrol `units` at `units_per_day` (experiment). */
  duration_days?: number;
  /** Power of the plan (rounded to whole units/periods) against the target MDE. */
  power: number;
  target_power: number;
  mde: number;
  /** MDE the plan detects with the target power (≤ mde when the target is met). */
  planned_mde: number;
  /** Standard error of the planned estimator. */
  standard_error: number;
  /** Test the power refers to: `z`, or `t` with `df` degrees of freedom. */
  test: 'z' | 't';
  /** Degrees of freedom of the t-test (test `t`): N − 2 (N − 3 with CUPED) for an experiment, N − 2 for DiD. */
  df?: number;
  alpha: number;
  alternative: Alternative;
  /** The assumptions used, and whether they came from a baseline table. */
  assumptions: {
    sd: number;
    r_squared?: number;
    icc?: number;
    autocorrelation?: number;
    source: 'assumptions' | 'baseline';
  };
}

function missingSd(design: string): MeasureError {
  return new MeasureError(
    'MODEL_PARAMS_INVALID',
    `planPilot (${design}): give sd or a baseline table with baseline columns`,
    {
      parameter: 'sd',
    },
  );
}

function needsTable(spec: { baseline?: unknown }, table: Table | undefined): Table | undefined {
  if (spec.baseline === undefined) return undefined;
  if (table === undefined) {
    throw new MeasureError(
      'MODEL_PARAMS_INVALID',
      'planPilot: baseline columns are given but no baseline table was passed',
      {
        parameter: 'baseline',
      },
    );
  }
  return table;
}

type PlanFields = Omit<
  PilotPlan,
  | 'power'
  | 'target_power'
  | 'mde'
  | 'planned_mde'
  | 'standard_error'
  | 'alpha'
  | 'alternative'
  | 'design'
  | 'test'
  | 'df'
>;

/** Power of the plan's test at standard error `se` (and t degrees of freedom `df` for test `t`). */
function powerOf(spec: PilotPlanSpec, se: number, df: number | undefined): number {
  return df === undefined
    ? zTestPower(spec.mde, se, spec.alpha, spec.alternative)
    : tTestPower(spec.mde, se, df, spec.alpha, spec.alternative);
}

function finish(spec: PilotPlanSpec, se: number, fields: PlanFields, df?: number): PilotPlan {
  return {
    design: spec.design,
    ...fields,
    power: powerOf(spec, se, df),
    target_power: spec.power,
    mde: spec.mde,
    planned_mde: minimumDetectableEffect(se, spec.alpha, spec.power, spec.alternative, df),
    standard_error: se,
    alpha: spec.alpha,
    alternative: spec.alternative,
    test: df === undefined ? 'z' : 't',
    ...(df === undefined ? {} : { df }),
  };
}

/** Smallest post period count in 1 … max reaching the target power, or PLAN_UNREACHABLE with the best power. */
function solvePostPeriods(
  spec: PilotPlanSpec & { max_post_periods: number },
  seOf: (r: number) => number,
  df?: number,
): number {
  let best = 0;
  for (let r = 1; r <= spec.max_post_periods; r++) {
    const power = powerOf(spec, seOf(r), df);
    if (power >= spec.power) return r;
    best = Math.max(best, power);
  }
  throw new MeasureError(
    'PLAN_UNREACHABLE',
    `planPilot (${spec.design}): no post period up to ${spec.max_post_periods} reaches power ${spec.power} for mde ${spec.mde} (best ${best.toFixed(3)}); add units or pre periods, or accept a larger mde`,
    { parameter: 'post_periods' },
  );
}

/**
 * Plan a pilot before running it: the sample size (or duration) an experiment, a DiD or an ITS needs to detect
 * `mde` with `power` at level `alpha` (z-test, as statsmodels `NormalIndPower`), under stated assumptions or
 * assumptions estimated from a baseline table (outcome SD, CUPED R², ICC, AR(1) autocorrelation). With
 * `test: 't'` (experiment, DiD) the power is the noncentral-t one of the t-test the pilot will be read with
 * (statsmodels `TTestIndPower`), which needs more units than the z sizing when samples are small.
 * - experiment: N = units with Var = σ²(1 − ρ²)/(N·p(1 − p)); `units_per_day` gives the duration.
 * - did: units for given pre/post periods, or post periods for given units, with Var from {@link didVariance}.
 * - its: the shortest post period for the given pre period (or the power of a given one), {@link itsVariance}.
 * Throws `PLAN_UNREACHABLE` when no duration up to `max_post_periods` is enough.
 *
 * @example
 * ```ts
 * const plan = planPilot({ design: 'experiment', mde: 0.5, sd: 4, cuped_r_squared: 0.3, units_per_day: 200 });
 * console.log(plan.units, plan.duration_days, plan.power);
 * ```
 */
export function planPilot(input: PilotPlanSpecInput, options: { baseline?: Table } = {}): PilotPlan {
  const parsed = PilotPlanSpecSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = issue?.path.join('.') || '(root)';
    throw new MeasureError('MODEL_PARAMS_INVALID', `planPilot: ${path}: ${issue?.message}`, {
      parameter: path,
    });
  }
  const spec = parsed.data;
  if (spec.design === 'experiment') return planExperiment(spec, options.baseline);
  if (spec.design === 'did') return planDid(spec, options.baseline);
  return planIts(spec, options.baseline);
}

/**
 * Continuous number of units reaching the target power. The z solution comes first (bracket 2 … 10¹³); the
 * t solution is at least as large, so it is searched from there with a doubling upper bound (this keeps the
 * noncentrality moderate for the noncentral-t series).
 */
function solveUnits(
  powerAt: (units: number) => number,
  spec: PilotPlanSpec & { test: 'z' | 't' },
  smallestForT: number,
  zPowerAt: (units: number) => number,
): number {
  const zUnits = solveIncreasing(zPowerAt, spec.power, 2, 1e13) as number;
  if (spec.test === 'z') return zUnits;
  const low = Math.max(zUnits, smallestForT);
  let high = 2 * low + 10;
  for (let k = 0; k < 60 && powerAt(high) < spec.power; k++) high *= 2;
  return solveIncreasing(powerAt, spec.power, low, high) as number;
}

type SpecOf<D extends PilotPlanSpec['design']> = Extract<PilotPlanSpec, { design: D }>;

/** Units for an experiment: N with Var = σ²(1 − ρ²)/(N·p(1 − p)); t df N − 2, or N − 3 with CUPED. */
function planExperiment(spec: SpecOf<'experiment'>, baseline: Table | undefined): PilotPlan {
  const table = needsTable(spec, baseline);
  const fromBaseline = table
    ? experimentBaseline(table, spec.baseline?.outcome as string, spec.baseline?.pre_period_metric)
    : undefined;
  const sd = spec.sd ?? fromBaseline?.sd;
  if (sd === undefined) throw missingSd('experiment');
  const rSquared = spec.cuped_r_squared ?? fromBaseline?.rSquared ?? 0;
  const assumptions = { sd, rSquared, treatedShare: spec.treated_share };
  const seOf = (units: number) => Math.sqrt(experimentVariance(units, assumptions));
  const lostDf = 2 + (rSquared > 0 ? 1 : 0);
  const dfOf = (units: number) => (spec.test === 't' ? units - lostDf : undefined);
  const units = solveUnits(
    (n) => powerOf(spec, seOf(n), dfOf(n)),
    spec,
    lostDf + 1,
    (n) => powerOf(spec, seOf(n), undefined),
  );
  const nTreated = Math.ceil(units * spec.treated_share - 1e-9);
  const nControl = Math.ceil(units * (1 - spec.treated_share) - 1e-9);
  const se = sd * Math.sqrt(1 - rSquared) * Math.sqrt(1 / nTreated + 1 / nControl);
  return finish(
    spec,
    se,
    {
      solved_for: 'units',
      units: nTreated + nControl,
      n_treated: nTreated,
      n_control: nControl,
      ...(spec.units_per_day === undefined
        ? {}
        : { duration_days: Math.ceil((nTreated + nControl) / spec.units_per_day) }),
      assumptions: { sd, r_squared: rSquared, source: fromBaseline ? 'baseline' : 'assumptions' },
    },
    dfOf(nTreated + nControl),
  );
}

/** Units (given post periods) or post periods (given units) for a DiD; t df N − 2 (two-sample t on unit changes). */
function planDid(spec: SpecOf<'did'>, baseline: Table | undefined): PilotPlan {
  const table = needsTable(spec, baseline);
  const fromBaseline = table
    ? panelBaseline(
        table,
        spec.baseline?.outcome as string,
        spec.baseline?.unit as string,
        spec.baseline?.time as string,
      )
    : undefined;
  const sd = spec.sd ?? fromBaseline?.sd;
  if (sd === undefined) throw missingSd('did');
  const icc = spec.icc ?? fromBaseline?.icc ?? 0;
  const autocorrelation = spec.autocorrelation ?? fromBaseline?.autocorrelation ?? 0;
  const assumptions = {
    sd,
    icc,
    autocorrelation,
    source: fromBaseline ? ('baseline' as const) : ('assumptions' as const),
  };
  const perUnit = (post: number) =>
    didUnitChangeVariance({ sd, icc, autocorrelation, prePeriods: spec.pre_periods, postPeriods: post });
  const seWith = (nTreated: number, nControl: number, post: number) =>
    Math.sqrt(perUnit(post) * (1 / nTreated + 1 / nControl));
  const dfOf = (units: number) => (spec.test === 't' ? units - 2 : undefined);
  if ((spec.units === undefined) === (spec.post_periods === undefined)) {
    throw new MeasureError(
      'MODEL_PARAMS_INVALID',
      'planPilot (did): give post_periods (to solve for units) or units (to solve for post periods), not both',
      {
        parameter: 'units',
      },
    );
  }
  if (spec.units !== undefined) {
    const nTreated = Math.max(1, Math.round(spec.units * spec.treated_share));
    const nControl = spec.units - nTreated;
    const df = dfOf(spec.units);
    if (df !== undefined && df < 1) throw tooFewUnitsForT(spec.units);
    const post = solvePostPeriods(spec, (r) => seWith(nTreated, nControl, r), df);
    return finish(
      spec,
      seWith(nTreated, nControl, post),
      {
        solved_for: 'post_periods',
        units: spec.units,
        n_treated: nTreated,
        n_control: nControl,
        pre_periods: spec.pre_periods,
        post_periods: post,
        assumptions,
      },
      df,
    );
  }
  const post = spec.post_periods as number;
  const p = spec.treated_share;
  const units = solveUnits(
    (n) => powerOf(spec, seWith(n * p, n * (1 - p), post), dfOf(n)),
    spec,
    3,
    (n) => powerOf(spec, seWith(n * p, n * (1 - p), post), undefined),
  );
  const nTreated = Math.ceil(units * p - 1e-9);
  const nControl = Math.ceil(units * (1 - p) - 1e-9);
  return finish(
    spec,
    seWith(nTreated, nControl, post),
    {
      solved_for: 'units',
      units: nTreated + nControl,
      n_treated: nTreated,
      n_control: nControl,
      pre_periods: spec.pre_periods,
      post_periods: post,
      assumptions,
    },
    dfOf(nTreated + nControl),
  );
}

function tooFewUnitsForT(units: number): MeasureError {
  return new MeasureError(
    'MODEL_PARAMS_INVALID',
    `planPilot (did): test t needs at least 3 units (df = units − 2), found ${units}`,
    { parameter: 'units' },
  );
}

/** Shortest post period (or the power of a given one) for an ITS; z-test (AR(1) errors make t inexact). */
function planIts(spec: SpecOf<'its'>, baseline: Table | undefined): PilotPlan {
  const table = needsTable(spec, baseline);
  const fromBaseline = table ? seriesBaseline(table, spec.baseline?.outcome as string) : undefined;
  const sd = spec.sd ?? fromBaseline?.sd;
  if (sd === undefined) throw missingSd('its');
  const autocorrelation = spec.autocorrelation ?? fromBaseline?.autocorrelation ?? 0;
  const seOf = (post: number) =>
    Math.sqrt(itsVariance({ sd, autocorrelation, prePeriods: spec.pre_periods, postPeriods: post }));
  const post = spec.post_periods ?? solvePostPeriods(spec, seOf);
  return finish(spec, seOf(post), {
    solved_for: spec.post_periods === undefined ? 'post_periods' : 'none',
    pre_periods: spec.pre_periods,
    post_periods: post,
    assumptions: { sd, autocorrelation, source: fromBaseline ? 'baseline' : 'assumptions' },
  });
}
