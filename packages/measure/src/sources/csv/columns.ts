import type { ColumnValues } from '@impact/contracts';
import { MeasureError } from '../../errors';
import { type MissingPolicy, missingValueError } from '../missing';
import { parseDecimalBytes, parseDecimalString } from './decimal';

/** How a kept column is typed: declared (`number`, `binary`, `string`) or inferred (`infer`: numeric until a text cell). */
export type ColumnKind = 'infer' | 'number' | 'binary' | 'string';

/** One column to keep: where it is in the file, what the model calls it, its type, whether the model uses it. */
export interface ColumnPlan {
  /** Name in the file. */
  source: string;
  /** Name in the table (after the `columns:` mapping). */
  name: string;
  kind: ColumnKind;
  /** Missing cells here follow the policy (error / drop); elsewhere they are only marked. */
  used: boolean;
}

/**
 * Thrown by an inferred column that meets a text cell after numbers were stored: the reader starts again
 * with the column read as text, so text cells keep their exact spelling (`007` stays `007`).
 */
export class RestartAsText extends Error {
  constructor(readonly source: string) {
    super(`column "${source}" holds text`);
  }
}

const INFINITE_WORDS = new Set(['inf', '-inf', '+inf', 'infinity', '-infinity', '+infinity', 'nan']);

/** Per-read settings shared by every column builder. */
export interface ReadContext {
  file: string;
  policy: MissingPolicy;
  /** Rows expected (a hint for the first allocation). */
  expectedRows: number;
}

/**
 * Growable typed storage for one column: numbers straight into a Float64Array (parsed once), text
 * interned per column, and a lazily allocated 0/1 mask of missing cells.
 */
export class ColumnBuilder {
  length = 0;
  private numbers: Float64Array;
  private strings: string[] | undefined;
  private mask: Uint8Array | undefined;
  private readonly interned = new Map<string, string>();
  private readonly markerBytes: Uint8Array[];
  private readonly emptyIsMissing: boolean;

  constructor(
    readonly plan: ColumnPlan,
    private readonly context: ReadContext,
  ) {
    this.numbers = new Float64Array(plan.kind === 'string' ? 0 : Math.max(16, context.expectedRows));
    if (plan.kind === 'string') this.strings = [];
    const encoder = new TextEncoder();
    this.markerBytes = context.policy.markers.filter((m) => m !== '').map((m) => encoder.encode(m));
    this.emptyIsMissing = context.policy.markers.includes('');
  }

  /** Append one CSV cell `bytes[start, end)`; `escaped`: the quoted cell contains `""`. */
  pushBytes(bytes: Buffer, start: number, end: number, escaped: boolean, line: number): void {
    let s = start;
    let e = end;
    while (s < e && (bytes[s] === 32 || bytes[s] === 9)) s++;
    while (e > s && (bytes[e - 1] === 32 || bytes[e - 1] === 9)) e--;
    if (this.isMarker(bytes, s, e)) {
      this.pushMissing(bytes.toString('utf8', start, end), line);
      return;
    }
    if (this.strings !== undefined) {
      this.pushString(decodeCell(bytes, start, end, escaped));
      return;
    }
    const value = escaped ? Number.NaN : parseDecimalBytes(bytes, s, e);
    this.pushParsed(value, () => decodeCell(bytes, start, end, escaped), line);
  }

  /** Append one JSON value (`undefined`: the key is absent on this line). */
  pushValue(value: unknown, line: number): void {
    if (value === null || value === undefined) {
      this.pushMissing(value === null ? 'null' : '', line, value === undefined ? '(no such key)' : 'null');
      return;
    }
    if (typeof value === 'object') {
      throw new MeasureError(
        'DATA_FILE_INVALID',
        `${this.context.file}:${line}: field "${this.plan.source}" holds a nested value; expected a number, string or boolean`,
        { column: this.plan.name, row: line },
      );
    }
    if (typeof value === 'string') {
      if (this.context.policy.markers.includes(value.trim())) {
        this.pushMissing(value, line);
        return;
      }
      if (this.strings !== undefined) this.pushString(value);
      else this.pushParsed(parseDecimalString(value), () => value, line);
      return;
    }
    const text = String(value);
    if (this.strings !== undefined) this.pushString(text);
    else this.pushParsed(typeof value === 'boolean' ? Number(value) : (value as number), () => text, line);
  }

  /** `count` rows before this column first appeared (JSON Lines): missing cells, first of them at `line`. */
  padMissing(count: number, line: number): void {
    for (let k = 0; k < count; k++) this.pushMissing('', line, '(no such key)');
  }

  /** Make room for `rows` cells in one allocation (the reader's estimate from the first chunk). */
  reserve(rows: number): void {
    if (this.strings !== undefined || rows <= this.numbers.length) return;
    const bigger = new Float64Array(rows);
    bigger.set(this.numbers.subarray(0, this.length));
    this.numbers = bigger;
  }

  /** The finished column and its missing mask (undefined when nothing was missing). */
  finish(): { values: ColumnValues; missing: Uint8Array | undefined } {
    const n = this.length;
    const missing = this.mask === undefined ? undefined : this.mask.slice(0, n);
    if (this.strings !== undefined) {
      this.strings.length = n;
      return { values: this.strings, missing };
    }
    if (this.plan.kind === 'binary') return { values: Uint8Array.from(this.numbers.subarray(0, n)), missing };
    // Within 3% of the estimate: a view (no copy, so no second peak); otherwise an exact copy.
    const values =
      this.numbers.length - n <= Math.max(16, n * 0.03)
        ? this.numbers.subarray(0, n)
        : this.numbers.slice(0, n);
    this.numbers = new Float64Array(0);
    return { values, missing };
  }

  private isMarker(bytes: Uint8Array, s: number, e: number): boolean {
    if (s === e) return this.emptyIsMissing;
    for (const marker of this.markerBytes) {
      if (marker.length !== e - s) continue;
      let same = true;
      for (let k = 0; k < marker.length; k++) {
        if (marker[k] !== bytes[s + k]) {
          same = false;
          break;
        }
      }
      if (same) return true;
    }
    return false;
  }

  private where(line: number): string {
    return `${this.context.file}:${line}`;
  }

  private pushMissing(text: string, line: number, shown = text): void {
    if (this.plan.used && this.context.policy.policy === 'error')
      throw missingValueError(this.where(line), this.plan.name, shown, line);
    const i = this.length;
    if (this.strings !== undefined) {
      this.strings.push(this.intern(text));
      this.markMissing(i, Math.max(16, this.strings.length));
    } else {
      this.grow();
      this.numbers[i] = Number.NaN;
      this.markMissing(i, this.numbers.length);
    }
    this.length = i + 1;
  }

  private markMissing(i: number, capacity: number): void {
    if (this.mask === undefined) this.mask = new Uint8Array(Math.max(capacity, i + 1));
    else if (i >= this.mask.length) {
      const bigger = new Uint8Array(Math.max(capacity, this.mask.length * 2));
      bigger.set(this.mask);
      this.mask = bigger;
    }
    this.mask[i] = 1;
  }

  private pushString(text: string): void {
    (this.strings as string[]).push(this.intern(text));
    this.length++;
  }

  private intern(text: string): string {
    const known = this.interned.get(text);
    if (known !== undefined) return known;
    this.interned.set(text, text);
    return text;
  }

  private grow(): void {
    if (this.length < this.numbers.length) return;
    const bigger = new Float64Array(Math.max(16, Math.ceil(this.numbers.length * 1.5)));
    bigger.set(this.numbers);
    this.numbers = bigger;
  }

  private pushParsed(parsed: number, textOf: () => string, line: number): void {
    let value = parsed;
    const { kind, name } = this.plan;
    if (!Number.isFinite(value)) {
      const text = textOf().trim();
      if (kind === 'binary' && (text === 'true' || text === 'false')) value = text === 'true' ? 1 : 0;
      else if (kind === 'infer') {
        if (this.length > 0) throw new RestartAsText(this.plan.source);
        this.strings = [];
        this.numbers = new Float64Array(0);
        this.pushString(textOf());
        return;
      } else {
        const nonFinite = !Number.isNaN(value) || INFINITE_WORDS.has(text.toLowerCase());
        throw new MeasureError(
          nonFinite ? 'DATA_NON_FINITE' : 'DATA_NOT_NUMERIC',
          `${this.where(line)}: column "${name}" must be ${kind === 'binary' ? '0/1' : 'a finite decimal number'}, found ${JSON.stringify(text)}`,
          { column: name, row: line },
        );
      }
    }
    if (kind === 'binary' && value !== 0 && value !== 1) {
      throw new MeasureError(
        'DATA_NOT_BINARY',
        `${this.where(line)}: column "${name}" must be 0/1, found ${JSON.stringify(textOf().trim())}`,
        { column: name, row: line },
      );
    }
    this.grow();
    this.numbers[this.length++] = value;
  }
}

function decodeCell(bytes: Buffer, start: number, end: number, escaped: boolean): string {
  const text = bytes.toString('utf8', start, end);
  return escaped ? text.replaceAll('""', '"') : text;
}

/** Finish every kept column builder: values and missing masks by column name. */
export function finishColumns(builders: Iterable<ColumnBuilder | undefined>): {
  columns: Record<string, ColumnValues>;
  missing: Record<string, Uint8Array | undefined>;
} {
  const columns: Record<string, ColumnValues> = {};
  const missing: Record<string, Uint8Array | undefined> = {};
  for (const builder of builders) {
    if (builder === undefined) continue;
    const done = builder.finish();
    columns[builder.plan.name] = done.values;
    missing[builder.plan.name] = done.missing;
  }
  return { columns, missing };
}

/**
 * Run a one-pass read, re-running it with a column switched to text each time an inferred numeric
 * column turns out to hold text ({@link RestartAsText}); each column restarts at most once.
 */
export function readWithTextRestarts<T>(readOnce: (kinds: Map<string, ColumnKind>) => T): T {
  const kinds = new Map<string, ColumnKind>();
  for (;;) {
    try {
      return readOnce(kinds);
    } catch (error) {
      if (!(error instanceof RestartAsText) || kinds.has(error.source)) throw error;
      kinds.set(error.source, 'string');
    }
  }
}
