import { ConfigError, ImpactError, IoError } from '@impact/contracts';
import { describe, expect, it } from 'vitest';
import { errorKind, isInfrastructureError, LoopError } from '../../src/index';

const system = (code: string) => Object.assign(new Error(code), { code });

describe('errorKind', () => {
  it.each([
    ['CONFIG_INVALID', new ConfigError('CONFIG_INVALID', 'x')],
    ['DATA_MISSING_COLUMN', new ImpactError('DATA_MISSING_COLUMN', 'x')],
    ['MODEL_SINGULAR_DESIGN', new ImpactError('MODEL_SINGULAR_DESIGN', 'x')],
    ['MODEL_NO_CONVERGENCE', new ImpactError('MODEL_NO_CONVERGENCE', 'x')],
    ['ALLOCATION_INFEASIBLE', new ImpactError('ALLOCATION_INFEASIBLE', 'x')],
    ['ALLOCATION_UNKNOWN_ID', new ImpactError('ALLOCATION_UNKNOWN_ID', 'x')],
    ['ALLOCATION_DUPLICATE_ID', new ImpactError('ALLOCATION_DUPLICATE_ID', 'x')],
    ['ALLOCATION_EMPTY_INPUT', new ImpactError('ALLOCATION_EMPTY_INPUT', 'x')],
    ['REVIEW_PROVIDER_MISSING', new ImpactError('REVIEW_PROVIDER_MISSING', 'x')],
    ['LOOP_OUTPUT_INVALID', new LoopError('LOOP_OUTPUT_INVALID', 'x')],
    [
      'LOOP_ALLOCATION_FAILED wrapping ALLOCATION_INFEASIBLE',
      new LoopError('LOOP_ALLOCATION_FAILED', 'x', { cause: new ImpactError('ALLOCATION_INFEASIBLE', 'y') }),
    ],
  ])('%s is the user’s to fix', (_name, error) => {
    expect(errorKind(error)).toBe('user');
  });

  it.each([
    ['ENOSPC', system('ENOSPC')],
    ['EIO', system('EIO')],
    ['IoError', new IoError('IO_WRITE_FAILED', 'x')],
    ['STORAGE_FAILED caused by EROFS', new ImpactError('STORAGE_FAILED', 'x', { cause: system('EROFS') })],
    [
      'a wrapped ENOSPC two levels down',
      new Error('a', { cause: new Error('b', { cause: system('ENOSPC') }) }),
    ],
    ['RangeError: Array buffer allocation failed', new RangeError('Array buffer allocation failed')],
    [
      'LOOP_INFRASTRUCTURE_FAILED',
      new LoopError('LOOP_INFRASTRUCTURE_FAILED', 'x', { cause: system('ENOSPC') }),
    ],
  ])('%s is an infrastructure failure', (_name, error) => {
    expect(isInfrastructureError(error)).toBe(true);
    expect(errorKind(error)).toBe('infrastructure');
  });

  it.each([
    ['a plain Error', new Error('bug')],
    ['a TypeError', new TypeError('x is undefined')],
    [
      'LOOP_ALLOCATION_FAILED wrapping a bug',
      new LoopError('LOOP_ALLOCATION_FAILED', 'x', { cause: new Error('bug') }),
    ],
    [
      'STORAGE_FAILED without a system cause is not the machine',
      new ImpactError('STORAGE_FAILED', 'bad job id'),
    ],
    ['ENOENT (a missing input) is not infrastructure', system('ENOENT')],
  ])('%s is internal', (_name, error) => {
    expect(errorKind(error)).toBe('internal');
  });

  it('a fail_fast stop is its own kind', () => {
    expect(errorKind(new LoopError('LOOP_STAGE_FAILED', 'x'))).toBe('stage');
  });
});
