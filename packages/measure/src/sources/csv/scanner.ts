import { MeasureError } from '../../errors';

const COMMA = 44;
const QUOTE = 34;
const LF = 10;
const CR = 13;

/** Receives the fields of a CSV byte stream, in order. */
export interface CsvSink {
  /**
   * One field: `bytes[start, end)` is its content (without the surrounding quotes; `escaped` when it holds
   * `""` pairs still to be unescaped). `line` is the 1-based line the field starts on.
   */
  field(index: number, bytes: Buffer, start: number, end: number, escaped: boolean, line: number): void;
  /** End of a record of `count` fields that started on `line`. */
  record(count: number, line: number): void;
}

/**
 * Incremental RFC 4180 scanner over byte chunks: quoted fields, `""` escapes, embedded newlines, LF / CRLF /
 * CR line ends, blank lines skipped. `scan` consumes whole fields only and returns where the first
 * incomplete one starts, so the caller moves that tail to the front of the next chunk; line numbers count
 * every line break, including those inside quoted fields.
 */
export class CsvScanner {
  /** 1-based line of the next byte. */
  line = 1;
  private fieldIndex = 0;
  private recordLine = 1;

  constructor(
    private readonly sink: CsvSink,
    private readonly file: string,
  ) {}

  /**
   * Scan `bytes[start, end)`; `final` when no more bytes follow. Returns the offset of the first byte not
   * consumed (always `end` when final).
   */
  scan(bytes: Buffer, start: number, end: number, final: boolean): number {
    let i = start;
    while (i < end) {
      const fieldStart = i;
      if (this.fieldIndex === 0) {
        const c = bytes[i];
        if (c === LF || c === CR) {
          // Blank line.
          if (c === CR && i + 1 >= end && !final) return i;
          i += c === CR && i + 1 < end && bytes[i + 1] === LF ? 2 : 1;
          this.line++;
          continue;
        }
        this.recordLine = this.line;
      }
      let contentStart = i;
      let contentEnd: number;
      let escaped = false;
      let newlines = 0;
      let j: number;
      if (bytes[i] === QUOTE) {
        contentStart = i + 1;
        const close = this.closingQuote(bytes, i + 1, end, final);
        if (close < 0) return fieldStart;
        escaped = this.escaped;
        newlines = this.newlines;
        contentEnd = close;
        j = close + 1;
        if (j < end) {
          const next = bytes[j];
          if (next !== COMMA && next !== LF && next !== CR) {
            throw new MeasureError(
              'DATA_FILE_INVALID',
              `${this.file}:${this.line + newlines}: unexpected ${JSON.stringify(String.fromCharCode(next as number))} after a closing quote (field ${this.fieldIndex + 1})`,
              { row: this.line + newlines },
            );
          }
        }
      } else {
        j = i;
        while (j < end) {
          const c = bytes[j];
          if (c === COMMA || c === LF || c === CR) break;
          j++;
        }
        contentEnd = j;
      }
      // j is at the delimiter (or the end). Make sure the delimiter is complete before emitting.
      if (j >= end && !final) return fieldStart;
      const delimiter = j < end ? bytes[j] : undefined;
      if (delimiter === CR && j + 1 >= end && !final) return fieldStart;
      this.sink.field(this.fieldIndex, bytes, contentStart, contentEnd, escaped, this.line);
      this.line += newlines;
      if (delimiter === COMMA) {
        this.fieldIndex++;
        i = j + 1;
        if (i >= end && final) {
          this.sink.field(this.fieldIndex, bytes, i, i, false, this.line);
          this.endRecord();
        }
        continue;
      }
      this.endRecord();
      if (delimiter === undefined) return end;
      i = j + (delimiter === CR && j + 1 < end && bytes[j + 1] === LF ? 2 : 1);
      this.line++;
    }
    return i;
  }

  /** Set by {@link closingQuote}: the quoted field holds `""`, and how many line breaks it holds. */
  private escaped = false;
  private newlines = 0;

  /**
   * Index of the quote closing a quoted field whose content starts at `from`, or -1 when the chunk ends
   * before it is certain (the caller re-scans the field with more bytes).
   */
  private closingQuote(bytes: Buffer, from: number, end: number, final: boolean): number {
    this.escaped = false;
    this.newlines = 0;
    let j = from;
    for (;;) {
      if (j >= end) {
        if (!final) return -1;
        throw new MeasureError(
          'DATA_FILE_INVALID',
          `${this.file}:${this.line}: unterminated quoted field (the quote opened here is never closed)`,
          { row: this.line },
        );
      }
      const c = bytes[j];
      if (c === QUOTE) {
        if (j + 1 >= end && !final) return -1;
        if (j + 1 < end && bytes[j + 1] === QUOTE) {
          this.escaped = true;
          j += 2;
          continue;
        }
        return j;
      }
      if (c === LF) this.newlines++;
      else if (c === CR) {
        if (j + 1 >= end && !final) return -1;
        if (j + 1 >= end || bytes[j + 1] !== LF) this.newlines++;
      }
      j++;
    }
  }

  private endRecord(): void {
    this.sink.record(this.fieldIndex + 1, this.recordLine);
    this.fieldIndex = 0;
  }
}
