import { createTable } from '@impact/contracts';
import { describe, expect, it } from 'vitest';
import { MeasureError } from '../../src/errors';
import { createSimulatorSource, importSimulator, joinProductCovariates } from '../../src/sources/simulator';

const products = createTable({
  product_id: ['a', 'b'],
  brand: ['X', 'Y'],
  baseline_traffic: Float64Array.of(10, 20),
  treated: Uint8Array.of(1, 0),
});
const metrics = createTable({
  product_id: ['a', 'b', 'a', 'b'],
  day: Int32Array.of(0, 0, 1, 1),
  revenue: Float64Array.of(1, 2, 3, 4),
  treated: Uint8Array.of(1, 0, 1, 0),
});

describe('simulator data source', () => {
  it('joins product covariates onto product-day rows', () => {
    const table = joinProductCovariates(metrics, products);
    expect(table.columns.brand).toEqual(['X', 'Y', 'X', 'Y']);
    expect(Array.from(table.columns.baseline_traffic as Float64Array)).toEqual([10, 20, 10, 20]);
    expect(table.columns.treated).toBe(metrics.columns.treated);
  });
  it('uses an injected simulate library', async () => {
    const seen: unknown[] = [];
    const source = createSimulatorSource({
      lib: {
        simulate: (config) => {
          seen.push(config);
          return { products, metrics };
        },
      },
    });
    const table = await source.load({ config: { seed: 3 } }, { baseDir: '.', seed: 0 });
    expect(seen).toEqual([{ seed: 3 }]);
    expect(table.rowCount).toBe(4);
  });
  it('says what to install when @impact/simulate is absent', async () => {
    const source = createSimulatorSource({ load: () => importSimulator('@impact/not-installed-simulator') });
    const failure = source.load({ config: {} }, { baseDir: '.', seed: 0 });
    await expect(failure).rejects.toThrow(MeasureError);
    await expect(failure).rejects.toMatchObject({
      code: 'DATA_SOURCE_UNAVAILABLE',
      message: expect.stringMatching(/install it/),
    });
  });
});
