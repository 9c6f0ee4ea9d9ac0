import type { Table } from '@impact/contracts';
import { numericColumn } from '../../data/columns';
import { MeasureError } from '../../errors';
import { encodeFactor } from '../panel/codes';

/** Cohort code of a unit never treated within the observed window. */
export const NEVER_TREATED = -1;
/** Cohort code of a unit treated from the first observed period on (no pre-period). */
export const ALWAYS_TREATED = 0;

/**
 * A balanced staggered-adoption panel as a dense unit × period matrix, with each unit's cohort: the time index
 * of its first treated period (1 … T−1), {@link NEVER_TREATED} or {@link ALWAYS_TREATED}.
 */
export interface StaggeredPanel {
  /** Outcome, row-major: `outcome[u * periodCount + t]`. */
  outcome: Float64Array;
  unitCount: number;
  periodCount: number;
  /** Period labels in time order. */
  periods: (string | number)[];
  /** Unit labels (sorted). */
  units: (string | number)[];
  /** Cohort of each unit as a time index, or NEVER_TREATED / ALWAYS_TREATED. */
  cohortOfUnit: Int32Array;
  /** Names of the covariates read (empty without covariates). */
  covariateNames: string[];
  /** Each covariate as a unit × period matrix, row-major like `outcome`. */
  covariates: Float64Array[];
}

/** Column names read by {@link readStaggeredPanel}. */
export interface StaggeredColumns {
  outcome: string;
  unit: string;
  time: string;
  /** First treated period of each unit, in the units of `time`; 0 or empty = never treated. */
  group: string;
  /** Numeric covariate columns for conditional parallel trends (may vary over time). */
  covariates?: readonly string[];
}

function isNeverValue(value: string | number): boolean {
  return value === 0 || value === '' || value === '0';
}

/**
 * Read a staggered panel: every unit observed once in every period, the cohort column constant within unit
 * and equal to one of the observed periods, 0/empty (never treated) or a value after the last period (not
 * treated within the window, so a never-treated control, as in the `did` R package).
 *
 * @example
 * ```ts
 * const panel = readStaggeredPanel(table, { outcome: 'lemp', unit: 'countyreal', time: 'year', group: 'first.treat' });
 * ```
 */
export function readStaggeredPanel(table: Table, columns: StaggeredColumns): StaggeredPanel {
  const y = numericColumn(table, columns.outcome, 'outcome');
  const covariateNames = [...(columns.covariates ?? [])];
  const covariateValues = covariateNames.map((name) => numericColumn(table, name, 'covariate'));
  const unitValues = table.columns[columns.unit];
  const timeValues = table.columns[columns.time];
  const groupValues = table.columns[columns.group];
  for (const [role, name, values] of [
    ['unit', columns.unit, unitValues],
    ['time', columns.time, timeValues],
    ['group (first treated period)', columns.group, groupValues],
  ] as const) {
    if (values === undefined) {
      throw new MeasureError(
        'DATA_MISSING_COLUMN',
        `${role} column "${name}" not found in the data (available: ${Object.keys(table.columns).join(', ')})`,
        { column: name },
      );
    }
  }
  const units = encodeFactor(unitValues as NonNullable<typeof unitValues>);
  const times = encodeFactor(timeValues as NonNullable<typeof timeValues>);
  const groups = groupValues as NonNullable<typeof groupValues>;
  const unitCount = units.levels.length;
  const periodCount = times.levels.length;
  if (periodCount < 2) {
    throw new MeasureError(
      'DATA_NO_PRE_PERIOD',
      `staggered DiD needs at least 2 periods in "${columns.time}", found ${periodCount}`,
      { column: columns.time },
    );
  }
  const n = y.length;
  if (n !== unitCount * periodCount) {
    throw new MeasureError(
      'DATA_TOO_FEW_ROWS',
      `staggered DiD needs a balanced panel: ${unitCount} units × ${periodCount} periods = ${unitCount * periodCount} rows, found ${n}`,
      { column: columns.unit },
    );
  }
  const outcome = new Float64Array(n).fill(Number.NaN);
  const timeIndex = new Map<string | number, number>();
  times.levels.forEach((level, index) => {
    timeIndex.set(level, index);
    timeIndex.set(String(level), index);
  });
  const numericTime = typeof times.levels[0] === 'number';
  const lastPeriod = times.levels[periodCount - 1] as string | number;
  const firstPeriod = times.levels[0] as string | number;
  const cohortOfUnit = new Int32Array(unitCount).fill(-2);
  const cohortRow = new Int32Array(unitCount);
  const covariates = covariateNames.map(() => new Float64Array(n));
  for (let i = 0; i < n; i++) {
    const u = units.codes[i] as number;
    const cell = u * periodCount + (times.codes[i] as number);
    if (!Number.isNaN(outcome[cell] as number)) {
      throw new MeasureError(
        'DATA_TOO_FEW_ROWS',
        `unit ${units.levels[u]} appears twice in period ${times.levels[times.codes[i] as number]} (row ${i}); staggered DiD needs one row per unit and period`,
        { column: columns.unit, row: i },
      );
    }
    outcome[cell] = y[i] as number;
    covariateValues.forEach((values, k) => {
      (covariates[k] as Float64Array)[cell] = values[i] as number;
    });
    const raw = groups[i] as string | number;
    const cohort = cohortCode(raw, timeIndex, numericTime, firstPeriod, lastPeriod);
    if (cohort === undefined) {
      throw new MeasureError(
        'MODEL_PARAMS_INVALID',
        `group column "${columns.group}" row ${i} has ${JSON.stringify(raw)}: expected 0/empty (never treated) or a period of "${columns.time}" (${firstPeriod} … ${lastPeriod})`,
        { column: columns.group, row: i },
      );
    }
    const previous = cohortOfUnit[u] as number;
    if (previous === -2) {
      cohortOfUnit[u] = cohort;
      cohortRow[u] = i;
    } else if (previous !== cohort) {
      throw new MeasureError(
        'MODEL_PARAMS_INVALID',
        `group column "${columns.group}" changes within unit ${units.levels[u]} (rows ${cohortRow[u]} and ${i}); the first treated period must be constant per unit`,
        { column: columns.group, row: i },
      );
    }
  }
  return {
    outcome,
    unitCount,
    periodCount,
    periods: times.levels,
    units: units.levels,
    cohortOfUnit,
    covariateNames,
    covariates,
  };
}

function cohortCode(
  raw: string | number,
  timeIndex: Map<string | number, number>,
  numericTime: boolean,
  firstPeriod: string | number,
  lastPeriod: string | number,
): number | undefined {
  if (isNeverValue(raw)) return NEVER_TREATED;
  const index = timeIndex.get(raw) ?? timeIndex.get(String(raw));
  if (index !== undefined) return index === 0 ? ALWAYS_TREATED : index;
  const value = numericTime ? Number(raw) : String(raw);
  if (numericTime && !Number.isFinite(value)) return undefined;
  if (value > lastPeriod) return NEVER_TREATED;
  if (value < firstPeriod) return ALWAYS_TREATED;
  return undefined;
}
