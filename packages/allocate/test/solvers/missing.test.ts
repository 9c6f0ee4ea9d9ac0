import { describe, expect, it, vi } from 'vitest';

vi.mock('glpk.js/node', () => {
  throw new Error("Cannot find package 'glpk.js'");
});
vi.mock('highs', () => {
  throw new Error("Cannot find package 'highs'");
});

describe('missing optional engines', () => {
  it('glpk: a coded error that says to install glpk.js', async () => {
    const { allocate } = await import('../../src/index');
    const { referenceReviews } = await import('../helpers');
    await expect(
      allocate(referenceReviews(), { objective: 'gross', budget: 10, solver: 'glpk' }),
    ).rejects.toMatchObject({
      code: 'ALLOCATION_SOLVER_MISSING',
      message: expect.stringContaining('install glpk.js'),
    });
  });

  it('highs (a dependency) missing from a broken install: a coded error that says to reinstall it', async () => {
    const { allocate } = await import('../../src/index');
    const { referenceReviews } = await import('../helpers');
    await expect(
      allocate(referenceReviews(), { objective: 'gross', budget: 10, solver: 'highs' }),
    ).rejects.toMatchObject({
      code: 'ALLOCATION_SOLVER_MISSING',
      message: expect.stringContaining('reinstall it (npm install highs)'),
    });
  });
});
