import { ImpactError } from '@impact/contracts';
import { describe, expect, it } from 'vitest';
import { MeasureError } from '../src/errors';

describe('MeasureError', () => {
  it('is an ImpactError carrying code, column, parameter and row', () => {
    const error = new MeasureError('DATA_NON_FINITE', 'column "y" has a non-finite value (NaN) at row 3', {
      column: 'y',
      row: 3,
    });
    expect(error).toBeInstanceOf(ImpactError);
    expect(error.name).toBe('MeasureError');
    expect(error.code).toBe('DATA_NON_FINITE');
    expect(error.toJSON()).toEqual({
      name: 'MeasureError',
      code: 'DATA_NON_FINITE',
      message: 'column "y" has a non-finite value (NaN) at row 3',
      column: 'y',
      parameter: undefined,
      row: 3,
    });
  });
});
