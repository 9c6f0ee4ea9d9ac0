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

  const unitGroup = new Int8Array(units.levels.length).fill(-1);
  // One pass: the post values seen in each period (seen[t]: a 0, seen[T + t]: a 1; stores only, no
  // read-modify-write chain) and the first row whose treatment group differs from its unit's earlier rows;
  // the row-by-row checks below run only to name a failure.
  const periods = times.levels.length;
  const seen = new Uint8Array(2 * periods);
  const timeCodes = times.codes;
  let groupConflict = -1;
  for (let i = 0; i < n; i++) {
    seen[(timeCodes[i] as number) + (postRow[i] === 1 ? periods : 0)] = 1;
    const u = units.codes[i] as number;
    const g = treatedRow[i] as number;
    if (unitGroup[u] === -1) unitGroup[u] = g;
    else if (unitGroup[u] !== g && groupConflict < 0) groupConflict = i;
  }
  // Common timing: post must be 0 before the first post period and 1 from it on.
  let firstPostTime = periods;
  for (let t = 0; t < periods && firstPostTime === periods; t++)
    if (seen[periods + t] === 1) firstPostTime = t;
  if (firstPostTime === periods) {
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
  // Before the first post period no 1 can occur (by its definition); from it on no 0 may.
  let commonTiming = true;
  for (let t = firstPostTime; t < periods; t++) if (seen[t] === 1) commonTiming = false;
  if (!commonTiming) refuseTiming(postRow, times, firstPostTime, params.post);
  if (groupConflict >= 0) {
    throw new MeasureError(
      'MODEL_PARAMS_INVALID',
      `treatment-group column "${params.treated}" changes within unit ${units.levels[units.codes[groupConflict] as number]} (row ${groupConflict}); it must be constant per unit`,
      {
        column: params.treated,
        row: groupConflict,
      },
    );
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

/** Throw the common-timing error at the first row whose post value disagrees with its period. */
function refuseTiming(
  postRow: Uint8Array,
  times: { codes: Int32Array; levels: (string | number)[] },
  firstPostTime: number,
  post: string,
): never {
  const n = postRow.length;
  let i = 0;
  while (i < n && ((times.codes[i] as number) >= firstPostTime ? 1 : 0) === postRow[i]) i++;
  throw new MeasureError(
    'MODEL_PARAMS_INVALID',
    `post-period column "${post}" must be 1 exactly from period ${times.levels[firstPostTime]} on (common treatment start; for staggered adoption use the did_staggered model); row ${i} at ${times.levels[times.codes[i] as number]} has ${postRow[i]}`,
    { column: post, row: i },
  );
}
