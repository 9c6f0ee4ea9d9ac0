import type { Table } from '@impact/contracts';
import { binaryColumn } from '../data/columns';
import { MeasureError } from '../errors';

/** Where the post-period starts: a 0/1 `post` column, or `intervention` (first post date, or 0-based position). */
export interface InterventionSpec {
  post: string;
  time: string;
  intervention?: string | number | undefined;
}

/** The sorted time index of a series (see `readTimeIndex` in its.ts). */
export interface SortedTime {
  index: Float64Array;
  labels: (string | number)[];
  dates: boolean;
  /** Row numbers in time order. */
  order: number[];
}

const DAY_MS = 86_400_000;

/**
 * Position (in time order) of the first post-intervention period. With `intervention` a date, the first period
 * on or after it (the time column must hold ISO dates); with a number, that 0-based position in time order;
 * otherwise from the 0/1 `post` column, which must be 0 before and 1 after. Throws `DATA_NO_PRE_PERIOD` /
 * `DATA_NO_POST_PERIOD` when either side is empty.
 *
 * @example
 * ```ts
 * firstPostPosition(table, { post: 'post', time: 'date', intervention: '2024-03-01' }, sorted); // e.g. 60
 * ```
 */
export function firstPostPosition(table: Table, spec: InterventionSpec, time: SortedTime): number {
  const n = time.order.length;
  let firstPost: number;
  let source: string;
  if (spec.intervention === undefined) {
    firstPost = fromPostColumn(table, spec, time);
    source = `post column "${spec.post}"`;
  } else if (typeof spec.intervention === 'number') {
    firstPost = spec.intervention;
    source = `intervention ${spec.intervention} (0-based position in time order)`;
  } else {
    if (!time.dates) {
      throw new MeasureError(
        'MODEL_PARAMS_INVALID',
        `intervention "${spec.intervention}" is a date, but time column "${spec.time}" holds numbers; give the 0-based position of the first post period instead`,
        { parameter: 'intervention' },
      );
    }
    const day = Date.parse(`${spec.intervention}T00:00:00Z`) / DAY_MS;
    firstPost = time.order.findIndex((row) => (time.index[row] as number) >= day);
    if (firstPost < 0) firstPost = n;
    source = `intervention date ${spec.intervention}`;
  }
  if (firstPost >= n) {
    throw new MeasureError(
      'DATA_NO_POST_PERIOD',
      `${source} leaves no post-period (last period ${time.labels[time.order[n - 1] as number]})`,
      {
        parameter: spec.intervention === undefined ? undefined : 'intervention',
        column: spec.intervention === undefined ? spec.post : undefined,
      },
    );
  }
  if (firstPost === 0) {
    throw new MeasureError(
      'DATA_NO_PRE_PERIOD',
      `${source} starts the post-period at the first period: no pre-period`,
      {
        parameter: spec.intervention === undefined ? undefined : 'intervention',
        column: spec.intervention === undefined ? spec.post : undefined,
      },
    );
  }
  return firstPost;
}

function fromPostColumn(table: Table, spec: InterventionSpec, time: SortedTime): number {
  const postColumn = binaryColumn(table, spec.post, 'post-period');
  let firstPost = -1;
  for (let r = 0; r < time.order.length; r++) {
    const row = time.order[r] as number;
    const flag = postColumn[row] as number;
    if (flag === 1 && firstPost < 0) firstPost = r;
    if (flag === 0 && firstPost >= 0) {
      throw new MeasureError(
        'MODEL_PARAMS_INVALID',
        `post column "${spec.post}" returns to 0 at ${time.labels[row]} after the intervention; it must be 0 before and 1 after`,
        { column: spec.post, row },
      );
    }
  }
  return firstPost < 0 ? time.order.length : firstPost;
}
