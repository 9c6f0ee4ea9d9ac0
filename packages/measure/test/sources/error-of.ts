import { expect } from 'vitest';
import { MeasureError } from '../../src/index';

/** The `MeasureError` that `run` throws or rejects with (fails the test when it throws anything else or nothing). */
export async function errorOf(run: () => unknown): Promise<MeasureError> {
  try {
    await run();
  } catch (error) {
    expect(error).toBeInstanceOf(MeasureError);
    return error as MeasureError;
  }
  throw new Error('expected an error');
}
