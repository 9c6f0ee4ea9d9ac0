import type { Table } from '@impact/contracts';
import { binaryColumn, numericColumn } from '../data/columns';
import { MeasureError } from '../errors';
import type { DifferenceInDifferencesParams } from './did-params';
import { refuseConstantOutcome } from './outcome-checks';
import { encodeFactor } from './panel/codes';

/** The difference-in-differences panel read and checked from the table: codes, groups and common timing. */
export interface PanelData {
  y: Float64Array;
  treatedRow: Uint8Array;
  postRow: Uint8Array;
  unitCodes: Int32Array;
  unitCount: number;
  timeCodes: Int32Array;
  timeCount: number;
  timeLevels: (string | number)[];
  firstPostTime: number;
  treatedUnits: number;
  controlUnits: number;
}

/** Read the outcome, group, period and unit columns and check common timing and constant treatment groups. */
export function readPanel(table: Table, params: DifferenceInDifferencesParams): PanelData {
  const y = numericColumn(table, params.outcome, 'outcome');
  refuseConstantOutcome(y, params.outcome, 'difference in differences');
  const treatedRow = binaryColumn(table, params.treated, 'treatment-group');
  const postRow = binaryColumn(table, params.post, 'post-period');
  const unitValues = table.columns[params.unit];
  const timeValues = table.columns[params.time];
  if (unitValues === undefined || timeValues === undefined) {
    const name = unitValues === undefined ? params.unit : params.time;
    throw new MeasureError(
      'DATA_MISSING_COLUMN',
      `${name === params.unit ? 'unit' : 'time'} column "${name}" not found in the data (available: ${Object.keys(table.columns).join(', ')})`,
      { column: name },
    );
  }
  const units = encodeFactor(unitValues);
  const times = encodeFactor(timeValues);
  const n = y.length;

  // Common timing: post must be 0 before the first post period and 1 from it on.
  let firstPostTime = times.levels.length;
  for (let i = 0; i < n; i++)
    if (postRow[i] === 1) firstPostTime = Math.min(firstPostTime, times.codes[i] as number);
  if (firstPostTime === times.levels.length) {
    throw new MeasureError(
      'DATA_NO_POST_PERIOD',
      `post-period column "${params.post}" is 0 in every row: no post-period`,
      { column: params.post },
    );
  }
  if (firstPostTime === 0) {
    throw new MeasureError(
      'DATA_NO_PRE_PERIOD',
      `post-period column "${params.post}" is 1 from the first period (${times.levels[0]}): no pre-period`,
      { column: params.post },
    );
  }
  for (let i = 0; i < n; i++) {
    if (((times.codes[i] as number) >= firstPostTime ? 1 : 0) !== postRow[i]) {
      throw new MeasureError(
        'MODEL_PARAMS_INVALID',
        `post-period column "${params.post}" must be 1 exactly from period ${times.levels[firstPostTime]} on (common treatment start; for staggered adoption use the did_staggered model); row ${i} at ${times.levels[times.codes[i] as number]} has ${postRow[i]}`,
        { column: params.post, row: i },
      );
    }
  }
  // Treatment group constant within unit.
  const unitGroup = new Int8Array(units.levels.length).fill(-1);
  for (let i = 0; i < n; i++) {
    const u = units.codes[i] as number;
    const g = treatedRow[i] as number;
    if (unitGroup[u] === -1) unitGroup[u] = g;
    else if (unitGroup[u] !== g) {
      throw new MeasureError(
        'MODEL_PARAMS_INVALID',
        `treatment-group column "${params.treated}" changes within unit ${units.levels[u]} (row ${i}); it must be constant per unit`,
        {
          column: params.treated,
          row: i,
        },
      );
    }
  }
  let treatedUnits = 0;
  for (const g of unitGroup) if (g === 1) treatedUnits++;
  const controlUnits = unitGroup.length - treatedUnits;
  if (treatedUnits === 0 || controlUnits === 0) {
    throw new MeasureError(
      'DATA_EMPTY_GROUP',
      `treatment-group column "${params.treated}" has ${treatedUnits} treated and ${controlUnits} control units; both groups need at least one`,
      { column: params.treated },
    );
  }
  return {
    y,
    treatedRow,
    postRow,
    unitCodes: units.codes,
    unitCount: units.levels.length,
    timeCodes: times.codes,
    timeCount: times.levels.length,
    timeLevels: times.levels,
    firstPostTime,
    treatedUnits,
    controlUnits,
  };
}
