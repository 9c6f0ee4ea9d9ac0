/**
 * Strict decimal number parsing straight from bytes: `[+-]? (digits [. digits?] | . digits) ([eE] [+-]? digits)?`,
 * with spaces and tabs around it ignored. Anything else — hex `0x10`, `0b1`, `0o7`, `Infinity`, `NaN`,
 * `1_000`, `1,5` — is not a number in a data file. Results are correctly rounded: the usual inputs take the
 * exact fast path (significand below 2^53 and a power of ten up to 1e22, both exact doubles, so one
 * correctly rounded multiplication or division), the rest go through `Number()` on the validated text.
 */

/** Powers of ten that are exact doubles. */
const POW10 = [
  1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19,
  1e20, 1e21, 1e22,
];

/** Integers up to 2^53 are exact doubles; accumulating digits below it loses nothing. */
const MAX_EXACT = 2 ** 53;
const ZERO = 48;
const NINE = 57;
const PLUS = 43;
const MINUS = 45;
const DOT = 46;
const SPACE = 32;
const TAB = 9;

function isBlank(byte: number | undefined): boolean {
  return byte === SPACE || byte === TAB;
}

/**
 * Parse `bytes[start, end)` as a decimal number. Returns `NaN` when the text is not a decimal number and
 * `±Infinity` when it is one too large for a double (e.g. `1e400`).
 *
 * @example
 * ```ts
 * parseDecimalBytes(Buffer.from('-.5e1'), 0, 5); // -5
 * parseDecimalBytes(Buffer.from('0x10'), 0, 4); // NaN
 * ```
 */
export function parseDecimalBytes(bytes: Uint8Array, start: number, end: number): number {
  let i = start;
  let e = end;
  while (i < e && isBlank(bytes[i])) i++;
  while (e > i && isBlank(bytes[e - 1])) e--;
  if (i >= e) return Number.NaN;
  const first = i;
  let negative = false;
  let c = bytes[i] as number;
  if (c === PLUS || c === MINUS) {
    negative = c === MINUS;
    i++;
  }
  let mantissa = 0;
  let significant = 0;
  let exponent = 0;
  let digits = 0;
  while (i < e) {
    c = bytes[i] as number;
    if (c < ZERO || c > NINE) break;
    digits++;
    if (significant > 0 || c !== ZERO) {
      if (significant < 19) mantissa = mantissa * 10 + (c - ZERO);
      else exponent++;
      significant++;
    }
    i++;
  }
  if (i < e && bytes[i] === DOT) {
    i++;
    while (i < e) {
      c = bytes[i] as number;
      if (c < ZERO || c > NINE) break;
      digits++;
      if (significant > 0 || c !== ZERO) {
        if (significant < 19) {
          mantissa = mantissa * 10 + (c - ZERO);
          exponent--;
        }
        significant++;
      } else exponent--;
      i++;
    }
  }
  if (digits === 0) return Number.NaN;
  if (i < e && (bytes[i] === 101 || bytes[i] === 69)) {
    i++;
    let expNegative = false;
    if (i < e && (bytes[i] === PLUS || bytes[i] === MINUS)) {
      expNegative = bytes[i] === MINUS;
      i++;
    }
    let expDigits = 0;
    let explicit = 0;
    while (i < e) {
      c = bytes[i] as number;
      if (c < ZERO || c > NINE) break;
      if (explicit < 100000) explicit = explicit * 10 + (c - ZERO);
      expDigits++;
      i++;
    }
    if (expDigits === 0) return Number.NaN;
    exponent += expNegative ? -explicit : explicit;
  }
  if (i !== e) return Number.NaN;
  let value: number;
  if (significant <= 19 && mantissa <= MAX_EXACT && exponent >= -22 && exponent <= 22) {
    value = exponent >= 0 ? mantissa * (POW10[exponent] as number) : mantissa / (POW10[-exponent] as number);
  } else if (significant === 0) {
    value = 0;
  } else {
    // Validated decimal syntax: Number() reads exactly this grammar and rounds correctly.
    return Number(latin1(bytes, first, e));
  }
  return negative ? -value : value;
}

function latin1(bytes: Uint8Array, start: number, end: number): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset + start, end - start).toString('latin1');
}

const encoder = new TextEncoder();

/**
 * {@link parseDecimalBytes} for a string (JSON Lines values, transforms).
 *
 * @example
 * ```ts
 * parseDecimalString('1e-3'); // 0.001
 * parseDecimalString('1_000'); // NaN
 * ```
 */
export function parseDecimalString(text: string): number {
  const bytes = encoder.encode(text);
  return parseDecimalBytes(bytes, 0, bytes.length);
}
