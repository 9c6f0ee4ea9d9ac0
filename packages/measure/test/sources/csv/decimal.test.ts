import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseDecimalBytes, parseDecimalString } from '../../../src/sources/csv/decimal';

describe('parseDecimalString', () => {
  it.each([
    ['1e-3', 0.001],
    ['-.5', -0.5],
    ['+2.', 2],
    ['  42\t', 42],
    ['0.1', 0.1],
    ['-0', -0],
    ['1E+2', 100],
    ['007', 7],
    ['123456789012345678901234567890', 1.2345678901234568e29],
    ['0.000000000000000000000000000123', 1.23e-28],
    ['1e400', Number.POSITIVE_INFINITY],
    ['-1e400', Number.NEGATIVE_INFINITY],
    ['1e-400', 0],
  ])('reads %j as %d', (text, expected) => {
    expect(Object.is(parseDecimalString(text), expected)).toBe(true);
  });

  it.each([
    '0x10',
    '0b1',
    '0o7',
    'Infinity',
    '-Infinity',
    'NaN',
    '1_000',
    '1,5',
    '',
    ' ',
    '.',
    '-',
    'e5',
    '1e',
    '1e+',
    '1.2.3',
    '--1',
    '1 2',
    'abc',
  ])('refuses %j', (text) => {
    expect(parseDecimalString(text)).toBeNaN();
  });

  it('agrees with Number() on every finite double written by toString / toExponential / toFixed', () => {
    fc.assert(
      fc.property(
        fc.double({ noNaN: true, noDefaultInfinity: true }),
        fc.integer({ min: 0, max: 20 }),
        (x, digits) => {
          for (const text of [
            String(x),
            x.toExponential(digits),
            Math.abs(x) < 1e21 ? x.toFixed(digits) : String(x),
          ]) {
            expect(Object.is(parseDecimalString(text), Number(text))).toBe(true);
          }
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('agrees with Number() on random decimal strings (many digits, exponents near the fast-path limits)', () => {
    const digits = fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: 1, maxLength: 25 });
    fc.assert(
      fc.property(
        fc.boolean(),
        digits,
        fc.option(digits),
        fc.option(fc.integer({ min: -330, max: 330 })),
        (negative, whole, fraction, exponent) => {
          const text = `${negative ? '-' : ''}${whole}${fraction === null ? '' : `.${fraction}`}${exponent === null ? '' : `e${exponent}`}`;
          expect(Object.is(parseDecimalString(text), Number(text))).toBe(true);
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('reads a slice of a larger buffer', () => {
    const bytes = Buffer.from('x,12.5,y');
    expect(parseDecimalBytes(bytes, 2, 6)).toBe(12.5);
  });
});
