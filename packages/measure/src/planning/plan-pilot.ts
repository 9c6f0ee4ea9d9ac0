import type { Table } from '@impact/contracts';
import { z } from 'zod';
import { MeasureError } from '../errors';
import { experimentBaseline, panelBaseline, seriesBaseline } from './baseline';
import { didUnitChangeVariance, experimentVariance, itsVariance } from './designs';
import { type Alternative, minimumDetectableEffect, solveIncreasing, zTestPower } from './power';

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

function finish(
  spec: PilotPlanSpec,
  se: number,
  fields: Omit<
    PilotPlan,
    'power' | 'target_power' | 'mde' | 'planned_mde' | 'standard_error' | 'alpha' | 'alternative' | 'design'
  >,
): PilotPlan {
  return {
    design: spec.design,
    ...fields,
    power: zTestPower(spec.mde, se, spec.alpha, spec.alternative),
    target_power: spec.power,
    mde: spec.mde,
    planned_mde: minimumDetectableEffect(se, spec.alpha, spec.power, spec.alternative),
    standard_error: se,
    alpha: spec.alpha,
    alternative: spec.alternative,
  };
}

/** Smallest post period count in 1 … max reaching the target power, or PLAN_UNREACHABLE with the best power. */
function solvePostPeriods(
  spec: PilotPlanSpec & { max_post_periods: number },
  seOf: (r: number) => number,
): number {
  let best = 0;
  for (let r = 1; r <= spec.max_post_periods; r++) {
    const power = zTestPower(spec.mde, seOf(r), spec.alpha, spec.alternative);
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
 * assumptions estimated from a baseline table (outcome SD, CUPED R², ICC, AR(1) autocorrelation).
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
  if (spec.design === 'experiment') {
    const table = needsTable(spec, options.baseline);
    const fromBaseline = table
      ? experimentBaseline(table, spec.baseline?.outcome as string, spec.baseline?.pre_period_metric)
      : undefined;
    const sd = spec.sd ?? fromBaseline?.sd;
    if (sd === undefined) throw missingSd('experiment');
    const rSquared = spec.cuped_r_squared ?? fromBaseline?.rSquared ?? 0;
    const assumptions = { sd, rSquared, treatedShare: spec.treated_share };
    const seOf = (units: number) => Math.sqrt(experimentVariance(units, assumptions));
    const units = solveIncreasing(
      (n) => zTestPower(spec.mde, seOf(n), spec.alpha, spec.alternative),
      spec.power,
      2,
      1e13,
    ) as number;
    const nTreated = Math.ceil(units * spec.treated_share - 1e-9);
    const nControl = Math.ceil(units * (1 - spec.treated_share) - 1e-9);
    const se = sd * Math.sqrt(1 - rSquared) * Math.sqrt(1 / nTreated + 1 / nControl);
    return finish(spec, se, {
      solved_for: 'units',
      units: nTreated + nControl,
      n_treated: nTreated,
      n_control: nControl,
      ...(spec.units_per_day === undefined
        ? {}
        : { duration_days: Math.ceil((nTreated + nControl) / spec.units_per_day) }),
      assumptions: { sd, r_squared: rSquared, source: fromBaseline ? 'baseline' : 'assumptions' },
    });
  }
  if (spec.design === 'did') {
    const table = needsTable(spec, options.baseline);
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
      const post = solvePostPeriods(spec, (r) => seWith(nTreated, nControl, r));
      return finish(spec, seWith(nTreated, nControl, post), {
        solved_for: 'post_periods',
        units: spec.units,
        n_treated: nTreated,
        n_control: nControl,
        pre_periods: spec.pre_periods,
        post_periods: post,
        assumptions,
      });
    }
    const post = spec.post_periods as number;
    const p = spec.treated_share;
    const units = solveIncreasing(
      (n) => zTestPower(spec.mde, seWith(n * p, n * (1 - p), post), spec.alpha, spec.alternative),
      spec.power,
      2,
      1e13,
    ) as number;
    const nTreated = Math.ceil(units * p - 1e-9);
    const nControl = Math.ceil(units * (1 - p) - 1e-9);
    return finish(spec, seWith(nTreated, nControl, post), {
      solved_for: 'units',
      units: nTreated + nControl,
      n_treated: nTreated,
      n_control: nControl,
      pre_periods: spec.pre_periods,
      post_periods: post,
      assumptions,
    });
  }
  const table = needsTable(spec, options.baseline);
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
