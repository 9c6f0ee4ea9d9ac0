import { MeasureError } from '../../errors';
import { conditionalTwoByTwo, type EstimationMethod, OVERLAP_LIMIT } from './conditional';
import { NEVER_TREATED, type StaggeredPanel } from './panel';

/** Which units serve as controls for a group-time cell. */
export type ControlGroup = 'never_treated' | 'not_yet_treated';
/** Base period of pre-treatment cells: the previous period (`varying`) or g−1 for all (`universal`). */
export type BasePeriod = 'varying' | 'universal';

/** One group-time average treatment effect ATT(g,t) with its influence function over units. */
export interface GroupTimeCell {
  /** Cohort as a time index (first treated period). */
  cohort: number;
  /** Period as a time index. */
  period: number;
  /** Base (comparison) period as a time index. */
  basePeriod: number;
  /** Effect estimate: mean change of the cohort minus mean change of the controls. */
  estimate: number;
  /** Analytic standard error √(Σψ²)/n. */
  standardError: number;
  /** Units of the cohort and of the control group in this cell. */
  treatedUnits: number;
  controlUnits: number;
  /**
   * Influence function ψ_i over all n units, scaled so that estimate − ATT ≈ (1/n)·Σψ_i:
   * ψ_i = (n/n_g)·1{G_i=g}(ΔY_i − μ_g) − (n/n_c)·C_i(ΔY_i − μ_c), ΔY_i = Y_it − Y_ib.
   */
  influence: Float64Array;
  /** Controls trimmed for a propensity score ≥ 0.995 (conditional dr/ipw only). */
  trimmedControls?: number;
  /** Largest control propensity score in the cell (conditional dr/ipw only). */
  maxControlPropensity?: number;
  /** Kish effective share of the control weights (conditional dr/ipw only). */
  controlEffectiveShare?: number;
}

/** Why a group-time cell was not estimated. */
export type SkipReason = 'no_controls' | 'too_few_units' | 'overlap_violated';

/** The group-time ATTs of a panel plus its cohorts' sizes. */
export interface GroupTimeEstimates {
  cells: GroupTimeCell[];
  /** Units used (cohorts with a pre-period plus the never-treated). */
  unitCount: number;
  /** Cohorts (time indices) in ascending order. */
  cohorts: number[];
  /** Units per cohort, aligned with `cohorts`. */
  cohortSizes: number[];
  /** Cohort of each used unit, aligned with `influence` entries. */
  cohortOfUsedUnit: Int32Array;
  /** Cells skipped because no control unit was available. */
  skipped: { cohort: number; period: number; reason: SkipReason }[];
  /** The 2×2 estimator used: `unconditional`, or the conditional method with covariates. */
  method: EstimationMethod | 'unconditional';
}

/**
 * Callaway & Sant'Anna (2021) group-time average treatment effects without covariates (unconditional parallel
 * trends): for cohort g and period t, ATT(g,t) = E[Y_t − Y_b | G = g] − E[Y_t − Y_b | C], the 2×2 DiD of the cohort
 * against never-treated units (C: G = ∞) or units not yet treated by max(t, b) (C: G > max(t, b), G ≠ g),
 * with b = g−1 for t ≥ g and b = t−1 (varying) or g−1 (universal) for t < g. Always-treated units are excluded.
 * The influence function is that of the `did` R package's intercept-only doubly robust estimator, which in
 * this case is exactly the difference of two sample means.
 *
 * With covariates in the panel (or an explicit `method`), each cell is instead the conditional 2×2 estimator
 * of {@link conditionalTwoByTwo} (`dr`, `reg` or `ipw`) on the cell's units, with covariates taken at the
 * earlier of t and b (as `did` for balanced panels) and an intercept; its influence function is scaled by
 * n/n₁ to all n units. A cell with at most as many treated or control units as design columns
 * (`too_few_units`), or whose propensity scores reach 0.999 or separate (`overlap_violated`), is skipped,
 * as `did` returns NA for it. With a universal base, the first period is a pre-treatment cell too.
 *
 * @example
 * ```ts
 * const { cells } = groupTimeEffects(panel, 'never_treated', 'varying');
 * ```
 */
export function groupTimeEffects(
  panel: StaggeredPanel,
  controlGroup: ControlGroup,
  basePeriod: BasePeriod,
  method?: EstimationMethod,
): GroupTimeEstimates {
  const conditionalMethod = method ?? (panel.covariates.length > 0 ? 'dr' : undefined);
  const used: number[] = [];
  for (let u = 0; u < panel.unitCount; u++) {
    const cohort = panel.cohortOfUnit[u] as number;
    if (cohort === NEVER_TREATED || cohort >= 1) used.push(u);
  }
  const n = used.length;
  const cohortOfUsedUnit = Int32Array.from(used, (u) => panel.cohortOfUnit[u] as number);
  const cohorts = [...new Set(cohortOfUsedUnit)].filter((c) => c >= 1).sort((a, b) => a - b);
  if (cohorts.length === 0) {
    throw new MeasureError(
      'DATA_EMPTY_GROUP',
      'staggered DiD found no treated cohort with a pre-treatment period (every unit is never or always treated)',
      { parameter: 'group' },
    );
  }
  const cohortSizes = cohorts.map((c) => cohortOfUsedUnit.filter((value) => value === c).length);
  const T = panel.periodCount;
  const cells: GroupTimeCell[] = [];
  const skipped: GroupTimeEstimates['skipped'] = [];
  const change = new Float64Array(n);
  for (const g of cohorts) {
    for (let t = basePeriod === 'universal' ? 0 : 1; t < T; t++) {
      const base = t >= g || basePeriod === 'universal' ? g - 1 : t - 1;
      if (t === base) continue; // universal base: the reference period itself
      const latest = Math.max(t, base);
      const isControl = (cohort: number) =>
        cohort === NEVER_TREATED || (controlGroup === 'not_yet_treated' && cohort > latest && cohort !== g);
      let sumTreated = 0;
      let sumControl = 0;
      let treatedUnits = 0;
      let controlUnits = 0;
      for (let k = 0; k < n; k++) {
        const u = used[k] as number;
        const cohort = cohortOfUsedUnit[k] as number;
        const delta = (panel.outcome[u * T + t] as number) - (panel.outcome[u * T + base] as number);
        change[k] = delta;
        if (cohort === g) {
          sumTreated += delta;
          treatedUnits++;
        } else if (isControl(cohort)) {
          sumControl += delta;
          controlUnits++;
        }
      }
      if (controlUnits === 0) {
        skipped.push({ cohort: g, period: t, reason: 'no_controls' });
        continue;
      }
      if (conditionalMethod !== undefined) {
        const frame = { panel, used, cohortOfUsedUnit, change, isControl, treatedUnits, controlUnits };
        const cell = estimateConditionalCell(frame, conditionalMethod, g, t, base);
        if (typeof cell === 'string') skipped.push({ cohort: g, period: t, reason: cell });
        else cells.push(cell);
        continue;
      }
      const meanTreated = sumTreated / treatedUnits;
      const meanControl = sumControl / controlUnits;
      const influence = new Float64Array(n);
      let sumSquares = 0;
      for (let k = 0; k < n; k++) {
        const cohort = cohortOfUsedUnit[k] as number;
        let value = 0;
        if (cohort === g) value = (n / treatedUnits) * ((change[k] as number) - meanTreated);
        else if (isControl(cohort)) value = -(n / controlUnits) * ((change[k] as number) - meanControl);
        influence[k] = value;
        sumSquares += value * value;
      }
      cells.push({
        cohort: g,
        period: t,
        basePeriod: base,
        estimate: meanTreated - meanControl,
        standardError: Math.sqrt(sumSquares) / n,
        treatedUnits,
        controlUnits,
        influence,
      });
    }
  }
  if (cells.length === 0) {
    throw new MeasureError(
      'DATA_EMPTY_GROUP',
      `staggered DiD found no control units for any cohort (control_group: ${controlGroup}); with no never-treated units use control_group: not_yet_treated`,
      { parameter: 'control_group' },
    );
  }
  return {
    cells,
    unitCount: n,
    cohorts,
    cohortSizes,
    cohortOfUsedUnit,
    skipped,
    method: conditionalMethod ?? 'unconditional',
  };
}

/** What a conditional cell needs from the loop of {@link groupTimeEffects}. */
interface CellFrame {
  panel: StaggeredPanel;
  used: number[];
  cohortOfUsedUnit: Int32Array;
  /** ΔY of each used unit for the current (t, b). */
  change: Float64Array;
  isControl: (cohort: number) => boolean;
  treatedUnits: number;
  controlUnits: number;
}

/**
 * ATT(g,t) under conditional parallel trends on the cell's units, its influence function scaled by n/n₁ to
 * all n used units; or why it was skipped: no more treated or control units than design columns
 * (`too_few_units`), or (dr, ipw) a propensity score ≥ {@link OVERLAP_LIMIT} or a logit that separates the
 * cohort from its controls (`overlap_violated`), as `did` returns NA for such cells.
 */
function estimateConditionalCell(
  frame: CellFrame,
  method: EstimationMethod,
  g: number,
  t: number,
  base: number,
): GroupTimeCell | SkipReason {
  const { panel, cohortOfUsedUnit, treatedUnits, controlUnits } = frame;
  const designColumns = panel.covariates.length + 1;
  if (treatedUnits <= designColumns || controlUnits <= designColumns) return 'too_few_units';
  const n = cohortOfUsedUnit.length;
  const members: number[] = [];
  for (let k = 0; k < n; k++) {
    const cohort = cohortOfUsedUnit[k] as number;
    if (cohort === g || frame.isControl(cohort)) members.push(k);
  }
  const fit = fitConditionalCell(conditionalCell(frame, members, g, t, base), method, panel, g, t);
  if (fit === 'overlap_violated' || fit.maxPropensity >= OVERLAP_LIMIT) return 'overlap_violated';
  const influence = new Float64Array(n);
  const scale = n / members.length;
  let sumSquares = 0;
  members.forEach((k, j) => {
    const value = scale * (fit.influence[j] as number);
    influence[k] = value;
    sumSquares += value * value;
  });
  return {
    cohort: g,
    period: t,
    basePeriod: base,
    estimate: fit.estimate,
    standardError: Math.sqrt(sumSquares) / n,
    treatedUnits,
    controlUnits,
    influence,
    ...(method === 'reg'
      ? {}
      : {
          trimmedControls: fit.trimmedControls,
          maxControlPropensity: fit.maxControlPropensity,
          controlEffectiveShare: fit.controlEffectiveShare,
        }),
  };
}

/** The 2×2 cell of cohort g at period t against base b: ΔY, treatment and design (intercept + covariates). */
function conditionalCell(frame: CellFrame, members: number[], g: number, t: number, base: number) {
  const { panel, used, cohortOfUsedUnit, change } = frame;
  const T = panel.periodCount;
  const at = Math.min(t, base);
  const columns = [
    new Float64Array(members.length).fill(1),
    ...panel.covariates.map((values) =>
      Float64Array.from(members, (k) => values[(used[k] as number) * T + at] as number),
    ),
  ];
  return {
    deltaY: Float64Array.from(members, (k) => change[k] as number),
    treated: Uint8Array.from(members, (k) => (cohortOfUsedUnit[k] === g ? 1 : 0)),
    columns,
    names: ['(Intercept)', ...panel.covariateNames],
  };
}

/** Fit one conditional cell; a separating logit is an overlap failure, any other error names the cell. */
function fitConditionalCell(
  cell: ReturnType<typeof conditionalCell>,
  method: EstimationMethod,
  panel: StaggeredPanel,
  g: number,
  t: number,
) {
  try {
    return conditionalTwoByTwo(cell, method);
  } catch (error) {
    if (!(error instanceof MeasureError)) throw error;
    if (error.code === 'MODEL_NO_CONVERGENCE') return 'overlap_violated' as const; // logit separation
    throw new MeasureError(
      error.code,
      `ATT(g = ${panel.periods[g]}, t = ${panel.periods[t]}) with covariates ${panel.covariateNames.join(', ') || '(none)'}: ${error.message}`,
      {
        parameter: 'covariates',
        ...(error.column === undefined ? {} : { column: error.column }),
      },
    );
  }
}
