/** The long unit × period table of a synthetic-control estimate as a balanced wide panel, with its checks. */
import type { Table } from '@impact/contracts';
import { binaryColumn, numericColumn } from '../data/columns';
import { MeasureError } from '../errors';
import { encodeFactor } from './panel/codes';

/** The columns a synthetic-control panel is read from. */
export interface PanelColumns {
  outcome: string;
  unit: string;
  time: string;
  treated: string;
  post: string;
}

/** A balanced panel: the outcome per unit and period, which units are treated and which periods are post. */
export interface WidePanel {
  /** T×U column-major outcome matrix. */
  series: Float64Array;
  periods: number;
  units: number;
  unitLevels: (string | number)[];
  timeLevels: (string | number)[];
  unitTreated: Uint8Array;
  isPost: Uint8Array;
}

/**
 * Read a balanced wide panel from long data: one row per unit × period, `treated` constant within a unit and
 * `post` a function of time; typed errors name the column and row otherwise.
 */
export function toWide(table: Table, params: PanelColumns): WidePanel {
  const y = numericColumn(table, params.outcome, 'outcome');
  const treated = binaryColumn(table, params.treated, 'treated-unit');
  const post = binaryColumn(table, params.post, 'post-period');
  for (const [name, role] of [
    [params.unit, 'unit'],
    [params.time, 'time'],
  ] as const) {
    if (table.columns[name] === undefined) {
      throw new MeasureError(
        'DATA_MISSING_COLUMN',
        `${role} column "${name}" not found in the data (available: ${Object.keys(table.columns).join(', ')})`,
        { column: name },
      );
    }
  }
  const units = encodeFactor(table.columns[params.unit] as never);
  const times = encodeFactor(table.columns[params.time] as never);
  const periods = times.levels.length;
  const unitCount = units.levels.length;
  const series = new Float64Array(periods * unitCount).fill(Number.NaN);
  const unitTreated = new Uint8Array(unitCount).fill(255);
  const isPost = new Uint8Array(periods).fill(255);
  for (let i = 0; i < y.length; i++) {
    const u = units.codes[i] as number;
    const t = times.codes[i] as number;
    const cell = u * periods + t;
    if (!Number.isNaN(series[cell] as number)) {
      throw new MeasureError(
        'MODEL_PARAMS_INVALID',
        `unit ${units.levels[u]} has more than one row for period ${times.levels[t]} (row ${i}); aggregate to one row per unit × period first`,
        {
          column: params.unit,
          row: i,
        },
      );
    }
    series[cell] = y[i] as number;
    if (unitTreated[u] === 255) unitTreated[u] = treated[i] as number;
    else if (unitTreated[u] !== treated[i]) {
      throw new MeasureError(
        'MODEL_PARAMS_INVALID',
        `treated column "${params.treated}" changes within unit ${units.levels[u]} (row ${i})`,
        { column: params.treated, row: i },
      );
    }
    if (isPost[t] === 255) isPost[t] = post[i] as number;
    else if (isPost[t] !== post[i]) {
      throw new MeasureError(
        'MODEL_PARAMS_INVALID',
        `post column "${params.post}" differs between units in period ${times.levels[t]} (row ${i}); it must be a function of time`,
        {
          column: params.post,
          row: i,
        },
      );
    }
  }
  for (let cell = 0; cell < series.length; cell++) {
    if (Number.isNaN(series[cell] as number)) {
      const u = Math.floor(cell / periods);
      throw new MeasureError(
        'DATA_TOO_FEW_ROWS',
        `synthetic control needs a balanced panel: unit ${units.levels[u]} has no row for period ${times.levels[cell % periods]}`,
        {
          column: params.unit,
        },
      );
    }
  }
  return {
    series,
    periods,
    units: unitCount,
    unitLevels: units.levels,
    timeLevels: times.levels,
    unitTreated,
    isPost,
  };
}
